//! Webhook delivery of the outbox's events (`crate::outbox`), signed as the big gateways sign:
//! `Webhook-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" under the secret>`.
//! A receiver recomputes the HMAC over the timestamp and the raw body, compares in constant
//! time, and refuses old timestamps (replays).
//!
//! Delivery happens after the refund is stored; a failed delivery never fails the request: the
//! event stays pending in the outbox until `POST /admin/v1/outbox/redeliver`.

use crate::Ctx;
use crate::ledger::{SourceRecord, Write};
use crate::outbox;
use crate::store::Store;
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

pub const SIGNATURE_HEADER: &str = "webhook-signature";

/// What a POST to the receiver came to: its status, or why it could not be sent.
pub type SendFuture = Pin<Box<dyn Future<Output = Result<u16, String>>>>;
/// POSTs a JSON body with these headers to a URL (Spin's outbound HTTP in a component, a fake in
/// native tests).
pub type SendFn = Rc<dyn Fn(String, Vec<(String, String)>, Vec<u8>) -> SendFuture>;

/// Where events go, when the `webhook_url` variable is set.
#[derive(Clone)]
pub struct Webhook {
    pub url: String,
    pub secret: String,
    pub send: SendFn,
}

/// The `Webhook-Signature` value for a body sent at `timestamp`.
pub fn signature(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    let digest = mac.finalize().into_bytes();
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("t={timestamp},v1={hex}")
}

/// The body a receiver gets: the event without the outbox's own bookkeeping.
pub fn payload(event: &Value) -> Vec<u8> {
    serde_json::to_vec(&Payload(event)).unwrap_or_default()
}

/// Writes an event's members but `delivered`. (Not a copy with the member removed: a map's
/// removal code was ~5.5 KB of every .wasm, and nothing else removes from one.)
struct Payload<'a>(&'a Value);

impl serde::Serialize for Payload<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Value::Object(map) => serializer.collect_map(map.iter().filter(|(k, _)| *k != "delivered")),
            other => other.serialize(serializer),
        }
    }
}

/// Sends the record's pending events in order, stopping at the first failure (so a receiver
/// sees them in order). Returns the ids delivered and how many are still pending.
pub async fn send_pending(hook: &Webhook, record: &SourceRecord, now: i64) -> (Vec<String>, usize) {
    let pending = outbox::pending(record);
    let mut delivered = Vec::new();
    for event in &pending {
        let body = payload(event);
        let headers = vec![
            ("content-type".to_string(), "application/json".to_string()),
            (SIGNATURE_HEADER.to_string(), signature(&hook.secret, now, &body)),
        ];
        match (hook.send)(hook.url.clone(), headers, body).await {
            Ok(status) if (200..300).contains(&status) => {
                delivered.push(event["id"].as_str().unwrap_or_default().to_string());
            }
            _ => break,
        }
    }
    let left = pending.len() - delivered.len();
    (delivered, left)
}

/// After a write: delivers the record's pending events when a webhook is configured and marks
/// those delivered (one more compare-and-swap). Returns how many are still pending; a store
/// error here leaves them pending too (they are sent again on redelivery, and receivers
/// de-duplicate by event id). Without a webhook, `None`: nothing is sent, and the events are
/// not counted (a refund's POST does not need the count, and an order's outbox grows by an
/// event a refund).
pub async fn deliver<S: Store>(ctx: &Ctx<S>, record: &SourceRecord) -> Option<usize> {
    let hook = ctx.webhook.as_ref()?;
    let (delivered, left) = send_pending(hook, record, ctx.now).await;
    if delivered.is_empty() {
        return Some(left);
    }
    let marked = ctx
        .ledger()
        .modify(&record.kind, &record.id, |slot| match slot {
            Some(record) => {
                outbox::mark_delivered(record, &delivered);
                Ok(Write::Save(()))
            }
            None => Ok(Write::Skip(())),
        })
        .await;
    Some(if marked.is_err() {
        left + delivered.len()
    } else {
        left
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hmac_hex(key: &[u8], data: &[u8]) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap();
        mac.update(data);
        mac.finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    #[test]
    fn hmac_sha256_is_rfc_4231() {
        // RFC 4231, test case 2.
        assert_eq!(
            hmac_hex(b"Jefe", b"what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn signature_covers_timestamp_and_body() {
        let sig = signature("Jefe", 7, b"{}");
        assert_eq!(sig, format!("t=7,v1={}", hmac_hex(b"Jefe", b"7.{}")));
        assert_ne!(sig, signature("Jefe", 8, b"{}"), "the timestamp is signed");
        assert_ne!(sig, signature("Jefe", 7, b"{ }"), "the body is signed");
        assert_ne!(sig, signature("other", 7, b"{}"), "the secret is the key");
    }

    #[test]
    fn delivery_stops_at_the_first_failure_and_marks_only_what_went_through() {
        use crate::ledger::source_key;
        use crate::testing::memory_ctx;
        use rust_decimal::Decimal;
        use std::cell::RefCell;

        let sent: Rc<RefCell<Vec<Value>>> = Rc::default();
        let log = sent.clone();
        let mut ctx = memory_ctx("t", "");
        ctx.webhook = Some(Webhook {
            url: "http://hooks.test/refunds".into(),
            secret: "s".into(),
            send: Rc::new(move |_, _, body| {
                let event: Value = serde_json::from_slice(&body).unwrap();
                let status = if event["n"] == 2 { 500 } else { 204 };
                log.borrow_mut().push(event);
                Box::pin(async move { Ok(status) })
            }),
        });
        let mut record = SourceRecord::new(
            "invoice",
            "7",
            "GBP",
            Decimal::from(100),
            crate::ledger::StoredJson::of(&serde_json::json!({})),
        );
        for n in 1..=3 {
            let fields = serde_json::Map::from_iter([("n".into(), serde_json::json!(n))]);
            outbox::raise(&mut record, outbox::REFUND_CREATED, fields, 1);
        }
        ctx.store.put(&source_key("invoice", "7"), record.encode());

        let left = futures::executor::block_on(deliver(&ctx, &record));
        assert_eq!(left, Some(2), "the failed event and the one after it wait");
        assert_eq!(
            sent.borrow().len(),
            2,
            "nothing is sent past a failure (order is kept)"
        );
        assert!(
            sent.borrow()
                .iter()
                .all(|e| e.get("delivered").is_none() && e.get("id").is_some()),
            "an event goes without the outbox's bookkeeping: {:?}",
            sent.borrow()
        );
        let stored = SourceRecord::decode(ctx.store.raw(&source_key("invoice", "7")).unwrap()).unwrap();
        let pending: Vec<Value> = outbox::pending(&stored).iter().map(|e| e["n"].clone()).collect();
        assert_eq!(pending, [2, 3]);

        // Without a webhook nothing is sent, written or counted.
        ctx.webhook = None;
        let before = ctx.store.counts();
        assert_eq!(futures::executor::block_on(deliver(&ctx, &stored)), None);
        assert_eq!((ctx.store.counts(), sent.borrow().len()), (before, 2));
    }
}
