//! The handler natively, on the in-memory store.

use super::*;
use futures::executor::block_on;
use refund_shared::sources::Kind;
use refund_shared::store::MemoryStore;
use refund_shared::testing::memory_ctx;
use serde_json::{Value, json};

fn ctx() -> Ctx<MemoryStore> {
    let invoice = json!({"customerId": 7, "billRunType": "NORMAL", "currency": "GBP", "amountPaid": 20, "paymentMethod": "BACS"});
    memory_ctx("w", "r").with_source(Kind::Invoice, "5", &invoice)
}

fn post(ctx: &Ctx<MemoryStore>, body: Value, token: &str) -> (u16, Value) {
    let req = Request::new(Method::POST, "/refunds", body.to_string())
        .with_header("authorization", &format!("Bearer {token}"));
    let res = block_on(handle(&req, ctx));
    (res.status, serde_json::from_slice(&res.body).unwrap())
}

#[test]
fn refunds_down_to_zero_then_refuses() {
    let ctx = ctx();
    let body = |amount: &str| {
        serde_json::from_str::<Value>(&format!(
            r#"{{"invoiceId": 5, "billRunType": "NORMAL", "amountInMajorCurrency": {amount}}}"#
        ))
        .unwrap()
    };
    let (status, first) = post(&ctx, body("12.5"), "w");
    assert_eq!(status, 201, "{first}");
    assert_eq!(first["id"], 5_000_001);
    assert_eq!(first["customerId"], 7);
    assert_eq!(first["paymentMethod"], "BACS");
    assert_eq!(first["amountInMajorCurrency"].to_string(), "12.5");
    assert_eq!(post(&ctx, body("7.5"), "w").0, 201);
    let (status, refused) = post(&ctx, body("0.01"), "w");
    assert_eq!(status, 400);
    assert_eq!(refused["fields"][0]["field"], "amountInMajorCurrency");
    assert!(
        refused["message"].as_str().unwrap().contains("0.00 GBP left"),
        "{refused}"
    );
}

#[test]
fn validation_and_auth() {
    let ctx = ctx();
    let (status, body) = post(
        &ctx,
        json!({"invoiceId": 0, "billRunType": "X", "paymentMethod": "CASH"}),
        "w",
    );
    assert_eq!(status, 400);
    let fields: Vec<&str> = body["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        [
            "invoiceId",
            "billRunType",
            "paymentMethod",
            "amountInMajorCurrency"
        ]
    );
    let ok = json!({"invoiceId": 5, "billRunType": "NORMAL", "amountInMajorCurrency": 1});
    assert_eq!(post(&ctx, ok.clone(), "r").0, 403);
    assert_eq!(post(&ctx, ok, "x").0, 401);
    assert_eq!(ctx.store.counts().writes, 0, "no refusal wrote anything");
}
