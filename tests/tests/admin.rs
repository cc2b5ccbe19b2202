//! The admin component, end to end through its .wasm.

mod common;
use common::*;

const INVOICE: &str = r#"{"customerId": 7, "billRunType": "NORMAL", "currency": "GBP", "amountPaid": "100.50", "paymentMethod": "BACS"}"#;

#[tokio::test(flavor = "multi_thread")]
async fn health_needs_no_token() {
    let host = TestHost::new();
    let reply = host.request("GET", "/admin/v1/health", &[], "").await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json()["status"], "ok");
    assert_eq!(reply.ops, OpCounts::default(), "health touches no store");
}

#[tokio::test(flavor = "multi_thread")]
async fn create_replace_and_read_a_source() {
    let host = TestHost::new();
    let created = host
        .request("PUT", "/admin/v1/sources/invoice/1", &[ADMIN, JSON], INVOICE)
        .await;
    assert_eq!(created.status, 201, "{}", created.text());
    assert_eq!(created.json()["captured"], json!(100.5));
    let replaced = host
        .request(
            "PUT",
            "/admin/v1/sources/invoice/1",
            &[ADMIN, JSON],
            INVOICE.replace("100.50", "120"),
        )
        .await;
    assert_eq!(replaced.status, 200);
    let read = host
        .request("GET", "/admin/v1/sources/invoice/1", &[ADMIN], "")
        .await;
    assert_eq!(read.status, 200);
    let body = read.json();
    assert_eq!(body["refundable"], json!(120));
    assert_eq!(body["source"]["customerId"], json!(7));
    assert_eq!(body["refundIds"], json!([]));
}

#[tokio::test(flavor = "multi_thread")]
async fn every_kind_loads() {
    let host = TestHost::new();
    let sources = [
        (
            "account/ACC-1",
            r#"{"name": "Ada", "currency": "EUR", "paymentMethod": {"id": "pm-1", "@type": "bankCard", "name": "Visa"}, "payments": [{"id": "p1", "amount": 50}]}"#,
        ),
        (
            "payment/2",
            r#"{"customerId": 5, "currency": "USD", "amount": 30, "reference": "r", "invoices": [{"invoiceId": 1, "invoiceNumber": 2, "amount": 20, "invoiceTotal": 50, "outstandingBalance": 30}]}"#,
        ),
        (
            "purchase/8f14e45f-ceea-467a-9575-3c5a2f5f4a8b",
            r#"{"status": "paid", "currency": "EUR", "total": 1050, "refundAvailability": "all", "client": {"email": "a@b.c", "full_name": "A B"}, "brandId": "b", "companyId": "c", "reference": "ref", "isTest": true}"#,
        ),
        (
            "order/12",
            r#"{"customerId": 1, "currency": "SEK", "rows": [{"rowId": 1, "amount": 100}], "shipping": 49, "invoiceFee": 19}"#,
        ),
    ];
    for (path, body) in sources {
        let reply = host
            .request("PUT", &format!("/admin/v1/sources/{path}"), &[ADMIN, JSON], body)
            .await;
        assert_eq!(reply.status, 201, "{path}: {}", reply.text());
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn refusals_use_the_error_shape() {
    let host = TestHost::new();
    let no_token = host.request("GET", "/admin/v1/sources/invoice/1", &[], "").await;
    assert_eq!(no_token.status, 401);
    assert_eq!(no_token.header("www-authenticate"), Some("Bearer"));
    let wrong = host
        .request(
            "GET",
            "/admin/v1/sources/invoice/1",
            &[("authorization", "Bearer nope")],
            "",
        )
        .await;
    assert_eq!(wrong.status, 401);
    assert_eq!(wrong.json()["error"], "unauthorized");

    assert_eq!(
        host.request("GET", "/admin/v1/sources/invoice/404", &[ADMIN], "")
            .await
            .status,
        404
    );
    assert_eq!(
        host.request("GET", "/admin/v1/sources/gadget/1", &[ADMIN], "")
            .await
            .status,
        404
    );

    let bad = host
        .request(
            "PUT",
            "/admin/v1/sources/invoice/1",
            &[ADMIN, JSON],
            r#"{"customerId": 7, "billRunType": "WEEKLY"}"#,
        )
        .await;
    assert_eq!(bad.status, 400);
    let fields: Vec<String> = bad.json()["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(fields, ["billRunType", "currency", "amountPaid", "paymentMethod"]);

    let malformed = host
        .request(
            "PUT",
            "/admin/v1/sources/invoice/1",
            &[ADMIN, JSON],
            "{\"customerId\": ",
        )
        .await;
    assert_eq!(malformed.status, 400);
    assert!(
        malformed.json()["fields"][0]["message"]
            .as_str()
            .unwrap()
            .contains("line 1 column")
    );

    let xml = host
        .request(
            "PUT",
            "/admin/v1/sources/invoice/1",
            &[ADMIN, ("content-type", "application/xml")],
            "<a/>",
        )
        .await;
    assert_eq!(xml.status, 415);
    let too_big = host
        .request(
            "PUT",
            "/admin/v1/sources/invoice/1",
            &[ADMIN, JSON],
            vec![b' '; 100 * 1024],
        )
        .await;
    assert_eq!(too_big.status, 413);
    assert!(
        host.kv().snapshot("default").is_empty(),
        "no refusal wrote anything"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_store_fault_is_a_5xx_with_nothing_written() {
    let host = TestHost::new();
    for nth in 1..=3 {
        host.set_faults(Faults {
            fail_nth: Some(nth),
            ..Faults::default()
        });
        let reply = host
            .request("PUT", "/admin/v1/sources/invoice/1", &[ADMIN, JSON], INVOICE)
            .await;
        assert_eq!(reply.status, 500, "fault at operation {nth}: {}", reply.text());
        assert_eq!(reply.json()["error"], "store_unavailable");
        assert!(
            host.kv().snapshot("default").is_empty(),
            "fault at operation {nth} wrote something"
        );
    }
    host.kv().clear_faults();
    let retry = host
        .request("PUT", "/admin/v1/sources/invoice/1", &[ADMIN, JSON], INVOICE)
        .await;
    assert_eq!(retry.status, 201);
}
