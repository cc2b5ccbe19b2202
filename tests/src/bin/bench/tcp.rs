//! A minimal HTTP/1.1 client: enough to time GETs over one kept-alive connection or a new
//! connection per request, reading each response to the end of its Content-Length.

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
