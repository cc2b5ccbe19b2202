//! The refundable sources the admin component loads, one module per kind. Each kind validates
//! its admin body, says what was captured (in all and per part), and gives APIs a typed view of
//! the facts they read from the stored record.

pub mod account;
pub mod invoice;
pub mod order;
pub mod payment;
pub mod purchase;

use crate::currency::Currency;
use crate::error::{AppResult, Errors};
use crate::json::Obj;
use crate::ledger::{Parts, RefundIds, SourceRecord, StoredJson};
use crate::money::{self, AmountSyntax};
use rust_decimal::Decimal;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// What a validated admin body amounts to in the ledger.
pub struct Loaded {
    pub currency: Currency,
    pub captured: Decimal,
    pub parts: Parts,
    /// The normalized body, stored as the record's `data`.
    pub data: StoredJson,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Invoice,
    Account,
    Payment,
    Purchase,
    Order,
}

impl Kind {
    pub fn parse(name: &str) -> Option<Kind> {
        Some(match name {
            invoice::KIND => Kind::Invoice,
            account::KIND => Kind::Account,
            payment::KIND => Kind::Payment,
            purchase::KIND => Kind::Purchase,
            order::KIND => Kind::Order,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Kind::Invoice => invoice::KIND,
            Kind::Account => account::KIND,
            Kind::Payment => payment::KIND,
            Kind::Purchase => purchase::KIND,
            Kind::Order => order::KIND,
        }
    }

    /// The id in its canonical form, or `None` when it cannot be an id of this kind.
    pub fn canonical_id(self, id: &str) -> Option<String> {
        match self {
            Kind::Invoice | Kind::Payment => integer_id(id, RefundIds::MAX_SOURCE_ID),
            Kind::Order => integer_id(id, i64::from(i32::MAX)),
            Kind::Account => account::canonical_id(id),
            Kind::Purchase => purchase::canonical_id(id),
        }
    }

    pub fn load(self, body: &Value) -> AppResult<Loaded> {
        let obj = Obj::root(body, "", false)?;
        match self {
            Kind::Invoice => invoice::load(obj),
            Kind::Account => account::load(obj),
            Kind::Payment => payment::load(obj),
            Kind::Purchase => purchase::load(obj),
            Kind::Order => order::load(obj),
        }
    }
}

/// A positive integer id no larger than `max`, without signs or leading zeros.
pub fn integer_id(id: &str, max: i64) -> Option<String> {
    if id.is_empty() || id.len() > 19 || id.starts_with('0') || !id.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: i64 = id.parse().ok()?;
    (n <= max).then(|| n.to_string())
}

/// The typed facts of a stored source, for the API that reads them.
pub fn facts<T: DeserializeOwned>(record: &SourceRecord) -> AppResult<T> {
    record.data.read(format_args!("{} {}", record.kind, record.id))
}

/// A non-negative amount in the source's currency: a JSON number or a decimal string.
fn amount(obj: &Obj, name: &str, currency: Option<Currency>, errors: &mut Errors) -> Option<Decimal> {
    let value = obj.required(name, errors)?;
    amount_value(value, &obj.path(name), currency, errors)
}

fn amount_value(
    value: &Value,
    path: &str,
    currency: Option<Currency>,
    errors: &mut Errors,
) -> Option<Decimal> {
    let amount = money::parse_decimal(value, path, AmountSyntax::NumberOrString, errors)?;
    if amount < Decimal::ZERO {
        errors.push(path, "negative", format!("{path} must not be negative"));
        return None;
    }
    match currency {
        Some(c) if !money::check_scale(amount, c, path, errors) => None,
        _ => Some(amount),
    }
}

fn currency(obj: &Obj, errors: &mut Errors) -> Option<Currency> {
    let value = obj.required("currency", errors)?;
    money::parse_currency(value, "currency", errors)
}

/// One of `allowed`, reported against the field otherwise.
fn one_of(obj: &Obj, name: &str, allowed: &[&str], required: bool, errors: &mut Errors) -> Option<String> {
    let value = if required {
        obj.req_str(name, 64, errors)?
    } else {
        obj.opt_str(name, 64, errors)?
    };
    if allowed.contains(&value.as_str()) {
        Some(value)
    } else {
        errors.not_one_of(obj.path(name), name, allowed);
        None
    }
}

#[cfg(test)]
mod tests;
