//! The handler natively, on the in-memory store.

use super::*;
use futures::executor::block_on;
use refund_shared::store::MemoryStore;
use refund_shared::testing::memory_ctx;
use serde_json::{Value, json};

fn ctx() -> Ctx<MemoryStore> {
    let order = json!({"customerId": 1, "currency": "SEK", "rows": [{"rowId": 1, "amount": 100}], "shipping": 49, "invoiceFee": 19});
    memory_ctx("w", "r").with_source(Kind::Order, "12", &order)
}

fn post(ctx: &Ctx<MemoryStore>, body: Value) -> (u16, Value) {
    let req = Request::new(Method::POST, "/orders/12/refunds", body.to_string())
        .with_header("authorization", "Bearer w");
    let res = block_on(handle(&req, ctx));
    (res.status, serde_json::from_slice(&res.body).unwrap())
}

#[test]
fn types_have_their_own_limits() {
    let ctx = ctx();
    assert_eq!(post(&ctx, json!({"refundamount": 49, "RefundType": 2})).0, 200);
    let (status, body) = post(&ctx, json!({"RefundAmount": 1, "RefundType": 2}));
    assert_eq!(status, 400);
    assert!(
        body["Details"][0].as_str().unwrap().starts_with("RefundAmount"),
        "{body}"
    );
    assert_eq!(post(&ctx, json!({"RefundAmount": 100, "OrderRowId": 1})).0, 200);
    assert_eq!(
        post(&ctx, json!({"RefundAmount": 19})).0,
        200,
        "the fee is left on the total"
    );
    assert_eq!(post(&ctx, json!({"RefundAmount": 0.01})).0, 400);
}

#[test]
fn validation_lists_every_problem() {
    let ctx = ctx();
    let (status, body) = post(
        &ctx,
        json!({"RefundType": 7, "Settled": "yes", "OrderRowId": 1.5}),
    );
    assert_eq!(status, 400);
    assert_eq!(body["Details"].as_array().unwrap().len(), 4, "{body}");
}

#[test]
fn an_unreadable_balance_is_a_store_error_not_a_fresh_start() {
    let ctx = ctx();
    let to_balance = json!({"RefundAmount": 10, "ToBalance": true, "Settled": true});
    assert_eq!(post(&ctx, to_balance.clone()).0, 200);
    let key = refund_shared::ledger::source_key(KIND, "12");
    let stored = String::from_utf8(ctx.store.raw(&key).unwrap()).unwrap();
    assert!(stored.contains(r#""customerBalance":"10""#), "{stored}");
    let garbled = stored.replace(r#""customerBalance":"10""#, r#""customerBalance":"ten""#);
    ctx.store.put(&key, garbled.clone().into_bytes());
    assert_eq!(post(&ctx, to_balance).0, 500);
    assert_eq!(
        ctx.store.raw(&key).unwrap(),
        garbled.into_bytes(),
        "nothing written"
    );
}
