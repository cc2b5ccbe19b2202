//! Payment refunds (seed 002): `POST /v1/Refunds` refunds a payment activity and allocates the
//! refund to the invoices it paid, from JSON, XML or form bodies, answering in JSON or XML;
//! `GET /v1/Refunds/{id}` and `GET /v1/Refunds?originalPaymentId=N`.

mod create;
mod form;
mod method;
mod read;
mod render;
mod request;
mod view;
mod xml;

use http::Method;
use refund_shared::auth::{Access, authorize};
use refund_shared::http::{Request, Response, openapi_document};
use refund_shared::store::Store;
use refund_shared::{AppError, AppResult, Ctx};

const KIND: &str = refund_shared::sources::payment::KIND;

pub async fn handle<S: Store>(req: &Request, ctx: &Ctx<S>) -> Response {
    route(req, ctx)
        .await
        .unwrap_or_else(|e| render::error(render::Format::of(req), &e))
}

async fn route<S: Store>(req: &Request, ctx: &Ctx<S>) -> AppResult<Response> {
    // Routes match in any case, as on the platform behind the seed.
    let segments: Vec<String> = req.segments().iter().map(|s| s.to_ascii_lowercase()).collect();
    let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
    match segments.as_slice() {
        ["v1", "refunds"] => {
            req.allow(&[Method::GET, Method::POST])?;
            if req.method == Method::POST {
                authorize(req, &ctx.tokens, Access::Write)?;
                create::create(req, ctx).await
            } else {
                authorize(req, &ctx.tokens, Access::Read)?;
                read::list(req, ctx).await
            }
        }
        ["v1", "refunds", "openapi.json"] => {
            openapi_document(req, refund_shared::compact_json!(include_str!("../openapi.json")))
        }
        ["v1", "refunds", id] => {
            req.allow(&[Method::GET])?;
            authorize(req, &ctx.tokens, Access::Read)?;
            read::one(req, ctx, id).await
        }
        _ => Err(AppError::NotFound("route".into())),
    }
}

refund_shared::spin_component!(handle);
