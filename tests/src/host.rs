//! Compiling the app once and serving requests: with a fresh instance each, or with instances
//! kept for many requests, as Spin 4.0.2 keeps a `wasi:http@0.3` component's.

use crate::crossings::{CrossingClock, Crossings};
use crate::engine::EngineKind;
use crate::grants::{self, Grants};
use crate::kv::{Counter, Faults, KvStore, OpCounts};
use crate::manifest::Manifest;
use crate::openapi::Contracts;
use crate::reuse::{Pool, Warm};
use crate::state::{HostState, Outbound};
use crate::stdout::Stdout;
use anyhow::{Result, anyhow, bail};
use bytes::Bytes;
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, Full};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};
use wasmtime::component::{Accessor, Component, HasSelf, Linker};
use wasmtime::{Config, Engine, Store, StoreLimitsBuilder};
use wasmtime_wasi::WasiCtx;
use wasmtime_wasi_http::WasiHttpCtx;
use wasmtime_wasi_http::p3::bindings::http::types::ErrorCode;
use wasmtime_wasi_http::p3::bindings::{Service, ServicePre};

/// How much of a request's stdout is kept (an access-log line is a few hundred bytes).
const STDOUT_LIMIT: usize = 64 * 1024;

/// The command that builds what the host serves; named in every "missing .wasm" error.
pub const BUILD_COMMAND: &str = "scripts/build";

/// How long one request may run before the host gives up on it.
pub(crate) const REQUEST_TIMEOUT: Duration = Duration::from_secs(20);
/// The most linear memory one instance may grow to.
const MEMORY_LIMIT: usize = 64 << 20;

struct Compiled {
    component: Component,
    pre: ServicePre<HostState>,
    wasm_bytes: u64,
    compile_time: Duration,
}

/// An application: its manifest and its components, compiled.
pub struct App {
    engine: Engine,
    engine_kind: EngineKind,
    manifest: Manifest,
    components: HashMap<String, Compiled>,
}

impl App {
    /// Reads a manifest and compiles every component it names, with wasmtime's defaults.
    pub fn load(manifest_path: &Path) -> Result<App> {
        App::load_with(manifest_path, EngineKind::Default)
    }

    /// Reads a manifest and compiles every component it names, for the engine given.
    pub fn load_with(manifest_path: &Path, engine_kind: EngineKind) -> Result<App> {
        let manifest = Manifest::load(manifest_path)?;
        let mut config = Config::new();
        config.wasm_component_model(true);
        config.wasm_component_model_async(true);
        engine_kind.configure(&mut config);
        // `REFUND_HOST_PERFMAP=1`: JIT code named in /tmp/perf-PID.map, for `perf record`.
        if std::env::var_os("REFUND_HOST_PERFMAP").is_some() {
            config.profiler(wasmtime::ProfilingStrategy::PerfMap);
        }
        let engine = Engine::new(&config)?;
        let mut linker = Linker::<HostState>::new(&engine);
        wasmtime_wasi::p2::add_to_linker_async(&mut linker)?;
        wasmtime_wasi::p3::add_to_linker(&mut linker)?;
        wasmtime_wasi_http::p3::add_to_linker(&mut linker)?;
        crate::bindings::Host_::add_to_linker::<_, HasSelf<HostState>>(&mut linker, |s| s)?;
        let mut components = HashMap::new();
        for (id, c) in &manifest.components {
            let bytes = std::fs::read(&c.wasm).map_err(|e| {
                anyhow!(
                    "component `{id}`: cannot read {} ({e}). Build the components first: `{BUILD_COMMAND}`",
                    c.wasm.display()
                )
            })?;
            let started = Instant::now();
            let component =
                Component::new(&engine, &bytes).map_err(|e| anyhow!("compiling component `{id}`: {e:?}"))?;
            let pre = linker.instantiate_pre(&component).map_err(|e| {
                anyhow!("linking component `{id}` (it imports something the host lacks): {e:?}")
            })?;
            let pre = ServicePre::new(pre)
                .map_err(|e| anyhow!("component `{id}` exports no wasi:http handler: {e:?}"))?;
            components.insert(
                id.clone(),
                Compiled {
                    component,
                    pre,
                    wasm_bytes: bytes.len() as u64,
                    compile_time: started.elapsed(),
                },
            );
        }
        Ok(App {
            engine,
            engine_kind,
            manifest,
            components,
        })
    }

    /// The workspace's app (`spin.toml` at the repository root), compiled once per process.
    pub fn workspace() -> Arc<App> {
        static APP: OnceLock<Arc<App>> = OnceLock::new();
        APP.get_or_init(|| {
            let path = workspace_root_dir().join("spin.toml");
            match App::load(&path) {
                Ok(app) => Arc::new(app),
                Err(e) => panic!("{e:#}"),
            }
        })
        .clone()
    }

    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// `.wasm` size and compile time of a component.
    pub fn component_stats(&self, id: &str) -> Option<(u64, Duration)> {
        self.components.get(id).map(|c| (c.wasm_bytes, c.compile_time))
    }

    /// The names a component imports and exports (`wasi:http/handler@...`).
    pub fn component_world(&self, id: &str) -> Option<(Vec<String>, Vec<String>)> {
        let ty = self.components.get(id)?.component.component_type();
        let imports = ty
            .imports(&self.engine)
            .map(|(name, _)| name.to_string())
            .collect();
        let exports = ty
            .exports(&self.engine)
            .map(|(name, _)| name.to_string())
            .collect();
        Some((imports, exports))
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }
}

/// The repository root (this crate lives in `tests/`).
pub fn workspace_root_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// A response, with the store operations its request made.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: http::HeaderMap,
    pub body: Bytes,
    pub ops: OpCounts,
    /// What the component wrote to stdout (its access-log line), as Spin would collect it.
    pub stdout: String,
    /// Guest/host crossings, when the host counts them ([`TestHost::counting_crossings`]).
    pub crossings: Option<Crossings>,
}

impl Reply {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "response is not JSON ({e}): {}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// One host: an app, its own key-value store and variable values. Cheap to make per test.
#[derive(Clone)]
pub struct TestHost {
    app: Arc<App>,
    kv: Arc<KvStore>,
    variables: HashMap<String, Option<String>>,
    /// What each component's instances get from `variables`, worked out when they change.
    grants: Arc<HashMap<String, Grants>>,
    /// When set, every response is held against its API's OpenAPI document (a mismatch panics).
    contracts: Option<Arc<Contracts>>,
    count_crossings: bool,
    /// Instances kept for more requests ([`TestHost::reusing_instances`]); `None`: a fresh one
    /// for every request.
    pool: Option<Arc<Pool>>,
}

impl TestHost {
    /// A host of the workspace's app with an empty store and the manifest's variable defaults,
    /// checking every response against the APIs' OpenAPI documents.
    pub fn new() -> TestHost {
        let mut host = TestHost::of(App::workspace());
        host.contracts = Some(Contracts::workspace());
        host
    }

    /// A host of any app, checking nothing (the benchmark, the serve mode).
    pub fn of(app: Arc<App>) -> TestHost {
        let variables = app.manifest.variables.clone();
        let grants = Arc::new(grants::of_app(&app.manifest, &variables));
        TestHost {
            app,
            kv: Arc::new(KvStore::default()),
            variables,
            grants,
            contracts: None,
            count_crossings: false,
            pool: None,
        }
    }

    /// The same host with its data in `kv` instead of an empty in-memory store (the benchmark's
    /// SQLite store, [`KvStore::sqlite`]).
    pub fn with_store(self, kv: KvStore) -> TestHost {
        TestHost {
            kv: Arc::new(kv),
            ..self
        }
    }

    /// The same host (same store and variables), counting each request's guest/host crossings.
    pub fn counting_crossings(&self) -> TestHost {
        TestHost {
            count_crossings: true,
            // Instances made without the crossing hook cannot count.
            pool: self.emptied_pool(),
            ..self.clone()
        }
    }

    /// The same host (same store and variables), serving each component's requests with an
    /// instance it keeps for up to `max_reuse` requests, as Spin 4.0.2 does with a
    /// `wasi:http@0.3` component ([`crate::SPIN_MAX_INSTANCE_REUSE`]), instead of a fresh one each.
    pub fn reusing_instances(&self, max_reuse: usize) -> TestHost {
        TestHost {
            pool: Some(Arc::new(Pool::new(max_reuse))),
            ..self.clone()
        }
    }

    /// How many instances the host has made for requests since [`TestHost::reusing_instances`].
    pub fn instances_made(&self) -> Option<usize> {
        self.pool.as_ref().map(|p| p.instances_made())
    }

    pub fn app(&self) -> &App {
        &self.app
    }

    /// Overrides an application variable, as `SPIN_VARIABLE_<NAME>` would.
    pub fn set_variable(&mut self, name: &str, value: &str) {
        self.variables.insert(name.to_string(), Some(value.to_string()));
        self.grants = Arc::new(grants::of_app(&self.app.manifest, &self.variables));
        // A kept instance holds the variables it was made with.
        self.pool = self.emptied_pool();
    }

    /// A pool like this host's, with no instance kept yet.
    fn emptied_pool(&self) -> Option<Arc<Pool>> {
        let pool = self.pool.as_ref()?;
        Some(Arc::new(Pool::new(pool.max_reuse())))
    }

    pub fn kv(&self) -> &KvStore {
        &self.kv
    }

    pub fn set_faults(&self, faults: Faults) {
        self.kv.set_faults(faults);
    }

    /// Sends a request to the component its path routes to.
    pub async fn send(&self, req: http::Request<Bytes>) -> Result<Reply> {
        let path = req.uri().path().to_string();
        let method = req.method().to_string();
        let Some((component, req)) = self.routed(req)? else {
            return Ok(Reply {
                status: 404,
                headers: Default::default(),
                body: Bytes::new(),
                ops: OpCounts::default(),
                stdout: String::new(),
                crossings: None,
            });
        };
        let ops = Arc::new(Counter::default());
        let served = async {
            let mut warm = self.instance_for(&component).await?;
            let state = warm.store.data_mut();
            state.ops = ops.clone();
            state.crossings = self.count_crossings.then(CrossingClock::default);
            let executed = execute(&mut warm.store, &warm.service, req).await?;
            let stdout = warm.stdout.take();
            self.done_with(&component, warm);
            anyhow::Ok((executed, stdout))
        };
        let ((status, headers, body, crossings), stdout) = tokio::time::timeout(REQUEST_TIMEOUT, served)
            .await
            .map_err(|_| anyhow!("the component did not answer within {REQUEST_TIMEOUT:?}"))??;
        if let Some(contract) = self.contracts.as_ref().and_then(|c| c.get(&component)) {
            let content_type = headers.get("content-type").and_then(|v| v.to_str().ok());
            if let Err(violation) = contract.check(&method, &path, status, content_type, &body) {
                panic!("{component} broke its OpenAPI document: {violation}");
            }
        }
        Ok(Reply {
            status,
            headers,
            body,
            ops: ops.snapshot(),
            stdout,
            crossings,
        })
    }

    /// Sends `requests` to one new instance of the component the first routes to, all at once,
    /// as Spin 4.0.2 sends up to 16 to one `wasi:http@0.3` instance: the guest interleaves them
    /// wherever it awaits. Answers (status and body) in the order sent; the store counts and
    /// stdout of the instance are shared, so not reported, and the answers are not held
    /// against the OpenAPI documents (the caller checks them).
    pub async fn send_at_once(&self, requests: Vec<http::Request<Bytes>>) -> Result<Vec<(u16, Bytes)>> {
        let first = requests.first().ok_or_else(|| anyhow!("no requests"))?;
        let route = self
            .app
            .manifest
            .route(first.uri().path())
            .ok_or_else(|| anyhow!("no route for {}", first.uri()))?;
        let compiled = &self.app.components[&route.component];
        let mut warm = self.instantiate(&route.component, &compiled.pre).await?;
        let mut calls = Vec::new();
        for req in requests {
            calls.push(with_spin_headers(req, &route.pattern)?);
        }
        let service = &warm.service;
        let served = warm.store.run_concurrent(async move |accessor| {
            let answers = calls.into_iter().map(|req| call(accessor, service, req));
            futures::future::try_join_all(answers).await
        });
        match tokio::time::timeout(REQUEST_TIMEOUT, served).await {
            Ok(Ok(Ok(answers))) => Ok(answers
                .into_iter()
                .map(|(status, _, body)| (status, body))
                .collect()),
            Ok(Ok(Err(e)) | Err(e)) => bail!("the component failed: {e:?}"),
            Err(_) => bail!("the component did not answer within {REQUEST_TIMEOUT:?}"),
        }
    }

    /// The route `req` takes, with the headers Spin adds for it; `None` when no route matches.
    pub(crate) fn routed(&self, req: http::Request<Bytes>) -> Result<Option<(String, http::Request<Bytes>)>> {
        let Some(route) = self.app.manifest.route(req.uri().path()) else {
            return Ok(None);
        };
        let req = with_spin_headers(req, &route.pattern)?;
        Ok(Some((route.component.clone(), req)))
    }

    /// An instance for one request: a kept one when the host keeps them, or a new one.
    pub(crate) async fn instance_for(&self, component: &str) -> Result<Warm> {
        let kept = self.pool.as_ref().and_then(|pool| pool.take(component));
        match kept {
            Some(warm) => Ok(warm),
            None => {
                self.instantiate(component, &self.app.components[component].pre)
                    .await
            }
        }
    }

    /// After a request: the instance is kept for the next one when the host keeps them.
    pub(crate) fn done_with(&self, component: &str, mut warm: Warm) {
        warm.served += 1;
        if let Some(pool) = &self.pool {
            pool.give_back(component, warm);
        }
    }

    /// A new instance of `component`, in a store of its own.
    async fn instantiate(&self, component: &str, pre: &ServicePre<HostState>) -> Result<Warm> {
        let spec = &self.app.manifest.components[component];
        let grants = self.grants[component].clone();
        // Taken after each request, so the limit is one request's (or one batch's).
        let stdout = Stdout::new(STDOUT_LIMIT);
        let state = HostState {
            wasi: WasiCtx::builder().stdout(stdout.clone()).build(),
            http: WasiHttpCtx::new(),
            table: Default::default(),
            hooks: Outbound {
                allowed: grants.allowed_outbound,
            },
            kv: self.kv.clone(),
            ops: Arc::new(Counter::default()),
            allowed_stores: spec.key_value_stores.clone(),
            variables: grants.variables,
            limits: StoreLimitsBuilder::new().memory_size(MEMORY_LIMIT).build(),
            crossings: None,
        };
        let mut store = Store::new(&self.app.engine, state);
        if let Some(deadline) = self.app.engine_kind.epoch_deadline() {
            store.set_epoch_deadline(deadline);
        }
        store.limiter(|s| s);
        if self.count_crossings {
            store.call_hook(|mut store, kind| {
                if let Some(clock) = store.data_mut().crossings.as_mut() {
                    clock.on(kind);
                }
                Ok(())
            });
        }
        let service = pre.instantiate_async(&mut store).await?;
        if let Some(pool) = &self.pool {
            pool.made_one();
        }
        Ok(Warm {
            store,
            service,
            stdout,
            served: 0,
        })
    }

    /// Convenience: a request with headers and a body.
    pub async fn request(
        &self,
        method: &str,
        uri: &str,
        headers: &[(&str, &str)],
        body: impl Into<Bytes>,
    ) -> Reply {
        self.answer(client_request(method, uri, headers, body)).await
    }

    /// Sends a request; a failure of the host or the component fails the test.
    pub async fn answer(&self, req: http::Request<Bytes>) -> Reply {
        let what = format!("{} {}", req.method(), req.uri());
        match self.send(req).await {
            Ok(reply) => reply,
            Err(e) => panic!("{what}: the host failed: {e:#}"),
        }
    }
}

/// A request with headers and a body, as a client sends it to `http://localhost:3000`.
pub fn client_request(
    method: &str,
    uri: &str,
    headers: &[(&str, &str)],
    body: impl Into<Bytes>,
) -> http::Request<Bytes> {
    let mut builder = http::Request::builder()
        .method(method)
        .uri(format!("http://localhost:3000{uri}"));
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder.body(body.into()).expect("a valid test request")
}

impl Default for TestHost {
    fn default() -> Self {
        TestHost::new()
    }
}

/// Adds the headers Spin gives a component about the route that matched.
fn with_spin_headers(mut req: http::Request<Bytes>, route: &str) -> Result<http::Request<Bytes>> {
    let uri = req.uri().clone();
    // As Spin does, the full URL names the host the client asked for (its `Host` header, which
    // a request over TCP carries and a test's may not).
    let host_header = req
        .headers()
        .get("host")
        .and_then(|h| h.to_str().ok())
        .map(str::to_string);
    let authority = host_header
        .as_deref()
        .or(uri.authority().map(|a| a.as_str()))
        .unwrap_or("localhost");
    let path_and_query = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    let base = route.trim_end_matches("/...");
    let path_info = uri.path().strip_prefix(base).unwrap_or("");
    let headers = req.headers_mut();
    let mut put = |name: &'static str, value: String| -> Result<()> {
        headers.insert(name, value.parse()?);
        Ok(())
    };
    put("spin-full-url", format!("http://{authority}{path_and_query}"))?;
    put("spin-path-info", path_info.to_string())?;
    put("spin-matched-route", route.to_string())?;
    put("spin-raw-component-route", route.to_string())?;
    put("spin-component-route", base.to_string())?;
    put("spin-base-path", "/".to_string())?;
    put("spin-client-addr", "127.0.0.1:0".to_string())?;
    if !req.headers().contains_key("host") {
        let host = authority.to_string();
        req.headers_mut().insert("host", host.parse()?);
    }
    // A client sends a body with its length unless it streams it chunked; Spin's server passes
    // the header through, and the components read exactly that many bytes.
    if !req.body().is_empty()
        && !req.headers().contains_key("content-length")
        && !req.headers().contains_key("transfer-encoding")
    {
        let length = req.body().len().to_string();
        req.headers_mut().insert("content-length", length.parse()?);
    }
    Ok(req)
}

/// What [`execute`] gives back: status, headers, the whole body and the counted crossings.
type Executed = (u16, http::HeaderMap, Bytes, Option<Crossings>);

/// Serves one request on an instance, with the crossings it counted.
async fn execute(
    store: &mut Store<HostState>,
    service: &Service,
    req: http::Request<Bytes>,
) -> Result<Executed> {
    let outcome = store
        .run_concurrent(async move |accessor| call(accessor, service, req).await)
        .await;
    let crossings = store.data_mut().crossings.take().map(CrossingClock::finish);
    match outcome {
        Ok(Ok((status, headers, body))) => Ok((status, headers, body, crossings)),
        Ok(Err(e)) | Err(e) => bail!("the component failed: {e:?}"),
    }
}

/// One `wasi:http/handler.handle` call on an instance, collecting the whole body while the
/// store's event loop still runs (the guest writes the body after returning).
async fn call(
    accessor: &Accessor<HostState>,
    service: &Service,
    req: http::Request<Bytes>,
) -> wasmtime::Result<(u16, http::HeaderMap, Bytes)> {
    let (parts, body) = handle(accessor, service, req).await?.into_parts();
    let body = body
        .collect()
        .await
        .map_err(|code| wasmtime::Error::msg(format!("reading the response body: {code:?}")))?
        .to_bytes();
    Ok((parts.status.as_u16(), parts.headers, body))
}

/// One `wasi:http/handler.handle` call: the answer as the guest returned it, its body still to
/// be written by the guest while the store's event loop runs.
pub(crate) async fn handle(
    accessor: &Accessor<HostState>,
    service: &Service,
    req: http::Request<Bytes>,
) -> wasmtime::Result<http::Response<UnsyncBoxBody<Bytes, ErrorCode>>> {
    let req = req.map(|b| Full::new(b).map_err(|never| -> ErrorCode { match never {} }));
    let (request, request_io) = wasmtime_wasi_http::p3::Request::from_http(req);
    let response = service.handle(accessor, request).await?.map_err(|code| {
        wasmtime::Error::msg(format!("the component answered with an error code: {code:?}"))
    })?;
    accessor.with(|mut access| response.into_http(&mut access, request_io))
}
