//! The Spin side of a request (wasm32 only): read the request, the tokens and the clock, run
//! the handler, and write its response. Every component's entry point is two calls.
//!
//! It speaks `wasi:http@0.3` directly rather than through spin-sdk's `http` conversions: every
//! guest/host crossing costs a request several microseconds (the benchmark measured ~75 µs for
//! draining an empty GET body to its trailers, ~17 µs per variable read), so this reads only
//! what the request needs: no body for GET and HEAD, a body up to its `Content-Length` without
//! waiting for trailers, and only the tokens the presented credential can match.

use crate::auth::{Tokens, matches, presented_token};
use crate::context::Ctx;
use crate::http::{Headers, MAX_BODY_BYTES, Request, Response};
use crate::store::SpinStore;
use crate::webhook::Webhook;
use http::Method;
use spin_sdk::wasip3::clocks::{monotonic_clock, system_clock};
use spin_sdk::wasip3::http::types as wasi;
use spin_sdk::wasip3::wit_bindgen::{FutureReader, StreamReader, StreamResult};
use spin_sdk::wasip3::{wit_future, wit_stream};
use std::cell::RefCell;
use std::rc::Rc;
use wasip2::io::streams::OutputStream;

/// Turns Spin's request into the handler's, with the context for it.
pub async fn prepare(raw: wasi::Request) -> (Request, Ctx<SpinStore>) {
    let method = method(raw.get_method());
    let target = raw.get_path_with_query().unwrap_or_default();
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    let (path, query) = (path.to_string(), query.to_string());
    let headers = Headers::from_fields(raw.get_headers().copy_all());
    // A GET or HEAD reads: its body means nothing to any route (not reading it saves the stream
    // round trips), and it raises no events, so the webhook need not be looked up.
    let reads = method == Method::GET || method == Method::HEAD;
    let (body, body_too_large) = if reads {
        (Vec::new(), false)
    } else {
        read_body(raw, content_length(&headers)).await
    };
    let request = Request {
        method,
        path,
        query,
        headers,
        body,
        body_too_large,
    };
    let tokens = tokens(&request);
    let ctx = Ctx {
        store: SpinStore::new(),
        tokens,
        now: system_clock::now().seconds,
        webhook: if reads { None } else { webhook() },
    };
    (request, ctx)
}

fn method(method: wasi::Method) -> Method {
    match method {
        wasi::Method::Get => Method::GET,
        wasi::Method::Head => Method::HEAD,
        wasi::Method::Post => Method::POST,
        wasi::Method::Put => Method::PUT,
        wasi::Method::Delete => Method::DELETE,
        wasi::Method::Connect => Method::CONNECT,
        wasi::Method::Options => Method::OPTIONS,
        wasi::Method::Trace => Method::TRACE,
        wasi::Method::Patch => Method::PATCH,
        // The host only passes valid tokens; a route never allows an unknown one (405).
        wasi::Method::Other(other) => Method::from_bytes(other.as_bytes()).unwrap_or(Method::CONNECT),
    }
}

fn content_length(headers: &Headers) -> Option<usize> {
    headers.text("content-length")?.trim().parse().ok()
}

/// The body, at most [`MAX_BODY_BYTES`] (the flag says it was more). With a `Content-Length` it
/// stops once that many bytes arrived, without waiting for the stream's end and trailers.
async fn read_body(raw: wasi::Request, expected: Option<usize>) -> (Vec<u8>, bool) {
    if expected == Some(0) {
        return (Vec::new(), false);
    }
    if expected.is_some_and(|n| n > MAX_BODY_BYTES) {
        return (Vec::new(), true);
    }
    // The host learns from `_handled` whether the body was consumed without error; dropping it
    // unwritten reports success.
    let (_handled, handled_reader) = wit_future::new(|| Ok(()));
    let (mut stream, _trailers) = wasi::Request::consume_body(raw, handled_reader);
    let mut body = Vec::new();
    loop {
        // One more byte than allowed tells a too-large body without a Content-Length apart.
        let room = MAX_BODY_BYTES + 1 - body.len();
        body.reserve(
            expected
                .map_or(16 * 1024, |n| n.saturating_sub(body.len()))
                .clamp(1, room),
        );
        let (result, filled) = stream.read(body).await;
        body = filled;
        if body.len() > MAX_BODY_BYTES {
            return (Vec::new(), true);
        }
        match result {
            StreamResult::Complete(_) if expected.is_some_and(|n| body.len() >= n) => break,
            StreamResult::Complete(_) => {}
            StreamResult::Dropped | StreamResult::Cancelled => break,
        }
    }
    (body, false)
}

/// The tokens the presented credential could match, read lazily: none without a bearer token,
/// the read-only one only when the full one did not match. Routes under /admin/ are the back
/// office's: only the admin token opens them, whichever component serves them.
fn tokens(request: &Request) -> Tokens {
    let Some(presented) = presented_token(request) else {
        return Tokens::default();
    };
    let admin = request.path.starts_with("/admin/");
    let full = variable(if admin { "admin_token" } else { "token" });
    let read_only = if admin || matches(presented, &full) {
        String::new()
    } else {
        variable("read_only_token")
    };
    Tokens { full, read_only }
}

/// The webhook when `webhook_url` is set (its host must be in `allowed_outbound_hosts`).
fn webhook() -> Option<Webhook> {
    let url = variable("webhook_url");
    if url.is_empty() {
        return None;
    }
    Some(Webhook {
        url,
        secret: variable("webhook_secret"),
        send: Rc::new(|url, headers, body| Box::pin(post(url, headers, body))),
    })
}

/// One outbound POST through wasi:http's client. The configured URL is split by hand into
/// scheme, authority and path: `http::Uri`'s parser measured +5.5 KB per component, and the
/// host checks each part anyway (`set_*` refuse what is not valid).
async fn post(url: String, headers: Vec<(String, String)>, body: Vec<u8>) -> Result<u16, String> {
    let (scheme, rest) =
        crate::http::split_scheme(&url).ok_or_else(|| format!("webhook_url `{url}` has no scheme"))?;
    let (authority, path) = rest.find('/').map_or((rest, "/"), |i| rest.split_at(i));
    let scheme = match scheme.to_ascii_lowercase().as_str() {
        "http" => wasi::Scheme::Http,
        "https" => wasi::Scheme::Https,
        other => wasi::Scheme::Other(other.to_string()),
    };
    // The error texts are short on purpose: the caller only retries later, and formatting
    // wasi:http's error types would add their Debug code to every component.
    let headers = fields(headers, body.len()).map_err(|_| "invalid webhook headers".to_string())?;
    let (contents, trailers) = outgoing_body(body);
    let (request, _sent) = wasi::Request::new(headers, contents, trailers, None);
    let set = request.set_method(&wasi::Method::Post).is_ok()
        && request.set_scheme(Some(&scheme)).is_ok()
        && request.set_authority(Some(authority)).is_ok()
        && request.set_path_with_query(Some(path)).is_ok();
    if !set {
        return Err(format!("webhook_url `{url}` is not a valid URL"));
    }
    let response = spin_sdk::wasip3::http::client::send(request)
        .await
        .map_err(|_| "the webhook request failed".to_string())?;
    Ok(response.get_status_code())
}

/// The headers of a message whose body is sent whole, with its `Content-Length`.
fn fields(headers: Vec<(String, String)>, body_len: usize) -> Result<wasi::Fields, wasi::HeaderError> {
    let mut list: Vec<(String, Vec<u8>)> = headers
        .into_iter()
        .map(|(name, value)| (name, value.into_bytes()))
        .collect();
    list.push(("content-length".into(), body_len.to_string().into_bytes()));
    wasi::Fields::from_list(&list)
}

/// A body for a request or response sent whole: the stream (none when empty) and its trailers
/// future. The reader side is handed to the host, which reads the body after the message is
/// handed over, so the write runs as its own task; the trailers ("none") resolve once the
/// body is closed, as wasi:http asks.
fn outgoing_body(body: Vec<u8>) -> (Option<StreamReader<u8>>, FutureReader<Trailers>) {
    // Dropping the trailers writer unwritten resolves it to "no trailers".
    let (trailers, trailers_reader) = wit_future::new(|| Ok(None));
    if body.is_empty() {
        drop(trailers);
        return (None, trailers_reader);
    }
    let (mut writer, reader) = wit_stream::new();
    spin_sdk::wasip3::spawn(async move {
        writer.write_all(body).await;
        drop(writer);
        drop(trailers);
    });
    (Some(reader), trailers_reader)
}

type Trailers = Result<Option<wasi::Trailers>, wasi::ErrorCode>;

thread_local! {
    /// The variables this instance has read, kept for its next requests: Spin 4.0.2 serves up
    /// to 128 requests with one `wasi:http@0.3` instance. A secret rotated in a provider
    /// (Vault...) is read by the next instance: at most 128 requests or 1 s idle later.
    static VARIABLES: RefCell<Vec<(&'static str, String)>> = const { RefCell::new(Vec::new()) };
}

/// A component variable; a missing or unreadable one is empty (an empty token accepts nothing).
/// Read through `wasi:config/store`, which Spin serves from the same variables, as one plain
/// call: `spin:variables@3.0.0`'s `get` is async, and its subtask measured 3-4 µs more a
/// request on Spin's engine and ~4 KB of each .wasm for its bindings. A failed read is not
/// kept.
fn variable(name: &'static str) -> String {
    let kept = VARIABLES.with_borrow(|vars| vars.iter().find(|(n, _)| *n == name).map(|(_, v)| v.clone()));
    if let Some(value) = kept {
        return value;
    }
    match spin_sdk::experimental::wasi::config::store::get(name) {
        Ok(value) => {
            let value = value.unwrap_or_default();
            VARIABLES.with_borrow_mut(|vars| vars.push((name, value.clone())));
            value
        }
        Err(_) => String::new(),
    }
}

thread_local! {
    /// The instance's stdout, got by its first request and kept for the next ones: getting
    /// and dropping it were two host calls a request.
    static STDOUT: RefCell<Option<OutputStream>> = const { RefCell::new(None) };
}

/// Writes a log line to stdout with one wasi:cli 0.2 call: std's `stdout()` makes four (get,
/// check-write, write, flush, with a pollable), which measured 13 µs a request more; wasi:cli
/// 0.3's stdout stream measured no faster than std. A lost line must not fail the request, so
/// an error only drops the kept stream (the next request gets it again).
fn log(line: &str) {
    STDOUT.with_borrow_mut(|kept| {
        let stdout = kept.get_or_insert_with(wasip2::cli::stdout::get_stdout);
        if stdout.blocking_write_and_flush(line.as_bytes()).is_err() {
            *kept = None;
        }
    });
}

/// When the request arrived (monotonic nanoseconds), for the access log's duration.
pub struct Started(u64);

impl Started {
    pub fn now() -> Self {
        Started(monotonic_clock::now())
    }
}

/// Turns the handler's response into Spin's, with the request id, and writes the request's
/// access-log line to stdout. The body goes whole, with its `Content-Length`, in one write.
pub fn respond(
    component: &str,
    req: &Request,
    ctx: &Ctx<SpinStore>,
    response: Response,
    started: Started,
) -> wasi::Response {
    let micros = monotonic_clock::now().saturating_sub(started.0) / 1000;
    let (response, mut line) = crate::access_log::finish(component, req, response, ctx.store.ops(), micros);
    line.push('\n');
    log(&line);
    // Our own header names and values are valid; should one not be, the response still goes.
    let headers = fields(response.headers, response.body.len()).unwrap_or_else(|_| wasi::Fields::new());
    let (contents, trailers) = outgoing_body(response.body);
    let (wasi_response, _sent) = wasi::Response::new(headers, contents, trailers);
    // A new response is a 200 already: setting it again would be one more host call.
    if response.status != 200 && wasi_response.set_status_code(response.status).is_err() {
        let _ = wasi_response.set_status_code(500);
    }
    wasi_response
}
