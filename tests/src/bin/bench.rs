//! `scripts/bench`: where each component stands against the floor, in one run.
//!
//! Through the test host (in-process, in-memory store): the floors (no-op, open-only, one CAS),
//! then for each API a POST refund (fresh Idempotency-Key each time), a GET of it and a refused
//! POST; median and p99 latency at concurrency 1, requests per second at 1 and 8, each against
//! its floor (the two measured in turns, so both see the same machine); the same handlers called natively (what the sandbox costs); and per component the
//! .wasm size, compile time and store operations of one POST. Prints a table and writes
//! `target/bench.json`. `BENCH_REQUESTS` sets the requests per measurement (default 400);
//! `BENCH_REFUNDS_PER_SOURCE` how many refunds each source takes before the next (default 20;
//! a large value measures one hot source whose record keeps growing); `BENCH_ONLY=invoice`
//! measures only the APIs whose component name contains it. `BENCH_SPIN_ENGINE=1` runs it all
//! on wasmtime configured as Spin 4.0.2 configures it (pooling allocator, epoch checks; see
//! `refund_host::EngineKind`) instead of wasmtime's defaults. `BENCH_REUSE=N` keeps each
//! instance for up to N requests (Spin 4.0.2 keeps a `wasi:http@0.3` component's for 128)
//! instead of a fresh one per request; with both, the run is set up as `spin up` runs.
//!
//! A second table splits each operation's time by side (guest code, host functions, the host's
//! own work), with the host calls, guest entries and page faults of one request, from
//! [`COUNTED`] more requests run with wasmtime's call hook on (not part of the timed runs).
//! A third measures each operation sent sixteen at once to one instance, as Spin may
//! ([`at_once`]).

#[path = "bench/at_once.rs"]
mod at_once;

use anyhow::Result;
use at_once::AT_ONCE;
use bytes::Bytes;
use refund_host::crossings::break_down;
use refund_host::{App, EngineKind, TestHost, apis, client_request, native, workspace_root};
use serde_json::{Value, json};
use std::future::Future;
use std::ops::Range;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

#[derive(Clone, Copy, Default)]
struct Stats {
    median: Duration,
    p99: Duration,
    rps1: f64,
    rps8: f64,
}

/// Runs `op(i)` `n` times one at a time (latency, rps at 1), then `n` times from 8 tasks.
async fn measure<F, Fut>(n: usize, op: F) -> Stats
where
    F: Fn(usize) -> Fut + Send + Sync + Clone + 'static,
    Fut: Future<Output = ()> + Send,
{
    let (times, c1) = one_at_a_time(&op, 0..n).await;
    let c8 = from_eight_tasks(&op, n..2 * n).await;
    stats(times, c1, c8)
}

/// Requests per turn when an operation and its floor take turns.
const TURN: usize = 50;

/// Measures `op` as [`measure`] does, and its floor with it: the two take turns of [`TURN`]
/// requests (which goes first alternates), so both run on the same machine. This VM's speed
/// drifts by 10-40% within a run, so a floor measured minutes before the operation moved the
/// ratio by as much as the component did.
async fn measure_against<F, Fut, G, Gut>(n: usize, op: F, floor: G) -> (Stats, Stats)
where
    F: Fn(usize) -> Fut + Send + Sync + Clone + 'static,
    Fut: Future<Output = ()> + Send,
    G: Fn(usize) -> Gut + Send + Sync + Clone + 'static,
    Gut: Future<Output = ()> + Send,
{
    let turns = || (0..n.div_ceil(TURN)).map(move |t| (t, t * TURN..((t + 1) * TURN).min(n)));
    let (mut op_times, mut floor_times) = (Vec::with_capacity(n), Vec::with_capacity(n));
    let (mut op_c1, mut floor_c1) = (Duration::ZERO, Duration::ZERO);
    for (turn, range) in turns() {
        for op_now in [turn % 2 == 1, turn % 2 == 0] {
            if op_now {
                let (times, took) = one_at_a_time(&op, range.clone()).await;
                op_times.extend(times);
                op_c1 += took;
            } else {
                let (times, took) = one_at_a_time(&floor, range.clone()).await;
                floor_times.extend(times);
                floor_c1 += took;
            }
        }
    }
    let (mut op_c8, mut floor_c8) = (Duration::ZERO, Duration::ZERO);
    for (turn, range) in turns() {
        let range = n + range.start..n + range.end;
        for op_now in [turn % 2 == 1, turn % 2 == 0] {
            if op_now {
                op_c8 += from_eight_tasks(&op, range.clone()).await;
            } else {
                floor_c8 += from_eight_tasks(&floor, range.clone()).await;
            }
        }
    }
    (
        stats(op_times, op_c1, op_c8),
        stats(floor_times, floor_c1, floor_c8),
    )
}

/// The latency of each `op(i)` for `i` in `range`, run one at a time, and their total time.
async fn one_at_a_time<F, Fut>(op: &F, range: Range<usize>) -> (Vec<Duration>, Duration)
where
    F: Fn(usize) -> Fut,
    Fut: Future<Output = ()>,
{
    let mut times = Vec::with_capacity(range.len());
    let started = Instant::now();
    for i in range {
        let t = Instant::now();
        op(i).await;
        times.push(t.elapsed());
    }
    (times, started.elapsed())
}

/// How long `op(i)` for every `i` in `range` took, spread over 8 tasks.
async fn from_eight_tasks<F, Fut>(op: &F, range: Range<usize>) -> Duration
where
    F: Fn(usize) -> Fut + Send + Sync + Clone + 'static,
    Fut: Future<Output = ()> + Send,
{
    let started = Instant::now();
    let tasks: Vec<_> = (0..8)
        .map(|t| {
            let (op, range) = (op.clone(), range.clone());
            tokio::spawn(async move {
                for i in range.skip(t).step_by(8) {
                    op(i).await;
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.expect("a benchmark task panicked");
    }
    started.elapsed()
}

fn stats(mut times: Vec<Duration>, c1: Duration, c8: Duration) -> Stats {
    let n = times.len();
    times.sort();
    Stats {
        median: times[n / 2],
        p99: times[(n * 99 / 100).min(n - 1)],
        rps1: n as f64 / c1.as_secs_f64(),
        rps8: n as f64 / c8.as_secs_f64(),
    }
}

/// A request to a floor component (`/noop`, `/open`, `/cas`), as an operation to measure.
fn floor_request(
    floors: &TestHost,
    path: &'static str,
) -> impl Fn(usize) -> Pin<Box<dyn Future<Output = ()> + Send>> + Send + Sync + Clone + 'static {
    let host = floors.clone();
    move |_| {
        let host = host.clone();
        Box::pin(async move { expect(host.request("GET", path, &[], "").await.status, &[200], path) })
    }
}

/// Latency of `op(i)` one at a time, natively.
async fn measure_native<F, Fut>(n: usize, op: F) -> Duration
where
    F: Fn(usize) -> Fut,
    Fut: Future<Output = ()>,
{
    let mut times: Vec<Duration> = Vec::with_capacity(n);
    for i in 0..n {
        let t = Instant::now();
        op(i).await;
        times.push(t.elapsed());
    }
    times.sort();
    times[n / 2]
}

/// The APIs to measure: all, or those whose component name contains `BENCH_ONLY`.
fn selected() -> Vec<apis::Api> {
    let only = std::env::var("BENCH_ONLY").unwrap_or_default();
    apis::all()
        .into_iter()
        .filter(|a| a.component().contains(&only))
        .collect()
}

/// Requests per operation run with the crossings counted, for the second table.
const COUNTED: usize = 100;

/// The benchmark's sources are numbered from here (the tests use 50).
const FIRST_SOURCE: u32 = 1000;

fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

fn expect(status: u16, allowed: &[u16], what: &str) {
    assert!(allowed.contains(&status), "{what}: unexpected status {status}");
}

#[tokio::main(flavor = "multi_thread")]
async fn main() -> Result<()> {
    let n: usize = std::env::var("BENCH_REQUESTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(400);
    let per_source: usize = std::env::var("BENCH_REFUNDS_PER_SOURCE")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&p| p > 0)
        .unwrap_or(20);
    let root = workspace_root();
    let engine = EngineKind::from_env();
    let reuse: Option<usize> = std::env::var("BENCH_REUSE").ok().and_then(|v| v.parse().ok());
    println!("engine: {engine:?}; instance reuse: {reuse:?}");
    let host_of = |app: &Arc<App>| {
        let host = TestHost::of(app.clone());
        match reuse {
            Some(max) => host.reusing_instances(max),
            None => host,
        }
    };
    let app = Arc::new(App::load_with(&root.join("spin.toml"), engine)?);
    let floors_app = Arc::new(App::load_with(&root.join("tests/fixtures/spin.toml"), engine)?);
    let mut rows: Vec<Value> = Vec::new();

    let floors = host_of(&floors_app);
    for (name, path) in [("noop", "/noop"), ("open-store", "/open"), ("one-cas", "/cas")] {
        let stats = measure(n, floor_request(&floors, path)).await;
        let counting = floors.counting_crossings();
        let split = break_down(COUNTED, |_| counting.request("GET", path, &[], "")).await;
        let (size, compile) = floors_app.component_stats(name).unwrap_or_default();
        let mut floor_row = row(&format!("floor: {name}"), stats, None, None, size, compile, None);
        floor_row["breakdown"] = json!(split);
        rows.push(floor_row);
    }

    for api in selected() {
        let api = Arc::new(api);
        let host = host_of(&app);
        let (auth, token) = api.auth();
        // Sources as production has them: each takes `per_source` refunds, then the next one
        // (source k is `source_id(FIRST_SOURCE + k)`). Both measurements together make 2n POSTs,
        // and the counted ones COUNTED more.
        let sources = (2 * n + COUNTED).div_ceil(per_source) as u32;
        let id_of = |i: usize| (api.source_id)(FIRST_SOURCE + (i / per_source) as u32);
        for k in 0..sources {
            let id = (api.source_id)(FIRST_SOURCE + k);
            api.load_units_at(&host, &id, 1_000_000).await;
        }
        let (size, compile) = app.component_stats(api.component()).unwrap_or_default();

        // POST: a fresh key each time, against a source with plenty left. Under concurrency a
        // POST may lose the compare-and-swap 64 times and answer 503 (retry): counted, reported.
        let (h, a) = (host.clone(), api.clone());
        let busy = Arc::new(AtomicUsize::new(0));
        let b = busy.clone();
        let (post, post_floor) = measure_against(
            n,
            move |i| {
                let (h, a, b) = (h.clone(), a.clone(), b.clone());
                async move {
                    let id = (a.source_id)(FIRST_SOURCE + (i / per_source) as u32);
                    let status = a.refund_at(&h, &id, Some(&format!("bench-{i}"))).await.status;
                    expect(status, &[200, 201, 503], "POST");
                    if status == 503 {
                        b.fetch_add(1, Ordering::Relaxed);
                    }
                }
            },
            floor_request(&floors, "/cas"),
        )
        .await;
        let busy = busy.load(Ordering::Relaxed);
        let counting = host.counting_crossings();
        let post_split = break_down(COUNTED, |i| {
            let id = id_of(2 * n + i);
            let (counting, api) = (&counting, &api);
            async move {
                api.refund_at(counting, &id, Some(&format!("bench-counted-{i}")))
                    .await
            }
        })
        .await;
        // GET of one refund, on a source holding `per_source` refunds, and the store operations
        // of one more uncontended POST there.
        let full = id_of(0);
        let last = api.refund_at(&host, &full, Some("bench-ops")).await;
        let ops = last.ops;
        let get_path = (api.get_path_of)(&full, &last.json());
        let (h, path, auth_value) = (host.clone(), get_path.clone(), token.clone());
        let (get, get_floor) = measure_against(
            n,
            move |_| {
                let (h, path, auth_value) = (h.clone(), path.clone(), auth_value.clone());
                async move {
                    expect(
                        h.request("GET", &path, &[(auth, &auth_value)], "").await.status,
                        &[200],
                        "GET",
                    )
                }
            },
            floor_request(&floors, "/open"),
        )
        .await;
        let get_split = break_down(COUNTED, |_| {
            let (counting, path, token) = (&counting, &get_path, &token);
            async move { counting.request("GET", path, &[(auth, token)], "").await }
        })
        .await;
        // A refused POST: the amount is not a number.
        let mut bad = api.unit_body();
        bad[api.amount_field] = json!("not a number");
        let bad = bad.to_string().into_bytes();
        let (h, a, b) = (host.clone(), api.clone(), bad.clone());
        let (refused, refused_floor) = measure_against(
            n,
            move |_| {
                let (h, a, b) = (h.clone(), a.clone(), b.clone());
                async move {
                    expect(
                        a.post(&h, b, "application/json", None).await.status,
                        &[400],
                        "refused",
                    )
                }
            },
            floor_request(&floors, "/noop"),
        )
        .await;

        let refused_split = break_down(COUNTED, |_| {
            api.post(&counting, bad.clone(), "application/json", None)
        })
        .await;

        // The same three, sixteen at once to one instance. Each POST of a batch goes to a
        // source of its own, so they do not contend (`sources` more sources, after the others).
        let batches = n.div_ceil(AT_ONCE);
        let spread: Vec<String> = (0..AT_ONCE as u32)
            .map(|j| (api.source_id)(FIRST_SOURCE + sources + j))
            .collect();
        for id in &spread {
            api.load_units_at(&host, id, 1_000_000).await;
        }
        let floor = |path: &str| client_request("GET", path, &[], Bytes::new());
        let at_once_post = at_once::rps_against(
            &host,
            &floors,
            batches,
            |i| api.refund_request_at(&spread[i % AT_ONCE], Some(&format!("at-once-{i}"))),
            || floor("/cas"),
            &[200, 201],
        )
        .await;
        let at_once_get = at_once::rps_against(
            &host,
            &floors,
            batches,
            |_| client_request("GET", &get_path, &[(auth, &token)], Bytes::new()),
            || floor("/open"),
            &[200],
        )
        .await;
        let at_once_refused = at_once::rps_against(
            &host,
            &floors,
            batches,
            |_| api.post_request(&api.post_path(), bad.clone(), "application/json", None),
            || floor("/noop"),
            &[400],
        )
        .await;

        // The same three natively, on the in-memory store, over the same spread of sources.
        let ctx = native::context(api.token, "");
        for k in 0..sources {
            let id = (api.source_id)(FIRST_SOURCE + k);
            let load = native::request(
                "PUT",
                &format!("/admin/v1/sources/{}/{id}", api.source_kind),
                &[(auth, &token), apis::JSON],
                (api.source_body)(1_000_000).to_string().as_bytes(),
            );
            native::handle("admin", &load, &ctx).await.expect("admin");
        }
        let native_post = measure_native(n, |i| {
            let key = format!("native-{i}");
            let id = id_of(i);
            let req = native::request(
                "POST",
                &(api.post_path_of)(&id),
                &[(auth, &token), apis::JSON, ("idempotency-key", &key)],
                (api.unit_body_of)(&id).to_string().as_bytes(),
            );
            let ctx = &ctx;
            let component = api.component();
            async move {
                expect(
                    native::handle(component, &req, ctx).await.unwrap().status,
                    &[200, 201],
                    "native POST",
                )
            }
        })
        .await;
        let native_last = native::handle(
            api.component(),
            &native::request(
                "POST",
                &(api.post_path_of)(&full),
                &[(auth, &token), apis::JSON],
                (api.unit_body_of)(&full).to_string().as_bytes(),
            ),
            &ctx,
        )
        .await
        .unwrap();
        let native_path = (api.get_path_of)(&full, &serde_json::from_slice(&native_last.body)?);
        let native_get = measure_native(n, |_| {
            let req = native::request("GET", &native_path, &[(auth, &token)], b"");
            let (ctx, component) = (&ctx, api.component());
            async move {
                expect(
                    native::handle(component, &req, ctx).await.unwrap().status,
                    &[200],
                    "native GET",
                )
            }
        })
        .await;
        let native_refused = measure_native(n, |_| {
            let req = native::request("POST", &api.post_path(), &[(auth, &token), apis::JSON], &bad);
            let (ctx, component) = (&ctx, api.component());
            async move {
                expect(
                    native::handle(component, &req, ctx).await.unwrap().status,
                    &[400],
                    "native refused",
                )
            }
        })
        .await;

        let c = api.component();
        let mut post_row = row(
            &format!("{c} POST"),
            post,
            Some(post_floor),
            Some(native_post),
            size,
            compile,
            Some(ops),
        );
        post_row["busy_503"] = json!(busy);
        post_row["breakdown"] = json!(post_split);
        post_row["at_once"] = at_once_row(at_once_post);
        rows.push(post_row);
        let mut get_row = row(
            &format!("{c} GET"),
            get,
            Some(get_floor),
            Some(native_get),
            size,
            compile,
            None,
        );
        get_row["breakdown"] = json!(get_split);
        get_row["at_once"] = at_once_row(at_once_get);
        rows.push(get_row);
        let mut refused_row = row(
            &format!("{c} refused"),
            refused,
            Some(refused_floor),
            Some(native_refused),
            size,
            compile,
            None,
        );
        refused_row["breakdown"] = json!(refused_split);
        refused_row["at_once"] = at_once_row(at_once_refused);
        rows.push(refused_row);
    }

    println!("{per_source} refunds per source");
    print_table(&rows, n);
    print_breakdown_table(&rows);
    print_at_once_table(&rows);

    // Over TCP (the host's serve mode): one keep-alive connection against a new connection with
    // `Connection: close` per request.
    let mut tcp_rows = Vec::new();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let tcp_host = host_of(&app);
    let server = tokio::spawn(refund_host::serve::serve(tcp_host.clone(), listener));
    let floor_listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let floor_addr = floor_listener.local_addr()?;
    let floor_server = tokio::spawn(refund_host::serve::serve(host_of(&floors_app), floor_listener));
    let mut targets = vec![
        (
            "floor: noop".to_string(),
            floor_addr,
            "/noop".to_string(),
            String::new(),
        ),
        (
            "floor: open-store".to_string(),
            floor_addr,
            "/open".to_string(),
            String::new(),
        ),
    ];
    for api in selected() {
        api.load_units(&tcp_host, 1_000).await;
        let reply = api.refund(&tcp_host, None).await;
        targets.push((
            format!("{} GET", api.component()),
            addr,
            api.get_path(&reply.json()),
            api.auth().1,
        ));
    }
    for (name, addr, path, auth) in &targets {
        let mut row = json!({"operation": name});
        for (label, keep_alive) in [("keep_alive", true), ("close", false)] {
            let (median, p99) = tcp::latency(*addr, path, auth, keep_alive, n).await?;
            row[label] = json!({"median_us": us(median), "p99_us": us(p99)});
        }
        tcp_rows.push(row);
    }
    server.abort();
    floor_server.abort();
    print_tcp_table(&tcp_rows);
    let path = root.join("target/bench.json");
    std::fs::write(
        &path,
        serde_json::to_string_pretty(&json!({
            "engine": format!("{engine:?}"),
            "instance_reuse": reuse,
            "requests": n,
            "refunds_per_source": per_source,
            "rows": rows,
            "tcp": tcp_rows,
        }))?,
    )?;
    for r in &rows {
        if let Some(busy) = r["busy_503"].as_u64().filter(|b| *b > 0) {
            println!(
                "{}: {busy} of {} POSTs answered 503 (busy, retry) at concurrency 8",
                r["operation"], n
            );
        }
    }
    println!("\nwritten: {}", path.display());
    Ok(())
}

fn row(
    name: &str,
    s: Stats,
    floor: Option<Stats>,
    native: Option<Duration>,
    size: u64,
    compile: Duration,
    ops: Option<refund_host::OpCounts>,
) -> Value {
    json!({
        "operation": name,
        "median_us": us(s.median),
        "p99_us": us(s.p99),
        "rps_c1": s.rps1,
        "rps_c8": s.rps8,
        "floor_median_us": floor.map(|f| us(f.median)),
        "floor_ratio_c1": floor.map(|f| s.rps1 / f.rps1),
        "floor_ratio_c8": floor.map(|f| s.rps8 / f.rps8),
        "native_median_us": native.map(us),
        "sandbox_cost": native.map(|d| us(s.median) / us(d).max(0.001)),
        "wasm_bytes": size,
        "compile_ms": compile.as_secs_f64() * 1e3,
        "store_ops_per_post": ops.map(|o| json!({"opens": o.opens, "reads": o.reads, "writes": o.writes})),
    })
}

fn print_table(rows: &[Value], n: usize) {
    println!(
        "{n} requests per measurement; each operation takes turns of {TURN} requests with its floor (POST: one-cas, GET: open-store, refused: noop): `floor µs` is that floor's median, ÷floor the rps ratio to it\n"
    );
    let opt = |v: &Value, digits: usize| v.as_f64().map_or("-".to_string(), |x| format!("{x:.digits$}"));
    let num = |v: &Value, digits: usize| format!("{:.digits$}", v.as_f64().unwrap_or(0.0));
    let cells = rows.iter().map(|r| {
        let ops = match &r["store_ops_per_post"] {
            Value::Null => "-".to_string(),
            o => format!("{}/{}/{}", o["opens"], o["reads"], o["writes"]),
        };
        vec![
            r["operation"].as_str().unwrap_or("").to_string(),
            num(&r["median_us"], 0),
            num(&r["p99_us"], 0),
            num(&r["rps_c1"], 0),
            num(&r["rps_c8"], 0),
            opt(&r["floor_median_us"], 0),
            opt(&r["floor_ratio_c1"], 2),
            opt(&r["floor_ratio_c8"], 2),
            opt(&r["native_median_us"], 1),
            opt(&r["sandbox_cost"], 1),
            format!("{:.0}", r["wasm_bytes"].as_f64().unwrap_or(0.0) / 1024.0),
            num(&r["compile_ms"], 0),
            ops,
        ]
    });
    print_markdown(
        &[
            "operation",
            "median µs",
            "p99 µs",
            "rps c1",
            "rps c8",
            "floor µs",
            "÷floor1",
            "÷floor8",
            "native µs",
            "wasm÷nat",
            "wasm KiB",
            "compile ms",
            "POST ops",
        ],
        cells,
    );
}

fn print_breakdown_table(rows: &[Value]) {
    println!(
        "\nWhere one request's time goes ({COUNTED} requests one at a time, call hook on; µs are means)\n"
    );
    let cells = rows.iter().map(|r| {
        let b = |field: &str, digits: usize| {
            format!("{:.digits$}", r["breakdown"][field].as_f64().unwrap_or(0.0))
        };
        vec![
            r["operation"].as_str().unwrap_or("").to_string(),
            b("total_us", 0),
            b("guest_us", 0),
            b("host_calls_us", 0),
            b("other_us", 0),
            b("host_calls", 1),
            b("guest_entries", 1),
            b("page_faults", 1),
        ]
    });
    print_markdown(
        &[
            "operation",
            "total µs",
            "guest µs",
            "host fns µs",
            "other µs",
            "host calls",
            "guest entries",
            "page faults",
        ],
        cells,
    );
}

/// An operation's requests per second sent [`AT_ONCE`] at once, with its floor's.
fn at_once_row((rps, floor_rps): (f64, f64)) -> Value {
    json!({"rps": rps, "floor_rps": floor_rps, "floor_ratio": rps / floor_rps})
}

fn print_at_once_table(rows: &[Value]) {
    println!(
        "\n{AT_ONCE} at once to one new instance, each batch in turn with one of its floor (rps over all batches)\n"
    );
    let cells = rows.iter().filter(|r| r["at_once"].is_object()).map(|r| {
        let a =
            |field: &str, digits: usize| format!("{:.digits$}", r["at_once"][field].as_f64().unwrap_or(0.0));
        vec![
            r["operation"].as_str().unwrap_or("").to_string(),
            a("rps", 0),
            a("floor_rps", 0),
            a("floor_ratio", 2),
        ]
    });
    print_markdown(&["operation", "rps, 16 at once", "floor rps", "÷floor"], cells);
}

fn print_tcp_table(rows: &[Value]) {
    println!("\nOver TCP (serve mode), latency at concurrency 1\n");
    let us = |v: &Value| format!("{:.0}", v.as_f64().unwrap_or(0.0));
    let cells = rows.iter().map(|r| {
        vec![
            r["operation"].as_str().unwrap_or("").to_string(),
            us(&r["keep_alive"]["median_us"]),
            us(&r["keep_alive"]["p99_us"]),
            us(&r["close"]["median_us"]),
            us(&r["close"]["p99_us"]),
        ]
    });
    print_markdown(
        &[
            "operation",
            "keep-alive med µs",
            "keep-alive p99",
            "Connection: close",
            "close p99 µs",
        ],
        cells,
    );
}

/// A Markdown table as BENCHMARKS.md holds them: the operation left-aligned in 26 columns,
/// every figure right-aligned under its header.
fn print_markdown(headers: &[&str], rows: impl Iterator<Item = Vec<String>>) {
    let line = |cells: &[String]| {
        let padded: Vec<String> = cells
            .iter()
            .zip(headers)
            .enumerate()
            .map(|(i, (cell, header))| match i {
                0 => format!("{cell:<26}"),
                _ => format!("{cell:>width$}", width = header.chars().count()),
            })
            .collect();
        println!("| {} |", padded.join(" | "));
    };
    line(&headers.iter().map(|h| h.to_string()).collect::<Vec<_>>());
    println!("|{}|", vec!["---"; headers.len()].join("|"));
    for row in rows {
        line(&row);
    }
}

/// A minimal HTTP/1.1 client: enough to time GETs over one kept-alive connection or a new
/// connection per request, reading each response to the end of its Content-Length.
mod tcp {
    use anyhow::{Context, Result, bail};
    use std::net::SocketAddr;
    use std::time::{Duration, Instant};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpStream;

    pub async fn latency(
        addr: SocketAddr,
        path: &str,
        auth: &str,
        keep_alive: bool,
        n: usize,
    ) -> Result<(Duration, Duration)> {
        let mut request = format!("GET {path} HTTP/1.1\r\nhost: {addr}\r\n");
        if !auth.is_empty() {
            request.push_str(&format!("authorization: {auth}\r\n"));
        }
        if !keep_alive {
            request.push_str("connection: close\r\n");
        }
        request.push_str("\r\n");
        let mut kept: Option<TcpStream> = None;
        let mut times = Vec::with_capacity(n);
        for _ in 0..n {
            let t = Instant::now();
            let mut stream = match kept.take() {
                Some(stream) => stream,
                None => TcpStream::connect(addr).await?,
            };
            stream.write_all(request.as_bytes()).await?;
            let status = read_response(&mut stream).await?;
            if status != 200 {
                bail!("GET {path} over TCP: status {status}");
            }
            times.push(t.elapsed());
            if keep_alive {
                kept = Some(stream);
            }
        }
        times.sort();
        Ok((times[n / 2], times[(n * 99 / 100).min(n - 1)]))
    }

    async fn read_response(stream: &mut TcpStream) -> Result<u16> {
        let mut buf = Vec::with_capacity(4096);
        let mut chunk = [0u8; 4096];
        let head_end = loop {
            let read = stream.read(&mut chunk).await?;
            if read == 0 {
                bail!("connection closed mid-response");
            }
            buf.extend_from_slice(&chunk[..read]);
            if let Some(at) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break at + 4;
            }
        };
        let head = std::str::from_utf8(&buf[..head_end])?;
        let status: u16 = head.get(9..12).context("no status line")?.parse()?;
        let length: usize = head
            .lines()
            .find_map(|l| {
                let (name, value) = l.split_once(':')?;
                name.eq_ignore_ascii_case("content-length")
                    .then(|| value.trim().parse().ok())?
            })
            .context("no content-length")?;
        while buf.len() < head_end + length {
            let read = stream.read(&mut chunk).await?;
            if read == 0 {
                bail!("connection closed mid-body");
            }
            buf.extend_from_slice(&chunk[..read]);
        }
        Ok(status)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    /// An operation that notes each call as `(who, i)`.
    fn noting(
        log: &Arc<Mutex<Vec<(char, usize)>>>,
        who: char,
    ) -> impl Fn(usize) -> Pin<Box<dyn Future<Output = ()> + Send>> + Send + Sync + Clone + 'static {
        let log = log.clone();
        move |i| {
            log.lock().unwrap().push((who, i));
            Box::pin(async {})
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_operation_and_its_floor_take_turns_with_every_index_once() {
        let log = Arc::new(Mutex::new(Vec::new()));
        let n = 2 * TURN + 7;
        let (op, floor) = measure_against(n, noting(&log, 'o'), noting(&log, 'f')).await;
        let log = log.lock().unwrap().clone();
        for who in ['o', 'f'] {
            let mut seen: Vec<usize> = log.iter().filter(|(w, _)| *w == who).map(|(_, i)| *i).collect();
            seen.sort();
            assert_eq!(
                seen,
                (0..2 * n).collect::<Vec<_>>(),
                "{who}: each index once, c1 then c8"
            );
        }
        // One at a time, the floor goes first in even turns and the operation in odd ones.
        let c1: String = log.iter().take(2 * n).map(|(w, _)| *w).collect();
        let turns = format!(
            "{}{}{}{}{}{}",
            "f".repeat(TURN),
            "o".repeat(TURN),
            "o".repeat(TURN),
            "f".repeat(TURN),
            "f".repeat(7),
            "o".repeat(7)
        );
        assert_eq!(c1, turns);
        assert!(op.rps1 > 0.0 && floor.rps8 > 0.0 && op.median <= op.p99);
    }
}
