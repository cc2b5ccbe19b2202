//! What is stored with each refund, and the payment-activity body of seed 002 made from it.

use refund_shared::ledger::RefundEntry;
use refund_shared::money::{self, as_number};
use refund_shared::{Decimal, clock};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AllocationSnapshot {
    pub invoice_id: i64,
    pub invoice_number: Option<i64>,
    #[serde(with = "as_number")]
    pub amount: Decimal,
    /// The invoice's outstanding balance once this refund re-opened it.
    #[serde(with = "as_number")]
    pub outstanding_balance: Decimal,
    #[serde(with = "as_number")]
    pub invoice_total: Decimal,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredRefund {
    pub original_payment_id: i64,
    pub customer_id: i64,
    pub currency: String,
    pub payment_reference: Option<String>,
    pub reference: Option<String>,
    pub reference_date: Option<String>,
    pub method: Option<i64>,
    pub netsuite_id: Option<String>,
    pub allocations: Vec<AllocationSnapshot>,
    #[serde(with = "as_number")]
    pub unallocated_amount: Decimal,
    /// What the original payment still had after this refund.
    #[serde(with = "as_number")]
    pub refundable_after: Decimal,
}

/// The payment-activity body. Fields the service has no data for are present, empty.
pub fn activity(entry: &RefundEntry, stored: &StoredRefund, uri: &str) -> Value {
    let id: i64 = entry.id.parse().unwrap_or_default();
    let when = clock::rfc3339(entry.created);
    let allocations: Vec<Value> = stored
        .allocations
        .iter()
        .map(|a| {
            json!({
                "invoiceId": a.invoice_id,
                "invoiceNumber": a.invoice_number,
                "amount": money::json_number(a.amount),
                "outstandingBalance": money::json_number(a.outstanding_balance),
                "invoiceTotal": money::json_number(a.invoice_total),
                "surchargingFee": 0,
                "poNumber": null,
                "netsuiteId": null,
                "quickbooksId": null,
                "invoiceNote": null,
                "uri": null,
            })
        })
        .collect();
    let description = match &stored.payment_reference {
        Some(r) => format!("Refund of payment {} ({r})", stored.original_payment_id),
        None => format!("Refund of payment {}", stored.original_payment_id),
    };
    json!({
        "paymentActivityId": id,
        "reference": stored.reference,
        "effectiveTimestamp": when,
        "referenceDate": stored.reference_date,
        "description": description,
        "customerId": stored.customer_id,
        "originalPaymentActivityId": stored.original_payment_id,
        "amount": money::json_number(entry.amount),
        "currency": stored.currency,
        "invoiceAllocations": allocations,
        "refunds": [],
        "unallocatedAmount": money::json_number(stored.unallocated_amount),
        "refundableAmount": money::json_number(stored.refundable_after),
        "gatewayFee": 0,
        "settlement": {
            "status": entry.status,
            "modifiedTimestamp": clock::rfc3339(entry.updated),
            "lastCheckedTimestamp": null,
            "nextCheckTimestamp": null,
            "message": null,
        },
        "netsuiteId": stored.netsuite_id,
        "surchargingFee": 0,
        "sendToNetsuite": false,
        "quickBooksId": null,
        "quickBooksAttemptNumber": 0,
        "id": id,
        "uri": uri,
    })
}
