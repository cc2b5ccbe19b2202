//! Purchase refunds (seed 003, a card gateway): `POST /purchases/{id}/refund/` refunds all or
//! part of a purchase in minor units, `GET /purchases/{id}/` shows it with every refund attempt,
//! and an asynchronous acquirer's outcome arrives through
//! `POST /admin/v1/purchases/{id}/settle-refund` (admin token).

mod attempts;
mod error;
mod purchase;
mod refund;
mod request;
mod settle;
mod view;

use http::Method;
use refund_shared::auth::{Access, authorize};
use refund_shared::http::{Request, Response, openapi_document};
use refund_shared::sources::Kind;
use refund_shared::store::Store;
use refund_shared::{AppError, AppResult, Ctx};

const KIND: &str = refund_shared::sources::purchase::KIND;

pub async fn handle<S: Store>(req: &Request, ctx: &Ctx<S>) -> Response {
    route(req, ctx).await.unwrap_or_else(|e| error::render(&e))
}

async fn route<S: Store>(req: &Request, ctx: &Ctx<S>) -> AppResult<Response> {
    match req.segments().as_slice() {
        ["purchases", id, "refund"] => {
            req.allow(&[Method::POST])?;
            authorize(req, &ctx.tokens, Access::Write)?;
            refund::refund(req, ctx, &purchase_id(id)?).await
        }
        ["purchases", "openapi.json"] => {
            openapi_document(req, refund_shared::compact_json!(include_str!("../openapi.json")))
        }
        ["purchases", id] => {
            req.allow(&[Method::GET])?;
            authorize(req, &ctx.tokens, Access::Read)?;
            view::show(ctx, &purchase_id(id)?).await
        }
        ["admin", "v1", "purchases", id, "settle-refund"] => {
            req.allow(&[Method::POST])?;
            authorize(req, &ctx.tokens, Access::Write)?;
            settle::settle(req, ctx, &purchase_id(id)?).await
        }
        _ => Err(AppError::NotFound("route".into())),
    }
}

/// A purchase id is a UUID; anything else cannot name a purchase (404, as the gateway answers).
fn purchase_id(id: &str) -> AppResult<String> {
    Kind::Purchase
        .canonical_id(id)
        .ok_or_else(|| AppError::NotFound(format!("purchase {id}")))
}

refund_shared::spin_component!(handle);

#[cfg(test)]
mod tests;
