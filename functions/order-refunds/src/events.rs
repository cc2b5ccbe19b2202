//! Refund events, written to an outbox kept in the order's own record, so raising one costs no
//! extra write and is never lost between the refund and its event. A delivery step reads them
//! through the admin API (`state.outbox` of the order) and sends them on.

use refund_shared::ledger::{RefundEntry, SourceRecord};
use refund_shared::money;
use serde_json::{Value, json};

const OUTBOX: &str = "outbox";

pub const CREATED: &str = "refund.created";
pub const PENDING_APPROVAL: &str = "refund.pending_approval";
pub const APPROVED: &str = "refund.approved";
pub const REJECTED: &str = "refund.rejected";

pub fn raise(record: &mut SourceRecord, event: &str, refund: &RefundEntry, now: i64) {
    let message = json!({
        "id": uuid::Uuid::new_v4().to_string(),
        "type": event,
        "orderId": record.id,
        "refundId": refund.id,
        "amount": money::json_number(refund.amount),
        "currency": record.currency,
        "status": refund.status,
        "createdAt": now,
        "delivered": false,
    });
    let list = record.extra.entry(OUTBOX.into()).or_insert_with(|| json!([]));
    if let Value::Array(items) = list {
        items.push(message);
    }
}

pub fn outbox(record: &SourceRecord) -> Vec<Value> {
    match record.extra.get(OUTBOX) {
        Some(Value::Array(items)) => items.clone(),
        _ => Vec::new(),
    }
}
