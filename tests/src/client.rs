//! An HTTP/1.1 client of the serve mode (hyper's), for its tests and the benchmark's TCP
//! figures: GETs over one connection, kept alive for as many as the caller sends.

use anyhow::Result;
use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper::client::conn::http1::{SendRequest, handshake};
use hyper_util::rt::TokioIo;
use std::net::SocketAddr;

pub struct Connection {
    sender: SendRequest<Empty<Bytes>>,
}

impl Connection {
    pub async fn open(addr: SocketAddr) -> Result<Connection> {
        let stream = tokio::net::TcpStream::connect(addr).await?;
        let (sender, connection) = handshake(TokioIo::new(stream)).await?;
        tokio::spawn(connection);
        Ok(Connection { sender })
    }

    /// A GET of `path` with `headers`: the status and the whole body.
    pub async fn get(&mut self, path: &str, headers: &[(&str, &str)]) -> Result<(u16, Bytes)> {
        let mut request = http::Request::get(path);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        // The connection takes the next request only once it has finished with the last.
        self.sender.ready().await?;
        let response = self.sender.send_request(request.body(Empty::new())?).await?;
        let status = response.status().as_u16();
        let body = response.into_body().collect().await?.to_bytes();
        Ok((status, body))
    }
}
