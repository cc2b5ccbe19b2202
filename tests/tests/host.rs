//! The test host itself: what it provides beyond what the refund components use.

mod common;
use common::*;
use refund_host::{App, EngineKind, SPIN_MAX_INSTANCE_CONCURRENCY, SPIN_MAX_INSTANCE_REUSE};
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
        Some(&b"1"[..])
    );
    // Each swap writes a new value, as a refund does.
    assert_eq!(host.request("GET", "/cas", &[], "").await.status, 200);
    assert_eq!(
        host.kv().get("default", "floor/counter").as_deref(),
        Some(&b"2"[..])
    );
    // A lost race is read and tried again, as a refund does, until it is given up as busy.
    host.set_faults(Faults {
        lose_every_swap: true,
        ..Faults::default()
    });
    let busy = host.request("GET", "/cas", &[], "").await;
    assert_eq!(busy.status, 503);
    assert_eq!(
        busy.ops,
        OpCounts {
            opens: 1,
            reads: 64,
            writes: 64
        }
    );
    host.kv().clear_faults();
    assert_eq!(host.request("GET", "/nowhere", &[], "").await.status, 404);
}

/// One open and one read: a GET's store work.
const ONE_READ: OpCounts = OpCounts {
    opens: 1,
    reads: 1,
    writes: 0,
};

/// The benchmark's least GET: one open, one read, and the value's first `answer` bytes.
#[tokio::test(flavor = "multi_thread")]
async fn the_least_get_reads_one_key_and_answers_its_first_bytes() {
    let host = fixtures();
    let record = br#"{"refunds":[]}"#;
    host.kv().set("default", "least/record", record.to_vec());
    let get = host
        .request("GET", "/read?key=least/record&answer=5", &[], "")
        .await;
    assert_eq!((get.status, get.text().as_str()), (200, r#"{"ref"#));
    assert_eq!(get.ops, ONE_READ);
    let all = host
        .request("GET", "/read?key=least/record&answer=100", &[], "")
        .await;
    assert_eq!(all.body, &record[..]);
    let nowhere = host.request("GET", "/read?key=none&answer=5", &[], "").await;
    assert_eq!(nowhere.status, 404);
}

/// The benchmark's ceiling: a refund's GET and POST with none of an API's work. It takes the
/// credential as the components do, reads (GET) or swaps back changed by a byte (POST) the record
/// it is pointed at, with a refund's store operations, logs the request, and answers with as many of
/// the record's bytes as asked.
#[tokio::test(flavor = "multi_thread")]
async fn the_ceiling_does_a_refunds_platform_and_store_work_and_nothing_else() {
    let mut host = fixtures();
    host.set_variable("ceiling_token", "ceiling-token");
    let record = br#"{"v":1,"refunds":[]}"#;
    host.kv().set("default", "ceiling/record", record.to_vec());
    let auth = [("authorization", "Bearer ceiling-token")];
    let path = "/ceiling?key=ceiling/record&answer=7";

    let get = host.request("GET", path, &auth, "").await;
    assert_eq!((get.status, get.text().as_str()), (200, r#"{"v":1,"#));
    assert_eq!(get.ops, ONE_READ);
    assert!(
        get.stdout.contains(r#""component":"fixture-ceiling""#),
        "{}",
        get.stdout
    );

    let all = "/ceiling?key=ceiling/record&answer=100";
    let post = host.request("POST", all, &auth, r#"{"amount":1}"#).await;
    assert_eq!((post.status, post.body.as_ref()), (200, &record[..]));
    assert_eq!(
        post.ops,
        OpCounts {
            opens: 1,
            reads: 1,
            writes: 1
        }
    );
    // The record is written changed by a trailing newline, then back, as a refund writes its
    // source changed.
    let stored = || host.kv().get("default", "ceiling/record").unwrap();
    assert_eq!(stored(), [&record[..], b"\n"].concat());
    assert_eq!(
        host.request("POST", all, &auth, r#"{"amount":1}"#).await.status,
        200
    );
    assert_eq!(stored(), record);
    host.set_faults(Faults {
        lose_every_swap: true,
        ..Faults::default()
    });
    let busy = host.request("POST", all, &auth, r#"{"amount":1}"#).await;
    assert_eq!(
        (busy.status, busy.ops.writes),
        (503, 64),
        "lost races are tried again"
    );
    host.kv().clear_faults();

    assert_eq!(host.request("GET", path, &[], "").await.status, 401);
    let nowhere = host.request("GET", "/ceiling?key=none&answer=7", &auth, "").await;
    assert_eq!(nowhere.status, 404);
    let no_size = host
        .request("GET", "/ceiling?key=ceiling/record", &auth, "")
        .await;
    assert_eq!(no_size.status, 400);
    assert!(no_size.text().contains("answer"), "{}", no_size.text());
}

/// `BENCH_SPIN_ENGINE=1` measures on wasmtime set up as Spin sets it up: pooled instances that
/// reuse memories, and epoch checks in the compiled code. Requests there get the same answers,
/// and nothing of one request's instance shows in the next.
#[tokio::test(flavor = "multi_thread")]
async fn the_engine_set_up_as_spin_serves_every_api_alike() {
    let manifest = refund_host::workspace_root().join("spin.toml");
    let app = App::load_with(&manifest, EngineKind::Spin).expect("built by scripts/build");
    let host = TestHost::of(Arc::new(app));
    for api in apis::all() {
        api.load(&host).await;
        let (auth, token) = api.auth();
        for i in 0..3 {
            let reply = api.refund(&host, Some(&format!("spin-engine-{i}"))).await;
            api.assert_taken(&reply);
            let got = host
                .request("GET", &api.get_path(&reply.json()), &[(auth, token.as_str())], "")
                .await;
            assert_eq!(got.status, 200, "{}: {}", api.name, got.text());
        }
        assert_refunds_listed(&api, &host, 3).await;
    }
}

/// Spin 4.0.2 keeps a `wasi:http@0.3` component's instance for up to 128 requests. Served that
/// way, every API answers each request as a fresh instance would: refunds taken and shown,
/// a retry replayed, bad input and a wrong token refused, each request with its own log line,
/// each its own request id, and nothing of one request left in the next. One instance of each
/// component serves them all, and it opens the store once: the first request's open is kept
/// for the next ones.
#[tokio::test(flavor = "multi_thread")]
async fn an_instance_kept_for_many_requests_answers_each_as_a_fresh_one() {
    let host = TestHost::new().reusing_instances(SPIN_MAX_INSTANCE_REUSE);
    let apis = apis::all();
    for api in &apis {
        api.load(&host).await;
        let (auth, token) = api.auth();
        let (mut paths, mut request_ids) = (Vec::new(), Vec::new());
        for i in 0..3 {
            let reply = api.refund(&host, Some(&format!("kept-{i}"))).await;
            api.assert_taken(&reply);
            assert_eq!(reply.stdout.lines().count(), 1, "{}: {}", api.name, reply.stdout);
            assert!(reply.stdout.contains(api.component()), "{}", reply.stdout);
            assert_eq!(reply.ops.opens, u64::from(i == 0), "{}: request {i}", api.name);
            paths.push(api.get_path(&reply.json()));
            request_ids.push(reply.header("x-request-id").map(str::to_string));
        }
        request_ids.sort();
        request_ids.dedup();
        assert_eq!(request_ids.len(), 3, "{}: {request_ids:?}", api.name);
        assert!(request_ids.iter().all(Option::is_some), "{}", api.name);
        let replay = api.refund(&host, Some("kept-0")).await;
        api.assert_taken(&replay);
        assert_eq!(api.get_path(&replay.json()), paths[0], "{}", api.name);
        assert_eq!(replay.header("idempotent-replayed"), Some("true"), "{}", api.name);
        for path in &paths {
            let got = host.request("GET", path, &[(auth, token.as_str())], "").await;
            assert_eq!(got.status, 200, "{}: {}", api.name, got.text());
            let refused = host
                .request("GET", path, &[(auth, "Bearer not-the-token")], "")
                .await;
            assert_eq!(refused.status, 401, "{}: {}", api.name, refused.text());
        }
        let bad = api.post(&host, b"{".to_vec(), "application/json", None).await;
        assert!((400..500).contains(&bad.status), "{}: {}", api.name, bad.text());
        assert_refunds_listed(api, &host, 3).await;
    }
    // One instance per refund API, and one of the admin component that loaded the sources.
    assert_eq!(host.instances_made(), Some(apis.len() + 1));
}

/// Fails unless the API's test source lists exactly `n` refunds.
async fn assert_refunds_listed(api: &apis::Api, host: &TestHost, n: usize) {
    let state = api.source_state(host).await;
    let listed = state["refundIds"].as_array().map(Vec::len);
    assert_eq!(listed, Some(n), "{}: {state}", api.name);
}

/// Spin 4.0.2 also sends one `wasi:http@0.3` instance up to 16 requests at once. Sixteen sent at
/// once to one instance of each API, fifteen refunds and a retry of the first, are answered as
/// if sent one by one: fifteen refunds taken, each once, and the retry given the first one's.
#[tokio::test(flavor = "multi_thread")]
async fn requests_sent_at_once_to_one_instance_are_each_answered_once() {
    let host = TestHost::new();
    let refunds = SPIN_MAX_INSTANCE_CONCURRENCY - 1;
    for api in apis::all() {
        api.load(&host).await;
        let mut requests: Vec<_> = (0..refunds)
            .map(|i| api.refund_request(Some(&format!("at-once-{i}"))))
            .collect();
        requests.push(api.refund_request(Some("at-once-0")));
        let answers = host.send_at_once(requests).await.expect("the instance answers");
        for (status, body) in &answers {
            let text = String::from_utf8_lossy(body);
            assert!(matches!(status, 200 | 201), "{}: {status} {text}", api.name);
        }
        assert_eq!(answers[refunds].1, answers[0].1, "{}: the retry", api.name);
        assert_refunds_listed(&api, &host, refunds).await;
    }
}
