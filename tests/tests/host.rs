//! The test host itself: what it provides beyond what the refund components use.

mod common;
use common::*;
use refund_host::App;
use std::sync::Arc;

fn fixtures() -> TestHost {
    let manifest = refund_host::workspace_root().join("tests/fixtures/spin.toml");
    TestHost::of(Arc::new(
        App::load(&manifest).expect("the fixtures are built by scripts/build"),
    ))
}

#[tokio::test(flavor = "multi_thread")]
async fn spin_key_value_reaches_the_same_store_as_wasi_keyvalue() {
    let host = fixtures();
    host.kv().set("default", "fixture/other", b"x".to_vec());
    let reply = host.request("PUT", "/spin-kv/a", &[], "hello").await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(reply.text(), "hello|true|fixture/other,fixture/spin-kv/a");
    assert_eq!(
        host.kv().get("default", "fixture/spin-kv/a").as_deref(),
        Some(&b"hello"[..])
    );
    assert_eq!(
        reply.ops,
        OpCounts {
            opens: 1,
            reads: 3,
            writes: 1
        }
    );

    host.set_faults(Faults {
        fail_nth: Some(2),
        ..Faults::default()
    });
    assert_eq!(
        host.request("PUT", "/spin-kv/b", &[], "x").await.status,
        500,
        "a failed set surfaces"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_floors_answer() {
    let host = fixtures();
    for path in ["/noop", "/open", "/cas"] {
        assert_eq!(host.request("GET", path, &[], "").await.status, 200, "{path}");
    }
    assert_eq!(
        host.kv().get("default", "floor/counter").as_deref(),
        Some(&b"."[..])
    );
    assert_eq!(host.request("GET", "/nowhere", &[], "").await.status, 404);
}
