//! The order's refund events, raised into the shared outbox in the order's own record (the same
//! write as the change) and read back through the admin API (`state.outbox` of the order);
//! `refund_shared::webhook` delivers them when a webhook is configured.

use refund_shared::ledger::{RefundEntry, SourceRecord};
use refund_shared::{money, outbox};
use serde_json::{Value, json};

pub const CREATED: &str = "refund.created";
pub const PENDING_APPROVAL: &str = "refund.pending_approval";
pub const APPROVED: &str = "refund.approved";
pub const REJECTED: &str = "refund.rejected";

pub fn raise(record: &mut SourceRecord, event: &str, refund: &RefundEntry, now: i64) {
    let fields = json!({
        "orderId": record.id,
        "refundId": refund.id,
        "amount": money::json_number(refund.amount),
        "currency": record.currency,
        "status": refund.status,
    });
    if let Value::Object(fields) = fields {
        outbox::raise(record, event, fields, now);
    }
}
