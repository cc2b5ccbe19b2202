//! Property-based fuzzing of every API's request parsing and validation, on the native handlers
//! (the same code the components run): whatever the body, no panic and no 5xx.
//! `FUZZ_CASES` sets the cases per API (default 256; `scripts/fuzz` runs many more).

mod common;
use common::*;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use refund_host::native;

fn cases() -> u32 {
    std::env::var("FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256)
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
        // Natively one context serves both the admin load and the refund, with one token.
        let ctx = native::context(api.token, "read-only");
        let (auth, token) = api.auth();
        let mut runner = TestRunner::new(Config {
            cases: cases(),
            failure_persistence: None,
            ..Config::default()
        });
        runner
            .run(&body(&api), |(body, content_type)| {
                runtime.block_on(async {
                    // Each case starts from the source loaded afresh (a replace keeps refunds
                    // taken, so the capacity is large).
                    let path = format!("/admin/v1/sources/{}", api.source());
                    let source = (api.source_body)(1_000_000).to_string();
                    let load = native::request("PUT", &path, &[(auth, &token), JSON], source.as_bytes());
                    native::handle("admin", &load, &ctx).await.unwrap();
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
