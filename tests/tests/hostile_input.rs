//! Hostile input, for every API: each bad request of the corpus (tests/corpus/hostile.json) and
//! of the generated cases below gets a 4xx in that API's error shape, within the host's request
//! time limit and the instance's memory limit, and leaves the store unchanged.

mod common;
use common::*;

fn corpus() -> Value {
    let path = refund_host::workspace_root().join("tests/corpus/hostile.json");
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

/// Requests made in code: too big, too deep or not text to keep as data.
fn generated(api: &apis::Api) -> Vec<(String, Vec<u8>)> {
    let with_amount = |raw: &str| {
        let mut body = api.unit_body().to_string();
        let value = api.unit_body()[api.amount_field].to_string();
        body = body.replacen(
            &format!("\"{}\":{value}", api.amount_field),
            &format!("\"{}\":{raw}", api.amount_field),
            1,
        );
        body.into_bytes()
    };
    let huge_array = format!("[{}1]", "1,".repeat(20_000));
    vec![
        (
            "10,000 levels of nesting".into(),
            nested_arrays(10_000).into_bytes(),
        ),
        (
            "10,000 levels of objects".into(),
            nested_objects(10_000).into_bytes(),
        ),
        ("a 10 MB body".into(), vec![b' '; 10 << 20]),
        ("invalid UTF-8".into(), vec![b'{', 0xff, 0xfe, b'}']),
        ("a huge array for the amount".into(), with_amount(&huge_array)),
        ("amount 1e400".into(), with_amount("1e400")),
        ("amount -0".into(), with_amount("-0")),
        ("amount 0.001".into(), with_amount("0.001")),
        ("amount as a string".into(), with_amount("\"1\"")),
        ("amount true".into(), with_amount("true")),
        ("amount an object".into(), with_amount("{\"value\":\"x\"}")),
        (
            "amount nested to serde_json's depth limit".into(),
            with_amount(&nested_arrays(DEEPEST)),
        ),
    ]
}

/// The deepest nesting serde_json reads inside a top-level object (its limit is 128 levels).
const DEEPEST: usize = 126;

fn nested_arrays(depth: usize) -> String {
    format!("{}1{}", "[".repeat(depth), "]".repeat(depth))
}

fn nested_objects(depth: usize) -> String {
    format!("{}1{}", r#"{"a":"#.repeat(depth), "}".repeat(depth))
}

async fn assert_refused(api: &apis::Api, host: &TestHost, case: &str, reply: Reply) {
    assert!(
        (400..500).contains(&reply.status),
        "{} / {case}: {} {}",
        api.name,
        reply.status,
        reply.text()
    );
    let body: Value = serde_json::from_slice(&reply.body)
        .unwrap_or_else(|_| panic!("{} / {case}: the refusal is not JSON: {}", api.name, reply.text()));
    assert!(
        (api.is_error_shape)(&body),
        "{} / {case}: not the API's error shape: {body}",
        api.name
    );
    assert_eq!(
        api.source_state(host).await["refundIds"],
        json!([]),
        "{} / {case}: a refund was taken",
        api.name
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn every_bad_request_is_a_4xx_in_the_apis_shape_and_changes_nothing() {
    let corpus = corpus();
    let mut checked = 0;
    for api in apis::all() {
        let host = TestHost::new();
        api.load(&host).await;
        let before = host.kv().snapshot("default");
        let cases = corpus["all"]
            .as_array()
            .unwrap()
            .iter()
            .chain(corpus[api.component()].as_array().unwrap());
        for case in cases {
            let name = case["name"].as_str().unwrap();
            let reply = match case["path"].as_str() {
                Some(path) => {
                    let (auth, token) = api.auth();
                    host.request(
                        case["method"].as_str().unwrap(),
                        path,
                        &[(auth, token.as_str())],
                        "",
                    )
                    .await
                }
                None => {
                    let content_type = case["content_type"].as_str().unwrap_or("application/json");
                    let body = case["body"].as_str().unwrap().as_bytes().to_vec();
                    api.post(&host, body, content_type, None).await
                }
            };
            assert_refused(&api, &host, name, reply).await;
            assert_eq!(
                host.kv().snapshot("default"),
                before,
                "{} / {name} changed the store",
                api.name
            );
            checked += 1;
        }
        for (name, body) in generated(&api) {
            let reply = api.post(&host, body, "application/json", None).await;
            assert_refused(&api, &host, &name, reply).await;
            assert_eq!(
                host.kv().snapshot("default"),
                before,
                "{} / {name} changed the store",
                api.name
            );
            checked += 1;
        }
    }
    assert!(checked > 100, "only {checked} cases ran");
}

/// A JSON POST to the API's refund route with one more header, as a client would send it.
async fn post_with(api: &apis::Api, host: &TestHost, header: (&str, &str), body: Vec<u8>) -> Reply {
    let (auth, token) = api.auth();
    let headers = [
        (auth, token.as_str()),
        ("content-type", "application/json"),
        header,
    ];
    host.request("POST", &api.post_path(), &headers, body).await
}

fn assert_too_large(api: &apis::Api, reply: &Reply) {
    assert_eq!(reply.status, 413, "{}: {}", api.name, reply.text());
    assert!(
        (api.is_error_shape)(&reply.json()),
        "{}: {}",
        api.name,
        reply.text()
    );
}

/// Spin passes a client's `Content-Length` through, and the components read exactly that many
/// bytes; a body streamed without a length (chunked) is read to its end instead, under the same
/// 64 KiB limit.
#[tokio::test(flavor = "multi_thread")]
async fn bodies_without_a_length_are_read_to_their_end_under_the_same_limit() {
    let chunked = ("transfer-encoding", "chunked");
    for api in apis::all() {
        let host = TestHost::new();
        api.load(&host).await;
        let body = api.unit_body().to_string().into_bytes();
        api.assert_taken(&post_with(&api, &host, chunked, body).await);
        let reply = post_with(&api, &host, chunked, vec![b' '; 100 * 1024]).await;
        assert_too_large(&api, &reply);
    }
}

/// A `Content-Length` over the limit is refused from the header alone.
#[tokio::test(flavor = "multi_thread")]
async fn a_declared_length_over_the_limit_is_refused_unread() {
    let declared = (1 << 20).to_string();
    for api in apis::all() {
        let host = TestHost::new();
        api.load(&host).await;
        let header = ("content-length", declared.as_str());
        assert_too_large(&api, &post_with(&api, &host, header, vec![b' '; 1 << 20]).await);
        assert_eq!(
            api.source_state(&host).await["refundIds"],
            json!([]),
            "{}",
            api.name
        );
    }
}

/// The components' stack is small (`-zstack-size` in .cargo/config.toml), so the deepest JSON a
/// parser accepts must fit in it: a member no API knows, nested to serde_json's limit, is
/// skipped like any other unknown member (and checked for duplicate keys on the way).
#[tokio::test(flavor = "multi_thread")]
async fn unknown_members_nested_to_the_parsers_limit_fit_the_stack() {
    for nested in [nested_arrays(DEEPEST), nested_objects(DEEPEST)] {
        for api in apis::all() {
            let host = TestHost::new();
            api.load(&host).await;
            let mut body = api.unit_body().to_string();
            body.insert_str(1, &format!(r#""unknownMember":{nested},"#));
            let reply = api.post(&host, body.into_bytes(), "application/json", None).await;
            api.assert_taken(&reply);
        }
    }
}
