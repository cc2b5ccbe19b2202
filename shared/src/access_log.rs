//! One structured JSON line per request on stdout, which Spin collects, and the request id the
//! response echoes. The line carries what an operator searches by (component, route, status,
//! refund, replay, store operations, duration, request id), never a header, a body or a token.

use crate::http::{Request, Response};
use serde::Serialize;
use std::cell::Cell;

pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// Longest client-supplied request id kept; anything longer or odd gets a fresh one.
const MAX_REQUEST_ID: usize = 128;

/// What one request asked of the store.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct StoreOps {
    pub opens: u32,
    pub reads: u32,
    pub writes: u32,
}

#[derive(Serialize)]
struct Line<'a> {
    component: &'a str,
    request_id: &'a str,
    method: &'a str,
    route: &'a str,
    status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    refund_id: Option<&'a str>,
    replayed: bool,
    store: StoreOps,
    duration_us: u64,
}

thread_local! {
    /// The next fresh request id: random bits drawn by an instance's first request, counted
    /// up by the next ones (Spin keeps an instance for up to 128 requests, and drawing 16
    /// random bytes was two host calls a request).
    static NEXT_ID: Cell<Option<u128>> = const { Cell::new(None) };
}

/// A fresh request id: a version-4 UUID, unique among the instance's requests and random
/// across instances.
fn fresh_id() -> String {
    let id = NEXT_ID.get().unwrap_or_else(|| uuid::Uuid::new_v4().as_u128());
    NEXT_ID.set(Some(id.wrapping_add(1)));
    uuid::Builder::from_random_bytes(id.to_be_bytes())
        .into_uuid()
        .to_string()
}

/// The client's `x-request-id` when it is a sane token (so callers can trace their own ids
/// through), otherwise a fresh one.
pub fn request_id(req: &Request) -> String {
    match req.header(REQUEST_ID_HEADER) {
        Some(id)
            if !id.is_empty()
                && id.len() <= MAX_REQUEST_ID
                && id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_.:/+=".contains(&b)) =>
        {
            id.to_string()
        }
        _ => fresh_id(),
    }
}

/// Adds the request id to the response and returns the log line for the request.
pub fn finish(
    component: &str,
    req: &Request,
    response: Response,
    store: StoreOps,
    duration_us: u64,
) -> (Response, String) {
    let id = request_id(req);
    let line = Line {
        component,
        request_id: &id,
        method: req.method.as_str(),
        route: &req.path,
        status: response.status,
        refund_id: response.refund_id.as_deref(),
        replayed: response.replayed,
        store,
        duration_us,
    };
    let line = serde_json::to_string(&line).unwrap_or_default();
    (response.with_header(REQUEST_ID_HEADER, id), line)
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::Method;

    #[test]
    fn a_line_names_the_request_and_echoes_its_id() {
        let req = Request::new(Method::POST, "/refunds?x=1", "{\"secret\":1}")
            .with_header("x-request-id", "trace-42")
            .with_header("authorization", "Bearer dev-token");
        let response = Response::json(201, &serde_json::json!({})).about_refund("50000001", false);
        let ops = StoreOps {
            opens: 1,
            reads: 1,
            writes: 1,
        };
        let (response, line) = finish("invoice-refunds", &req, response, ops, 830);
        assert_eq!(response.header("x-request-id"), Some("trace-42"));
        let logged: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(
            logged,
            serde_json::json!({
                "component": "invoice-refunds", "request_id": "trace-42", "method": "POST",
                "route": "/refunds", "status": 201, "refund_id": "50000001", "replayed": false,
                "store": {"opens": 1, "reads": 1, "writes": 1}, "duration_us": 830
            })
        );
        assert!(!line.contains("dev-token") && !line.contains("secret"));
    }

    #[test]
    fn fresh_ids_are_distinct_version_4_uuids() {
        let ids: Vec<String> = (0..300).map(|_| fresh_id()).collect();
        let distinct: std::collections::HashSet<&String> = ids.iter().collect();
        assert_eq!(distinct.len(), ids.len());
        for id in &ids {
            let parsed = uuid::Uuid::parse_str(id).unwrap();
            assert_eq!(parsed.get_version_num(), 4, "{id}");
            assert_eq!(parsed.get_variant(), uuid::Variant::RFC4122, "{id}");
        }
    }

    #[test]
    fn odd_or_missing_request_ids_are_replaced() {
        let fresh = |req: Request| request_id(&req);
        let plain = Request::new(Method::GET, "/", "");
        assert_eq!(fresh(plain).len(), 36);
        let long = "a".repeat(MAX_REQUEST_ID + 1);
        for bad in ["", "has space", "quote\"", long.as_str()] {
            let req = Request::new(Method::GET, "/", "").with_header("x-request-id", bad);
            let id = fresh(req);
            assert_ne!(id, bad);
            assert_eq!(id.len(), 36);
        }
    }
}
