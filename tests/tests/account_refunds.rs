//! Account refunds (seed 001, TM Forum), end to end through account_refunds.wasm.

mod common;
use common::*;

const WRITE: (&str, &str) = ("authorization", "Bearer dev-account-token");
const READ: (&str, &str) = ("authorization", "Bearer dev-account-read-token");
const TMF_JSON: (&str, &str) = ("content-type", "application/json;charset=utf-8");
const ACCOUNT: &str = "0.0.0.1+-account+84808";

async fn host_with_account() -> TestHost {
    let host = TestHost::new();
    let body = json!({
        "name": "Grace Wang", "currency": "USD",
        "paymentMethod": {"id": "0.0.0.1+-payinfo-dd+249648", "@type": "PaymentMethodRef", "name": "Grace Wang's Direct Debit Account"},
        "payments": [{"id": "pay-1", "amount": "60.00"}, {"id": "pay-2", "amount": 40}]
    });
    let reply = host
        .request(
            "PUT",
            &format!("/admin/v1/sources/account/{ACCOUNT}"),
            &[ADMIN, JSON],
            body.to_string(),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text());
    host
}

async fn post(host: &TestHost, body: &Value) -> Reply {
    host.request("POST", "/refund", &[WRITE, TMF_JSON], body.to_string())
        .await
}

async fn post_keyed(host: &TestHost, key: &str, body: &Value) -> Reply {
    host.request(
        "POST",
        "/refund",
        &[WRITE, TMF_JSON, ("idempotency-key", key)],
        body.to_string(),
    )
    .await
}

/// The seed's own example request.
fn seed_request() -> Value {
    json!({
        "@type": "RefundCreate",
        "account": {"id": ACCOUNT},
        "paymentMethod": {"id": "0.0.0.1+-payinfo-dd+249648", "@type": "PaymentMethodRef"},
        "totalAmount": {"value": 10, "unit": "USD"},
        "description": "Refunding service fee."
    })
}

fn assert_tmf_error(reply: &Reply, status: u16) -> Value {
    assert_eq!(reply.status, status, "{}", reply.text());
    let body = reply.json();
    assert_eq!(body["@type"], "Error");
    assert_eq!(body["status"], status.to_string());
    assert!(body["code"].is_string() && body["reason"].is_string());
    body
}

#[tokio::test(flavor = "multi_thread")]
async fn the_seeds_example_gets_a_response_shaped_like_the_seeds() {
    let host = host_with_account().await;
    let reply = post(&host, &seed_request()).await;
    assert_eq!(reply.status, 201, "{}", reply.text());
    let body = reply.json();
    let id = format!("{ACCOUNT}~1");
    assert_eq!(body["id"], id);
    assert_eq!(body["href"], format!("http://localhost:3000/refund/{id}"));
    assert_eq!(body["status"], "Success");
    assert_eq!(body["description"], "Refunding service fee.");
    assert_eq!(
        body["account"],
        json!({"id": ACCOUNT, "href": null, "description": null, "name": "Grace Wang",
        "@baseType": null, "@schemaLocation": null, "@type": null, "@referredType": "billingAccount"})
    );
    assert_eq!(body["channel"]["id"], "0");
    assert_eq!(body["channel"]["name"], "Unspecified");
    assert_eq!(body["paymentMethod"]["@baseType"], "PaymentMethodRefOrValue");
    assert_eq!(body["paymentMethod"]["isPreferred"], true);
    assert_eq!(body["paymentMethod"]["name"], "Grace Wang's Direct Debit Account");
    assert_eq!(body["totalAmount"], json!({"unit": "USD", "value": 10}));
    assert_eq!(
        (body["@type"].clone(), body["@baseType"].clone()),
        (json!("Refund"), json!("Refund"))
    );
    for absent in [
        "amount",
        "taxAmount",
        "payment",
        "requestor",
        "authorizationCode",
        "correlatorId",
        "name",
    ] {
        assert!(body[absent].is_null(), "{absent} should be null");
    }
    // Every member of the seed's example response is present.
    let members = [
        "id",
        "href",
        "authorizationCode",
        "correlatorId",
        "description",
        "name",
        "refundDate",
        "status",
        "statusDate",
        "account",
        "amount",
        "channel",
        "payment",
        "paymentMethod",
        "requestor",
        "taxAmount",
        "totalAmount",
        "@baseType",
        "@schemaLocation",
        "@type",
    ];
    for m in members {
        assert!(body.as_object().unwrap().contains_key(m), "missing {m}");
    }
    assert!(body["refundDate"].as_str().unwrap().ends_with('Z'));
    assert_eq!(
        reply.ops,
        OpCounts {
            opens: 1,
            reads: 1,
            writes: 1
        }
    );

    let read = host.request("GET", &format!("/refund/{id}"), &[READ], "").await;
    assert_eq!(read.status, 200);
    assert_eq!(read.json(), body);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_different_card_is_replaced_by_the_assigned_one_cash_is_kept() {
    let host = host_with_account().await;
    let mut other_card = seed_request();
    other_card["paymentMethod"] =
        json!({"id": "stolen-card", "@type": "PaymentMethodRef", "@referredType": "bankCard"});
    let body = post(&host, &other_card).await.json();
    assert_eq!(body["paymentMethod"]["id"], "0.0.0.1+-payinfo-dd+249648");
    let mut cash = seed_request();
    cash["paymentMethod"] = json!({"id": "till-3", "@type": "Cash", "name": "Front desk"});
    let body = post(&host, &cash).await.json();
    assert_eq!(body["paymentMethod"]["id"], "till-3");
    assert_eq!(body["paymentMethod"]["@type"], "Cash");
}

/// A change to the seed's request, named, and the field the refusal must name.
type Case = (&'static str, Box<dyn Fn(&mut Value)>, &'static str);

#[tokio::test(flavor = "multi_thread")]
async fn each_required_field_and_enum() {
    let host = host_with_account().await;
    let cases: Vec<Case> = vec![
        (
            "no account",
            Box::new(|b| {
                b.as_object_mut().unwrap().remove("account");
            }),
            "account",
        ),
        (
            "no account.id",
            Box::new(|b| b["account"] = json!({})),
            "account.id",
        ),
        (
            "no totalAmount",
            Box::new(|b| {
                b.as_object_mut().unwrap().remove("totalAmount");
            }),
            "totalAmount",
        ),
        (
            "no unit",
            Box::new(|b| b["totalAmount"] = json!({"value": 1})),
            "totalAmount.unit",
        ),
        (
            "bad unit",
            Box::new(|b| b["totalAmount"]["unit"] = json!("DOLLARS")),
            "totalAmount.unit",
        ),
        (
            "zero",
            Box::new(|b| b["totalAmount"]["value"] = json!(0)),
            "totalAmount.value",
        ),
        (
            "string value",
            Box::new(|b| b["totalAmount"]["value"] = json!("10")),
            "totalAmount.value",
        ),
        (
            "too precise",
            Box::new(|b| b["totalAmount"]["value"] = json!(0.001)),
            "totalAmount.value",
        ),
        (
            "no paymentMethod",
            Box::new(|b| {
                b.as_object_mut().unwrap().remove("paymentMethod");
            }),
            "paymentMethod",
        ),
        (
            "no method id",
            Box::new(|b| b["paymentMethod"] = json!({"@type": "Cash"})),
            "paymentMethod.id",
        ),
        (
            "no method type",
            Box::new(|b| b["paymentMethod"] = json!({"id": "x"})),
            "paymentMethod.@type",
        ),
        (
            "bad method type",
            Box::new(|b| b["paymentMethod"]["@type"] = json!("Bitcoin")),
            "paymentMethod.@type",
        ),
        (
            "bad referred type",
            Box::new(|b| b["paymentMethod"]["@referredType"] = json!("voucher")),
            "paymentMethod.@referredType",
        ),
        (
            "requestor incomplete",
            Box::new(|b| b["requestor"] = json!({"id": "u1"})),
            "requestor.@referredType",
        ),
        (
            "channel without id",
            Box::new(|b| b["channel"] = json!({"name": "web"})),
            "channel.id",
        ),
        (
            "unknown account",
            Box::new(|b| b["account"]["id"] = json!("nobody")),
            "account.id",
        ),
        (
            "other currency",
            Box::new(|b| b["totalAmount"]["unit"] = json!("EUR")),
            "totalAmount.unit",
        ),
        (
            "unknown payment",
            Box::new(|b| b["payment"] = json!({"id": "pay-9"})),
            "payment.id",
        ),
    ];
    for (name, change, field) in cases {
        let mut body = seed_request();
        change(&mut body);
        let reply = post(&host, &body).await;
        let error = assert_tmf_error(&reply, 400);
        assert!(
            error["message"].as_str().unwrap().contains(field),
            "{name}: {error}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_optional_member_is_stored_and_read_back() {
    let host = host_with_account().await;
    let mut body = seed_request();
    body["amount"] = json!({"value": 8.5, "unit": "USD"});
    body["taxAmount"] = json!({"value": 1.5, "unit": "USD"});
    body["payment"] = json!({"id": "pay-1"});
    body["channel"] = json!({"id": "web", "name": "Web shop"});
    body["requestor"] = json!({"id": "u1", "name": "Ada", "role": "agent", "@referredType": "Individual"});
    body["authorizationCode"] = json!("auth-7");
    body["correlatorId"] = json!("corr-7");
    body["name"] = json!("fee refund");
    let created = post(&host, &body).await;
    assert_eq!(created.status, 201, "{}", created.text());
    let created = created.json();
    let id = created["id"].as_str().unwrap();
    let read = host.request("GET", &format!("/refund/{id}"), &[READ], "").await;
    assert_eq!(read.status, 200, "{}", read.text());
    let read = read.json();
    assert_eq!(read, created, "a GET shows the refund as its POST did");
    assert_eq!(read["amount"], json!({"unit": "USD", "value": 8.5}));
    assert_eq!(read["taxAmount"], json!({"unit": "USD", "value": 1.5}));
    assert_eq!(read["totalAmount"], json!({"unit": "USD", "value": 10}));
    assert_eq!(read["payment"]["id"], "pay-1");
    assert_eq!(
        (read["channel"]["id"].clone(), read["channel"]["name"].clone()),
        (json!("web"), json!("Web shop"))
    );
    assert_eq!(
        read["requestor"],
        json!({"id": "u1", "href": null, "name": "Ada", "role": "agent", "@baseType": null,
            "@schemaLocation": null, "@type": null, "@referredType": "Individual"})
    );
    assert_eq!(read["account"]["name"], "Grace Wang");
    assert_eq!(read["paymentMethod"]["id"], "0.0.0.1+-payinfo-dd+249648");
    assert_eq!(read["paymentMethod"]["@type"], "PaymentMethodRef");
    assert_eq!(read["paymentMethod"]["name"], "Grace Wang's Direct Debit Account");
    for (member, value) in [
        ("authorizationCode", "auth-7"),
        ("correlatorId", "corr-7"),
        ("name", "fee refund"),
        ("description", "Refunding service fee."),
    ] {
        assert_eq!(read[member], value, "{member}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn money_must_add_up() {
    let host = host_with_account().await;
    let mut body = seed_request();
    body["amount"] = json!({"value": 8, "unit": "USD"});
    body["taxAmount"] = json!({"value": 2, "unit": "USD"});
    let ok = post(&host, &body).await;
    assert_eq!(ok.status, 201);
    assert_eq!(ok.json()["taxAmount"], json!({"unit": "USD", "value": 2}));
    body["taxAmount"]["value"] = json!(1);
    let error = assert_tmf_error(&post(&host, &body).await, 400);
    assert!(error["reason"].as_str().unwrap().starts_with("totalAmount.value"));
    body["taxAmount"] = json!({"value": 2, "unit": "EUR"});
    let error = assert_tmf_error(&post(&host, &body).await, 400);
    assert!(error["message"].as_str().unwrap().contains("taxAmount.unit"));
}

#[tokio::test(flavor = "multi_thread")]
async fn over_refund_and_payment_remainders_are_409() {
    let host = host_with_account().await;
    let mut on_payment = seed_request();
    on_payment["payment"] = json!({"id": "pay-2"});
    on_payment["totalAmount"]["value"] = json!(40);
    assert_eq!(post(&host, &on_payment).await.status, 201);
    on_payment["totalAmount"]["value"] = json!(0.01);
    let error = assert_tmf_error(&post(&host, &on_payment).await, 409);
    assert!(error["message"].as_str().unwrap().contains("payment pay-2"));
    let mut rest = seed_request();
    rest["totalAmount"]["value"] = json!(60);
    assert_eq!(post(&host, &rest).await.status, 201);
    rest["totalAmount"]["value"] = json!(0.01);
    assert_tmf_error(&post(&host, &rest).await, 409);
}

#[tokio::test(flavor = "multi_thread")]
async fn correlator_id_replays_and_conflicts() {
    let host = host_with_account().await;
    let mut body = seed_request();
    body["correlatorId"] = json!("R1-30");
    let first = post(&host, &body).await;
    assert_eq!(first.status, 201);
    let again = post(&host, &body).await;
    assert_eq!(again.status, 201);
    assert_eq!(again.json(), first.json());
    assert_eq!(again.ops.writes, 0);
    body["totalAmount"]["value"] = json!(11);
    let error = assert_tmf_error(&post(&host, &body).await, 409);
    assert!(error["message"].as_str().unwrap().contains("correlatorId"));
    let refunded = host
        .request(
            "GET",
            &format!("/admin/v1/sources/account/{ACCOUNT}"),
            &[ADMIN],
            "",
        )
        .await
        .json();
    assert_eq!(refunded["refunded"], json!(10));
}

/// A request sent with an Idempotency-Key and a correlatorId is one request under both keys:
/// sent again with only its correlatorId, or under a new Idempotency-Key, it is replayed; its
/// Idempotency-Key with another correlatorId is a conflict.
#[tokio::test(flavor = "multi_thread")]
async fn a_header_key_and_a_correlator_id_name_one_request() {
    let host = host_with_account().await;
    let mut body = seed_request();
    body["correlatorId"] = json!("R1-40");
    let first = post_keyed(&host, "k-40", &body).await;
    assert_eq!(first.status, 201, "{}", first.text());
    for again in [post(&host, &body).await, post_keyed(&host, "k-41", &body).await] {
        assert_eq!(again.status, 201, "{}", again.text());
        assert_eq!(again.json(), first.json());
        assert_eq!(again.ops.writes, 0);
    }
    body["correlatorId"] = json!("R1-41");
    let error = assert_tmf_error(&post_keyed(&host, "k-40", &body).await, 409);
    assert!(error["message"].as_str().unwrap().contains("Idempotency-Key"));
}

#[tokio::test(flavor = "multi_thread")]
async fn other_methods_are_405_and_tokens_401_403() {
    let host = host_with_account().await;
    for method in ["PUT", "DELETE", "PATCH"] {
        let refused = host.request(method, "/refund", &[WRITE], "").await;
        assert_tmf_error(&refused, 405);
        assert_eq!(refused.header("allow"), Some("GET, POST"), "{method}");
    }
    let none = host
        .request("POST", "/refund", &[TMF_JSON], seed_request().to_string())
        .await;
    assert_tmf_error(&none, 401);
    let read_only = host
        .request("POST", "/refund", &[READ, TMF_JSON], seed_request().to_string())
        .await;
    assert_tmf_error(&read_only, 403);
    assert_tmf_error(&host.request("GET", "/refund/nobody~1", &[READ], "").await, 404);
}

#[tokio::test(flavor = "multi_thread")]
async fn lists_page_by_page_with_counts() {
    let host = host_with_account().await;
    for _ in 0..25 {
        let mut body = seed_request();
        body["totalAmount"]["value"] = json!(1);
        assert_eq!(post(&host, &body).await.status, 201);
    }
    let first = host
        .request("GET", &format!("/refund?account.id={ACCOUNT}"), &[READ], "")
        .await;
    assert_eq!(first.status, 200);
    assert_eq!(first.header("x-total-count"), Some("25"));
    assert_eq!(first.header("x-result-count"), Some("20"));
    assert_eq!(first.json()[0]["id"], format!("{ACCOUNT}~25"), "newest first");
    let last = host
        .request(
            "GET",
            &format!("/refund?account.id={ACCOUNT}&offset=20&limit=10"),
            &[READ],
            "",
        )
        .await;
    assert_eq!(last.header("x-result-count"), Some("5"));
    assert_eq!(last.json()[4]["id"], format!("{ACCOUNT}~1"));
    assert_tmf_error(
        &host
            .request(
                "GET",
                &format!("/refund?account.id={ACCOUNT}&limit=101"),
                &[READ],
                "",
            )
            .await,
        400,
    );
    assert_tmf_error(&host.request("GET", "/refund", &[READ], "").await, 400);
}
