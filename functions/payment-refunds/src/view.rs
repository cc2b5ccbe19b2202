//! What is stored with each refund, and the payment-activity body of seed 002 made from it.
//!
//! The stored types are written only: `activity` reads the stored JSON back member by member
//! (amounts were written as exact JSON numbers and go out as stored), which spares this .wasm
//! the typed deserialization of both types.

use refund_shared::ledger::RefundEntry;
use refund_shared::money;
use refund_shared::{Decimal, clock};
use serde::{Serialize, Serializer};
use serde_json::Value;

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

/// The payment-activity body of a refund: its stored fields (a `StoredRefund`), read once, and
/// what the request adds. Fields the service has no data for are present, empty.
pub struct Activity {
    stored: Value,
    id: i64,
    amount: Decimal,
    status: String,
    created: String,
    updated: String,
    uri: String,
}

impl Activity {
    pub fn of(entry: &RefundEntry, stored: Value, uri: String) -> Activity {
        Activity {
            stored,
            id: entry.id.parse().unwrap_or_default(),
            amount: entry.amount,
            status: entry.status.clone(),
            created: clock::rfc3339(entry.created),
            updated: clock::rfc3339(entry.updated),
            uri,
        }
    }
}

/// Written through the structs below, not built as a `json!` tree first (a map and a key for
/// each of ~35 members: the largest part of a GET in the .wasm); members in alphabetical
/// order, as that tree wrote them. The XML answer is made from the same (`render`).
impl Serialize for Activity {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let stored = &self.stored;
        let allocations = stored["allocations"].as_array().map_or(&[][..], Vec::as_slice);
        // An integer, written into the description as one (a `Value`'s Display would bring in
        // serde_json's whole formatter, pretty printing included, for this one line).
        let payment = stored["originalPaymentId"].as_i64().unwrap_or_default();
        let mut description = format!("Refund of payment {payment}");
        if let Some(reference) = stored["paymentReference"].as_str() {
            description.push_str(" (");
            description.push_str(reference);
            description.push(')');
        }
        ActivityBody {
            amount: self.amount,
            currency: &stored["currency"],
            customer_id: &stored["customerId"],
            description,
            effective_timestamp: &self.created,
            gateway_fee: 0,
            id: self.id,
            invoice_allocations: allocations.iter().map(Allocation::of).collect(),
            netsuite_id: &stored["netsuiteId"],
            original_payment_activity_id: payment,
            payment_activity_id: self.id,
            quick_books_attempt_number: 0,
            quick_books_id: (),
            reference: &stored["reference"],
            reference_date: &stored["referenceDate"],
            refundable_amount: &stored["refundableAfter"],
            refunds: &[],
            send_to_netsuite: false,
            settlement: Settlement {
                last_checked_timestamp: (),
                message: (),
                modified_timestamp: &self.updated,
                next_check_timestamp: (),
                status: &self.status,
            },
            surcharging_fee: 0,
            unallocated_amount: &stored["unallocatedAmount"],
            uri: &self.uri,
        }
        .serialize(s)
    }
}

/// `()` is written as `null`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ActivityBody<'a> {
    #[serde(serialize_with = "money::serialize")]
    amount: Decimal,
    currency: &'a Value,
    customer_id: &'a Value,
    description: String,
    effective_timestamp: &'a str,
    gateway_fee: i64,
    id: i64,
    invoice_allocations: Vec<Allocation<'a>>,
    netsuite_id: &'a Value,
    original_payment_activity_id: i64,
    payment_activity_id: i64,
    quick_books_attempt_number: i64,
    quick_books_id: (),
    reference: &'a Value,
    reference_date: &'a Value,
    refundable_amount: &'a Value,
    refunds: &'static [()],
    send_to_netsuite: bool,
    settlement: Settlement<'a>,
    surcharging_fee: i64,
    unallocated_amount: &'a Value,
    uri: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Allocation<'a> {
    amount: &'a Value,
    invoice_id: &'a Value,
    invoice_note: (),
    invoice_number: &'a Value,
    invoice_total: &'a Value,
    netsuite_id: (),
    outstanding_balance: &'a Value,
    po_number: (),
    quickbooks_id: (),
    surcharging_fee: i64,
    uri: (),
}

impl<'a> Allocation<'a> {
    fn of(stored: &'a Value) -> Self {
        Allocation {
            amount: &stored["amount"],
            invoice_id: &stored["invoiceId"],
            invoice_note: (),
            invoice_number: &stored["invoiceNumber"],
            invoice_total: &stored["invoiceTotal"],
            netsuite_id: (),
            outstanding_balance: &stored["outstandingBalance"],
            po_number: (),
            quickbooks_id: (),
            surcharging_fee: 0,
            uri: (),
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Settlement<'a> {
    last_checked_timestamp: (),
    message: (),
    modified_timestamp: &'a str,
    next_check_timestamp: (),
    status: &'a str,
}
