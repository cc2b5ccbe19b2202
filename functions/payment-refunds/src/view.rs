//! What is stored with each refund, and the payment-activity body of seed 002 made from it.
//!
//! The stored types are written only: `activity` reads the stored JSON back member by member
//! (amounts were written as exact JSON numbers and go out as stored), which spares this .wasm
//! the typed deserialization of both types.

use refund_shared::ledger::RefundEntry;
use refund_shared::money;
use refund_shared::{Decimal, clock};
use serde::Serialize;
use serde_json::{Value, json};

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AllocationSnapshot {
    pub invoice_id: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invoice_number: Option<i64>,
    #[serde(serialize_with = "money::serialize")]
    pub amount: Decimal,
    /// The invoice's outstanding balance once this refund re-opened it.
    #[serde(serialize_with = "money::serialize")]
    pub outstanding_balance: Decimal,
    #[serde(serialize_with = "money::serialize")]
    pub invoice_total: Decimal,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredRefund {
    pub original_payment_id: i64,
    pub customer_id: i64,
    pub currency: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_reference: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub method: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub netsuite_id: Option<String>,
    pub allocations: Vec<AllocationSnapshot>,
    #[serde(serialize_with = "money::serialize")]
    pub unallocated_amount: Decimal,
    /// What the original payment still had after this refund.
    #[serde(serialize_with = "money::serialize")]
    pub refundable_after: Decimal,
}

/// The payment-activity body of a refund and its stored fields (a `StoredRefund`). Fields the
/// service has no data for are present, empty.
pub fn activity(entry: &RefundEntry, stored: &Value, uri: &str) -> Value {
    let id: i64 = entry.id.parse().unwrap_or_default();
    let when = clock::rfc3339(entry.created);
    let no_allocations = Vec::new();
    let allocations: Vec<Value> = stored["allocations"]
        .as_array()
        .unwrap_or(&no_allocations)
        .iter()
        .map(|a| {
            json!({
                "invoiceId": a["invoiceId"],
                "invoiceNumber": a["invoiceNumber"],
                "amount": a["amount"],
                "outstandingBalance": a["outstandingBalance"],
                "invoiceTotal": a["invoiceTotal"],
                "surchargingFee": 0,
                "poNumber": null,
                "netsuiteId": null,
                "quickbooksId": null,
                "invoiceNote": null,
                "uri": null,
            })
        })
        .collect();
    // An integer, written into the description as one (a `Value`'s Display would bring in
    // serde_json's whole formatter, pretty printing included, for this one line).
    let payment = stored["originalPaymentId"].as_i64().unwrap_or_default();
    let description = match stored["paymentReference"].as_str() {
        Some(r) => format!("Refund of payment {payment} ({r})"),
        None => format!("Refund of payment {payment}"),
    };
    json!({
        "paymentActivityId": id,
        "reference": stored["reference"],
        "effectiveTimestamp": when,
        "referenceDate": stored["referenceDate"],
        "description": description,
        "customerId": stored["customerId"],
        "originalPaymentActivityId": payment,
        "amount": money::json_number(entry.amount),
        "currency": stored["currency"],
        "invoiceAllocations": allocations,
        "refunds": [],
        "unallocatedAmount": stored["unallocatedAmount"],
        "refundableAmount": stored["refundableAfter"],
        "gatewayFee": 0,
        "settlement": {
            "status": entry.status,
            "modifiedTimestamp": clock::rfc3339(entry.updated),
            "lastCheckedTimestamp": null,
            "nextCheckTimestamp": null,
            "message": null,
        },
        "netsuiteId": stored["netsuiteId"],
        "surchargingFee": 0,
        "sendToNetsuite": false,
        "quickBooksId": null,
        "quickBooksAttemptNumber": 0,
        "id": id,
        "uri": uri,
    })
}
