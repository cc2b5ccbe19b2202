//! The plain request and response every handler works on. The Spin entry point converts to and
//! from these, so handlers run natively in unit tests.

use crate::error::{AppError, AppResult};
use http::Method;
use serde::Serialize;

/// The most a request body may hold. Larger bodies are refused with 413 before parsing.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

pub struct Request {
    pub method: Method,
    /// The path as sent, without the query.
    pub path: String,
    pub query: String,
    pub headers: Headers,
    pub body: Vec<u8>,
    /// Set by the entry point when the body was over [`MAX_BODY_BYTES`] (and not read further).
    pub body_too_large: bool,
}

/// A request's headers as the host passed them (it has checked names and values): a list, not
/// a map, since a request carries a handful and handlers look up three or four by name. (The
/// `http` crate's `HeaderMap` cost each component ~20 KB for that.)
#[derive(Clone, Debug, Default)]
pub struct Headers(Vec<(String, Vec<u8>)>);

impl Headers {
    /// The headers as the host lists them (name, value). The names are lowercased in place: a
    /// copy of each was an allocation and a free per header, on every request.
    pub fn from_fields(mut fields: Vec<(String, Vec<u8>)>) -> Self {
        for (name, _) in &mut fields {
            name.make_ascii_lowercase();
        }
        Headers(fields)
    }

    /// Adds a value, keeping any earlier one of the same name.
    pub fn append(&mut self, name: &str, value: impl Into<Vec<u8>>) {
        self.0.push((name.to_ascii_lowercase(), value.into()));
    }

    /// Sets a header, replacing any earlier value.
    pub fn insert(&mut self, name: &str, value: impl Into<Vec<u8>>) {
        self.0.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self.append(name, value);
    }

    /// The first value of a header, by case-insensitive name.
    pub fn get(&self, name: &str) -> Option<&[u8]> {
        self.0
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_slice())
    }

    /// The first value of a header as text; `None` when absent or not UTF-8.
    pub fn text(&self, name: &str) -> Option<&str> {
        std::str::from_utf8(self.get(name)?).ok()
    }
}

impl Request {
    /// A request for tests and for the native benchmark.
    pub fn new(method: Method, uri: &str, body: impl Into<Vec<u8>>) -> Self {
        let (path, query) = uri.split_once('?').unwrap_or((uri, ""));
        Request {
            method,
            path: path.to_string(),
            query: query.to_string(),
            headers: Headers::default(),
            body: body.into(),
            body_too_large: false,
        }
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.insert(name, value);
        self
    }

    /// A header's value as text; `None` when absent or not UTF-8.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.text(name)
    }

    /// The body, or 413 when it was too large.
    pub fn body(&self) -> AppResult<&[u8]> {
        if self.body_too_large {
            return Err(AppError::PayloadTooLarge);
        }
        Ok(&self.body)
    }

    /// The media type, lower-cased and without parameters (`application/json`).
    pub fn media_type(&self) -> Option<String> {
        let ct = self.header("content-type")?;
        Some(ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase())
    }

    /// Accepts JSON bodies (`application/json`, `text/json`, `*+json`); a body without a
    /// content type is read as JSON too, as most JSON APIs do. Anything else is a 415.
    pub fn require_json(&self) -> AppResult<()> {
        match self.media_type() {
            None => Ok(()),
            Some(mt) if is_json(&mt) => Ok(()),
            Some(mt) => Err(AppError::UnsupportedMediaType(mt)),
        }
    }

    /// 405 unless the method is one of `allowed`, which the answer's `Allow` header lists.
    pub fn allow(&self, allowed: &[Method]) -> AppResult<()> {
        if allowed.contains(&self.method) {
            Ok(())
        } else {
            let names: Vec<&str> = allowed.iter().map(Method::as_str).collect();
            Err(AppError::MethodNotAllowed(names.join(", ")))
        }
    }

    /// The non-empty path segments (`/refunds/7/` gives `["refunds", "7"]`).
    pub fn segments(&self) -> Vec<&str> {
        self.path.split('/').filter(|s| !s.is_empty()).collect()
    }

    /// Decoded query parameters in order. A `+` stays a `+` (RFC 3986 queries, not form
    /// bodies): ids such as `0.0.0.1+-account+84808` arrive as sent.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        let decode = |s: &str| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        };
        self.query
            .split('&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| {
                let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                (decode(k), decode(v))
            })
            .collect()
    }

    pub fn query_param(&self, name: &str) -> Option<String> {
        self.query_pairs()
            .into_iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    }

    /// The path before `route`: the prefix the app is mounted under, for absolute URLs.
    pub fn mount_prefix(&self, route: &str) -> &str {
        find_ignore_case(&self.path, route).map_or("", |i| &self.path[..i])
    }

    /// `scheme://host` of the request as the client addressed it (Spin passes the full URL).
    pub fn origin(&self) -> String {
        if let Some(full) = self.header("spin-full-url")
            && let Some((scheme, rest)) = split_scheme(full)
        {
            let host_end = rest.find('/').unwrap_or(rest.len());
            return format!("{scheme}://{}", &rest[..host_end]);
        }
        format!("http://{}", self.header("host").unwrap_or("localhost"))
    }
}

/// A URL's scheme and what follows its `://`.
pub fn split_scheme(url: &str) -> Option<(&str, &str)> {
    let at = find_ignore_case(url, "://")?;
    Some((&url[..at], &url[at + 3..]))
}

/// Where `needle` first occurs in `haystack`, ignoring ASCII case. Byte by byte, on purpose:
/// std's substring search (`str::find` with a `&str`) is ~1.6 KB of every .wasm that uses it,
/// for the few short searches a request makes.
pub fn find_ignore_case(haystack: &str, needle: &str) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    haystack
        .as_bytes()
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// Serves an API's OpenAPI document: public (no token), GET only.
pub fn openapi_document(req: &Request, document: &'static str) -> AppResult<Response> {
    req.allow(&[Method::GET])?;
    Ok(Response::new(
        200,
        "application/json",
        document.as_bytes().to_vec(),
    ))
}

pub fn is_json(media_type: &str) -> bool {
    media_type == "application/json" || media_type == "text/json" || media_type.ends_with("+json")
}

#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The refund this request created or replayed, for the access log (not sent).
    pub refund_id: Option<String>,
    /// Whether an idempotent retry got the refund taken before.
    pub replayed: bool,
}

impl Response {
    pub fn new(status: u16, content_type: &str, body: Vec<u8>) -> Self {
        Response {
            status,
            headers: vec![("content-type".into(), content_type.into())],
            body,
            refund_id: None,
            replayed: false,
        }
    }

    pub fn json<T: Serialize + ?Sized>(status: u16, value: &T) -> Self {
        let body = serde_json::to_vec(value).expect("response bodies always serialize");
        Response::new(status, "application/json", body)
    }

    pub fn empty(status: u16) -> Self {
        Response {
            status,
            headers: Vec::new(),
            body: Vec::new(),
            refund_id: None,
            replayed: false,
        }
    }

    pub fn with_header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_string(), value.into()));
        self
    }

    /// Names the refund this answer is about, for the access log; a replay also says so to the
    /// client with `Idempotent-Replayed: true`, as Stripe does.
    pub fn about_refund(mut self, id: &str, replayed: bool) -> Self {
        self.refund_id = Some(id.to_string());
        self.replayed = replayed;
        if replayed {
            self = self.with_header("idempotent-replayed", "true");
        }
        self
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Adds the headers some errors carry by their nature (a 401's challenge, a 503's retry hint).
    pub fn for_error(self, error: &AppError) -> Self {
        match error {
            AppError::Unauthorized => self.with_header("www-authenticate", "Bearer"),
            AppError::Contention => self.with_header("retry-after", "1"),
            // RFC 9110: a 405 must list the methods the resource takes.
            AppError::MethodNotAllowed(allowed) => self.with_header("allow", allowed.as_str()),
            _ => self,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_queries_and_media_types() {
        let req = Request::new(Method::GET, "/refunds/7/?invoiceId=3&x=a%20b", "")
            .with_header("content-type", "Application/JSON; charset=utf-8");
        assert_eq!(req.segments(), ["refunds", "7"]);
        assert_eq!(req.query_param("x").as_deref(), Some("a b"));
        let plus = Request::new(Method::GET, "/refund?account.id=0.0.0.1+-account+1", "");
        assert_eq!(
            plus.query_param("account.id").as_deref(),
            Some("0.0.0.1+-account+1")
        );
        assert_eq!(req.media_type().as_deref(), Some("application/json"));
        assert!(req.require_json().is_ok());
        let xml = Request::new(Method::POST, "/", "").with_header("content-type", "text/xml");
        assert!(matches!(
            xml.require_json(),
            Err(AppError::UnsupportedMediaType(_))
        ));
    }

    #[test]
    fn host_fields_keep_their_order_and_repeats_with_names_lowercased() {
        let headers = Headers::from_fields(vec![
            ("Idempotency-Key".into(), b"k1".to_vec()),
            ("x-request-id".into(), b"r".to_vec()),
            ("idempotency-key".into(), b"k2".to_vec()),
        ]);
        assert_eq!(headers.get("IDEMPOTENCY-KEY"), Some(&b"k1"[..]));
        let names: Vec<&str> = headers.0.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["idempotency-key", "x-request-id", "idempotency-key"]);
    }

    #[test]
    fn origin_prefers_spins_full_url() {
        let req = Request::new(Method::GET, "/refund", "")
            .with_header("spin-full-url", "https://api.example.com/refund?x=1")
            .with_header("host", "ignored");
        assert_eq!(req.origin(), "https://api.example.com");
        let req = Request::new(Method::GET, "/refund", "").with_header("host", "127.0.0.1:3000");
        assert_eq!(req.origin(), "http://127.0.0.1:3000");
    }

    #[test]
    fn too_large_bodies_are_413() {
        let mut req = Request::new(Method::POST, "/", "");
        req.body_too_large = true;
        assert_eq!(req.body().unwrap_err(), AppError::PayloadTooLarge);
    }

    #[test]
    fn a_405_lists_the_methods_the_resource_takes() {
        let req = Request::new(Method::DELETE, "/refunds", "");
        assert!(
            Request::new(Method::POST, "/refunds", "")
                .allow(&[Method::GET, Method::POST])
                .is_ok()
        );
        let refused = req.allow(&[Method::GET, Method::POST]).unwrap_err();
        assert_eq!(refused.status(), 405);
        let answer = Response::empty(405).for_error(&refused);
        assert_eq!(answer.header("allow"), Some("GET, POST"));
    }
}
