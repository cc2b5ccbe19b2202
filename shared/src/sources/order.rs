//! A commerce order (refund API 004): its rows, shipping and invoice fee.

use super::{Loaded, amount, amount_value, currency};
use crate::error::{AppResult, Errors};
use crate::json::{Obj, as_int};
use crate::ledger::{Parts, StoredJson};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

pub const KIND: &str = "order";
pub const SHIPPING: &str = "shipping";
pub const INVOICE_FEE: &str = "invoiceFee";

pub fn row_part(row_id: i64) -> String {
    format!("row:{row_id}")
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Order {
    pub customer_id: i64,
    pub currency: String,
    pub rows: Vec<OrderRow>,
    #[serde(deserialize_with = "crate::money::stored")]
    pub shipping: Decimal,
    #[serde(deserialize_with = "crate::money::stored")]
    pub invoice_fee: Decimal,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderRow {
    pub row_id: i64,
    #[serde(deserialize_with = "crate::money::stored")]
    pub amount: Decimal,
}

pub(super) fn load(obj: Obj) -> AppResult<Loaded> {
    let mut errors = Errors::default();
    let customer_id = obj.req_int("customerId", 1, i64::MAX, &mut errors);
    let currency = currency(&obj, &mut errors);
    let shipping = obj.get("shipping").map_or(Some(Decimal::ZERO), |v| {
        amount_value(v, "shipping", currency, &mut errors)
    });
    let invoice_fee = obj.get("invoiceFee").map_or(Some(Decimal::ZERO), |v| {
        amount_value(v, "invoiceFee", currency, &mut errors)
    });
    let mut rows = Vec::new();
    let mut parts = Parts::default();
    if obj.required("rows", &mut errors).is_some() {
        for (i, item) in obj
            .opt_array("rows", 1000, &mut errors)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let path = format!("rows[{i}]");
            let Some(row) = item.as_object() else {
                errors.push(path, "invalid_type", "a row must be an object");
                continue;
            };
            let row = Obj::nested(row, &path, false);
            let row_id = row
                .required("rowId", &mut errors)
                .and_then(|v| as_int(v, &row.path("rowId"), 1, i64::from(i32::MAX), &mut errors));
            let row_amount = amount(&row, "amount", currency, &mut errors);
            if let (Some(row_id), Some(row_amount)) = (row_id, row_amount) {
                if !parts.insert_new(row_part(row_id), row_amount) {
                    errors.push(
                        row.path("rowId"),
                        "duplicate",
                        format!("row {row_id} is listed twice"),
                    );
                }
                rows.push(OrderRow {
                    row_id,
                    amount: row_amount,
                });
            }
        }
    }
    let (Some(customer_id), Some(currency), Some(shipping), Some(invoice_fee)) =
        (customer_id, currency, shipping, invoice_fee)
    else {
        return Err(errors.fail());
    };
    errors.finish(())?;
    parts.add(SHIPPING, shipping);
    parts.add(INVOICE_FEE, invoice_fee);
    let captured = parts.total();
    let order = Order {
        customer_id,
        currency: currency.code.to_string(),
        rows,
        shipping,
        invoice_fee,
    };
    Ok(Loaded {
        currency,
        captured,
        parts,
        data: StoredJson::of(&order),
    })
}
