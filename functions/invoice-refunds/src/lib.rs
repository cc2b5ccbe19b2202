//! Invoice refunds (seed 000, v1.37): `POST /refunds`, `GET /refunds/{id}`,
//! `GET /refunds?invoiceId=N`, and the third-party status lifecycle that the back office drives
//! through `POST /admin/v1/refunds/invoice/{id}/status` (admin token).

mod create;
mod lifecycle;
mod read;
mod request;
mod view;

use http::Method;
use refund_shared::auth::{Access, authorize};
use refund_shared::http::{Request, Response, openapi_document};
use refund_shared::render::standard_error;
use refund_shared::store::Store;
use refund_shared::{AppError, AppResult, Ctx};

/// The ledger's name for this API's sources.
const KIND: &str = refund_shared::sources::invoice::KIND;

pub async fn handle<S: Store>(req: &Request, ctx: &Ctx<S>) -> Response {
    route(req, ctx).await.unwrap_or_else(|e| standard_error(&e))
}

async fn route<S: Store>(req: &Request, ctx: &Ctx<S>) -> AppResult<Response> {
    match req.segments().as_slice() {
        ["refunds"] => {
            req.allow(&[Method::GET, Method::POST])?;
            if req.method == Method::POST {
                authorize(req, &ctx.tokens, Access::Write)?;
                create::create(req, ctx).await
            } else {
                authorize(req, &ctx.tokens, Access::Read)?;
                read::list(req, ctx).await
            }
        }
        ["refunds", "openapi.json"] => {
            openapi_document(req, refund_shared::compact_json!(include_str!("../openapi.json")))
        }
        ["refunds", id] => {
            req.allow(&[Method::GET])?;
            authorize(req, &ctx.tokens, Access::Read)?;
            read::one(ctx, id).await
        }
        ["admin", "v1", "refunds", "invoice", id, "status"] => {
            req.allow(&[Method::POST])?;
            authorize(req, &ctx.tokens, Access::Write)?;
            lifecycle::set_status(req, ctx, id).await
        }
        _ => Err(AppError::NotFound("route".into())),
    }
}

refund_shared::spin_component!(handle);

#[cfg(test)]
mod tests;
