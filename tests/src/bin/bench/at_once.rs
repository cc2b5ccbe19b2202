//! Requests sent to one instance at once, as Spin 4.0.2 sends up to 16 to a `wasi:http@0.3`
//! instance (`crates/trigger-http/src/lib.rs`). Batches of [`AT_ONCE`] requests, each batch to a
//! new instance (`TestHost::send_at_once`), take turns with batches of the operation's floor,
//! so both see the same machine. The throughput is one batch after another: the concurrency is
//! the instance's, interleaving its requests at their store and body waits.

use bytes::Bytes;
use refund_host::TestHost;
use std::time::{Duration, Instant};

/// What Spin 4.0.2 sends one instance at most at once.
pub const AT_ONCE: usize = refund_host::SPIN_MAX_INSTANCE_CONCURRENCY;

/// Requests per second of `batches` batches of `op(i)` (`i` counts every request), and of the
/// same requests sent to the floor component at `floor` ([`crate::at_floor`]), sent to `host`
/// and `floors` in turns. Every answer must be one of `allowed` (the floors' 200).
pub async fn rps_against(
    host: &TestHost,
    floors: &TestHost,
    batches: usize,
    op: impl Fn(usize) -> http::Request<Bytes>,
    floor: &str,
    allowed: &[u16],
) -> (f64, f64) {
    let (mut op_took, mut floor_took) = (Duration::ZERO, Duration::ZERO);
    let floor = crate::floor_uri(floor);
    for batch in 0..batches {
        // Which goes first alternates, as in the one-at-a-time turns.
        for op_now in [batch % 2 == 1, batch % 2 == 0] {
            let (target, requests, expected): (_, Vec<_>, &[u16]) = if op_now {
                (
                    host,
                    (0..AT_ONCE).map(|j| op(batch * AT_ONCE + j)).collect(),
                    allowed,
                )
            } else {
                (
                    floors,
                    (0..AT_ONCE)
                        .map(|j| crate::at_floor(op(batch * AT_ONCE + j), &floor))
                        .collect(),
                    &[200],
                )
            };
            let started = Instant::now();
            let answers = target.send_at_once(requests).await.expect("the instance answers");
            let took = started.elapsed();
            for (status, body) in answers {
                let text = String::from_utf8_lossy(&body);
                assert!(expected.contains(&status), "sent at once: {status} {text}");
            }
            *(if op_now { &mut op_took } else { &mut floor_took }) += took;
        }
    }
    let requests = (batches * AT_ONCE) as f64;
    (
        requests / op_took.as_secs_f64(),
        requests / floor_took.as_secs_f64(),
    )
}
