//! `scripts/bench-ab <revision>`: the components built from a revision (A) against the working
//! tree's (B), request by request.
//!
//! A change to a component's own work is often worth a few microseconds a request, and this VM's
//! speed drifts by 10-40% within minutes: two runs of `scripts/bench` cannot tell such a change
//! from the drift. Here both builds serve the same requests in one process, one request of each
//! in turn (which goes first alternates), each build on a store of its own, so both see the same
//! machine. Per operation it prints both medians and both means of the middle half, with B's
//! difference; and each component's size in both. `scripts/bench-ab HEAD` is the control: what
//! two builds of the same source differ by on this machine.
//!
//! `AB_BASE` is where A's `spin.toml` is (the script unpacks and builds the revision under
//! `target/ab-base/`). The run takes the benchmark's settings (`refund_host::bench_env`):
//! `BENCH_REQUESTS` rounds per operation (default [`ROUNDS`]), `BENCH_REFUNDS_PER_SOURCE`,
//! `BENCH_ONLY`, `BENCH_SPIN_ENGINE=1` and `BENCH_REUSE=N`; the store is in memory.

use anyhow::{Context, Result};
use bytes::Bytes;
use refund_host::bench_env::{self, Settings};
use refund_host::{App, TestHost, apis, client_request, workspace_root};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A build's figures for one operation: the median, and the mean of the middle half (steadier
/// than the median when two builds are a microsecond apart).
struct Summary {
    median: f64,
    mid_mean: f64,
}

/// The summary of these times, in µs.
fn summary(mut times: Vec<Duration>) -> Summary {
    times.sort();
    let n = times.len();
    let middle = &times[n / 4..n - n / 4];
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    Summary {
        median: us(times[n / 2]),
        mid_mean: middle.iter().copied().map(us).sum::<f64>() / middle.len() as f64,
    }
}

/// Which build answers first in round `i`: A (0) in even rounds, B (1) in odd ones.
fn order(i: usize) -> [usize; 2] {
    if i.is_multiple_of(2) { [0, 1] } else { [1, 0] }
}

/// The time each build's host took to answer `make(build, i)`, for `rounds` rounds, in turns
/// ([`order`]); every answer must have one of the `allowed` statuses.
async fn interleaved(
    hosts: &[TestHost; 2],
    rounds: usize,
    allowed: &[u16],
    make: impl Fn(usize, usize) -> http::Request<Bytes>,
) -> [Vec<Duration>; 2] {
    let mut times = [Vec::with_capacity(rounds), Vec::with_capacity(rounds)];
    for i in 0..rounds {
        for build in order(i) {
            let request = make(build, i);
            let start = Instant::now();
            let reply = hosts[build].answer(request).await;
            times[build].push(start.elapsed());
            assert!(
                allowed.contains(&reply.status),
                "{}: {}",
                ["A", "B"][build],
                reply.text()
            );
        }
    }
    times
}

/// One row of the table: both builds' figures and B's difference.
fn row(operation: &str, [a, b]: [Vec<Duration>; 2]) -> String {
    let (a, b) = (summary(a), summary(b));
    format!(
        "| {operation:<32} | {:>9.1} | {:>9.1} | {:>+7.1} | {:>9.1} | {:>9.1} | {:>+7.1} |",
        a.median,
        b.median,
        b.median - a.median,
        a.mid_mean,
        b.mid_mean,
        b.mid_mean - a.mid_mean,
    )
}

/// Rounds per operation unless `BENCH_REQUESTS` says otherwise.
const ROUNDS: usize = 2000;

/// The rows of one API: its POST, the GET of a refund, a refused POST and its list, if any.
async fn api_rows(api: &apis::Api, apps: &[Arc<App>; 2], settings: &Settings) -> Vec<String> {
    let rounds = settings.requests.unwrap_or(ROUNDS);
    let hosts = apps
        .clone()
        .map(|app| settings.keeping_instances(TestHost::of(app)));
    let source = |i: usize| settings.source_of(api, i);
    for host in &hosts {
        for i in (0..rounds).step_by(settings.per_source) {
            api.load_units_at(host, &source(i), 1_000_000).await;
        }
    }
    let name = api.component();
    let mut rows = Vec::new();
    let post = interleaved(&hosts, rounds, &[200, 201], |_, i| {
        api.refund_request_at(&source(i), Some(&format!("ab-{i}")))
    });
    rows.push(row(&format!("{name} POST"), post.await));

    // The GET of a refund on the first source, which holds `per_source` of them by now.
    let mut paths = Vec::new();
    for host in &hosts {
        let last = api.refund_at(host, &source(0), Some("ab-get")).await;
        paths.push((api.get_path_of)(&source(0), &last.json()));
    }
    let (auth, token) = api.auth();
    let read = |path: &str| client_request("GET", path, &[(auth, &token)], Bytes::new());
    let get = interleaved(&hosts, rounds, &[200], |build, _| read(&paths[build]));
    rows.push(row(&format!("{name} GET"), get.await));

    let bad = api.bad_amount_body();
    let refused = interleaved(&hosts, rounds, &[400], |_, _| {
        api.post_request(&api.post_path(), bad.clone(), "application/json", None)
    });
    rows.push(row(&format!("{name} refused"), refused.await));

    if let Some(list_path_of) = api.list_path_of {
        let path = list_path_of(&source(0));
        let list = interleaved(&hosts, rounds, &[200], |_, _| read(&path));
        rows.push(row(&format!("{name} list"), list.await));
    }
    rows
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<()> {
    let base = std::env::var("AB_BASE").context("AB_BASE: where build A's spin.toml is")?;
    let settings = Settings::from_env();
    let engine = settings.engine;
    let load = |dir: &Path| App::load_with(&dir.join("spin.toml"), engine).map(Arc::new);
    let apps = [load(Path::new(&base))?, load(&workspace_root())?];
    let revision = std::env::var("AB_REVISION").unwrap_or_else(|_| base.clone());
    println!("A: {revision}; B: the working tree");
    println!(
        "engine: {engine:?}; instance reuse: {:?}; {} rounds; {} refunds per source",
        settings.reuse,
        settings.requests.unwrap_or(ROUNDS),
        settings.per_source
    );

    println!("\n| operation | A median µs | B median µs | B−A | A mid-mean µs | B mid-mean µs | B−A |");
    println!("|---|---|---|---|---|---|---|");
    for api in bench_env::selected() {
        for line in api_rows(&api, &apps, &settings).await {
            println!("{line}");
        }
    }

    println!("\n| component | A bytes | B bytes | B−A |");
    println!("|---|---|---|---|");
    for api in bench_env::selected() {
        let bytes = apps.each_ref().map(|app| {
            app.component_stats(api.component())
                .map_or(0, |(size, _)| size as i64)
        });
        println!(
            "| {} | {} | {} | {:+} |",
            api.component(),
            bytes[0],
            bytes[1],
            bytes[1] - bytes[0]
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_summary_is_the_median_and_the_mean_of_the_middle_half() {
        let times = [9, 1, 2, 3, 4, 5, 6, 1000].map(Duration::from_micros).to_vec();
        let s = summary(times);
        assert_eq!(s.median, 5.0);
        // The middle half of 1, 2, 3, 4, 5, 6, 9, 1000: 3, 4, 5, 6.
        assert_eq!(s.mid_mean, 4.5);
    }

    #[test]
    fn the_build_that_answers_first_alternates() {
        assert_eq!(order(0), [0, 1]);
        assert_eq!(order(1), [1, 0]);
        let firsts: usize = (0..100).map(|i| order(i)[0]).sum();
        assert_eq!(firsts, 50, "each build first in half the rounds");
    }
}
