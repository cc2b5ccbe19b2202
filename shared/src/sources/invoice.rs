//! An invoice (refund API 000): what the customer paid on it, in one currency.

use super::{Loaded, amount, currency, one_of};
use crate::error::{AppResult, Errors};
use crate::json::Obj;
use crate::ledger::{Parts, StoredJson};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

pub const KIND: &str = "invoice";

pub const BILL_RUN_TYPES: &[&str] = &["NORMAL", "ADHOC"];

/// The payment methods of the invoice refund API (seed 000).
pub const PAYMENT_METHODS: &[&str] = &[
    "CHEQUE",
    "DIRECT_DEBIT",
    "CANCELLED_DD",
    "CANCELLED_CARD",
    "CREDIT_CARD",
    "PAYPAL",
    "BACS",
    "POST_OFFICE_PAYMENT_CARD",
    "EZYPAY",
    "GO_CARDLESS",
    "GC_INSTANT_BANK_PAYMENTS",
    "STRIPE",
    "STRIPE_CARD",
    "STRIPE_DD",
    "FINASTRA",
    "FAST_PAY",
    "OTHER",
];

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Invoice {
    pub customer_id: i64,
    pub bill_run_type: String,
    pub currency: String,
    #[serde(deserialize_with = "crate::money::stored")]
    pub amount_paid: Decimal,
    pub payment_method: String,
}

pub(super) fn load(obj: Obj) -> AppResult<Loaded> {
    let mut errors = Errors::default();
    let customer_id = obj.req_int("customerId", 1, i64::MAX, &mut errors);
    let bill_run_type = one_of(&obj, "billRunType", BILL_RUN_TYPES, true, &mut errors);
    let currency = currency(&obj, &mut errors);
    let amount_paid = amount(&obj, "amountPaid", currency, &mut errors);
    let payment_method = one_of(&obj, "paymentMethod", PAYMENT_METHODS, true, &mut errors);
    let (Some(customer_id), Some(bill_run_type), Some(currency), Some(amount_paid), Some(payment_method)) =
        (customer_id, bill_run_type, currency, amount_paid, payment_method)
    else {
        return Err(errors.fail());
    };
    let invoice = Invoice {
        customer_id,
        bill_run_type,
        currency: currency.code.to_string(),
        amount_paid,
        payment_method,
    };
    Ok(Loaded {
        currency,
        captured: amount_paid,
        parts: Parts::default(),
        data: StoredJson::of(&invoice),
    })
}
