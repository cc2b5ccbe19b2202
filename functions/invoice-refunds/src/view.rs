//! The refund as seed 000 documents it.

use refund_shared::Decimal;
use refund_shared::ledger::RefundEntry;
use refund_shared::money;
use serde::{Deserialize, Serialize};

/// What this API keeps with each refund besides amount and status.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredFields {
    pub invoice_id: i64,
    pub customer_id: i64,
    pub bill_run_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub payment_method: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_info: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RefundView {
    id: i64,
    invoice_id: i64,
    customer_id: i64,
    bill_run_type: String,
    third_party_refund_status: String,
    description: Option<String>,
    error_info: Option<String>,
    payment_method: String,
    #[serde(serialize_with = "money::serialize")]
    amount_in_major_currency: Decimal,
}

impl RefundView {
    pub fn of(entry: &RefundEntry) -> Option<RefundView> {
        let fields: StoredFields = entry.fields().ok()?;
        Some(RefundView {
            id: entry.id.parse().ok()?,
            invoice_id: fields.invoice_id,
            customer_id: fields.customer_id,
            bill_run_type: fields.bill_run_type,
            third_party_refund_status: entry.status.clone(),
            description: fields.description,
            error_info: fields.error_info,
            payment_method: fields.payment_method,
            amount_in_major_currency: entry.amount,
        })
    }
}
