//! `scripts/bench`: where each component stands against the floor, in one run.
//!
//! Through the test host (in-process, in-memory store): the floors (no-op, open-only, one CAS),
//! then for each API a POST refund (fresh Idempotency-Key each time), a GET of it and a refused
//! POST; median and p99 latency at concurrency 1, requests per second at 1 and 8, each against
//! its floor; the same handlers called natively (what the sandbox costs); and per component the
//! .wasm size, compile time and store operations of one POST. Prints a table and writes
//! `target/bench.json`. `BENCH_REQUESTS` sets the requests per measurement (default 400).

use anyhow::Result;
use refund_host::{App, TestHost, apis, native, workspace_root};
use serde_json::{Value, json};
use std::future::Future;
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
    let mut times = Vec::with_capacity(n);
    let started = Instant::now();
    for i in 0..n {
        let t = Instant::now();
        op(i).await;
        times.push(t.elapsed());
    }
    let rps1 = n as f64 / started.elapsed().as_secs_f64();
    times.sort();
    let started = Instant::now();
    let tasks: Vec<_> = (0..8)
        .map(|t| {
            let op = op.clone();
            tokio::spawn(async move {
                for i in (t..n).step_by(8) {
                    op(n + i).await;
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.expect("a benchmark task panicked");
    }
    let rps8 = n as f64 / started.elapsed().as_secs_f64();
    Stats {
        median: times[n / 2],
        p99: times[(n * 99 / 100).min(n - 1)],
        rps1,
        rps8,
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
    let root = workspace_root();
    let app = Arc::new(App::load(&root.join("spin.toml"))?);
    let floors_app = Arc::new(App::load(&root.join("tests/fixtures/spin.toml"))?);
    let mut rows: Vec<Value> = Vec::new();

    let floors = TestHost::of(floors_app.clone());
    let mut floor = std::collections::HashMap::new();
    for (name, path) in [("noop", "/noop"), ("open-store", "/open"), ("one-cas", "/cas")] {
        let host = floors.clone();
        let stats = measure(n, move |_| {
            let host = host.clone();
            async move { expect(host.request("GET", path, &[], "").await.status, &[200], path) }
        })
        .await;
        floor.insert(name, stats);
        let (size, compile) = floors_app.component_stats(name).unwrap_or_default();
        rows.push(row(
            &format!("floor: {name}"),
            stats,
            None,
            None,
            size,
            compile,
            None,
        ));
    }

    for api in apis::all() {
        let api = Arc::new(api);
        let host = TestHost::of(app.clone());
        api.load_units(&host, 1_000_000_000).await;
        let (auth, token) = api.auth();
        let first = api.refund(&host, Some("bench-first")).await;
        let ops = first.ops;
        let get_path = (api.get_path)(&first.json());
        let (size, compile) = app.component_stats(api.component()).unwrap_or_default();

        // POST: a fresh key each time, against a source with plenty left. Under concurrency a
        // POST may lose the compare-and-swap 64 times and answer 503 (retry): counted, reported.
        let (h, a) = (host.clone(), api.clone());
        let busy = Arc::new(AtomicUsize::new(0));
        let b = busy.clone();
        let post = measure(n, move |i| {
            let (h, a, b) = (h.clone(), a.clone(), b.clone());
            async move {
                let status = a.refund(&h, Some(&format!("bench-{i}"))).await.status;
                expect(status, &[200, 201, 503], "POST");
                if status == 503 {
                    b.fetch_add(1, Ordering::Relaxed);
                }
            }
        })
        .await;
        let busy = busy.load(Ordering::Relaxed);
        // GET of one refund.
        let (h, path, auth_value) = (host.clone(), get_path.clone(), token.clone());
        let get = measure(n, move |_| {
            let (h, path, auth_value) = (h.clone(), path.clone(), auth_value.clone());
            async move {
                expect(
                    h.request("GET", &path, &[(auth, &auth_value)], "").await.status,
                    &[200],
                    "GET",
                )
            }
        })
        .await;
        // A refused POST: the amount is not a number.
        let mut bad = (api.unit_body)();
        bad[api.amount_field] = json!("not a number");
        let bad = bad.to_string().into_bytes();
        let (h, a, b) = (host.clone(), api.clone(), bad.clone());
        let refused = measure(n, move |_| {
            let (h, a, b) = (h.clone(), a.clone(), b.clone());
            async move {
                expect(
                    a.post(&h, b, "application/json", None).await.status,
                    &[400],
                    "refused",
                )
            }
        })
        .await;

        // The same three natively, on the in-memory store.
        let ctx = native::context(api.token, "");
        let load = native::request(
            "PUT",
            &format!("/admin/v1/sources/{}", api.source),
            &[(auth, &token), apis::JSON],
            (api.source_body)(1_000_000_000).to_string().as_bytes(),
        );
        native::handle("admin", &load, &ctx).await.expect("admin");
        let unit = (api.unit_body)().to_string();
        let native_post = measure_native(n, |i| {
            let key = format!("native-{i}");
            let req = native::request(
                "POST",
                api.post_path,
                &[(auth, &token), apis::JSON, ("idempotency-key", &key)],
                unit.as_bytes(),
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
        let native_first = native::handle(
            api.component(),
            &native::request(
                "POST",
                api.post_path,
                &[(auth, &token), apis::JSON],
                unit.as_bytes(),
            ),
            &ctx,
        )
        .await
        .unwrap();
        let native_path = (api.get_path)(&serde_json::from_slice(&native_first.body)?);
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
            let req = native::request("POST", api.post_path, &[(auth, &token), apis::JSON], &bad);
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
            Some(floor["one-cas"]),
            Some(native_post),
            size,
            compile,
            Some(ops),
        );
        post_row["busy_503"] = json!(busy);
        rows.push(post_row);
        rows.push(row(
            &format!("{c} GET"),
            get,
            Some(floor["open-store"]),
            Some(native_get),
            size,
            compile,
            None,
        ));
        rows.push(row(
            &format!("{c} refused"),
            refused,
            Some(floor["noop"]),
            Some(native_refused),
            size,
            compile,
            None,
        ));
    }

    print_table(&rows, n);
    let path = root.join("target/bench.json");
    std::fs::write(
        &path,
        serde_json::to_string_pretty(&json!({"requests": n, "rows": rows}))?,
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
        "{n} requests per measurement; rps ratio is against the floor named in the README (POST: one-cas, GET: open-store, refused: noop)\n"
    );
    println!(
        "| {:<26} | {:>9} | {:>9} | {:>8} | {:>8} | {:>7} | {:>7} | {:>9} | {:>7} | {:>9} | {:>8} | {:>9} |",
        "operation",
        "median µs",
        "p99 µs",
        "rps c1",
        "rps c8",
        "÷floor1",
        "÷floor8",
        "native µs",
        "wasm÷nat",
        "wasm KiB",
        "compile ms",
        "POST ops"
    );
    println!("|{}|", ["---"; 12].join("|"));
    for r in rows {
        let opt = |v: &Value, digits: usize| v.as_f64().map_or("-".to_string(), |x| format!("{x:.digits$}"));
        let ops = match &r["store_ops_per_post"] {
            Value::Null => "-".to_string(),
            o => format!("{}/{}/{}", o["opens"], o["reads"], o["writes"]),
        };
        println!(
            "| {:<26} | {:>9.0} | {:>9.0} | {:>8.0} | {:>8.0} | {:>7} | {:>7} | {:>9} | {:>7} | {:>9.0} | {:>8.0} | {:>9} |",
            r["operation"].as_str().unwrap_or(""),
            r["median_us"].as_f64().unwrap_or(0.0),
            r["p99_us"].as_f64().unwrap_or(0.0),
            r["rps_c1"].as_f64().unwrap_or(0.0),
            r["rps_c8"].as_f64().unwrap_or(0.0),
            opt(&r["floor_ratio_c1"], 2),
            opt(&r["floor_ratio_c8"], 2),
            opt(&r["native_median_us"], 1),
            opt(&r["sandbox_cost"], 1),
            r["wasm_bytes"].as_f64().unwrap_or(0.0) / 1024.0,
            r["compile_ms"].as_f64().unwrap_or(0.0),
            ops,
        );
    }
}
