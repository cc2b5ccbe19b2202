//! The same handlers the components run, called in-process on the in-memory store: the
//! benchmark's "no sandbox" column and the fuzzer's fast path.

use refund_shared::Ctx;
use refund_shared::http::{Request, Response};
use refund_shared::store::MemoryStore;

/// A context with the given tokens, on a fresh in-memory store.
pub use refund_shared::testing::memory_ctx as context;

/// Runs a component's handler by its `spin.toml` id.
pub async fn handle(component: &str, req: &Request, ctx: &Ctx<MemoryStore>) -> Option<Response> {
    Some(match component {
        "admin" => admin::handle(req, ctx).await,
        "invoice-refunds" => invoice_refunds::handle(req, ctx).await,
        "account-refunds" => account_refunds::handle(req, ctx).await,
        "payment-refunds" => payment_refunds::handle(req, ctx).await,
        "purchase-refunds" => purchase_refunds::handle(req, ctx).await,
        "order-refunds" => order_refunds::handle(req, ctx).await,
        _ => return None,
    })
}

/// A request as the entry point would build it.
pub fn request(method: &str, uri: &str, headers: &[(&str, &str)], body: &[u8]) -> Request {
    let method = method.parse().unwrap_or(http::Method::GET);
    let mut req = Request::new(method, uri, body.to_vec());
    for (name, value) in headers {
        req.headers.insert(name, *value);
    }
    req.body_too_large = body.len() > refund_shared::http::MAX_BODY_BYTES;
    req
}
