//! The Spin side of a request (wasm32 only): read the body with its limit, the tokens and the
//! clock, run the handler, and write its response. Every component's entry point is two calls.

use crate::auth::Tokens;
use crate::context::Ctx;
use crate::http::{MAX_BODY_BYTES, Request, Response};
use crate::store::SpinStore;
use crate::webhook::Webhook;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use std::rc::Rc;

/// Turns Spin's request into the handler's, with the context for it.
pub async fn prepare(req: spin_sdk::http::Request) -> (Request, Ctx<SpinStore>) {
    let (parts, mut body) = req.into_parts();
    let mut bytes = Vec::new();
    let mut too_large = false;
    while let Some(frame) = body.frame().await {
        let Ok(frame) = frame else { break };
        if let Ok(data) = frame.into_data() {
            if bytes.len() + data.len() > MAX_BODY_BYTES {
                too_large = true;
                break;
            }
            bytes.extend_from_slice(&data);
        }
    }
    let request = Request {
        method: parts.method,
        path: parts.uri.path().to_string(),
        query: parts.uri.query().unwrap_or("").to_string(),
        headers: parts.headers,
        body: bytes,
        body_too_large: too_large,
    };
    // Routes under /admin/ are the back office's: only the admin token opens them, whichever
    // component serves them. Everything else takes the component's own tokens.
    let tokens = if request.path.starts_with("/admin/") {
        Tokens {
            full: variable("admin_token").await,
            read_only: String::new(),
        }
    } else {
        Tokens {
            full: variable("token").await,
            read_only: variable("read_only_token").await,
        }
    };
    let ctx = Ctx {
        store: SpinStore::new(),
        tokens,
        now: crate::clock::now_unix(),
        // Only writes raise events; a read need not look the webhook up.
        webhook: if request.method == http::Method::GET {
            None
        } else {
            webhook().await
        },
    };
    (request, ctx)
}

/// The webhook when `webhook_url` is set (its host must be in `allowed_outbound_hosts`).
async fn webhook() -> Option<Webhook> {
    let url = variable("webhook_url").await;
    if url.is_empty() {
        return None;
    }
    Some(Webhook {
        url,
        secret: variable("webhook_secret").await,
        send: Rc::new(|url, headers, body| Box::pin(post(url, headers, body))),
    })
}

/// One outbound POST through Spin's HTTP client.
async fn post(url: String, headers: Vec<(String, String)>, body: Vec<u8>) -> Result<u16, String> {
    let mut builder = http::Request::post(url.as_str());
    for (name, value) in &headers {
        builder = builder.header(name.as_str(), value.as_str());
    }
    let request = builder
        .body(Full::new(Bytes::from(body)))
        .map_err(|e| e.to_string())?;
    let response = spin_sdk::http::send(request)
        .await
        .map_err(|e| format!("{e:?}"))?;
    Ok(response.status().as_u16())
}

/// A missing or unreadable variable is an empty token, which accepts nothing.
async fn variable(name: &str) -> String {
    spin_sdk::variables::get(name).await.unwrap_or_default()
}

/// When the request arrived, for the access log's duration.
pub struct Started(std::time::Instant);

impl Started {
    pub fn now() -> Self {
        Started(std::time::Instant::now())
    }
}

/// Turns the handler's response into Spin's (the body sent whole, in one frame), with the
/// request id, and writes the request's access-log line to stdout.
pub fn respond(
    component: &str,
    req: &Request,
    ctx: &Ctx<SpinStore>,
    response: Response,
    started: Started,
) -> http::Response<Full<Bytes>> {
    let micros = u64::try_from(started.0.elapsed().as_micros()).unwrap_or(u64::MAX);
    let (response, line) = crate::access_log::finish(component, req, response, ctx.store.ops(), micros);
    // One line through std (wasi:cli 0.2). The benchmark measured this at ~0.2 ms a request in
    // the test host; writing through wasi:cli 0.3's stdout stream measured no faster.
    println!("{line}");
    let mut builder = http::Response::builder().status(response.status);
    for (name, value) in &response.headers {
        builder = builder.header(name, value);
    }
    builder = builder.header("content-length", response.body.len());
    builder
        .body(Full::new(Bytes::from(response.body)))
        .unwrap_or_else(|_| {
            let mut fallback = http::Response::new(Full::new(Bytes::new()));
            *fallback.status_mut() = http::StatusCode::INTERNAL_SERVER_ERROR;
            fallback
        })
}
