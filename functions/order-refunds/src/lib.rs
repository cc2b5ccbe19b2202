//! Order refunds (seed 004): `POST /orders/{orderId}/refunds` with refund types, approval,
//! settling and refunds to the customer's balance; `GET /orders/{orderId}/refunds`; and
//! `POST /orders/{orderId}/refunds/{refundId}/approve|reject` for refunds awaiting approval;
//! `GET /orders/{orderId}/refunds/{refundId}` shows one refund.

mod approval;
mod create;
mod events;
mod read;
mod render;
mod request;
mod types;

use http::Method;
use refund_shared::auth::{Access, authorize};
use refund_shared::http::{Request, Response, openapi_document};
use refund_shared::sources::Kind;
use refund_shared::store::Store;
use refund_shared::{AppError, AppResult, Ctx};

const KIND: &str = refund_shared::sources::order::KIND;

pub async fn handle<S: Store>(req: &Request, ctx: &Ctx<S>) -> Response {
    route(req, ctx).await.unwrap_or_else(|e| render::error(&e))
}

async fn route<S: Store>(req: &Request, ctx: &Ctx<S>) -> AppResult<Response> {
    match req.segments().as_slice() {
        ["orders", "openapi.json"] => {
            openapi_document(req, refund_shared::compact_json!(include_str!("../openapi.json")))
        }
        ["orders", order_id, "refunds"] => {
            req.allow(&[Method::GET, Method::POST])?;
            let access = if req.method == Method::GET {
                Access::Read
            } else {
                Access::Write
            };
            authorize(req, &ctx.tokens, access)?;
            let order_id = order_id_of(order_id)?;
            if req.method == Method::GET {
                read::list(ctx, &order_id).await
            } else {
                create::create(req, ctx, &order_id).await
            }
        }
        ["orders", order_id, "refunds", refund_id] => {
            req.allow(&[Method::GET])?;
            authorize(req, &ctx.tokens, Access::Read)?;
            read::one(ctx, &order_id_of(order_id)?, refund_id).await
        }
        [
            "orders",
            order_id,
            "refunds",
            refund_id,
            decision @ ("approve" | "reject"),
        ] => {
            req.allow(&[Method::POST])?;
            authorize(req, &ctx.tokens, Access::Write)?;
            approval::decide(ctx, &order_id_of(order_id)?, refund_id, *decision == "approve").await
        }
        _ => Err(AppError::NotFound("route".into())),
    }
}

/// `orderId` is an int32: anything else is a 400 naming it.
fn order_id_of(raw: &str) -> AppResult<String> {
    Kind::Order.canonical_id(raw).ok_or_else(|| {
        AppError::field(
            "orderId",
            "invalid_type",
            "orderId must be a positive 32-bit integer",
        )
    })
}

refund_shared::spin_component!(handle);

#[cfg(test)]
mod tests;
