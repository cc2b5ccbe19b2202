//! The handler natively, on the in-memory store.

use super::*;
use futures::executor::block_on;
use refund_shared::sources::Kind;
use refund_shared::store::MemoryStore;
use refund_shared::testing::memory_ctx;
use serde_json::{Value, json};

fn ctx() -> Ctx<MemoryStore> {
    let account = json!({"name": "Grace Wang", "currency": "USD",
        "paymentMethod": {"id": "pm-1", "@type": "PaymentMethodRef", "name": "Grace's card"},
        "payments": [{"id": "p1", "amount": 30}, {"id": "p2", "amount": 20}]});
    memory_ctx("w", "r").with_source(Kind::Account, "A1", &account)
}

fn post(ctx: &Ctx<MemoryStore>, body: Value) -> (u16, Value) {
    let req =
        Request::new(Method::POST, "/refund", body.to_string()).with_header("authorization", "Bearer w");
    let res = block_on(handle(&req, ctx));
    (res.status, serde_json::from_slice(&res.body).unwrap())
}

fn create(total: i64, method: &str) -> Value {
    json!({"account": {"id": "A1"}, "paymentMethod": {"id": method, "@type": "PaymentMethodRef"},
           "totalAmount": {"value": total, "unit": "USD"}})
}

#[test]
fn substitutes_the_assigned_method_and_limits_the_total() {
    let ctx = ctx();
    let (status, body) = post(&ctx, create(40, "someone-elses"));
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["id"], "A1~1");
    assert_eq!(body["paymentMethod"]["id"], "pm-1");
    assert_eq!(body["paymentMethod"]["name"], "Grace's card");
    assert_eq!(body["account"]["name"], "Grace Wang");
    let (status, body) = post(&ctx, create(11, "pm-1"));
    assert_eq!(status, 409);
    assert_eq!(body["@type"], "Error");
    assert_eq!(body["status"], "409");
}

#[test]
fn money_rules() {
    let ctx = ctx();
    let mut body = create(10, "pm-1");
    body["amount"] = json!({"value": 8, "unit": "USD"});
    body["taxAmount"] = json!({"value": 1, "unit": "USD"});
    let (status, err) = post(&ctx, body);
    assert_eq!(status, 400);
    assert!(
        err["reason"].as_str().unwrap().starts_with("totalAmount.value"),
        "{err}"
    );
    let (status, err) = post(
        &ctx,
        json!({"account": {"id": "A1"}, "paymentMethod": {"id": "x", "@type": "Card"},
                                          "totalAmount": {"value": 1.001, "unit": "USD"}}),
    );
    assert_eq!(status, 400);
    let message = err["message"].as_str().unwrap();
    assert!(
        message.contains("paymentMethod.@type") && message.contains("totalAmount.value"),
        "{message}"
    );
}
