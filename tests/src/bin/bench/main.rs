//! `scripts/bench`: where each component stands against the floor, in one run.
//!
//! Through the test host (in-process, in-memory store): the floors (no-op, open-only, one CAS),
//! then for each API a POST refund (fresh Idempotency-Key each time), a GET of it and a refused
//! POST, and the list of a source's refunds where the API has one (judged by no budget), and
//! the API's GET and POST sent to the ceiling, a component that does their platform and store
//! work and none of the API's (`tests/fixtures/ceiling`: no ratio of the API's can be higher),
//! and its GET sent to the least GET, which only opens, reads and answers
//! (`tests/fixtures/open-read`: what the GET's budget leaves once the read and the answer are
//! paid for);
//! median and p99 latency at concurrency 1, requests per second at 1 and 8, each against its
//! floor (the two measured in turns, so both see the same machine, and the floor sent the same
//! request); the same handlers called natively (what the sandbox costs); and per component the
//! .wasm size, compile time and store operations of one POST. Prints a table and writes `target/bench.json`.
//!
//! `BENCH_REQUESTS` sets the requests per measurement (default 400);
//! `BENCH_REFUNDS_PER_SOURCE` how many refunds each source takes before the next (default 20;
//! a large value measures one hot source whose record keeps growing); `BENCH_ONLY=invoice`
//! measures only the APIs whose component name contains it. `BENCH_SPIN_ENGINE=1` runs it all
//! on wasmtime configured as Spin 4.0.2 configures it (pooling allocator, epoch checks; see
//! `refund_host::EngineKind`) instead of wasmtime's defaults. `BENCH_REUSE=N` keeps each
//! instance for up to N requests (Spin 4.0.2 keeps a `wasi:http@0.3` component's for 128)
//! instead of a fresh one per request; with both, the run is set up as `spin up` runs.
//! `BENCH_STORE=sqlite` keeps the store in SQLite files under `target/bench-store/`, as `spin
//! up` keeps its default store, instead of in memory: there a write is a transaction on disk.
//!
//! A second table splits each operation's time by side (guest code, host functions, the host's
//! own work), with the host calls, guest entries and page faults of one request, from
//! [`COUNTED`] more requests run with wasmtime's call hook on (not part of the timed runs).
//! A third measures each operation sent sixteen at once to one instance, as Spin may
//! ([`at_once`]); the next times GETs over TCP, kept alive and not, each answer written in one
//! piece and as Spin 4.0.2's server delivers it, and counts those that waited for a delayed ACK
//! ([`tcp`]). The budget table says, per component, which of the product's budgets its figures
//! meet, and the last where it stands against its references ([`verdicts`]). How an operation
//! is timed is in [`measure`], how the figures are printed in [`tables`].

mod at_once;
mod in_process;
mod measure;
mod tables;
mod tcp;
mod verdicts;

use anyhow::Result;
use at_once::AT_ONCE;
use bytes::Bytes;
use measure::{Stats, measure, measure_against};
use refund_host::bench_env::{self, FIRST_SOURCE, Settings};
use refund_host::crossings::{Breakdown, break_down};
use refund_host::serve::{Delivery, serve};
use refund_host::{App, KvStore, Reply, TestHost, apis, client_request, workspace_root};
use refund_shared::ledger::source_key;
use serde_json::{Value, json};
use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tables::{at_once_row, row};

/// Requests per operation run with the crossings counted, for the second table.
const COUNTED: usize = 100;

/// How the ceiling's rows begin (no budget judges them); [`ceiling_row`] names one.
const CEILING: &str = "ceiling:";

/// The name of the ceiling's row for a component's operation: `ceiling: <component> GET`.
fn ceiling_row(component: &str, operation: &str) -> String {
    format!("{CEILING} {component} {operation}")
}

/// How the least GET's rows begin, after its fixture (no budget judges them either);
/// [`least_get_row`] names one.
const OPEN_READ: &str = "open-read:";

/// The name of the least GET's row for a component: `open-read: <component> GET`.
fn least_get_row(component: &str) -> String {
    format!("{OPEN_READ} {component} GET")
}

/// Whether a row is a reference's (the ceiling's or the least GET's), no component's.
fn is_reference(operation: &str) -> bool {
    operation.starts_with(CEILING) || operation.starts_with(OPEN_READ)
}

fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

fn expect(status: u16, allowed: &[u16], what: &str) {
    assert!(allowed.contains(&status), "{what}: unexpected status {status}");
}

/// What one run measures and on what, from the environment (see the module's doc).
#[derive(Clone)]
struct Run {
    /// Requests per measurement.
    n: usize,
    /// The engine, instance reuse and spread of refunds over sources.
    settings: Settings,
    /// Where each host's store is kept: in memory, or in a SQLite file (`BENCH_STORE=sqlite`).
    sqlite: bool,
    /// Hosts made so far, each with a store of its own (a SQLite file each).
    hosts: Arc<AtomicUsize>,
    root: PathBuf,
}

impl Run {
    fn from_env() -> Run {
        let settings = Settings::from_env();
        Run {
            n: settings.requests.unwrap_or(400),
            settings,
            sqlite: std::env::var("BENCH_STORE").is_ok_and(|s| s == "sqlite"),
            hosts: Arc::default(),
            root: workspace_root(),
        }
    }

    fn load(&self, manifest: &str) -> Result<Arc<App>> {
        Ok(Arc::new(App::load_with(
            &self.root.join(manifest),
            self.settings.engine,
        )?))
    }

    /// A host serving `app` with a new, empty store, keeping instances as the run asks.
    fn host(&self, app: &Arc<App>) -> Result<TestHost> {
        let mut host = TestHost::of(app.clone());
        if self.sqlite {
            let dir = self.root.join("target/bench-store");
            std::fs::create_dir_all(&dir)?;
            let file = dir.join(format!("{}.db", self.hosts.fetch_add(1, Ordering::Relaxed)));
            // A database left by an earlier run would start the store full.
            let _ = std::fs::remove_file(&file);
            host = host.with_store(KvStore::sqlite(&file)?);
        }
        Ok(self.settings.keeping_instances(host))
    }

    /// Sources an API's measurements use, one after another: together they make 2n POSTs,
    /// and the counted ones [`COUNTED`] more.
    fn sources(&self) -> u32 {
        (2 * self.n + COUNTED).div_ceil(self.settings.per_source) as u32
    }
}

#[tokio::main(flavor = "multi_thread")]
async fn main() -> Result<()> {
    let run = Run::from_env();
    let machine = machine();
    println!("machine: {machine}");
    let store = if run.sqlite { "SQLite files" } else { "memory" };
    println!(
        "engine: {:?}; instance reuse: {:?}; store: {store}",
        run.settings.engine, run.settings.reuse
    );
    let app = run.load("spin.toml")?;
    let floors_app = run.load("tests/fixtures/spin.toml")?;
    let floors = run.host(&floors_app)?;

    let mut rows = floor_rows(&run, &floors_app, &floors).await;
    for api in bench_env::selected() {
        rows.extend(api_rows(&run, &app, &floors, Arc::new(api)).await?);
    }
    println!("{} refunds per source", run.settings.per_source);
    tables::print_table(&rows, run.n);
    tables::print_breakdown_table(&rows);
    tables::print_at_once_table(&rows);
    let tcp_rows = over_tcp(&run, &app, &floors_app).await?;
    tables::print_tcp_table(&tcp_rows);
    let budgets = verdicts::of(&rows);
    tables::print_budget_table(&budgets);
    let of_references = verdicts::of_references(&rows);
    tables::print_reference_table(&of_references);

    let path = run.root.join("target/bench.json");
    std::fs::write(
        &path,
        serde_json::to_string_pretty(&json!({
            "machine": machine,
            "engine": format!("{:?}", run.settings.engine),
            "instance_reuse": run.settings.reuse,
            "store": store,
            "requests": run.n,
            "refunds_per_source": run.settings.per_source,
            "rows": rows,
            "tcp": tcp_rows,
            "budgets": budgets,
            "of_references": of_references,
        }))?,
    )?;
    for r in &rows {
        if let Some(busy) = r["busy_503"].as_u64().filter(|b| *b > 0) {
            println!(
                "{}: {busy} of {} POSTs answered 503 (busy, retry) at concurrency 8",
                r["operation"], run.n
            );
        }
    }
    println!("\nwritten: {}", path.display());
    Ok(())
}

/// The machine a run measured on: its CPU, cores and kernel. The ratios to the floors depend
/// on it, not only on the components: on a VM whose fresh instances cost a third less, the
/// same build's ratios came out ~0.1 lower (BENCHMARKS.md, "a faster VM").
fn machine() -> String {
    let read = |path: &str| std::fs::read_to_string(path).unwrap_or_default();
    let cpuinfo = read("/proc/cpuinfo");
    let cpu = cpuinfo
        .lines()
        .find_map(|line| {
            line.strip_prefix("model name")?
                .split_once(':')
                .map(|(_, m)| m.trim())
        })
        .unwrap_or("unknown CPU");
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let kernel = read("/proc/sys/kernel/osrelease");
    format!("{cpu}, {cores} cores, kernel {}", kernel.trim())
}

/// An operation to measure, as the timing loops take one.
type Operation = Pin<Box<dyn Future<Output = ()> + Send>>;

/// `send(i)` as an operation to measure: its reply must have one of the `allowed` statuses.
fn checked<F, Fut>(
    what: &'static str,
    allowed: &'static [u16],
    send: F,
) -> impl Fn(usize) -> Operation + Send + Sync + Clone + 'static
where
    F: Fn(usize) -> Fut + Send + Sync + Clone + 'static,
    Fut: Future<Output = Reply> + Send + 'static,
{
    move |i| {
        let reply = send(i);
        Box::pin(async move { expect(reply.await.status, allowed, what) })
    }
}

/// The URI of a floor component (`/noop`, `/open`, `/cas`) or of a reference, as the host
/// routes it; worked out once per measurement, not in the timed loop.
fn floor_uri(floor: &str) -> http::Uri {
    client_request("GET", floor, &[], Bytes::new()).uri().clone()
}

/// `request` sent to a floor component (or a reference) instead: the same method, headers and
/// body, so that the floor pays what the host pays to hand that request over (a refund's POST
/// measured ~7 µs dearer than a bare GET on wasmtime's defaults), and the ratio is what the
/// component adds to it.
fn at_floor(mut request: http::Request<Bytes>, floor: &http::Uri) -> http::Request<Bytes> {
    *request.uri_mut() = floor.clone();
    request
}

/// The request `make(i)` makes, sent to a floor component ([`at_floor`]), as an operation to
/// measure.
fn floor_request<M>(
    floors: &TestHost,
    floor: &'static str,
    make: M,
) -> impl Fn(usize) -> Operation + Send + Sync + Clone + 'static
where
    M: Fn(usize) -> http::Request<Bytes> + Send + Sync + Clone + 'static,
{
    let (host, uri) = (floors.clone(), floor_uri(floor));
    let answers: &'static [u16] = if floor == "/cas" { SWAPPED } else { &[200] };
    checked(floor, answers, move |i| {
        let (host, request) = (host.clone(), at_floor(make(i), &uri));
        async move { host.answer(request).await }
    })
}

/// What a request may answer that swaps a key every request of its kind swaps (the one-CAS
/// floor's, the ceiling's POST): 503 when concurrent requests won the race 64 times in a row,
/// as a refund answers (each lost race is tried again).
const SWAPPED: &[u16] = &[200, 503];

/// Each floor measured alone, sent a bare GET (a Spin request with nothing in it), as the
/// first rows.
async fn floor_rows(run: &Run, floors_app: &App, floors: &TestHost) -> Vec<Value> {
    let mut rows = Vec::new();
    let bare = |_| client_request("GET", "/", &[], Bytes::new());
    for (name, path) in [("noop", "/noop"), ("open-store", "/open"), ("one-cas", "/cas")] {
        let stats = measure(run.n, floor_request(floors, path, bare)).await;
        let counting = floors.counting_crossings();
        let split = break_down(COUNTED, |_| counting.request("GET", path, &[], "")).await;
        let (size, compile) = floors_app.component_stats(name).unwrap_or_default();
        let mut floor_row = row(&format!("floor: {name}"), stats, None, None, size, compile, None);
        floor_row["breakdown"] = json!(split);
        rows.push(floor_row);
    }
    rows
}

/// One operation's figures through the component, for its row.
struct Measured {
    stats: Stats,
    floor: Stats,
    split: Breakdown,
    /// Requests per second sent [`AT_ONCE`] at once, and its floor's.
    at_once: (f64, f64),
    native: Duration,
}

/// The rows of one API: its POST, GET and refused POST, and its list where it has one.
async fn api_rows(run: &Run, app: &Arc<App>, floors: &TestHost, api: Arc<apis::Api>) -> Result<Vec<Value>> {
    let n = run.n;
    let host = run.host(app)?;
    // Sources as production has them: each takes `per_source` refunds, then the next one.
    for k in 0..run.sources() {
        api.load_units_at(&host, &(api.source_id)(FIRST_SOURCE + k), 1_000_000)
            .await;
    }
    let (size, compile) = app.component_stats(api.component()).unwrap_or_default();

    // POST: a fresh key each time, against a source with plenty left. Under concurrency a
    // POST may lose the compare-and-swap 64 times and answer 503 (retry): counted, reported.
    let busy = Arc::new(AtomicUsize::new(0));
    let (a, r) = (api.clone(), run.clone());
    let refund =
        move |i: usize| a.refund_request_at(&r.settings.source_of(&a, i), Some(&format!("bench-{i}")));
    let (h, b, make) = (host.clone(), busy.clone(), refund.clone());
    let (post, post_floor) = measure_against(
        n,
        move |i| {
            let (h, b, request) = (h.clone(), b.clone(), make(i));
            async move {
                let status = h.answer(request).await.status;
                expect(status, &[200, 201, 503], "POST");
                if status == 503 {
                    b.fetch_add(1, Ordering::Relaxed);
                }
            }
        },
        floor_request(floors, "/cas", refund),
    )
    .await;
    let counting = host.counting_crossings();
    let post_split = break_down(COUNTED, |i| {
        let id = run.settings.source_of(&api, 2 * n + i);
        let (counting, api) = (&counting, &api);
        async move {
            api.refund_at(counting, &id, Some(&format!("bench-counted-{i}")))
                .await
        }
    })
    .await;

    // GET of one refund, on a source holding `per_source` refunds, and the store operations
    // of one more uncontended POST there; and the source's list, where the API has one.
    let full = run.settings.source_of(&api, 0);
    let last = api.refund_at(&host, &full, Some("bench-ops")).await;
    let ops = last.ops;
    let get_path = (api.get_path_of)(&full, &last.json());
    let (get, get_floor, get_split) = read_measured(n, &host, &counting, floors, &api, &get_path).await;
    let post_answer = last.body.len();
    let references = reference_rows(run, &host, floors, &api, (&full, &get_path), post_answer).await;
    let list_path = api.list_path_of.map(|list_path_of| list_path_of(&full));
    let list = match &list_path {
        Some(path) => Some(read_measured(n, &host, &counting, floors, &api, path).await),
        None => None,
    };

    // A refused POST: the amount is not a number.
    let bad = api.bad_amount_body();
    let (a, b) = (api.clone(), bad.clone());
    let refuse = move |_| a.post_request(&a.post_path(), b.clone(), "application/json", None);
    let (refused, refused_floor) =
        answered_against(n, &host, floors, ("refused", &[400]), "/noop", refuse).await;
    let refused_split = break_down(COUNTED, |_| {
        api.post(&counting, bad.clone(), "application/json", None)
    })
    .await;

    let [at_once_post, at_once_get, at_once_refused] =
        at_once_rates(run, &host, floors, &api, &get_path, &bad).await;
    let at_once_list = match &list_path {
        Some(path) => Some(at_once_read(run, &host, floors, &api, path).await),
        None => None,
    };
    let native = in_process::medians(run, &api, &bad).await?;

    let c = api.component();
    let busy = busy.load(Ordering::Relaxed);
    let mut operations = vec![
        (
            "POST",
            Measured {
                stats: post,
                floor: post_floor,
                split: post_split,
                at_once: at_once_post,
                native: native.post,
            },
        ),
        (
            "GET",
            Measured {
                stats: get,
                floor: get_floor,
                split: get_split,
                at_once: at_once_get,
                native: native.get,
            },
        ),
        (
            "refused",
            Measured {
                stats: refused,
                floor: refused_floor,
                split: refused_split,
                at_once: at_once_refused,
                native: native.refused,
            },
        ),
    ];
    if let (Some((stats, floor, split)), Some(at_once), Some(native)) = (list, at_once_list, native.list) {
        let m = Measured {
            stats,
            floor,
            split,
            at_once,
            native,
        };
        operations.push(("list", m));
    }
    let rows = operations.into_iter().map(|(name, m)| {
        let post = name == "POST";
        let mut r = row(
            &format!("{c} {name}"),
            m.stats,
            Some(m.floor),
            Some(m.native),
            size,
            compile,
            post.then_some(ops),
        );
        if post {
            r["busy_503"] = json!(busy);
        }
        r["breakdown"] = json!(m.split);
        r["at_once"] = at_once_row(m.at_once);
        r
    });
    Ok(rows.chain(references).collect())
}

/// Where the API's requests would stand with none of its work: its GET and POST sent to the
/// ceiling (`tests/fixtures/ceiling`), pointed at a copy of the record the GET reads and
/// answering as many bytes as the API does, each in turns with the operation's floor. None of
/// the API's ratios can be above these. Then its GET sent to the least GET
/// (`tests/fixtures/open-read`), which reads the same copy and answers as many bytes with none
/// of the platform's work either.
async fn reference_rows(
    run: &Run,
    host: &TestHost,
    floors: &TestHost,
    api: &Arc<apis::Api>,
    (source, get_path): (&str, &str),
    post_answer: usize,
) -> Vec<Value> {
    let (auth, token) = api.auth();
    let get_answer = host
        .request("GET", get_path, &[(auth, &token)], "")
        .await
        .body
        .len();
    let key = format!("ceiling/{}", api.component());
    let record = host.kv().get("default", &source_key(api.source_kind, source));
    let mut ceiling = floors.clone();
    ceiling.set_variable("ceiling_token", api.token);
    ceiling.kv().set("default", &key, record.unwrap_or_default());
    let uri = |answer: usize| floor_uri(&format!("/ceiling?key={key}&answer={answer}"));
    // The API's GET (its credential, no body), sent to a reference at `at`.
    let get_at = |at: http::Uri| {
        let token = token.clone();
        move |_| at_floor(client_request("GET", "/", &[(auth, &token)], Bytes::new()), &at)
    };
    let get = get_at(uri(get_answer));
    let read = get_at(floor_uri(&format!("/read?key={key}&answer={get_answer}")));
    let post_uri = uri(post_answer);
    let (a, r) = (api.clone(), run.clone());
    let post = move |i: usize| {
        let request = a.refund_request_at(&r.settings.source_of(&a, i), Some(&format!("ceiling-{i}")));
        at_floor(request, &post_uri)
    };
    let hosts = (&ceiling, &ceiling.counting_crossings());
    let measured = [
        (
            "GET",
            answered_and_split(run.n, hosts, floors, ("ceiling", &[200]), "/open", get).await,
        ),
        (
            "POST",
            answered_and_split(run.n, hosts, floors, ("ceiling", SWAPPED), "/cas", post).await,
        ),
    ];
    let least = answered_and_split(run.n, hosts, floors, ("open-read", &[200]), "/open", read).await;
    let stats = |id| floors.app().component_stats(id).unwrap_or_default();
    let (ceiling_stats, least) = (
        stats("ceiling"),
        (least_get_row(api.component()), least, stats("open-read")),
    );
    measured
        .into_iter()
        .map(|(operation, measured)| (ceiling_row(api.component(), operation), measured, ceiling_stats))
        .chain([least])
        .map(|(name, (stats, floor, split), (size, compile))| {
            let mut r = row(&name, stats, Some(floor), None, size, compile, None);
            r["breakdown"] = json!(split);
            r
        })
        .collect()
}

/// The requests `make(i)` makes, answered by the component and, in turns, by `floor`
/// ([`floor_request`]), each with one of the statuses `expected` names.
async fn answered_against<M>(
    n: usize,
    host: &TestHost,
    floors: &TestHost,
    expected: (&'static str, &'static [u16]),
    floor: &'static str,
    make: M,
) -> (Stats, Stats)
where
    M: Fn(usize) -> http::Request<Bytes> + Send + Sync + Clone + 'static,
{
    let (h, m) = (host.clone(), make.clone());
    let (what, allowed) = expected;
    let op = checked(what, allowed, move |i| {
        let (h, request) = (h.clone(), m(i));
        async move { h.answer(request).await }
    });
    measure_against(n, op, floor_request(floors, floor, make)).await
}

/// GETs of `path` with the API's credential, in turns with the open-only floor (sent the same
/// request), and where one's time goes.
async fn read_measured(
    n: usize,
    host: &TestHost,
    counting: &TestHost,
    floors: &TestHost,
    api: &apis::Api,
    path: &str,
) -> (Stats, Stats, Breakdown) {
    let (auth, token) = api.auth();
    let path = path.to_string();
    let read = move |_| client_request("GET", &path, &[(auth, &token)], Bytes::new());
    answered_and_split(n, (host, counting), floors, ("GET", &[200]), "/open", read).await
}

/// [`answered_against`], and where one request's time goes, counted on the second host (the
/// first with its crossings counted).
async fn answered_and_split<M>(
    n: usize,
    (host, counting): (&TestHost, &TestHost),
    floors: &TestHost,
    expected: (&'static str, &'static [u16]),
    floor: &'static str,
    make: M,
) -> (Stats, Stats, Breakdown)
where
    M: Fn(usize) -> http::Request<Bytes> + Send + Sync + Clone + 'static,
{
    let (stats, floor_stats) = answered_against(n, host, floors, expected, floor, make.clone()).await;
    let split = break_down(COUNTED, |i| counting.answer(make(i))).await;
    (stats, floor_stats, split)
}

/// POST, GET and refused POST sent [`AT_ONCE`] at once to one instance, each against its
/// floor. Each POST of a batch goes to a source of its own, so they do not contend (new
/// sources, after the ones the other measurements use).
async fn at_once_rates(
    run: &Run,
    host: &TestHost,
    floors: &TestHost,
    api: &apis::Api,
    get_path: &str,
    bad: &[u8],
) -> [(f64, f64); 3] {
    let batches = run.n.div_ceil(AT_ONCE);
    let spread: Vec<String> = (0..AT_ONCE as u32)
        .map(|j| (api.source_id)(FIRST_SOURCE + run.sources() + j))
        .collect();
    for id in &spread {
        api.load_units_at(host, id, 1_000_000).await;
    }
    let post = at_once::rps_against(
        host,
        floors,
        batches,
        |i| api.refund_request_at(&spread[i % AT_ONCE], Some(&format!("at-once-{i}"))),
        "/cas",
        &[200, 201],
    )
    .await;
    let get = at_once_read(run, host, floors, api, get_path).await;
    let refused = at_once::rps_against(
        host,
        floors,
        batches,
        |_| api.post_request(&api.post_path(), bad.to_vec(), "application/json", None),
        "/noop",
        &[400],
    )
    .await;
    [post, get, refused]
}

/// GETs of `path` sent [`AT_ONCE`] at once to one instance, against the open-only floor.
async fn at_once_read(
    run: &Run,
    host: &TestHost,
    floors: &TestHost,
    api: &apis::Api,
    path: &str,
) -> (f64, f64) {
    let (auth, token) = api.auth();
    at_once::rps_against(
        host,
        floors,
        run.n.div_ceil(AT_ONCE),
        |_| client_request("GET", path, &[(auth, &token)], Bytes::new()),
        "/open",
        &[200],
    )
    .await
}

/// GETs over TCP (the host's serve mode), one kept-alive connection against a new connection
/// with `Connection: close` per request, for the floors, the late body and each API; each
/// served both ways the serve mode delivers an answer: in one write, and as Spin 4.0.2's
/// server delivers it (where a body written late waits for the client's delayed ACK).
async fn over_tcp(run: &Run, app: &Arc<App>, floors_app: &Arc<App>) -> Result<Vec<Value>> {
    let tcp_host = run.host(app)?;
    let floors_host = run.host(floors_app)?;
    let mut servers = Vec::new();
    let mut addresses = Vec::new();
    for delivery in [Delivery::Whole, Delivery::LikeSpin] {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let floor_listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        addresses.push((delivery, listener.local_addr()?, floor_listener.local_addr()?));
        servers.push(tokio::spawn(serve(tcp_host.clone(), listener, delivery)));
        servers.push(tokio::spawn(serve(floors_host.clone(), floor_listener, delivery)));
    }
    // (name, whether the floors' app serves it, path, authorization)
    let mut targets = vec![
        (
            "floor: noop".to_string(),
            true,
            "/noop".to_string(),
            String::new(),
        ),
        (
            "floor: open-store".to_string(),
            true,
            "/open".to_string(),
            String::new(),
        ),
        (
            "late body".to_string(),
            true,
            "/late-body".to_string(),
            String::new(),
        ),
    ];
    for api in bench_env::selected() {
        api.load_units(&tcp_host, 1_000).await;
        let reply = api.refund(&tcp_host, None).await;
        targets.push((
            format!("{} GET", api.component()),
            false,
            api.get_path(&reply.json()),
            api.auth().1,
        ));
    }
    let mut rows = Vec::new();
    for (name, floor, path, auth) in &targets {
        let mut row = json!({"operation": name});
        for (delivery, addr, floor_addr) in &addresses {
            let addr = if *floor { *floor_addr } else { *addr };
            for (label, keep_alive) in [("keep_alive", true), ("close", false)] {
                let latency = tcp::latency(addr, path, auth, keep_alive, run.n).await?;
                row[delivery.label()][label] = json!({
                    "median_us": us(latency.median),
                    "p99_us": us(latency.p99),
                    "stalled": latency.stalled,
                });
            }
        }
        rows.push(row);
    }
    for server in servers {
        server.abort();
    }
    Ok(rows)
}
