//! Account refunds (seed 001, TM Forum style): `POST /refund` with a `RefundCreate`,
//! `GET /refund/{id}`, and `GET /refund?account.id=X&offset=&limit=`. Errors are TMF `Error`s.

mod create;
mod error;
mod model;
mod read;
mod request;
mod view;

use http::Method;
use refund_shared::auth::{Access, authorize};
use refund_shared::http::{Request, Response, openapi_document};
use refund_shared::store::Store;
use refund_shared::{AppError, AppResult, Ctx};

const KIND: &str = refund_shared::sources::account::KIND;

pub async fn handle<S: Store>(req: &Request, ctx: &Ctx<S>) -> Response {
    route(req, ctx).await.unwrap_or_else(|e| error::render(&e))
}

async fn route<S: Store>(req: &Request, ctx: &Ctx<S>) -> AppResult<Response> {
    match req.segments().as_slice() {
        [.., "refund"] => {
            req.allow(&[Method::GET, Method::POST])?;
            if req.method == Method::POST {
                authorize(req, &ctx.tokens, Access::Write)?;
                create::create(req, ctx).await
            } else {
                authorize(req, &ctx.tokens, Access::Read)?;
                read::list(req, ctx).await
            }
        }
        [.., "refund", "openapi.json"] => {
            openapi_document(req, refund_shared::compact_json!(include_str!("../openapi.json")))
        }
        [.., "refund", id] => {
            req.allow(&[Method::GET])?;
            authorize(req, &ctx.tokens, Access::Read)?;
            read::one(req, ctx, id).await
        }
        _ => Err(AppError::NotFound("route".into())),
    }
}

refund_shared::spin_component!(handle);

#[cfg(test)]
mod tests;
