use super::*;
use futures::executor::block_on;
use refund_shared::store::{Fault, MemoryStore};
use refund_shared::testing::memory_ctx;

fn ctx() -> Ctx<MemoryStore> {
    memory_ctx("admin", "")
}

fn send(ctx: &Ctx<MemoryStore>, method: Method, uri: &str, body: &str) -> (u16, serde_json::Value) {
    let req = Request::new(method, uri, body).with_header("authorization", "Bearer admin");
    let res = block_on(handle(&req, ctx));
    (res.status, serde_json::from_slice(&res.body).unwrap_or_default())
}

const INVOICE: &str = r#"{"customerId": 7, "billRunType": "NORMAL", "currency": "GBP", "amountPaid": 100, "paymentMethod": "BACS"}"#;

#[test]
fn create_replace_read() {
    let ctx = ctx();
    assert_eq!(
        send(&ctx, Method::PUT, "/admin/v1/sources/invoice/1", INVOICE).0,
        201
    );
    assert_eq!(
        send(&ctx, Method::PUT, "/admin/v1/sources/invoice/1", INVOICE).0,
        200
    );
    let (status, body) = send(&ctx, Method::GET, "/admin/v1/sources/invoice/1", "");
    assert_eq!(status, 200);
    assert_eq!(body["refundable"], 100);
    assert_eq!(body["source"]["customerId"], 7);
}

#[test]
fn errors() {
    let ctx = ctx();
    assert_eq!(send(&ctx, Method::GET, "/admin/v1/sources/invoice/9", "").0, 404);
    assert_eq!(send(&ctx, Method::GET, "/admin/v1/sources/widget/9", "").0, 404);
    assert_eq!(
        send(&ctx, Method::PUT, "/admin/v1/sources/invoice/abc", INVOICE).0,
        400
    );
    assert_eq!(
        send(&ctx, Method::DELETE, "/admin/v1/sources/invoice/1", "").0,
        405
    );
    let (status, body) = send(
        &ctx,
        Method::PUT,
        "/admin/v1/sources/invoice/1",
        r#"{"customerId": "x"}"#,
    );
    assert_eq!(status, 400);
    assert_eq!(body["fields"][0]["field"], "customerId");
    let unauth = block_on(handle(
        &Request::new(Method::GET, "/admin/v1/sources/invoice/1", ""),
        &ctx,
    ));
    assert_eq!(unauth.status, 401);
    assert_eq!(send(&ctx, Method::GET, "/admin/v1/health", "").0, 200);
}

#[test]
fn a_store_fault_writes_nothing() {
    let ctx = ctx();
    ctx.store.inject(Fault::FailNth(2));
    assert_eq!(
        send(&ctx, Method::PUT, "/admin/v1/sources/invoice/1", INVOICE).0,
        500
    );
    assert!(ctx.store.snapshot().is_empty());
}
