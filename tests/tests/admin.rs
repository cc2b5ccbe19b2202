//! The admin component, end to end through its .wasm.

mod common;
use common::*;

#[tokio::test(flavor = "multi_thread")]
async fn health_needs_no_token() {
    let host = TestHost::new();
    let reply = host.request("GET", "/admin/v1/health", &[], "").await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json()["status"], "ok");
}
