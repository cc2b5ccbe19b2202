//! Property-based fuzzing of every API, on the native handlers (the same code the components
//! run): whatever the body, no panic and no 5xx; whatever a refund's text and key, it is read
//! back and replayed.
//! `FUZZ_CASES` sets the cases per API (default 256; `scripts/fuzz` runs many more).

mod common;
use common::*;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use refund_host::native;
use refund_shared::Ctx;
use refund_shared::store::MemoryStore;

fn cases() -> u32 {
    std::env::var("FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256)
}

/// A runner of [`cases`] cases that keeps no files of failures.
fn runner() -> TestRunner {
    TestRunner::new(Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    })
}

/// Loads (or replaces) the API's source with this id, with so many units refundable. Natively
/// one context serves both the admin load and the refund, with the API's token.
async fn load(api: &apis::Api, ctx: &Ctx<MemoryStore>, id: &str, units: u64) {
    let path = format!("/admin/v1/sources/{}/{id}", api.source_kind);
    let source = (api.source_body)(units).to_string();
    let (auth, token) = api.auth();
    let load = native::request("PUT", &path, &[(auth, &token), JSON], source.as_bytes());
    native::handle("admin", &load, ctx).await.unwrap();
}

/// Arbitrary JSON values, a few levels deep.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        "-?[0-9]{1,30}(\\.[0-9]{1,30})?(e-?[0-9]{1,4})?"
            .prop_map(|s| serde_json::from_str(&s).unwrap_or(Value::Null)),
        ".{0,40}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map("[A-Za-z@.]{1,16}", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Bodies: raw bytes, arbitrary JSON, and the API's valid body with one field replaced.
fn body(api: &apis::Api) -> impl Strategy<Value = (Vec<u8>, &'static str)> {
    let unit = api.unit_body();
    let keys: Vec<String> = unit.as_object().unwrap().keys().cloned().collect();
    let mutated = (prop::sample::select(keys), json_value()).prop_map(move |(key, value)| {
        let mut body = unit.clone();
        body[key.as_str()] = value;
        body.to_string().into_bytes()
    });
    let content_type = prop::sample::select(vec![
        "application/json",
        "application/xml",
        "application/x-www-form-urlencoded",
        "text/plain",
    ]);
    (
        prop_oneof![
            prop::collection::vec(any::<u8>(), 0..512),
            json_value().prop_map(|v| v.to_string().into_bytes()),
            mutated,
            "<Refund>(<[A-Za-z]{1,12}>[^<]{0,12}</[A-Za-z]{1,12}>){0,6}</Refund>"
                .prop_map(String::into_bytes),
            "([A-Za-z\\[\\]0-9.]{1,20}=[^&]{0,10}&){0,6}".prop_map(String::into_bytes),
        ],
        content_type,
    )
}

#[test]
fn no_input_panics_or_gets_a_5xx() {
    let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    for api in apis::all() {
        let ctx = native::context(api.token, "read-only");
        let (auth, token) = api.auth();
        let mut runner = runner();
        runner
            .run(&body(&api), |(body, content_type)| {
                runtime.block_on(async {
                    // Each case starts from the source loaded afresh (a replace keeps refunds
                    // taken, so the capacity is large).
                    load(&api, &ctx, &api.source_id(), 1_000_000).await;
                    let req = native::request(
                        "POST",
                        &api.post_path(),
                        &[(auth, &token), ("content-type", content_type)],
                        &body,
                    );
                    let res = native::handle(api.component(), &req, &ctx).await.unwrap();
                    prop_assert!(
                        res.status < 500,
                        "{}: {} for {:?}",
                        api.name,
                        res.status,
                        String::from_utf8_lossy(&body)
                    );
                    Ok(())
                })
            })
            .unwrap_or_else(|e| panic!("{}: {e}", api.name));
    }
}

/// A client's text: anything, and runs of what JSON escapes or delimits (quotes, backslashes,
/// brackets, control characters), which the ledger's reads look past by their text.
fn client_text() -> impl Strategy<Value = String> {
    prop_oneof![".{0,40}", "[\"\\\\{}\\[\\]:,~ a-z\\x00-\\x1f]{0,24}"]
}

/// Whether `value` holds `text` as a string or a number, at any depth (an answer shows a refund's
/// id and its client's text somewhere of its own shape).
fn holds(value: &Value, text: &str) -> bool {
    match value {
        Value::String(s) => s == text,
        Value::Number(n) => n.to_string() == text,
        Value::Array(items) => items.iter().any(|v| holds(v, text)),
        Value::Object(members) => members.values().any(|v| holds(v, text)),
        _ => false,
    }
}

/// Whatever text a refund carries and whatever its idempotency key: a refund a POST took is
/// read back by its GET, and the same POST sent again replays it: the same answer, no second
/// refund. (The GET of one refund reads it out of its source's record by its text, and a
/// retry finds its key among the stored ones.)
#[test]
fn a_refund_is_read_back_and_replayed_whatever_its_text_and_key() {
    let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    for api in apis::all() {
        let ctx = native::context(api.token, "read-only");
        let (auth, token) = api.auth();
        // A fresh source every 100 cases, as production spreads refunds over sources (one
        // source taking them all would make each case slower than the last).
        let cases_run = std::cell::Cell::new(0u32);
        let taken = std::cell::Cell::new(0u32);
        let mut runner = runner();
        let texts = prop::collection::vec(client_text(), api.text_fields.len());
        let key = "[!-~]([ -~]{0,38}[!-~])?";
        runner
            .run(&(texts, key), |(texts, key)| {
                runtime.block_on(async {
                    let n = cases_run.get();
                    cases_run.set(n + 1);
                    let id = (api.source_id)(1000 + n / 100);
                    if n.is_multiple_of(100) {
                        load(&api, &ctx, &id, 1_000).await;
                    }
                    let mut body = (api.unit_body_of)(&id);
                    for (field, text) in api.text_fields.iter().zip(&texts) {
                        body[*field] = json!(text);
                    }
                    let headers = [(auth, token.as_str()), JSON, ("idempotency-key", key.as_str())];
                    let post = native::request(
                        "POST",
                        &(api.post_path_of)(&id),
                        &headers,
                        body.to_string().as_bytes(),
                    );
                    let first = native::handle(api.component(), &post, &ctx).await.unwrap();
                    let said =
                        |r: &refund_shared::http::Response| String::from_utf8_lossy(&r.body).into_owned();
                    prop_assert!(
                        first.status < 500,
                        "{}: {} {}",
                        api.name,
                        first.status,
                        said(&first)
                    );
                    if !matches!(first.status, 200 | 201) {
                        return Ok(());
                    }
                    taken.set(taken.get() + 1);
                    let answer: Value = serde_json::from_slice(&first.body).unwrap();
                    let get_path = (api.get_path_of)(&id, &answer);
                    let get = native::request("GET", &get_path, &[(auth, &token)], b"");
                    let read = native::handle(api.component(), &get, &ctx).await.unwrap();
                    prop_assert_eq!(read.status, 200, "{}: {}", api.name, said(&read));
                    let shown: Value = serde_json::from_slice(&read.body).unwrap();
                    let refund_id = (api.refund_id)(&answer);
                    prop_assert!(
                        holds(&shown, &refund_id),
                        "{}: {refund_id} not in {shown}",
                        api.name
                    );
                    // As sent, or trimmed where the API trims; blank text may be taken for none.
                    for text in texts.iter().filter(|t| !t.trim().is_empty()) {
                        let kept = holds(&shown, text) || holds(&shown, text.trim());
                        prop_assert!(kept, "{}: {text:?} not in {shown}", api.name);
                    }
                    let again = native::handle(api.component(), &post, &ctx).await.unwrap();
                    // A replay may be a 200 where the refund's creation was a 201 (invoice's seed
                    // documents both): this request created nothing.
                    prop_assert!(
                        again.status == first.status || again.status == 200,
                        "{}: {} {}",
                        api.name,
                        again.status,
                        said(&again)
                    );
                    prop_assert_eq!(again.header("idempotent-replayed"), Some("true"));
                    let replayed: Value = serde_json::from_slice(&again.body).unwrap();
                    prop_assert_eq!(&replayed, &answer, "{}: the retry answered otherwise", api.name);
                    Ok(())
                })
            })
            .unwrap_or_else(|e| panic!("{}: {e}", api.name));
        // Most cases must reach the reads (~80% did): a check that all refusals pass is no check.
        assert!(
            taken.get() * 2 >= cases_run.get(),
            "{}: only {} of {} cases took a refund",
            api.name,
            taken.get(),
            cases_run.get()
        );
    }
}
