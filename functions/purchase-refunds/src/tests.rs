//! The handler natively, on the in-memory store.

use super::*;
use futures::executor::block_on;
use refund_shared::ledger::{SourceRecord, source_key};
use refund_shared::store::MemoryStore;
use refund_shared::testing::memory_ctx;
use serde_json::{Value, json};

const ID: &str = "8f14e45f-ceea-467a-9575-3c5a2f5f4a8b";

fn ctx(availability: &str) -> Ctx<MemoryStore> {
    let purchase =
        json!({"status": "paid", "currency": "EUR", "total": 1000, "refundAvailability": availability});
    memory_ctx("w", "r").with_source(Kind::Purchase, ID, &purchase)
}

fn post(ctx: &Ctx<MemoryStore>, body: &str) -> (u16, Value) {
    let req = Request::new(Method::POST, &format!("/purchases/{ID}/refund/"), body)
        .with_header("authorization", "Bearer w");
    let res = block_on(handle(&req, ctx));
    (res.status, serde_json::from_slice(&res.body).unwrap())
}

#[test]
fn partial_then_rest_then_refused_and_recorded() {
    let ctx = ctx("all");
    let (status, payment) = post(&ctx, r#"{"amount": 300}"#);
    assert_eq!(status, 200, "{payment}");
    assert_eq!(payment["payment"]["amount"], 300);
    let rest = post(&ctx, "").1;
    assert_eq!(rest["payment"]["amount"], 700);
    // Each Payment lists its own attempt, not the other refund's.
    for (payment, amount) in [(&payment, 300), (&rest, 700)] {
        let own = payment["transaction_data"]["attempts"].as_array().unwrap();
        assert_eq!(own.len(), 1, "{payment}");
        assert_eq!(
            (own[0]["payment_id"].clone(), own[0]["amount"].clone()),
            (payment["id"].clone(), json!(amount))
        );
    }
    let (status, refused) = post(&ctx, "{}");
    assert_eq!(status, 400);
    assert_eq!(refused["__all__"][0]["code"], "purchase_refund_error");
    let record = SourceRecord::decode(ctx.store.raw(&source_key("purchase", ID)).unwrap()).unwrap();
    assert_eq!(attempts::all(&record).len(), 3);
}

#[test]
fn bad_amounts_are_400_under_amount() {
    let ctx = ctx("all");
    for body in [
        r#"{"amount": 1.5}"#,
        r#"{"amount": "5"}"#,
        r#"{"amount": -5}"#,
        r#"{"amount": 0}"#,
    ] {
        let (status, error) = post(&ctx, body);
        assert_eq!(status, 400, "{body}");
        assert!(error["amount"][0]["message"].is_string(), "{body}: {error}");
    }
    let (_, error) = post(&ctx, "[");
    assert!(error["__all__"].is_array(), "{error}");
}

#[test]
fn the_purchase_is_shown_with_every_member_in_order() {
    let ctx = ctx("all");
    assert_eq!(post(&ctx, r#"{"amount": 300}"#).0, 200);
    let req =
        Request::new(Method::GET, &format!("/purchases/{ID}/"), "").with_header("authorization", "Bearer r");
    let res = block_on(handle(&req, &ctx));
    assert_eq!(res.status, 200);
    let text = String::from_utf8(res.body).unwrap();
    // Members in alphabetical order, as the maps this view was first written with wrote them;
    // absent facts are null, not left out.
    let keys: Vec<&str> = [
        "brand_id",
        "client",
        "company_id",
        "id",
        "is_test",
        "purchase",
        "reference",
        "refund_availability",
        "refundable_amount",
        "status",
        "transaction_data",
        "type",
        "updated_on",
    ]
    .to_vec();
    let positions: Vec<usize> = keys
        .iter()
        .map(|k| {
            text.find(&format!("\"{k}\":"))
                .unwrap_or_else(|| panic!("{k} missing: {text}"))
        })
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{text}");
    let body: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(body["client"], json!({"email": null, "full_name": null}));
    assert_eq!(
        body["purchase"],
        json!({"currency": "EUR", "total": 1000, "total_refunded": 300})
    );
    assert_eq!(body["refundable_amount"], 700);
    assert_eq!(body["status"], "partially_refunded");
    assert_eq!(body["type"], "purchase");
    assert_eq!(body["transaction_data"]["attempts"][0]["amount"], 300);
    assert!(body["brand_id"].is_null() && body["reference"].is_null());
    assert_eq!(body["updated_on"], ctx.now, "when its refund was taken");
}
