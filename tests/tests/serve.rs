//! The serve mode: the host on a TCP port, delivering each answer in one write or as Spin
//! 4.0.2's server delivers it (`--like-spin`), through a real HTTP/1.1 client.

mod common;
use bytes::Bytes;
use common::*;
use refund_host::App;
use refund_host::client::Connection;
use refund_host::serve::{Delivery, serve};
use std::net::SocketAddr;
use std::sync::Arc;

const BOTH: [Delivery; 2] = [Delivery::Whole, Delivery::LikeSpin];

async fn serving(host: TestHost, delivery: Delivery) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(serve(host, listener, delivery));
    addr
}

/// A GET over a connection of its own: status and the whole body. It names the host the
/// in-process requests name (`client_request`), which the answers' links carry.
async fn get(addr: SocketAddr, path: &str, authorization: &str) -> (u16, Bytes) {
    let mut headers = vec![("host", "localhost:3000")];
    if !authorization.is_empty() {
        headers.push(("authorization", authorization));
    }
    let mut connection = Connection::open(addr).await.unwrap();
    connection.get(path, &headers).await.unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn every_apis_answer_arrives_whole_either_way() {
    let host = TestHost::new();
    let mut gets = Vec::new();
    for api in apis::all() {
        api.load_units(&host, 100).await;
        let path = api.get_path(&api.refund(&host, None).await.json());
        let (_, authorization) = api.auth();
        let direct = host
            .request("GET", &path, &[("authorization", &authorization)], "")
            .await;
        assert_eq!(direct.status, 200, "{path}: {}", direct.text());
        gets.push((path, authorization, direct.body));
    }
    for delivery in BOTH {
        let addr = serving(host.clone(), delivery).await;
        for (path, authorization, expected) in &gets {
            let (status, body) = get(addr, path, authorization).await;
            assert_eq!(status, 200, "{delivery:?} {path}");
            assert_eq!(&body, expected, "{delivery:?} {path}");
        }
        assert_eq!(get(addr, "/nowhere", "").await.0, 404, "{delivery:?}");
    }
}

/// The benchmark's references for the keep-alive stall: a body written after a wait, and the
/// floors' chunked empty bodies, arrive whole either way.
#[tokio::test(flavor = "multi_thread")]
async fn a_body_written_late_arrives_whole_either_way() {
    let manifest = refund_host::workspace_root().join("tests/fixtures/spin.toml");
    let fixtures = TestHost::of(Arc::new(
        App::load(&manifest).expect("the fixtures are built by scripts/build"),
    ));
    for delivery in BOTH {
        let addr = serving(fixtures.clone(), delivery).await;
        let (status, body) = get(addr, "/late-body", "").await;
        assert_eq!(
            (status, &body[..]),
            (200, &br#"{"written":"late"}"#[..]),
            "{delivery:?}"
        );
        let (status, body) = get(addr, "/noop", "").await;
        assert_eq!((status, body.len()), (200, 0), "{delivery:?}");
    }
}
