//! Order refunds (seed 004), end to end through order_refunds.wasm.

mod common;
use common::*;

const WRITE: (&str, &str) = ("authorization", "Bearer dev-order-token");
const READ: (&str, &str) = ("authorization", "Bearer dev-order-read-token");

/// Order 12: rows 1 (100.00) and 2 (50.00), shipping 49.00, invoice fee 19.00: 218.00 paid.
async fn host_with_order() -> TestHost {
    let host = TestHost::new();
    let body = json!({"customerId": 501, "currency": "SEK", "rows": [{"rowId": 1, "amount": "100.00"}, {"rowId": 2, "amount": 50}],
        "shipping": 49, "invoiceFee": 19});
    let reply = host
        .request(
            "PUT",
            "/admin/v1/sources/order/12",
            &[ADMIN, JSON],
            body.to_string(),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text());
    host
}

async fn create(host: &TestHost, body: Value) -> Reply {
    host.request("POST", "/orders/12/refunds", &[WRITE, JSON], body.to_string())
        .await
}

async fn order_state(host: &TestHost) -> Value {
    host.request("GET", "/admin/v1/sources/order/12", &[ADMIN], "")
        .await
        .json()
}

fn details(reply: &Reply) -> Vec<String> {
    reply.json()["Details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_str().unwrap().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refund_answers_with_its_uuid() {
    let host = host_with_order().await;
    let reply = create(
        &host,
        json!({"RefundAmount": 10.5, "Reference": "R-1", "Author": "Kim", "Description": "Dented"}),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    let body = reply.json();
    assert_eq!(body["Resource"].as_str().unwrap().len(), 36);
    assert_eq!(body["Details"], json!([]));
    assert_eq!(
        reply.ops,
        OpCounts {
            opens: 1,
            reads: 1,
            writes: 1
        }
    );
    let list = host
        .request("GET", "/orders/12/refunds", &[READ], "")
        .await
        .json();
    let refund = &list["Refunds"][0];
    assert_eq!(refund["Id"], body["Resource"]);
    assert_eq!(
        (refund["RefundTypeName"].clone(), refund["Status"].clone()),
        (json!("Default"), json!("Pending"))
    );
    assert_eq!(refund["RefundAmount"], json!(10.5));
    assert_eq!(refund["Author"], "Kim");
    assert_eq!(list["Refundable"], json!(207.5));
    let outbox = &order_state(&host).await["state"]["outbox"];
    assert_eq!(outbox[0]["type"], "refund.created");
    assert_eq!(outbox[0]["refundId"], body["Resource"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn one_refund_reads_as_the_list_shows_it() {
    let host = host_with_order().await;
    let mut ids = Vec::new();
    for body in [
        json!({"RefundAmount": 10, "Reference": "R-1"}),
        json!({"RefundAmount": 49, "RefundType": 2, "Settled": true}),
    ] {
        let reply = create(&host, body).await;
        assert_eq!(reply.status, 200, "{}", reply.text());
        ids.push(reply.json()["Resource"].as_str().unwrap().to_string());
    }
    let list = host
        .request("GET", "/orders/12/refunds", &[READ], "")
        .await
        .json();
    for (i, id) in ids.iter().enumerate() {
        let reply = host
            .request("GET", &format!("/orders/12/refunds/{id}"), &[READ], "")
            .await;
        assert_eq!(reply.status, 200, "{}", reply.text());
        assert_eq!(reply.json(), list["Refunds"][i]);
        assert_eq!(
            reply.ops,
            OpCounts {
                opens: 1,
                reads: 1,
                writes: 0
            }
        );
    }
    assert_eq!(list["Refunds"][1]["Status"], "Settled");

    let unknown = "00000000-0000-4000-8000-000000000000";
    for (path, status) in [
        (format!("/orders/12/refunds/{unknown}"), 404),
        (format!("/orders/13/refunds/{}", ids[0]), 404),
        (format!("/orders/x/refunds/{}", ids[0]), 400),
    ] {
        let reply = host.request("GET", &path, &[READ], "").await;
        assert_eq!(reply.status, status, "{path}: {}", reply.text());
        assert_eq!(reply.json()["Resource"], Value::Null, "{path}");
    }
    let path = format!("/orders/12/refunds/{}", ids[0]);
    assert_eq!(host.request("GET", &path, &[], "").await.status, 401);
    let post = host.request("POST", &path, &[WRITE, JSON], "{}").await;
    assert_eq!((post.status, post.header("allow")), (405, Some("GET")));
}

#[tokio::test(flavor = "multi_thread")]
async fn each_field_is_validated_with_every_message_listed() {
    let host = host_with_order().await;
    let cases = [
        (json!({}), "RefundAmount"),
        (json!({"RefundAmount": 0}), "RefundAmount"),
        (json!({"RefundAmount": "5"}), "RefundAmount"),
        (json!({"RefundAmount": 1.005}), "RefundAmount"),
        (json!({"RefundAmount": 1, "OrderRowId": 9}), "OrderRowId"),
        (json!({"RefundAmount": 1, "OrderRowId": "1"}), "OrderRowId"),
        (json!({"RefundAmount": 1, "RefundType": 4}), "RefundType"),
        (
            json!({"RefundAmount": 1, "RefundType": 2, "OrderRowId": 1}),
            "OrderRowId",
        ),
        (json!({"RefundAmount": 1, "ToBalance": "true"}), "ToBalance"),
        (json!({"RefundAmount": 1, "Settled": 1}), "Settled"),
        (
            json!({"RefundAmount": 1, "SkipRefundEvents": null, "RefundsRequireApproval": "no"}),
            "RefundsRequireApproval",
        ),
        (json!({"RefundAmount": 1, "Reference": 5}), "Reference"),
    ];
    for (body, field) in cases {
        let reply = create(&host, body.clone()).await;
        assert_eq!(reply.status, 400, "{body}: {}", reply.text());
        assert_eq!(reply.json()["Resource"], Value::Null);
        assert!(
            details(&reply).iter().any(|d| d.starts_with(field)),
            "{body}: {:?}",
            details(&reply)
        );
    }
    let many = create(&host, json!({"RefundType": 9, "Author": [], "OrderRowId": -1})).await;
    assert_eq!(details(&many).len(), 4, "{:?}", details(&many));
    assert_eq!(order_state(&host).await["refunded"], json!(0));
}

#[tokio::test(flavor = "multi_thread")]
async fn names_match_in_any_case_and_ids_are_checked() {
    let host = host_with_order().await;
    assert_eq!(
        create(
            &host,
            json!({"refundamount": 1, "REFUNDTYPE": 0, "orderrowid": 2})
        )
        .await
        .status,
        200
    );
    assert_eq!(
        host.request(
            "POST",
            "/orders/abc/refunds",
            &[WRITE, JSON],
            r#"{"RefundAmount": 1}"#
        )
        .await
        .status,
        400
    );
    assert_eq!(
        host.request(
            "POST",
            "/orders/2147483648/refunds",
            &[WRITE, JSON],
            r#"{"RefundAmount": 1}"#
        )
        .await
        .status,
        400
    );
    let missing = host
        .request(
            "POST",
            "/orders/13/refunds",
            &[WRITE, JSON],
            r#"{"RefundAmount": 1}"#,
        )
        .await;
    assert_eq!(missing.status, 404);
    assert!(missing.json()["Message"].as_str().unwrap().contains("order 13"));
    assert_eq!(
        host.request("GET", "/orders/13/refunds", &[READ], "")
            .await
            .status,
        404
    );
    assert_eq!(
        host.request("POST", "/orders/12/refunds", &[JSON], r#"{"RefundAmount": 1}"#)
            .await
            .status,
        401
    );
    assert_eq!(
        host.request(
            "POST",
            "/orders/12/refunds",
            &[READ, JSON],
            r#"{"RefundAmount": 1}"#
        )
        .await
        .status,
        403
    );
    assert_eq!(
        host.request("POST", "/orders/12/refunds", &[WRITE, JSON], "")
            .await
            .status,
        400,
        "a body is required"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn each_refund_type_has_its_own_limit() {
    let host = host_with_order().await;
    // Shipping (2): at most 49.
    assert_eq!(
        create(&host, json!({"RefundAmount": 49.01, "RefundType": 2}))
            .await
            .status,
        400
    );
    assert_eq!(
        create(&host, json!({"RefundAmount": 49, "RefundType": 2}))
            .await
            .status,
        200
    );
    assert_eq!(
        create(&host, json!({"RefundAmount": 0.01, "RefundType": 2}))
            .await
            .status,
        400
    );
    // InvoiceFee (3): at most 19.
    assert_eq!(
        create(&host, json!({"RefundAmount": 20, "RefundType": 3}))
            .await
            .status,
        400
    );
    assert_eq!(
        create(&host, json!({"RefundAmount": 19, "RefundType": 3}))
            .await
            .status,
        200
    );
    // Rows: row 2 holds 50.
    assert_eq!(
        create(&host, json!({"RefundAmount": 50.01, "OrderRowId": 2}))
            .await
            .status,
        400
    );
    assert_eq!(
        create(&host, json!({"RefundAmount": 30, "OrderRowId": 2}))
            .await
            .status,
        200
    );
    // InstanceCost (1): a return cost on row 2 leaves 10 refundable on it, pays nothing out.
    let cost = create(
        &host,
        json!({"RefundAmount": 10, "RefundType": 1, "OrderRowId": 2}),
    )
    .await;
    assert_eq!(cost.status, 200);
    assert_eq!(
        create(&host, json!({"RefundAmount": 10.01, "OrderRowId": 2}))
            .await
            .status,
        400
    );
    // Default without a row: against what is left of the order (218 - 49 - 19 - 30 - 10 = 110).
    let over = create(&host, json!({"RefundAmount": 110.01})).await;
    assert_eq!(over.status, 400);
    assert!(
        details(&over)[0].contains("110.00 SEK left"),
        "{:?}",
        details(&over)
    );
    assert_eq!(create(&host, json!({"RefundAmount": 110})).await.status, 200);
    let state = order_state(&host).await;
    assert_eq!(state["refundable"], json!(0));
    let kinds: Vec<Value> = host
        .request("GET", "/orders/12/refunds", &[READ], "")
        .await
        .json()["Refunds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["RefundTypeName"].clone())
        .collect();
    assert_eq!(
        kinds,
        [
            json!("Shipping"),
            json!("InvoiceFee"),
            json!("Default"),
            json!("InstanceCost"),
            json!("Default")
        ]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn to_balance_settled_and_skipped_events() {
    let host = host_with_order().await;
    assert_eq!(
        create(&host, json!({"RefundAmount": 20, "ToBalance": true}))
            .await
            .status,
        200
    );
    assert_eq!(
        create(&host, json!({"RefundAmount": 5, "Settled": true}))
            .await
            .status,
        200
    );
    assert_eq!(
        create(&host, json!({"RefundAmount": 5, "SkipRefundEvents": true}))
            .await
            .status,
        200
    );
    let state = order_state(&host).await;
    assert_eq!(state["state"]["customerBalance"], "20");
    let events: Vec<Value> = state["state"]["outbox"].as_array().unwrap().clone();
    assert_eq!(
        events.len(),
        1,
        "only the to-balance refund raised an event: {events:?}"
    );
    let statuses: Vec<Value> = host
        .request("GET", "/orders/12/refunds", &[READ], "")
        .await
        .json()["Refunds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["Status"].clone())
        .collect();
    assert_eq!(statuses, [json!("Settled"), json!("Settled"), json!("Pending")]);
}

async fn decide(host: &TestHost, id: &str, decision: &str) -> Reply {
    host.request(
        "POST",
        &format!("/orders/12/refunds/{id}/{decision}"),
        &[WRITE],
        "",
    )
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn approval_reserves_then_approve_or_reject() {
    let host = host_with_order().await;
    let first = create(
        &host,
        json!({"RefundAmount": 200, "RefundsRequireApproval": true}),
    )
    .await;
    assert_eq!(first.json()["Message"], "Refund created and awaiting approval");
    let first = first.json()["Resource"].as_str().unwrap().to_string();
    assert_eq!(
        create(&host, json!({"RefundAmount": 18.01})).await.status,
        400,
        "200 is reserved"
    );

    let rejected = decide(&host, &first, "reject").await;
    assert_eq!(rejected.status, 200, "{}", rejected.text());
    assert_eq!(
        order_state(&host).await["refundable"],
        json!(218),
        "rejection releases the reservation"
    );
    assert_eq!(
        decide(&host, &first, "approve").await.status,
        409,
        "rejected is final"
    );

    let second = create(
        &host,
        json!({"RefundAmount": 30, "RefundsRequireApproval": true, "ToBalance": true}),
    )
    .await;
    let second = second.json()["Resource"].as_str().unwrap().to_string();
    assert_eq!(
        decide(&host, &second, "approve").await.json()["Message"],
        "Refund approved"
    );
    let state = order_state(&host).await;
    assert_eq!(state["state"]["customerBalance"], "30");
    let types: Vec<Value> = state["state"]["outbox"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].clone())
        .collect();
    assert_eq!(
        types,
        [
            json!("refund.pending_approval"),
            json!("refund.rejected"),
            json!("refund.pending_approval"),
            json!("refund.approved")
        ]
    );
    // Settled refunds skip approval altogether.
    let settled = create(
        &host,
        json!({"RefundAmount": 1, "RefundsRequireApproval": true, "Settled": true}),
    )
    .await;
    assert_eq!(settled.json()["Message"], "Refund created and settled");
    assert_eq!(
        decide(&host, "00000000-0000-4000-8000-000000000000", "approve")
            .await
            .status,
        404
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn idempotent_replay() {
    let host = host_with_order().await;
    let key = ("idempotency-key", "order-12-a");
    let body = json!({"RefundAmount": 7}).to_string();
    let first = host
        .request("POST", "/orders/12/refunds", &[WRITE, JSON, key], body.clone())
        .await;
    let again = host
        .request("POST", "/orders/12/refunds", &[WRITE, JSON, key], body)
        .await;
    assert_eq!(again.status, 200);
    assert_eq!(again.json()["Resource"], first.json()["Resource"]);
    assert_eq!(again.ops.writes, 0);
    let other = host
        .request(
            "POST",
            "/orders/12/refunds",
            &[WRITE, JSON, key],
            r#"{"RefundAmount": 8}"#,
        )
        .await;
    assert_eq!(other.status, 409);
    assert_eq!(order_state(&host).await["refunded"], json!(7));
}
