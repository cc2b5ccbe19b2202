//! The same handlers called natively, in-process on the in-memory store: what a request costs
//! without the sandbox, for the `native µs` and `wasm÷nat` columns.

use crate::measure::measure_native;
use crate::{Run, expect};
use anyhow::Result;
use refund_host::bench_env::FIRST_SOURCE;
use refund_host::{apis, native};
use refund_shared::Ctx;
use refund_shared::http::Request;
use refund_shared::store::MemoryStore;
use std::time::Duration;

/// Each operation's median natively.
pub struct Medians {
    pub post: Duration,
    pub get: Duration,
    pub refused: Duration,
    /// The source's list, where the API has one.
    pub list: Option<Duration>,
}

/// The medians of POST, GET and refused POST (and the list), over the same spread of sources as
/// the component's measurements.
pub async fn medians(run: &Run, api: &apis::Api, bad: &[u8]) -> Result<Medians> {
    let (n, (auth, token)) = (run.n, api.auth());
    let ctx = native::context(api.token, "");
    for k in 0..run.sources() {
        let id = (api.source_id)(FIRST_SOURCE + k);
        let load = native::request(
            "PUT",
            &format!("/admin/v1/sources/{}/{id}", api.source_kind),
            &[(auth, &token), apis::JSON],
            (api.source_body)(1_000_000).to_string().as_bytes(),
        );
        native::handle("admin", &load, &ctx).await.expect("admin");
    }
    let refund = |id: &str, key: Option<&str>| {
        let mut headers = vec![(auth, token.as_str()), apis::JSON];
        headers.extend(key.map(|k| ("idempotency-key", k)));
        native::request(
            "POST",
            &(api.post_path_of)(id),
            &headers,
            (api.unit_body_of)(id).to_string().as_bytes(),
        )
    };
    let post = median(n, api, &ctx, &[200, 201], "native POST", |i| {
        refund(&run.settings.source_of(api, i), Some(&format!("native-{i}")))
    })
    .await;
    let full = run.settings.source_of(api, 0);
    let last = native::handle(api.component(), &refund(&full, None), &ctx)
        .await
        .expect("the component's handler");
    let read = |path: &str| native::request("GET", path, &[(auth, &token)], b"");
    let path = (api.get_path_of)(&full, &serde_json::from_slice(&last.body)?);
    let get = median(n, api, &ctx, &[200], "native GET", |_| read(&path)).await;
    let list = match api.list_path_of {
        Some(list_path_of) => {
            let path = list_path_of(&full);
            Some(median(n, api, &ctx, &[200], "native list", |_| read(&path)).await)
        }
        None => None,
    };
    let refused = median(n, api, &ctx, &[400], "native refused", |_| {
        native::request("POST", &api.post_path(), &[(auth, &token), apis::JSON], bad)
    })
    .await;
    Ok(Medians {
        post,
        get,
        refused,
        list,
    })
}

/// The median of `n` requests `request(i)` handled natively, each answered with one of
/// `allowed`.
async fn median(
    n: usize,
    api: &apis::Api,
    ctx: &Ctx<MemoryStore>,
    allowed: &[u16],
    what: &str,
    request: impl Fn(usize) -> Request,
) -> Duration {
    measure_native(n, |i| {
        let req = request(i);
        async move {
            let answer = native::handle(api.component(), &req, ctx).await;
            expect(answer.expect("the component's handler").status, allowed, what)
        }
    })
    .await
}
