//! GETs timed over one kept-alive connection or a new connection per request, each read to the
//! end of its body, counting the answers that waited for a delayed ACK.

use crate::measure::median_and_p99;
use anyhow::{Context, Result, bail};
use refund_host::client::Connection;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

/// What a client waited over one way of connecting.
pub struct Latency {
    pub median: Duration,
    pub p99: Duration,
    /// Answers that took longer than [`STALL`].
    pub stalled: usize,
}

/// Longer than any answer here takes unless it waited for a delayed ACK (40 ms at least on
/// Linux): half of that.
pub const STALL: Duration = Duration::from_millis(20);

/// Times `n` GETs of `path`. The client runs on a thread and runtime of its own, as a client
/// on another machine would: on the server's runtime it took threads the server's tasks would
/// otherwise run on at once, and that changes how often an answer waits (BENCHMARKS.md).
pub async fn latency(
    addr: SocketAddr,
    path: &str,
    auth: &str,
    keep_alive: bool,
    n: usize,
) -> Result<Latency> {
    let (path, auth) = (path.to_string(), auth.to_string());
    let mut times = tokio::task::spawn_blocking(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?
            .block_on(timed(addr, &path, &auth, keep_alive, n))
    })
    .await??;
    let (median, p99) = median_and_p99(&mut times);
    Ok(Latency {
        median,
        p99,
        stalled: times.iter().filter(|t| **t > STALL).count(),
    })
}

async fn timed(
    addr: SocketAddr,
    path: &str,
    auth: &str,
    keep_alive: bool,
    n: usize,
) -> Result<Vec<Duration>> {
    let host = addr.to_string();
    let mut headers = vec![("host", host.as_str())];
    if !auth.is_empty() {
        headers.push(("authorization", auth));
    }
    if !keep_alive {
        headers.push(("connection", "close"));
    }
    let mut kept: Option<Connection> = None;
    let mut times = Vec::with_capacity(n);
    for _ in 0..n {
        let t = Instant::now();
        let mut connection = match kept.take() {
            Some(connection) => connection,
            None => Connection::open(addr).await?,
        };
        let (status, _) = connection
            .get(path, &headers)
            .await
            .with_context(|| format!("GET {path} over TCP, kept alive: {keep_alive}"))?;
        if status != 200 {
            bail!("GET {path} over TCP: status {status}");
        }
        times.push(t.elapsed());
        if keep_alive {
            kept = Some(connection);
        }
    }
    Ok(times)
}
