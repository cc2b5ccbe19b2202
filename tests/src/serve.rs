//! The host on a TCP port (HTTP/1.1, keep-alive), for curl, load generators, API fuzzers and
//! the benchmark's keep-alive figures.

use crate::TestHost;
use crate::body::never_failing;
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;

/// Bodies beyond this are cut off by the host (the components refuse far smaller ones).
const MAX_HOST_BODY: usize = 16 << 20;

/// How an answer goes out on the connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Delivery {
    /// In one write: the head and the whole body together, with TCP_NODELAY on. No client waits
    /// on this host's account (BENCHMARKS.md, "the keep-alive stall").
    Whole,
    /// As Spin 4.0.2's server sends it: the head as soon as the guest returns it, the body as
    /// the guest writes it, and TCP_NODELAY left off ([`TestHost::send_streamed`]).
    LikeSpin,
}

impl Delivery {
    /// Its name in the benchmark's JSON.
    pub fn label(self) -> &'static str {
        match self {
            Delivery::Whole => "one_write",
            Delivery::LikeSpin => "like_spin",
        }
    }
}

/// Serves every connection the listener accepts until the task is dropped.
pub async fn serve(
    host: TestHost,
    listener: tokio::net::TcpListener,
    delivery: Delivery,
) -> std::io::Result<()> {
    loop {
        let (stream, _) = listener.accept().await?;
        stream.set_nodelay(delivery == Delivery::Whole)?;
        let host = host.clone();
        tokio::spawn(async move {
            let service = service_fn(move |req| {
                let host = host.clone();
                async move {
                    Ok::<_, std::convert::Infallible>(match delivery {
                        Delivery::Whole => answer_whole(&host, req).await.map(never_failing),
                        Delivery::LikeSpin => answer_like_spin(&host, req).await,
                    })
                }
            });
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

type AnyBody = http_body_util::combinators::UnsyncBoxBody<Bytes, std::io::Error>;

async fn request(req: hyper::Request<hyper::body::Incoming>) -> anyhow::Result<http::Request<Bytes>> {
    let (parts, body) = req.into_parts();
    match Limited::new(body, MAX_HOST_BODY).collect().await {
        Ok(body) => Ok(http::Request::from_parts(parts, body.to_bytes())),
        Err(e) => Err(anyhow::anyhow!("reading the request body: {e}")),
    }
}

async fn answer_whole(
    host: &TestHost,
    req: hyper::Request<hyper::body::Incoming>,
) -> hyper::Response<Full<Bytes>> {
    match async { host.send(request(req).await?).await }.await {
        Ok(reply) => {
            let mut response = hyper::Response::new(Full::new(reply.body));
            *response.status_mut() =
                http::StatusCode::from_u16(reply.status).unwrap_or(http::StatusCode::BAD_GATEWAY);
            *response.headers_mut() = reply.headers;
            response
        }
        Err(e) => failed(e),
    }
}

async fn answer_like_spin(
    host: &TestHost,
    req: hyper::Request<hyper::body::Incoming>,
) -> hyper::Response<AnyBody> {
    match async { host.send_streamed(request(req).await?).await }.await {
        Ok(response) => response.map(|body| body.boxed_unsync()),
        Err(e) => failed(e).map(never_failing),
    }
}

fn failed(e: anyhow::Error) -> hyper::Response<Full<Bytes>> {
    eprintln!("request failed: {e:#}");
    let mut response = hyper::Response::new(Full::new(Bytes::from("component failed\n")));
    *response.status_mut() = http::StatusCode::INTERNAL_SERVER_ERROR;
    response
}
