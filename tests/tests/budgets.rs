//! Budgets CI holds every component to. On Spin's SQLite store each open and each write costs
//! about a whole no-op request, so these counts decide real-world speed; timing itself is
//! measured by `scripts/bench`, never here.

mod common;
use common::*;

/// What an uncontended POST refund may cost: the store opened once, the source read and
/// swapped (plus at most one id-sequence or index write and one more read).
const POST_BUDGET: OpCounts = OpCounts {
    opens: 1,
    reads: 2,
    writes: 2,
};
/// What a GET may cost: one open, at most two reads, no write.
const GET_BUDGET: OpCounts = OpCounts {
    opens: 1,
    reads: 2,
    writes: 0,
};

fn within(ops: OpCounts, budget: OpCounts) -> bool {
    ops.opens <= budget.opens && ops.reads <= budget.reads && ops.writes <= budget.writes
}

#[tokio::test(flavor = "multi_thread")]
async fn posts_and_gets_stay_within_their_store_budgets() {
    for api in apis::all() {
        let host = TestHost::new();
        api.load(&host).await;
        let post = api.refund(&host, Some("budget")).await;
        assert!(matches!(post.status, 200 | 201), "{}: {}", api.name, post.text());
        assert!(
            within(post.ops, POST_BUDGET),
            "{}: POST made {:?}",
            api.name,
            post.ops
        );
        assert!(post.ops.writes >= 1, "{}: a refund is written", api.name);

        let (auth, token) = api.auth();
        let get = host
            .request("GET", &api.get_path(&post.json()), &[(auth, token.as_str())], "")
            .await;
        assert_eq!(get.status, 200, "{}: {}", api.name, get.text());
        assert!(
            within(get.ops, GET_BUDGET),
            "{}: GET made {:?}",
            api.name,
            get.ops
        );

        let replay = api.refund(&host, Some("budget")).await;
        assert_eq!(replay.ops.writes, 0, "{}: a replay writes nothing", api.name);
        let refused = api.post(&host, b"{".to_vec(), "application/json", None).await;
        assert_eq!(
            refused.ops,
            OpCounts::default(),
            "{}: a malformed body touches no store",
            api.name
        );
    }
}

/// Today's ceiling for a component's .wasm (release, after scripts/build's wasm-opt pass), so
/// growth is caught. The product's target is 400 KiB; the refund components are 495 to 603 KiB
/// now, each carrying its 17 KB OpenAPI document and an HTTP client for webhooks (spin-sdk alone
/// is 138 KiB; see BENCHMARKS.md for where the rest goes).
const WASM_CEILING_BYTES: u64 = 620 * 1024;

#[test]
fn every_component_stays_under_the_size_ceiling() {
    let host = TestHost::new();
    let app = host.app();
    for id in app.manifest().components.keys() {
        let (bytes, _) = app.component_stats(id).unwrap();
        assert!(
            bytes <= WASM_CEILING_BYTES,
            "{id}.wasm is {bytes} bytes, over {WASM_CEILING_BYTES}"
        );
    }
}
