//! Refund events delivered to a webhook: signed with HMAC-SHA256, sent after the refund is
//! stored, left pending in the outbox when the receiver fails, and redelivered exactly once by
//! `POST /admin/v1/outbox/redeliver`.

mod common;
use common::*;
use hmac::{Hmac, Mac};
use refund_host::receiver::{Received, Receiver};
use sha2::Sha256;

const SECRET: &str = "whsec_test_5f2c";

/// The event each API raises for a refund taken at once.
fn created_event(api: &apis::Api) -> &'static str {
    match api.component() {
        "purchase-refunds" => "payment.refunded",
        _ => "refund.created",
    }
}

fn host_for(receiver: &Receiver) -> TestHost {
    let mut host = TestHost::new();
    host.set_variable("webhook_url", &receiver.url());
    host.set_variable("webhook_secret", SECRET);
    host.set_variable("webhook_origin", &receiver.origin());
    host
}

/// Checks `Webhook-Signature: t=<unix>,v1=<hex>` against the raw body, as a receiver would.
fn assert_signed(delivery: &Received) {
    let header = delivery.headers["webhook-signature"].to_str().unwrap();
    let (t, v1) = header.split_once(",v1=").expect("t=...,v1=...");
    let t = t.strip_prefix("t=").expect("a timestamp");
    assert!(t.parse::<i64>().unwrap() > 1_700_000_000, "a real timestamp: {t}");
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(format!("{t}.").as_bytes());
    mac.update(&delivery.body);
    let expected: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(v1, expected, "the signature covers the timestamp and the body");
    assert_eq!(delivery.headers["content-type"], "application/json");
}

async fn outbox(host: &TestHost) -> Value {
    let reply = host.request("GET", "/admin/v1/outbox", &[ADMIN], "").await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    reply.json()
}

async fn redeliver(host: &TestHost) -> Value {
    let reply = host
        .request("POST", "/admin/v1/outbox/redeliver", &[ADMIN], "")
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    reply.json()
}

#[tokio::test(flavor = "multi_thread")]
async fn each_refund_is_delivered_signed_after_it_is_stored() {
    for api in apis::all() {
        let receiver = Receiver::start().await;
        let host = host_for(&receiver);
        api.load(&host).await;
        let reply = api.refund(&host, Some("hooked")).await;
        api.assert_taken(&reply);
        let delivered = receiver.accepted();
        assert_eq!(delivered.len(), 1, "{}: one event", api.name);
        assert_signed(&delivered[0]);
        let event: Value = serde_json::from_slice(&delivered[0].body).unwrap();
        assert_eq!(event["type"], created_event(&api), "{}", api.name);
        assert_eq!(
            event["refundId"],
            (api.refund_id)(&reply.json()).as_str(),
            "{}",
            api.name
        );
        assert!(
            event["id"].is_string() && event.get("delivered").is_none(),
            "{event}"
        );
        assert_eq!(
            outbox(&host).await["pending"],
            0,
            "{}: nothing left to deliver",
            api.name
        );
        // The store operations stay within the POST budget with delivery on.
        assert!(
            reply.ops.reads <= 2 && reply.ops.writes <= 2,
            "{}: {:?}",
            api.name,
            reply.ops
        );

        // A retry replays the refund and sends nothing again.
        api.refund(&host, Some("hooked")).await;
        assert_eq!(
            receiver.accepted().len(),
            1,
            "{}: a replay raises no event",
            api.name
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failing_receiver_leaves_the_event_pending_until_redelivery() {
    for api in apis::all() {
        let receiver = Receiver::start().await;
        let host = host_for(&receiver);
        api.load(&host).await;
        receiver.fail(true);
        let reply = api.refund(&host, Some("while-down")).await;
        assert!(
            matches!(reply.status, 200 | 201),
            "{}: the refund stands: {}",
            api.name,
            reply.text()
        );
        assert_eq!(receiver.received().len(), 1, "{}: one attempt", api.name);
        assert!(receiver.accepted().is_empty());
        let pending = outbox(&host).await;
        assert_eq!(pending["pending"], 1, "{}: {pending}", api.name);
        assert_eq!(pending["events"][0]["type"], created_event(&api));

        // Still down: redelivery tries and keeps it.
        assert_eq!(redeliver(&host).await, json!({"delivered": 0, "pending": 1}));
        receiver.fail(false);
        assert_eq!(
            redeliver(&host).await,
            json!({"delivered": 1, "pending": 0}),
            "{}",
            api.name
        );
        let accepted = receiver.accepted();
        assert_eq!(accepted.len(), 1, "{}: delivered once", api.name);
        assert_signed(&accepted[0]);
        let event: Value = serde_json::from_slice(&accepted[0].body).unwrap();
        assert_eq!(
            event["id"], pending["events"][0]["id"],
            "{}: the same event",
            api.name
        );
        assert_eq!(redeliver(&host).await, json!({"delivered": 0, "pending": 0}));
        assert_eq!(receiver.accepted().len(), 1, "{}: never twice", api.name);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_destination_outside_allowed_outbound_hosts_is_never_called() {
    let receiver = Receiver::start().await;
    let mut host = host_for(&receiver);
    host.set_variable("webhook_origin", "http://127.0.0.1:1");
    let api = &apis::all()[0];
    api.load(&host).await;
    let reply = api.refund(&host, None).await;
    assert_eq!(reply.status, 201, "{}", reply.text());
    assert!(receiver.received().is_empty(), "the host denied the request");
    assert_eq!(outbox(&host).await["pending"], 1, "the event waits");
}

#[tokio::test(flavor = "multi_thread")]
async fn without_a_webhook_no_event_is_kept_and_redelivery_says_why() {
    let host = TestHost::new();
    let api = &apis::all()[0];
    api.load(&host).await;
    api.refund(&host, None).await;
    assert_eq!(outbox(&host).await["pending"], 0);
    let reply = host
        .request("POST", "/admin/v1/outbox/redeliver", &[ADMIN], "")
        .await;
    assert_eq!(reply.status, 409);
    assert!(reply.text().contains("webhook_url"), "{}", reply.text());
}

#[tokio::test(flavor = "multi_thread")]
async fn the_outbox_routes_need_the_admin_token() {
    let host = TestHost::new();
    for (method, path) in [
        ("GET", "/admin/v1/outbox"),
        ("POST", "/admin/v1/outbox/redeliver"),
    ] {
        let anonymous = host.request(method, path, &[], "").await;
        assert_eq!(anonymous.status, 401, "{method} {path}: {}", anonymous.text());
        let wrong = host
            .request(method, path, &[("authorization", "Bearer not-the-token")], "")
            .await;
        assert!(
            matches!(wrong.status, 401 | 403),
            "{method} {path}: {}",
            wrong.text()
        );
    }
}
