//! `transaction_data.attempts`: every refund attempt on a purchase, successful or refused, kept
//! in the source record (newest first) so users can see why a refund failed, as the seed
//! tells them to.

use refund_shared::ledger::{SourceRecord, StoredJson};
use serde_json::{Value, json};

const KEY: &str = "attempts";
/// Only the newest attempts are kept, so the record stays small whatever a client retries.
pub const MAX_KEPT: usize = 100;

/// Puts `attempt` first; the earlier ones are copied as their text, not parsed.
pub fn record(record: &mut SourceRecord, attempt: Value) {
    record.extra.push_front(KEY, &attempt, MAX_KEPT);
}

/// Every attempt, newest first, as stored (none yet: `None`).
pub fn of(record: &SourceRecord) -> Option<&StoredJson> {
    record.extra.get(KEY)
}

/// Every attempt, newest first, parsed.
#[cfg(test)]
pub fn all(record: &SourceRecord) -> Vec<Value> {
    record.extra.values(KEY)
}

/// The attempts that made or settled one refund (`payment_id`), newest first, parsed; the
/// others (up to 100) are passed over by their text, not built as `Value`s (that was ~5% of a
/// refund's POST with 20 attempts kept).
pub fn of_payment(record: &SourceRecord, payment_id: &str) -> Vec<Value> {
    let id = serde_json::to_string(payment_id).expect("a string always serializes");
    let member = format!(r#""payment_id":{id}"#);
    let Some(stored) = of(record) else {
        return Vec::new();
    };
    stored
        .items_holding(member.as_bytes())
        .into_iter()
        .filter_map(|text| serde_json::from_slice::<Value>(text).ok())
        .filter(|attempt| attempt["payment_id"] == payment_id)
        .collect()
}

pub fn success(amount: i64, payment_id: &str, now: i64) -> Value {
    json!({"type": "refund", "successful": true, "amount": amount, "payment_id": payment_id,
           "error": null, "processing_time": now})
}

pub fn pending(amount: i64, payment_id: &str, now: i64) -> Value {
    json!({"type": "refund", "successful": null, "pending": true, "amount": amount,
           "payment_id": payment_id, "error": null, "processing_time": now})
}

pub fn failure(amount: Option<i64>, code: &str, message: &str, now: i64) -> Value {
    json!({"type": "refund", "successful": false, "amount": amount, "payment_id": null,
           "error": {"code": code, "message": message}, "processing_time": now})
}
