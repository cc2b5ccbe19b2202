//! Budgets CI holds every component to. On Spin's SQLite store each open and each write costs
//! about a whole no-op request, so these counts decide real-world speed; timing itself is
//! measured by `scripts/bench`, never here.

mod common;
use common::*;
use refund_host::budgets::{GET_OPS, POST_OPS, WASM_BYTES, within};

/// Calls from a component into the host per request (WASI, wasi:http, key-value, variables),
/// counted by wasmtime's call hook: each costs a request 4-6 µs in the benchmark, and the
/// count catches per-request work that could be done once (a second variable read, a clock
/// read per log field, a store reopened). Today: POST 24 (order 27, purchase 25: their
/// events and attempts; payment 23), GET 20, refused POST 19; the benchmark's floors make
/// 15-20.
const HOST_CALLS_POST: u32 = 27;
const HOST_CALLS_GET: u32 = 20;
const HOST_CALLS_REFUSED: u32 = 19;

fn host_calls(reply: &Reply) -> u32 {
    reply.crossings.expect("the host counts crossings").host_calls
}

#[tokio::test(flavor = "multi_thread")]
async fn posts_and_gets_stay_within_their_store_and_host_call_budgets() {
    for api in apis::all() {
        let host = TestHost::new().counting_crossings();
        api.load(&host).await;
        let post = api.refund(&host, Some("budget")).await;
        api.assert_taken(&post);
        assert!(
            within(post.ops, POST_OPS),
            "{}: POST made {:?}",
            api.name,
            post.ops
        );
        assert!(post.ops.writes >= 1, "{}: a refund is written", api.name);
        assert!(
            host_calls(&post) <= HOST_CALLS_POST,
            "{}: POST made {} host calls",
            api.name,
            host_calls(&post)
        );

        let (auth, token) = api.auth();
        let get = host
            .request("GET", &api.get_path(&post.json()), &[(auth, token.as_str())], "")
            .await;
        assert_eq!(get.status, 200, "{}: {}", api.name, get.text());
        assert!(within(get.ops, GET_OPS), "{}: GET made {:?}", api.name, get.ops);
        assert!(
            host_calls(&get) <= HOST_CALLS_GET,
            "{}: GET made {} host calls",
            api.name,
            host_calls(&get)
        );
        if let Some(list_path_of) = api.list_path_of {
            let list = host
                .request(
                    "GET",
                    &list_path_of(&api.source_id()),
                    &[(auth, token.as_str())],
                    "",
                )
                .await;
            assert_eq!(list.status, 200, "{}: {}", api.name, list.text());
            assert!(
                within(list.ops, GET_OPS),
                "{}: a list made {:?}",
                api.name,
                list.ops
            );
            assert!(
                host_calls(&list) <= HOST_CALLS_GET,
                "{}: a list made {} host calls",
                api.name,
                host_calls(&list)
            );
        }

        let replay = api.refund(&host, Some("budget")).await;
        assert_eq!(replay.ops.writes, 0, "{}: a replay writes nothing", api.name);
        let refused = api.post(&host, b"{".to_vec(), "application/json", None).await;
        assert_eq!(
            refused.ops,
            OpCounts::default(),
            "{}: a malformed body touches no store",
            api.name
        );
        assert!(refused.status >= 400, "{}: {}", api.name, refused.text());
        assert!(
            host_calls(&refused) <= HOST_CALLS_REFUSED,
            "{}: a refused POST made {} host calls",
            api.name,
            host_calls(&refused)
        );
    }
}

/// Every component is held to the size budget, the benchmark's floors and ceiling included;
/// sizes and where the bytes go are in BENCHMARKS.md.
#[test]
fn every_component_stays_within_the_size_budget() {
    let host = TestHost::new();
    let fixtures = refund_host::workspace_root().join("tests/fixtures/spin.toml");
    let fixtures = refund_host::App::load(&fixtures).expect("the fixtures are built by scripts/build");
    for app in [host.app(), &fixtures] {
        for id in app.manifest().components.keys() {
            let (bytes, _) = app.component_stats(id).unwrap();
            assert!(
                bytes <= WASM_BYTES,
                "{id}.wasm is {bytes} bytes, over {WASM_BYTES}"
            );
        }
    }
}

/// What one more refund may add to its source's record (refund, idempotency key, and for the
/// order API its event). Every request reads the whole record and every write decodes it, so its
/// size is time: about 300 to 550 bytes a refund today.
const RECORD_BYTES_PER_REFUND: usize = 600;

#[tokio::test(flavor = "multi_thread")]
async fn stored_refunds_stay_compact() {
    for api in apis::all() {
        let host = TestHost::new();
        api.load(&host).await;
        let record_size = || {
            let records = host.kv().snapshot("default");
            records.values().map(Vec::len).max().unwrap_or_default()
        };
        let first = api.refund(&host, Some("compact-0")).await;
        api.assert_taken(&first);
        let before = record_size();
        for n in 1..=10 {
            let reply = api.refund(&host, Some(&format!("compact-{n}"))).await;
            api.assert_taken(&reply);
        }
        let per_refund = (record_size() - before) / 10;
        assert!(
            per_refund <= RECORD_BYTES_PER_REFUND,
            "{}: each refund adds {per_refund} bytes to its record",
            api.name
        );

        // An API's own fields are stored without their null members.
        for (key, bytes) in host.kv().snapshot("default") {
            let record: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
            for refund in record["refunds"].as_array().into_iter().flatten() {
                let nulls = refund["data"]
                    .as_object()
                    .map_or(0, |m| m.values().filter(|v| v.is_null()).count());
                assert_eq!(nulls, 0, "{}: {key} stores nulls: {refund}", api.name);
            }
        }
    }
}

/// A refund's POST and GET, on a source that has taken 20 refunds (as the benchmark spreads
/// them), fit in the instance's initial memory (`--initial-memory` in .cargo/config.toml): on
/// Spin's engine a grow cost the request and the next one in its slot 4-24 µs between them.
#[tokio::test(flavor = "multi_thread")]
async fn refunds_fit_in_the_initial_memory() {
    for api in apis::all() {
        let host = TestHost::new();
        api.load_units(&host, 1_000).await;
        for n in 0..20 {
            api.assert_taken(&api.refund(&host, Some(&format!("earlier-{n}"))).await);
        }
        let host = host.counting_crossings();
        let post = api.refund(&host, Some("fits")).await;
        api.assert_taken(&post);
        let grows = |reply: &Reply| reply.crossings.expect("the host counts crossings").memory_grows;
        assert_eq!(grows(&post), 0, "{}: the POST grew its memory", api.name);
        let (auth, token) = api.auth();
        let get = host
            .request("GET", &api.get_path(&post.json()), &[(auth, token.as_str())], "")
            .await;
        assert_eq!(get.status, 200, "{}: {}", api.name, get.text());
        assert_eq!(grows(&get), 0, "{}: the GET grew its memory", api.name);
    }
}
