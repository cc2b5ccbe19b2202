//! Everything the refund components share: money, validation, errors, the store and the ledger on
//! it, idempotency and auth. It knows no API's field names; each component maps its own
//! contract onto these pieces and renders the result in its own shape.

pub mod access_log;
pub mod auth;
pub mod clock;
pub mod compact_json;
pub mod context;
pub mod currency;
pub mod error;
pub mod http;
pub mod idempotency;
pub mod json;
pub mod ledger;
pub mod money;
pub mod outbox;
#[cfg(target_arch = "wasm32")]
pub mod platform;
pub mod render;
pub mod sources;
pub mod store;
pub mod testing;
pub mod webhook;

pub use context::Ctx;
pub use error::{AppError, AppResult, Errors, FieldError};
pub use rust_decimal::Decimal;

/// Declares a component's Spin entry point (wasm32 only) around its handler
/// `async fn handle<S: Store>(&Request, &Ctx<S>) -> Response`. It exports `wasi:http/handler`
/// itself, as spin-sdk's `#[http_service]` does, but on the raw wasi:http types (see
/// [`platform`]).
#[macro_export]
macro_rules! spin_component {
    ($handler:path) => {
        #[cfg(target_arch = "wasm32")]
        async fn spin_entry(
            req: ::spin_sdk::wasip3::http::types::Request,
        ) -> ::spin_sdk::wasip3::http::types::Response {
            let started = $crate::platform::Started::now();
            let (req, ctx) = $crate::platform::prepare(req).await;
            let response = $handler(&req, &ctx).await;
            $crate::platform::respond(env!("CARGO_PKG_NAME"), &req, &ctx, response, started)
        }

        #[cfg(target_arch = "wasm32")]
        mod spin_export {
            use ::spin_sdk::wasip3::http::types::{ErrorCode, Request, Response};

            struct Component;
            ::spin_sdk::wasip3::http::service::export!(Component);

            impl ::spin_sdk::wasip3::exports::http::handler::Guest for Component {
                async fn handle(req: Request) -> Result<Response, ErrorCode> {
                    Ok(super::spin_entry(req).await)
                }
            }
        }
    };
}
