//! Purchase refunds (seed 003), end to end through purchase_refunds.wasm.

mod common;
use common::*;

const WRITE: (&str, &str) = ("authorization", "Bearer dev-purchase-token");
const READ: (&str, &str) = ("authorization", "Bearer dev-purchase-read-token");
const ID: &str = "8f14e45f-ceea-467a-9575-3c5a2f5f4a8b";

async fn host_with(availability: &str, mode: &str, status: &str) -> TestHost {
    let host = TestHost::new();
    let body = json!({"status": status, "currency": "EUR", "total": 1000, "refundAvailability": availability,
        "refundMode": mode, "client": {"email": "ada@example.com", "full_name": "Ada L"},
        "brandId": "brand-1", "companyId": "co-1", "reference": "INV-9", "isTest": true});
    let reply = host
        .request(
            "PUT",
            &format!("/admin/v1/sources/purchase/{ID}"),
            &[ADMIN, JSON],
            body.to_string(),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text());
    host
}

async fn refund(host: &TestHost, body: &str) -> Reply {
    host.request(
        "POST",
        &format!("/purchases/{ID}/refund/"),
        &[WRITE, JSON],
        body.to_string(),
    )
    .await
}

async fn purchase(host: &TestHost) -> Value {
    let reply = host
        .request("GET", &format!("/purchases/{ID}/"), &[READ], "")
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    reply.json()
}

fn refusal(reply: &Reply) -> String {
    assert_eq!(reply.status, 400, "{}", reply.text());
    let body = reply.json();
    assert_eq!(body["__all__"][0]["code"], "purchase_refund_error", "{body}");
    body["__all__"][0]["message"].as_str().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_full_refund_with_no_body_returns_the_payment() {
    let host = host_with("all", "sync", "paid").await;
    let reply = host
        .request("POST", &format!("/purchases/{ID}/refund/"), &[WRITE], "")
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    let payment = reply.json();
    assert_eq!(payment["type"], "payment");
    assert_eq!(payment["payment"]["is_outgoing"], true);
    assert_eq!(payment["payment"]["payment_type"], "refund");
    assert_eq!(payment["payment"]["amount"], 1000);
    assert_eq!(payment["payment"]["currency"], "EUR");
    assert_eq!(payment["related_to"], json!({"type": "purchase", "id": ID}));
    assert_eq!(payment["client"]["email"], "ada@example.com");
    assert_eq!(payment["user_id"], Value::Null);
    assert_eq!(payment["is_test"], true);
    assert_eq!(payment["brand_id"], "brand-1");
    assert_eq!(payment["id"].as_str().unwrap().len(), 36);
    for member in [
        "created_on",
        "updated_on",
        "transaction_data",
        "reference_generated",
        "reference",
        "account_id",
        "company_id",
    ] {
        assert!(!payment[member].is_null(), "{member}");
    }
    assert_eq!(
        reply.ops,
        OpCounts {
            opens: 1,
            reads: 1,
            writes: 1
        }
    );
    let after = purchase(&host).await;
    assert_eq!(after["status"], "refunded");
    assert_eq!(after["refundable_amount"], 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn partial_refunds_down_to_zero_without_the_trailing_slash_too() {
    let host = host_with("all", "sync", "paid").await;
    assert_eq!(
        refund(&host, r#"{"amount": 250}"#).await.json()["payment"]["amount"],
        250
    );
    let partly = purchase(&host).await;
    assert_eq!(
        (partly["status"].clone(), partly["refundable_amount"].clone()),
        (json!("partially_refunded"), json!(750))
    );
    let no_slash = host
        .request(
            "POST",
            &format!("/purchases/{ID}/refund"),
            &[WRITE, JSON],
            r#"{"amount": 700}"#,
        )
        .await;
    assert_eq!(no_slash.status, 200);
    assert_eq!(
        refund(&host, r#"{"amount": null}"#).await.json()["payment"]["amount"],
        50
    );
    let message = refusal(&refund(&host, "{}").await);
    assert!(message.contains("nothing is left"), "{message}");
}

#[tokio::test(flavor = "multi_thread")]
async fn availability_rules() {
    let none = host_with("none", "sync", "paid").await;
    assert!(refusal(&refund(&none, "").await).contains("none"));

    let full_only = host_with("full_only", "sync", "paid").await;
    assert!(refusal(&refund(&full_only, r#"{"amount": 10}"#).await).contains("in full"));
    assert_eq!(refund(&full_only, "").await.status, 200);

    let partial_only = host_with("partial_only", "sync", "paid").await;
    assert!(refusal(&refund(&partial_only, "").await).contains("partially"));
    assert!(refusal(&refund(&partial_only, r#"{"amount": 1000}"#).await).contains("partially"));
    assert_eq!(refund(&partial_only, r#"{"amount": 999}"#).await.status, 200);

    let over = host_with("all", "sync", "paid").await;
    assert!(refusal(&refund(&over, r#"{"amount": 1001}"#).await).contains("refundable_amount"));

    let unpaid = host_with("all", "sync", "created").await;
    assert!(refusal(&refund(&unpaid, "").await).contains("status created"));
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_bodies_and_ids() {
    let host = host_with("all", "sync", "paid").await;
    let before = host.kv().snapshot("default");
    for body in [
        r#"{"amount": 1.5}"#,
        r#"{"amount": "100"}"#,
        r#"{"amount": -1}"#,
        r#"{"amount": 0}"#,
    ] {
        let reply = refund(&host, body).await;
        assert_eq!(reply.status, 400, "{body}");
        assert!(reply.json()["amount"][0]["code"].is_string(), "{body}");
    }
    let malformed = refund(&host, r#"{"amount": "#).await;
    assert_eq!(malformed.status, 400);
    assert!(
        malformed.json()["__all__"][0]["message"]
            .as_str()
            .unwrap()
            .contains("line 1")
    );
    assert_eq!(
        host.kv().snapshot("default"),
        before,
        "malformed requests change nothing"
    );

    let unknown = host
        .request(
            "POST",
            "/purchases/00000000-0000-4000-8000-000000000000/refund/",
            &[WRITE],
            "",
        )
        .await;
    assert_eq!(unknown.status, 404);
    assert!(unknown.json()["__all__"].is_array());
    assert_eq!(
        host.request("POST", "/purchases/not-a-uuid/refund/", &[WRITE], "")
            .await
            .status,
        404
    );
    assert_eq!(
        host.request("GET", "/purchases/12345/", &[READ], "").await.status,
        404
    );
    assert_eq!(
        host.request("POST", &format!("/purchases/{ID}/refund/"), &[], "")
            .await
            .status,
        401
    );
    assert_eq!(
        host.request("POST", &format!("/purchases/{ID}/refund/"), &[READ], "")
            .await
            .status,
        403
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn attempts_record_every_try_newest_first() {
    let host = host_with("full_only", "sync", "paid").await;
    refund(&host, r#"{"amount": 10}"#).await;
    refund(&host, "").await;
    let attempts = purchase(&host).await["transaction_data"]["attempts"].clone();
    assert_eq!(attempts.as_array().unwrap().len(), 2);
    assert_eq!(attempts[0]["successful"], true);
    assert_eq!(attempts[1]["successful"], false);
    assert_eq!(attempts[1]["error"]["code"], "purchase_refund_error");
    assert_eq!(attempts[1]["amount"], 10);
}

async fn settle(host: &TestHost, outcome: &str) -> Reply {
    let body = json!({"outcome": outcome, "message": "issuer unavailable"}).to_string();
    host.request(
        "POST",
        &format!("/admin/v1/purchases/{ID}/settle-refund"),
        &[ADMIN, JSON],
        body,
    )
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn the_pending_path_both_ways() {
    let host = host_with("all", "async", "paid").await;
    let pending = refund(&host, r#"{"amount": 400}"#).await;
    assert_eq!(pending.status, 200);
    assert_eq!(pending.json()["type"], "purchase");
    assert_eq!(pending.json()["status"], "pending_refund");
    assert_eq!(
        pending.json()["refundable_amount"],
        600,
        "the pending amount is reserved"
    );
    assert!(refusal(&refund(&host, r#"{"amount": 100}"#).await).contains("pending"));

    let failed = settle(&host, "failure").await;
    assert_eq!(failed.status, 200, "{}", failed.text());
    assert_eq!(
        failed.json()["refundable_amount"],
        1000,
        "a failure releases the reservation"
    );
    assert_eq!(
        failed.json()["transaction_data"]["attempts"][0]["error"]["message"],
        "issuer unavailable"
    );
    assert_eq!(
        settle(&host, "success").await.status,
        409,
        "nothing is pending now"
    );

    assert_eq!(
        refund(&host, r#"{"amount": 400}"#).await.json()["status"],
        "pending_refund"
    );
    let done = settle(&host, "success").await;
    assert_eq!(done.json()["type"], "payment");
    assert_eq!(done.json()["payment"]["amount"], 400);
    let after = purchase(&host).await;
    assert_eq!(
        (after["status"].clone(), after["refundable_amount"].clone()),
        (json!("partially_refunded"), json!(600))
    );
    assert_eq!(settle(&host, "maybe").await.status, 400);
}

#[tokio::test(flavor = "multi_thread")]
async fn idempotent_replay() {
    let host = host_with("all", "sync", "paid").await;
    let key = ("idempotency-key", "k-1");
    let first = host
        .request(
            "POST",
            &format!("/purchases/{ID}/refund/"),
            &[WRITE, JSON, key],
            r#"{"amount": 100}"#,
        )
        .await;
    let again = host
        .request(
            "POST",
            &format!("/purchases/{ID}/refund/"),
            &[WRITE, JSON, key],
            r#"{"amount": 100}"#,
        )
        .await;
    assert_eq!(again.status, 200);
    assert_eq!(again.json(), first.json());
    assert_eq!(again.ops.writes, 0);
    let other = host
        .request(
            "POST",
            &format!("/purchases/{ID}/refund/"),
            &[WRITE, JSON, key],
            r#"{"amount": 200}"#,
        )
        .await;
    assert_eq!(other.status, 409);
    assert_eq!(purchase(&host).await["refundable_amount"], 900);
}
