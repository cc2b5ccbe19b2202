//! A minimal HTTP/1.1 client: enough to time GETs over one kept-alive connection or a new
//! connection per request, reading each response to the end of its Content-Length, and to count
//! the answers that waited for a delayed ACK.

use anyhow::{Context, Result, bail};
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

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

pub async fn latency(
    addr: SocketAddr,
    path: &str,
    auth: &str,
    keep_alive: bool,
    n: usize,
) -> Result<Latency> {
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
    Ok(Latency {
        median: times[n / 2],
        p99: times[(n * 99 / 100).min(n - 1)],
        stalled: times.iter().filter(|t| **t > STALL).count(),
    })
}

/// Reads one answer to its end: `Content-Length` bytes, or chunks to the last (the floors,
/// spin-sdk components, answer with a chunked body when served as Spin serves them).
async fn read_response(stream: &mut TcpStream) -> Result<u16> {
    let mut buf = Vec::with_capacity(4096);
    let head_end = loop {
        read_more(stream, &mut buf).await?;
        if let Some(at) = find(&buf, b"\r\n\r\n", 0) {
            break at + 4;
        }
    };
    let head = std::str::from_utf8(&buf[..head_end])?.to_string();
    let status: u16 = head.get(9..12).context("no status line")?.parse()?;
    let header = |wanted: &str| {
        head.lines().find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case(wanted)
                .then(|| value.trim().to_string())
        })
    };
    if let Some(length) = header("content-length") {
        let length: usize = length.parse()?;
        while buf.len() < head_end + length {
            read_more(stream, &mut buf).await?;
        }
    } else if header("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        let mut at = head_end;
        loop {
            let line_end = loop {
                if let Some(end) = find(&buf, b"\r\n", at) {
                    break end;
                }
                read_more(stream, &mut buf).await?;
            };
            let size = usize::from_str_radix(std::str::from_utf8(&buf[at..line_end])?.trim(), 16)?;
            // The chunk, then its CRLF; the last (empty) chunk is followed by the empty line
            // that ends the (absent) trailers.
            at = line_end + 2 + size + 2;
            while buf.len() < at {
                read_more(stream, &mut buf).await?;
            }
            if size == 0 {
                break;
            }
        }
    } else {
        bail!("an answer with neither content-length nor a chunked body");
    }
    Ok(status)
}

async fn read_more(stream: &mut TcpStream, buf: &mut Vec<u8>) -> Result<()> {
    let mut chunk = [0u8; 4096];
    let read = stream.read(&mut chunk).await?;
    if read == 0 {
        bail!("connection closed mid-response");
    }
    buf.extend_from_slice(&chunk[..read]);
    Ok(())
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    haystack
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|at| from + at)
}
