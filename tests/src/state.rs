//! What one request's wasmtime store holds: WASI, wasi:http, the key-value store and variables.

use crate::crossings::CrossingClock;
use crate::kv::{Counter, KvStore};
use bytes::Bytes;
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use std::collections::HashMap;
use std::sync::Arc;
use wasmtime::component::ResourceTable;
use wasmtime::{ResourceLimiter, StoreLimits};
use wasmtime_wasi::TrappableError;
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};
use wasmtime_wasi_http::WasiHttpCtx;
use wasmtime_wasi_http::p3::bindings::http::types::ErrorCode;
use wasmtime_wasi_http::p3::{RequestOptions, WasiHttpCtxView, WasiHttpHooks, WasiHttpView};

pub struct HostState {
    pub wasi: WasiCtx,
    pub http: WasiHttpCtx,
    pub table: ResourceTable,
    pub hooks: Outbound,
    pub kv: Arc<KvStore>,
    pub ops: Arc<Counter>,
    pub allowed_stores: Vec<String>,
    pub variables: Arc<HashMap<String, String>>,
    pub limits: StoreLimits,
    /// Set when the host counts this request's guest/host crossings.
    pub crossings: Option<CrossingClock>,
}

/// The store's limits (every call passed on to them), with each memory grow of a counted
/// request counted.
impl ResourceLimiter for HostState {
    fn memory_growing(
        &mut self,
        current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if let Some(clock) = self.crossings.as_mut() {
            clock.grew_memory();
        }
        self.limits.memory_growing(current, desired, maximum)
    }

    fn table_growing(
        &mut self,
        current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        self.limits.table_growing(current, desired, maximum)
    }

    fn memory_grow_failed(&mut self, error: wasmtime::Error) -> wasmtime::Result<()> {
        self.limits.memory_grow_failed(error)
    }

    fn table_grow_failed(&mut self, error: wasmtime::Error) -> wasmtime::Result<()> {
        self.limits.table_grow_failed(error)
    }

    fn instances(&self) -> usize {
        self.limits.instances()
    }

    fn tables(&self) -> usize {
        self.limits.tables()
    }

    fn memories(&self) -> usize {
        self.limits.memories()
    }
}

impl WasiView for HostState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

impl WasiHttpView for HostState {
    fn http(&mut self) -> WasiHttpCtxView<'_> {
        WasiHttpCtxView {
            ctx: &mut self.http,
            table: &mut self.table,
            hooks: &mut self.hooks,
        }
    }
}

/// Outbound HTTP as Spin allows it: only to the origins (`scheme://host:port`) the component's
/// `allowed_outbound_hosts` lists, anything else denied. Plain HTTP/1.1 over TCP (what the
/// tests' webhook receiver speaks); the body is sent whole.
pub struct Outbound {
    pub allowed: Arc<[String]>,
}

type Body = UnsyncBoxBody<Bytes, ErrorCode>;
type IoFuture = Box<dyn Future<Output = Result<(), ErrorCode>> + Send>;

impl WasiHttpHooks for Outbound {
    fn send_request(
        &mut self,
        request: http::Request<Body>,
        _options: Option<RequestOptions>,
        _fut: IoFuture,
    ) -> Box<dyn Future<Output = Result<(http::Response<Body>, IoFuture), TrappableError<ErrorCode>>> + Send>
    {
        let allowed = self.allowed.clone();
        Box::new(async move {
            let response = send(request, &allowed).await?;
            Ok((response, Box::new(async { Ok(()) }) as IoFuture))
        })
    }
}

/// `scheme://host:port`, with the scheme's default port when none is written.
pub fn origin(scheme: &str, host: &str, port: Option<u16>) -> String {
    let port = port.unwrap_or(if scheme == "https" { 443 } else { 80 });
    format!("{scheme}://{host}:{port}")
}

async fn send(request: http::Request<Body>, allowed: &[String]) -> Result<http::Response<Body>, ErrorCode> {
    let uri = request.uri().clone();
    let (scheme, host) = match (uri.scheme_str(), uri.host()) {
        (Some(scheme), Some(host)) => (scheme, host),
        _ => return Err(ErrorCode::HttpRequestUriInvalid),
    };
    if !allowed.contains(&origin(scheme, host, uri.port_u16())) {
        return Err(ErrorCode::HttpRequestDenied);
    }
    if scheme != "http" {
        return Err(ErrorCode::HttpProtocolError); // the test receiver is plain HTTP
    }
    let port = uri.port_u16().unwrap_or(80);
    let (mut parts, body) = request.into_parts();
    let body = body.collect().await?.to_bytes();
    parts.uri = uri
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/")
        .parse()
        .map_err(|_| ErrorCode::HttpRequestUriInvalid)?;
    if let Ok(value) = format!("{host}:{port}").parse() {
        parts.headers.insert(http::header::HOST, value);
    }
    let stream = tokio::net::TcpStream::connect((host, port))
        .await
        .map_err(|_| ErrorCode::ConnectionRefused)?;
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| ErrorCode::InternalError(Some(e.to_string())))?;
    tokio::spawn(connection);
    let response = sender
        .send_request(http::Request::from_parts(parts, Full::new(body)))
        .await
        .map_err(|e| ErrorCode::InternalError(Some(e.to_string())))?;
    let (parts, body) = response.into_parts();
    let body = body
        .collect()
        .await
        .map_err(|e| ErrorCode::InternalError(Some(e.to_string())))?
        .to_bytes();
    let body = crate::body::never_failing(Full::new(body));
    Ok(http::Response::from_parts(parts, body))
}
