//! The host on a TCP port (HTTP/1.1, keep-alive), for curl, load generators, API fuzzers and
//! the benchmark's keep-alive figures.

use crate::TestHost;
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;

/// Bodies beyond this are cut off by the host (the components refuse far smaller ones).
const MAX_HOST_BODY: usize = 16 << 20;

/// Serves every connection the listener accepts until the task is dropped. Each response goes
/// out in one write (headers and the whole body together, TCP_NODELAY on): see BENCHMARKS.md
/// for why that matters to keep-alive clients.
pub async fn serve(host: TestHost, listener: tokio::net::TcpListener) -> std::io::Result<()> {
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
