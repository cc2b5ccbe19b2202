//! Serves the app on a local port for curl, load generators and API fuzzers on machines without
//! Spin: `cargo run --release -p refund-host -- serve --listen 127.0.0.1:3000`.
//! Users run the real thing with `spin up`.

use anyhow::{Context, Result, bail};
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use refund_host::{App, TestHost};
use std::path::PathBuf;
use std::sync::Arc;

/// Bodies beyond this are cut off by the host (the components refuse far smaller ones).
const MAX_HOST_BODY: usize = 16 << 20;

#[tokio::main]
async fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut listen = "127.0.0.1:3000".to_string();
    let mut manifest = refund_host::workspace_root().join("spin.toml");
    let mut rest = args.iter();
    match rest.next().map(String::as_str) {
        Some("serve") => {}
        _ => bail!("usage: refund-host serve [--listen ADDR] [--manifest spin.toml]"),
    }
    while let Some(flag) = rest.next() {
        let value = rest.next().with_context(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--listen" => listen = value.clone(),
            "--manifest" => manifest = PathBuf::from(value),
            other => bail!("unknown flag {other}"),
        }
    }
    let host = TestHost::of(Arc::new(App::load(&manifest)?));
    let listener = tokio::net::TcpListener::bind(&listen).await?;
    println!("serving {} on http://{listen}", manifest.display());
    loop {
        let (stream, _) = listener.accept().await?;
        stream.set_nodelay(true)?;
        let host = host.clone();
        tokio::spawn(async move {
            let service = service_fn(move |req| {
                let host = host.clone();
                async move { Ok::<_, std::convert::Infallible>(answer(&host, req).await) }
            });
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

async fn answer(host: &TestHost, req: hyper::Request<hyper::body::Incoming>) -> hyper::Response<Full<Bytes>> {
    let (parts, body) = req.into_parts();
    let reply = match Limited::new(body, MAX_HOST_BODY).collect().await {
        Ok(body) => host.send(http::Request::from_parts(parts, body.to_bytes())).await,
        Err(e) => Err(anyhow::anyhow!("reading the request body: {e}")),
    };
    match reply {
        Ok(reply) => {
            let mut response = hyper::Response::new(Full::new(reply.body));
            *response.status_mut() =
                http::StatusCode::from_u16(reply.status).unwrap_or(http::StatusCode::BAD_GATEWAY);
            *response.headers_mut() = reply.headers;
            response
        }
        Err(e) => {
            eprintln!("request failed: {e:#}");
            let mut response = hyper::Response::new(Full::new(Bytes::from("component failed\n")));
            *response.status_mut() = http::StatusCode::INTERNAL_SERVER_ERROR;
            response
        }
    }
}
