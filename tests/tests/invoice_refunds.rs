//! Invoice refunds (seed 000), end to end through invoice_refunds.wasm.

mod common;
use common::*;

const WRITE: (&str, &str) = ("authorization", "Bearer dev-invoice-token");
const READ: (&str, &str) = ("authorization", "Bearer dev-invoice-read-token");

async fn host_with_invoice(id: u64, paid: &str, currency: &str) -> TestHost {
    let host = TestHost::new();
    load_invoice(&host, id, paid, currency).await;
    host
}

async fn load_invoice(host: &TestHost, id: u64, paid: &str, currency: &str) {
    let body = format!(
        r#"{{"customerId": 77, "billRunType": "NORMAL", "currency": "{currency}", "amountPaid": "{paid}", "paymentMethod": "STRIPE"}}"#
    );
    let reply = host
        .request(
            "PUT",
            &format!("/admin/v1/sources/invoice/{id}"),
            &[ADMIN, JSON],
            body,
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text());
}

async fn refund(host: &TestHost, body: &str, extra: &[(&str, &str)]) -> Reply {
    let mut headers = vec![WRITE, JSON];
    headers.extend_from_slice(extra);
    host.request("POST", "/refunds", &headers, body.to_string()).await
}

fn amount_body(invoice: u64, amount: &str) -> String {
    format!(r#"{{"invoiceId": {invoice}, "billRunType": "NORMAL", "amountInMajorCurrency": {amount}}}"#)
}

fn fields(reply: &Reply) -> Vec<String> {
    reply.json()["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap().to_string())
        .collect()
}

async fn refunded(host: &TestHost, invoice: u64) -> Value {
    host.request(
        "GET",
        &format!("/admin/v1/sources/invoice/{invoice}"),
        &[ADMIN],
        "",
    )
    .await
    .json()["refunded"]
        .clone()
}

#[tokio::test(flavor = "multi_thread")]
async fn creates_a_refund_with_the_documented_fields() {
    let host = host_with_invoice(1, "100.00", "GBP").await;
    let reply = refund(
        &host,
        r#"{"invoiceId": 1, "billRunType": "NORMAL", "description": "Goodwill", "paymentMethod": "BACS", "amountInMajorCurrency": 10.5}"#,
        &[],
    )
    .await;
    assert_eq!(reply.status, 201, "{}", reply.text());
    assert_eq!(
        reply.json(),
        json!({"id": 1_000_001, "invoiceId": 1, "customerId": 77, "billRunType": "NORMAL",
               "thirdPartyRefundStatus": "CREATED", "description": "Goodwill", "errorInfo": null,
               "paymentMethod": "BACS", "amountInMajorCurrency": 10.5})
    );
    // One open, one read (compare-and-swap current) and one write (the swap).
    assert_eq!(
        reply.ops,
        OpCounts {
            opens: 1,
            reads: 1,
            writes: 1
        }
    );

    let defaulted = refund(&host, &amount_body(1, "1"), &[]).await;
    assert_eq!(
        defaulted.json()["paymentMethod"],
        "STRIPE",
        "the invoice's own method when absent"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn partial_then_full_to_exactly_zero_then_over_refund() {
    let host = host_with_invoice(2, "10.10", "USD").await;
    assert_eq!(refund(&host, &amount_body(2, "0.1"), &[]).await.status, 201);
    assert_eq!(refund(&host, &amount_body(2, "3.33"), &[]).await.status, 201);
    assert_eq!(refund(&host, &amount_body(2, "6.67"), &[]).await.status, 201);
    assert_eq!(refunded(&host, 2).await, json!(10.1));
    let over = refund(&host, &amount_body(2, "0.01"), &[]).await;
    assert_eq!(over.status, 400);
    assert_eq!(over.json()["error"], "exceeds_refundable");
    assert_eq!(fields(&over), ["amountInMajorCurrency"]);
    assert!(
        over.json()["message"].as_str().unwrap().contains("0.00 USD left"),
        "{}",
        over.text()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn every_field_is_validated() {
    let host = host_with_invoice(3, "50", "JPY").await;
    let cases: &[(&str, &[&str])] = &[
        (r#"{}"#, &["invoiceId", "billRunType", "amountInMajorCurrency"]),
        (
            r#"{"invoiceId": "3", "billRunType": "NORMAL", "amountInMajorCurrency": 1}"#,
            &["invoiceId"],
        ),
        (
            r#"{"invoiceId": -3, "billRunType": "NORMAL", "amountInMajorCurrency": 1}"#,
            &["invoiceId"],
        ),
        (
            r#"{"invoiceId": 3, "billRunType": "WEEKLY", "amountInMajorCurrency": 1}"#,
            &["billRunType"],
        ),
        (
            r#"{"invoiceId": 3, "billRunType": "NORMAL", "paymentMethod": "CASH", "amountInMajorCurrency": 1}"#,
            &["paymentMethod"],
        ),
        (
            r#"{"invoiceId": 3, "billRunType": "NORMAL", "amountInMajorCurrency": 0}"#,
            &["amountInMajorCurrency"],
        ),
        (
            r#"{"invoiceId": 3, "billRunType": "NORMAL", "amountInMajorCurrency": -1}"#,
            &["amountInMajorCurrency"],
        ),
        (
            r#"{"invoiceId": 3, "billRunType": "NORMAL", "amountInMajorCurrency": "1"}"#,
            &["amountInMajorCurrency"],
        ),
        (
            r#"{"invoiceId": 3, "billRunType": "NORMAL", "amountInMajorCurrency": 1e400}"#,
            &["amountInMajorCurrency"],
        ),
        (
            r#"{"invoiceId": 3, "billRunType": "NORMAL", "amountInMajorCurrency": 1.5}"#,
            &["amountInMajorCurrency"],
        ),
        (
            r#"{"invoiceId": 3, "billRunType": "ADHOC", "amountInMajorCurrency": 1}"#,
            &["billRunType"],
        ),
        (
            r#"{"invoiceId": 404, "billRunType": "NORMAL", "amountInMajorCurrency": 1}"#,
            &["invoiceId"],
        ),
        (
            r#"{"invoiceId": 3, "invoiceId": 3, "billRunType": "NORMAL", "amountInMajorCurrency": 1}"#,
            &["body"],
        ),
        (r#"[1, 2]"#, &["body"]),
    ];
    for (body, expected) in cases {
        let reply = refund(&host, body, &[]).await;
        assert_eq!(reply.status, 400, "{body}: {}", reply.text());
        assert_eq!(reply.json()["status"], 400);
        assert_eq!(fields(&reply), *expected, "{body}");
    }
    let long = format!(
        r#"{{"invoiceId": 3, "billRunType": "NORMAL", "description": "{}", "amountInMajorCurrency": 1}}"#,
        "d".repeat(256)
    );
    assert_eq!(fields(&refund(&host, &long, &[]).await), ["description"]);
    assert_eq!(refunded(&host, 3).await, json!(0), "no refusal took anything");
}

#[tokio::test(flavor = "multi_thread")]
async fn tokens_401_and_403() {
    let host = host_with_invoice(4, "10", "EUR").await;
    let body = amount_body(4, "1");
    let none = host.request("POST", "/refunds", &[JSON], body.clone()).await;
    assert_eq!(none.status, 401);
    assert_eq!(none.header("www-authenticate"), Some("Bearer"));
    let wrong = host
        .request(
            "POST",
            "/refunds",
            &[JSON, ("authorization", "Bearer dev-admin-token")],
            body.clone(),
        )
        .await;
    assert_eq!(wrong.status, 401);
    let read_only = host.request("POST", "/refunds", &[JSON, READ], body).await;
    assert_eq!(read_only.status, 403);
    assert_eq!(read_only.json()["error"], "forbidden");
    assert_eq!(none.ops.opens, 0, "refused before touching the store");
}

#[tokio::test(flavor = "multi_thread")]
async fn idempotent_replay_returns_the_first_answer() {
    let host = host_with_invoice(5, "10", "EUR").await;
    let key = ("idempotency-key", "retry-1");
    let first = refund(&host, &amount_body(5, "4"), &[key]).await;
    assert_eq!(first.status, 201);
    let again = refund(&host, &amount_body(5, "4.00"), &[key]).await;
    assert_eq!(again.status, 200);
    assert_eq!(again.json(), first.json());
    assert_eq!(again.ops.writes, 0, "a replay writes nothing");
    let other = refund(&host, &amount_body(5, "5"), &[key]).await;
    assert_eq!(other.status, 409);
    assert_eq!(refunded(&host, 5).await, json!(4));
}

#[tokio::test(flavor = "multi_thread")]
async fn reads_one_and_lists_newest_first() {
    let host = host_with_invoice(6, "10", "EUR").await;
    for amount in ["1", "2", "3"] {
        refund(&host, &amount_body(6, amount), &[]).await;
    }
    let one = host.request("GET", "/refunds/6000002", &[READ], "").await;
    assert_eq!(one.status, 200);
    assert_eq!(one.json()["amountInMajorCurrency"], json!(2));
    assert_eq!(
        one.ops,
        OpCounts {
            opens: 1,
            reads: 1,
            writes: 0
        }
    );
    let list = host.request("GET", "/refunds?invoiceId=6", &[READ], "").await;
    let ids: Vec<i64> = list
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [6_000_003, 6_000_002, 6_000_001]);
    assert_eq!(
        host.request("GET", "/refunds/6000009", &[READ], "").await.status,
        404
    );
    assert_eq!(host.request("GET", "/refunds/abc", &[READ], "").await.status, 404);
    assert_eq!(
        host.request("GET", "/refunds?invoiceId=x", &[READ], "")
            .await
            .status,
        400
    );
    assert_eq!(host.request("GET", "/refunds/6000001", &[], "").await.status, 401);
    let delete = host.request("DELETE", "/refunds/6000001", &[WRITE], "").await;
    assert_eq!((delete.status, delete.header("allow")), (405, Some("GET")));
    let put = host.request("PUT", "/refunds", &[WRITE], "").await;
    assert_eq!((put.status, put.header("allow")), (405, Some("GET, POST")));
}

async fn set_status(host: &TestHost, id: i64, status: &str) -> Reply {
    let body = format!(r#"{{"thirdPartyRefundStatus": "{status}", "errorInfo": "from the provider"}}"#);
    host.request(
        "POST",
        &format!("/admin/v1/refunds/invoice/{id}/status"),
        &[ADMIN, JSON],
        body,
    )
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn lifecycle_and_release_of_funds() {
    let host = host_with_invoice(7, "10", "GBP").await;
    assert_eq!(refund(&host, &amount_body(7, "10"), &[]).await.status, 201);
    for status in ["PENDING_SUBMISSION", "SUBMITTED", "PAID"] {
        let reply = set_status(&host, 7_000_001, status).await;
        assert_eq!(reply.status, 200, "{status}: {}", reply.text());
        assert_eq!(reply.json()["thirdPartyRefundStatus"], status);
    }
    assert_eq!(
        set_status(&host, 7_000_001, "CREATED").await.status,
        409,
        "no way back"
    );
    let bounced = set_status(&host, 7_000_001, "BOUNCED").await;
    assert_eq!(bounced.json()["errorInfo"], "from the provider");
    assert_eq!(
        refunded(&host, 7).await,
        json!(0),
        "a bounce gives the amount back"
    );
    assert_eq!(refund(&host, &amount_body(7, "10"), &[]).await.status, 201);
    assert_eq!(
        set_status(&host, 7_000_001, "MANUALLY_REFUNDED").await.status,
        409,
        "it would exceed the invoice"
    );
    assert_eq!(set_status(&host, 7_000_002, "CANCELLED").await.status, 200);
    assert_eq!(
        set_status(&host, 7_000_002, "SUBMITTED").await.status,
        409,
        "cancelled is final"
    );
    assert_eq!(
        set_status(&host, 7_000_001, "MANUALLY_REFUNDED").await.status,
        200
    );
    assert_eq!(refunded(&host, 7).await, json!(10));

    assert_eq!(set_status(&host, 7_000_009, "PAID").await.status, 404);
    assert_eq!(set_status(&host, 7_000_001, "LOST").await.status, 400);
    let with_api_token = host
        .request(
            "POST",
            "/admin/v1/refunds/invoice/7000001/status",
            &[WRITE, JSON],
            r#"{"thirdPartyRefundStatus": "PAID"}"#,
        )
        .await;
    assert_eq!(with_api_token.status, 401, "the lifecycle takes the admin token");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_store_fault_mid_refund_counts_nothing() {
    let host = host_with_invoice(8, "10", "EUR").await;
    let key = ("idempotency-key", "fault-retry");
    // open, read (current), write (swap): fail each in turn.
    for nth in 1..=3 {
        host.set_faults(Faults {
            fail_nth: Some(nth),
            ..Faults::default()
        });
        let reply = refund(&host, &amount_body(8, "3"), &[key]).await;
        assert_eq!(reply.status, 500, "fault at operation {nth}: {}", reply.text());
        assert_eq!(reply.json()["error"], "store_unavailable");
        host.kv().clear_faults();
        assert_eq!(
            refunded(&host, 8).await,
            json!(0),
            "fault at operation {nth} counted something"
        );
    }
    let retry = refund(&host, &amount_body(8, "3"), &[key]).await;
    assert_eq!(retry.status, 201);
    assert_eq!(refund(&host, &amount_body(8, "3"), &[key]).await.status, 200);
    assert_eq!(refunded(&host, 8).await, json!(3));
}
