//! A payment activity (refund API 002) and the invoices it paid.

use super::{Loaded, amount, amount_value, currency};
use crate::error::{AppResult, Errors};
use crate::json::{Obj, as_int};
use crate::ledger::{Parts, StoredJson};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

pub const KIND: &str = "payment";

/// The ledger part of one invoice the payment paid.
pub fn invoice_part(invoice_id: i64) -> String {
    format!("invoice:{invoice_id}")
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Payment {
    pub customer_id: i64,
    pub currency: String,
    #[serde(deserialize_with = "crate::money::stored")]
    pub amount: Decimal,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    pub invoices: Vec<PaidInvoice>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaidInvoice {
    pub invoice_id: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invoice_number: Option<i64>,
    /// What this payment paid on the invoice.
    #[serde(deserialize_with = "crate::money::stored")]
    pub amount: Decimal,
    #[serde(deserialize_with = "crate::money::stored")]
    pub invoice_total: Decimal,
    #[serde(deserialize_with = "crate::money::stored")]
    pub outstanding_balance: Decimal,
}

pub(super) fn load(obj: Obj) -> AppResult<Loaded> {
    let mut errors = Errors::default();
    let customer_id = obj.req_int("customerId", 1, i64::MAX, &mut errors);
    let currency = currency(&obj, &mut errors);
    let total = amount(&obj, "amount", currency, &mut errors);
    let reference = obj.opt_str("reference", 255, &mut errors);
    let mut invoices = Vec::new();
    let mut parts = Parts::default();
    for (i, item) in obj
        .opt_array("invoices", 1000, &mut errors)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let path = format!("invoices[{i}]");
        let Some(inv) = item.as_object() else {
            errors.push(path, "invalid_type", "an invoice must be an object");
            continue;
        };
        let inv = Obj::nested(inv, &path, false);
        let invoice_id = inv
            .required("invoiceId", &mut errors)
            .and_then(|v| as_int(v, &inv.path("invoiceId"), 1, i64::MAX, &mut errors));
        let invoice_number = inv.opt_int("invoiceNumber", 0, i64::MAX, &mut errors);
        let paid = amount(&inv, "amount", currency, &mut errors);
        let invoice_total = inv
            .get("invoiceTotal")
            .and_then(|v| amount_value(v, &inv.path("invoiceTotal"), currency, &mut errors));
        let outstanding = inv
            .get("outstandingBalance")
            .and_then(|v| amount_value(v, &inv.path("outstandingBalance"), currency, &mut errors));
        if let (Some(invoice_id), Some(paid)) = (invoice_id, paid) {
            if !parts.insert_new(invoice_part(invoice_id), paid) {
                errors.push(
                    inv.path("invoiceId"),
                    "duplicate",
                    format!("invoice {invoice_id} is listed twice"),
                );
            }
            invoices.push(PaidInvoice {
                invoice_id,
                invoice_number,
                amount: paid,
                invoice_total: invoice_total.unwrap_or(paid),
                outstanding_balance: outstanding.unwrap_or(Decimal::ZERO),
            });
        }
    }
    if let Some(total) = total
        && parts.total() > total
    {
        errors.push(
            "invoices",
            "over_allocated",
            "the invoices add up to more than the payment's amount",
        );
    }
    let (Some(customer_id), Some(currency), Some(total)) = (customer_id, currency, total) else {
        return Err(errors.fail());
    };
    errors.finish(())?;
    let payment = Payment {
        customer_id,
        currency: currency.code.to_string(),
        amount: total,
        reference,
        invoices,
    };
    Ok(Loaded {
        currency,
        captured: total,
        parts,
        data: StoredJson::of(&payment),
    })
}
