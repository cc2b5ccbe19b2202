//! A billing account (refund API 001): its payments, its assigned payment method.

use super::{Loaded, amount_value, currency};
use crate::error::{AppResult, Errors};
use crate::json::{Obj, as_str};
use crate::ledger::{Parts, StoredJson};
use rust_decimal::Decimal;
use serde::Serialize;

pub const KIND: &str = "account";

/// Account ids: 1 to 128 of `A-Z a-z 0-9 . _ - + :` (billing systems write ids like
/// `0.0.0.1+-account+84808`); nothing that needs escaping in a key or a path.
pub fn canonical_id(id: &str) -> Option<String> {
    let ok = (1..=128).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-+:".contains(&b));
    ok.then(|| id.to_string())
}

/// The ledger part of one payment of an account.
pub fn payment_part(payment_id: &str) -> String {
    format!("payment:{payment_id}")
}

/// Written only: account-refunds reads the stored facts member by member.
#[derive(Debug, Clone, Serialize)]
pub struct Account {
    pub name: String,
    pub currency: String,
    #[serde(rename = "paymentMethod")]
    pub payment_method: AssignedMethod,
    pub payments: Vec<AccountPayment>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AssignedMethod {
    pub id: String,
    #[serde(rename = "@type")]
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AccountPayment {
    pub id: String,
    pub amount: Decimal,
}

pub(super) fn load(obj: Obj) -> AppResult<Loaded> {
    let mut errors = Errors::default();
    let name = obj.req_str("name", 255, &mut errors);
    let currency = currency(&obj, &mut errors);
    let method = obj.req_obj("paymentMethod", &mut errors).and_then(|m| {
        let m = Obj::nested(m, "paymentMethod", false);
        let id = m.req_str("id", 255, &mut errors);
        let kind = m.req_str("@type", 64, &mut errors);
        let name = m.opt_str("name", 255, &mut errors);
        Some(AssignedMethod {
            id: id?,
            kind: kind?,
            name,
        })
    });
    let mut payments = Vec::new();
    let mut parts = Parts::default();
    if obj.required("payments", &mut errors).is_some() {
        for (i, item) in obj
            .opt_array("payments", 1000, &mut errors)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let path = format!("payments[{i}]");
            let Some(p) = item.as_object() else {
                errors.push(path, "invalid_type", "a payment must be an object");
                continue;
            };
            let p = Obj::nested(p, &path, false);
            let id = p
                .required("id", &mut errors)
                .and_then(|v| as_str(v, &p.path("id"), 64, &mut errors));
            let amount = p
                .required("amount", &mut errors)
                .and_then(|v| amount_value(v, &p.path("amount"), currency, &mut errors));
            if let (Some(id), Some(amount)) = (id, amount) {
                if !parts.insert_new(payment_part(&id), amount) {
                    errors.push(p.path("id"), "duplicate", format!("payment {id} is listed twice"));
                }
                payments.push(AccountPayment { id, amount });
            }
        }
    }
    let (Some(name), Some(currency), Some(payment_method)) = (name, currency, method) else {
        return Err(errors.fail());
    };
    errors.finish(())?;
    let account = Account {
        name,
        currency: currency.code.to_string(),
        payment_method,
        payments,
    };
    Ok(Loaded {
        currency,
        captured: parts.total(),
        parts,
        data: StoredJson::of(&account),
    })
}
