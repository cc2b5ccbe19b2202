//! Every request leaves one JSON access-log line on stdout (as Spin collects it) and answers
//! with its request id; the line agrees with the store operations the host counted, and holds
//! no token or body.

mod common;
use common::*;

fn log_line(reply: &Reply, what: &str) -> Value {
    let lines: Vec<&str> = reply.stdout.lines().collect();
    assert_eq!(lines.len(), 1, "{what}: one log line, got {:?}", reply.stdout);
    serde_json::from_str(lines[0]).unwrap_or_else(|e| panic!("{what}: not JSON ({e}): {}", lines[0]))
}

#[tokio::test(flavor = "multi_thread")]
async fn each_request_logs_one_line_and_echoes_its_request_id() {
    for api in apis::all() {
        let host = TestHost::new();
        api.load(&host).await;
        let (auth, token) = api.auth();
        let key = "observed-1";
        let body = api.unit_body().to_string();
        let headers = [
            (auth, token.as_str()),
            JSON,
            ("idempotency-key", key),
            ("x-request-id", "trace-7"),
        ];
        let created = host
            .request("POST", &api.post_path(), &headers, body.clone())
            .await;
        api.assert_taken(&created);
        assert_eq!(created.headers["x-request-id"], "trace-7", "{}", api.name);
        assert!(
            !created.headers.contains_key("idempotent-replayed"),
            "{}",
            api.name
        );
        let line = log_line(&created, api.name);
        let refund_id = (api.refund_id)(&created.json());
        assert_eq!(line["component"], api.component(), "{}", api.name);
        assert_eq!(line["request_id"], "trace-7");
        assert_eq!(line["method"], "POST");
        assert_eq!(line["route"], api.post_path());
        assert_eq!(line["status"], created.status);
        assert_eq!(line["refund_id"], refund_id.as_str(), "{}", api.name);
        assert_eq!(line["replayed"], false);
        let ops = created.ops;
        assert_eq!(
            line["store"],
            json!({"opens": ops.opens, "reads": ops.reads, "writes": ops.writes}),
            "{}: the log's store operations are the host's",
            api.name
        );
        assert!(line["duration_us"].is_u64());
        assert!(
            !created.stdout.contains(api.token),
            "{}: a token in the log",
            api.name
        );

        // The retry is a replay, said to the client and in the log; without an id, one is made.
        let retry = host.request("POST", &api.post_path(), &headers[..3], body).await;
        assert_eq!(retry.headers["idempotent-replayed"], "true", "{}", api.name);
        let line = log_line(&retry, api.name);
        assert_eq!(line["replayed"], true, "{}", api.name);
        assert_eq!(line["refund_id"], refund_id.as_str(), "{}", api.name);
        let generated = retry.headers["x-request-id"].to_str().unwrap();
        assert_eq!(generated.len(), 36, "{}: a UUID request id", api.name);
        assert_eq!(line["request_id"], generated);

        // A refusal is logged too, without a refund.
        let refused = api.post(&host, b"{".to_vec(), "application/json", None).await;
        assert_eq!(refused.status, 400, "{}", api.name);
        let line = log_line(&refused, api.name);
        assert_eq!(line["status"], 400);
        assert!(line.get("refund_id").is_none(), "{}", api.name);
    }
}
