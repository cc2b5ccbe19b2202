//! How an operation is timed: one at a time (latency, requests per second at concurrency 1),
//! from eight tasks (at concurrency 8), in turns with its floor, and natively.

use std::future::Future;
use std::ops::Range;
use std::time::{Duration, Instant};

#[derive(Clone, Copy, Default)]
pub struct Stats {
    pub median: Duration,
    pub p99: Duration,
    pub rps1: f64,
    pub rps8: f64,
}

/// Runs `op(i)` `n` times one at a time (latency, rps at 1), then `n` times from 8 tasks.
pub async fn measure<F, Fut>(n: usize, op: F) -> Stats
where
    F: Fn(usize) -> Fut + Send + Sync + Clone + 'static,
    Fut: Future<Output = ()> + Send,
{
    let (times, c1) = one_at_a_time(&op, 0..n).await;
    let c8 = from_eight_tasks(&op, n..2 * n).await;
    stats(times, c1, c8)
}

/// Requests per turn when an operation and its floor take turns.
pub const TURN: usize = 50;

/// Measures `op` as [`measure`] does, and its floor with it: the two take turns of [`TURN`]
/// requests (which goes first alternates), so both run on the same machine. This VM's speed
/// drifts by 10-40% within a run, so a floor measured minutes before the operation moved the
/// ratio by as much as the component did.
pub async fn measure_against<F, Fut, G, Gut>(n: usize, op: F, floor: G) -> (Stats, Stats)
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
    let (median, p99) = median_and_p99(&mut times);
    Stats {
        median,
        p99,
        rps1: n as f64 / c1.as_secs_f64(),
        rps8: n as f64 / c8.as_secs_f64(),
    }
}

/// The median and the 99th percentile of `times` (at least one), which it sorts.
pub fn median_and_p99(times: &mut [Duration]) -> (Duration, Duration) {
    let n = times.len();
    times.sort();
    (times[n / 2], times[(n * 99 / 100).min(n - 1)])
}

/// Latency of `op(i)` one at a time, natively.
pub async fn measure_native<F, Fut>(n: usize, op: F) -> Duration
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
    median_and_p99(&mut times).0
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::pin::Pin;
    use std::sync::{Arc, Mutex};

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
