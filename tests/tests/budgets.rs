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
            .request(
                "GET",
                &(api.get_path)(&post.json()),
                &[(auth, token.as_str())],
                "",
            )
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
