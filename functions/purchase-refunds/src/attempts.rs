//! `transaction_data.attempts`: every refund attempt on a purchase, successful or refused, kept
//! in the source record (newest first) so users can see why a refund failed, as the seed
//! tells them to.

use refund_shared::ledger::SourceRecord;
use serde_json::{Value, json};

const KEY: &str = "attempts";
/// Only the newest attempts are kept, so the record stays small whatever a client retries.
pub const MAX_KEPT: usize = 100;

pub fn record(record: &mut SourceRecord, attempt: Value) {
    let list = record.extra.entry(KEY.into()).or_insert_with(|| json!([]));
    if let Value::Array(items) = list {
        items.insert(0, attempt);
        items.truncate(MAX_KEPT);
    }
}

/// Every attempt, newest first, borrowed from the record.
pub fn of(record: &SourceRecord) -> &Value {
    static NONE: Value = Value::Array(Vec::new());
    record.extra.get(KEY).unwrap_or(&NONE)
}

pub fn all(record: &SourceRecord) -> Value {
    of(record).clone()
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
