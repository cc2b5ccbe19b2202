//! The `refund` parameter of seed 002, read from any body format into one validated request.
//! Property names match in any case, as on the platform behind the seed; errors name them
//! `refund.<camelCase>` as its ModelState does.

use crate::{form, method, xml};
use refund_shared::http::Request;
use refund_shared::json::{self, Obj};
use refund_shared::ledger::RefundIds;
use refund_shared::money::{self, AmountSyntax};
use refund_shared::{AppError, AppResult, Decimal, Errors, clock};
use serde::Serialize;
use serde_json::{Number, Value};
use std::str::FromStr;

pub const MAX_ALLOCATIONS: usize = 1000;

#[derive(Debug, Serialize)]
pub struct Allocation {
    pub invoice_id: i64,
    pub amount: Decimal,
    /// Where the invoice first appears in the request, for error paths.
    #[serde(skip)]
    pub index: usize,
}

#[derive(Debug, Serialize)]
pub struct RefundRequest {
    pub original_payment_id: i64,
    pub amount: Decimal,
    /// One entry per invoice: repeated invoice ids are summed.
    pub allocations: Vec<Allocation>,
    pub reference: Option<String>,
    pub reference_date: Option<String>,
    pub method: Option<i64>,
    pub netsuite_id: Option<String>,
}

/// Reads the body in the format its content type names: JSON (`application/json`,
/// `text/json`, or none), XML (`application/xml`, `text/xml`) or a form; anything else is 415.
pub fn parse(req: &Request) -> AppResult<RefundRequest> {
    let body = req.body()?;
    let (value, text) = match req.media_type().as_deref() {
        None | Some("application/json" | "text/json") => (json::parse_case_insensitive(body, "body")?, false),
        Some("application/xml" | "text/xml") => {
            let text = std::str::from_utf8(body)
                .map_err(|_| AppError::field("body", "invalid_encoding", "the body is not valid UTF-8"))?;
            (xml::to_value(text, "Refund", &["RefundAllocations"])?, true)
        }
        Some("application/x-www-form-urlencoded") => (form::to_value(body)?, true),
        Some(other) => return Err(AppError::UnsupportedMediaType(other.to_string())),
    };
    validate(&value, text)
}

/// `text`: values arrive as strings (XML, forms) and are read as the numbers they spell.
fn validate(value: &Value, text: bool) -> AppResult<RefundRequest> {
    let obj = Obj::root(value, "refund", true)?;
    let mut errors = Errors::default();
    let original_payment_id = obj.required("originalPaymentId", &mut errors).and_then(|v| {
        int(
            v,
            &obj.path("originalPaymentId"),
            1,
            RefundIds::MAX_SOURCE_ID,
            text,
            &mut errors,
        )
    });
    let amount = obj
        .required("amount", &mut errors)
        .and_then(|v| positive(v, &obj.path("amount"), text, &mut errors));
    let reference = obj.opt_str("reference", 255, &mut errors);
    let reference_date = obj.opt_str("referenceDate", 64, &mut errors).and_then(|d| {
        let ok = clock::parse_rfc3339(&d).is_some();
        if !ok {
            errors.push(
                obj.path("referenceDate"),
                "invalid_date",
                "referenceDate must be an ISO 8601 date-time with an offset",
            );
        }
        ok.then_some(d)
    });
    let method = obj
        .get("method")
        .and_then(|v| method_value(v, &obj.path("method"), text, &mut errors));
    let netsuite_id = obj.opt_str("netsuiteId", 255, &mut errors);

    let mut allocations: Vec<Allocation> = Vec::new();
    let items = match obj.get("refundAllocations") {
        Some(Value::String(s)) if text && s.is_empty() => None,
        _ => obj.opt_array("refundAllocations", MAX_ALLOCATIONS, &mut errors),
    };
    for (i, item) in items.into_iter().flatten().enumerate() {
        let path = obj.path(&format!("refundAllocations[{i}]"));
        let Some(map) = item.as_object() else {
            errors.push(path, "invalid_type", "an allocation must be an object");
            continue;
        };
        let a = Obj::nested(map, &path, true);
        let invoice_id = a
            .required("invoiceId", &mut errors)
            .and_then(|v| int(v, &a.path("invoiceId"), 1, i64::MAX, text, &mut errors));
        let share = a
            .required("amount", &mut errors)
            .and_then(|v| positive(v, &a.path("amount"), text, &mut errors));
        if let (Some(invoice_id), Some(share)) = (invoice_id, share) {
            match allocations.iter_mut().find(|x| x.invoice_id == invoice_id) {
                Some(existing) => existing.amount = money::add(existing.amount, share),
                None => allocations.push(Allocation {
                    invoice_id,
                    amount: share,
                    index: i,
                }),
            }
        }
    }
    if let Some(amount) = amount {
        let allocated = money::sum(allocations.iter().map(|a| a.amount));
        if allocated > amount {
            errors.push(
                obj.path("refundAllocations"),
                "over_allocated",
                format!("the allocations add up to {allocated}, more than amount {amount}"),
            );
        }
    }
    let (Some(original_payment_id), Some(amount)) = (original_payment_id, amount) else {
        return Err(errors.fail());
    };
    errors.finish(RefundRequest {
        original_payment_id,
        amount,
        allocations,
        reference,
        reference_date,
        method,
        netsuite_id,
    })
}

/// A string that spells a number, as the number (for XML and form values).
fn as_number(value: &Value, text: bool) -> Value {
    match value {
        Value::String(s) if text => Number::from_str(s.trim())
            .map(Value::Number)
            .unwrap_or_else(|_| value.clone()),
        other => other.clone(),
    }
}

fn int(value: &Value, path: &str, min: i64, max: i64, text: bool, errors: &mut Errors) -> Option<i64> {
    json::as_int(&as_number(value, text), path, min, max, errors)
}

fn positive(value: &Value, path: &str, text: bool, errors: &mut Errors) -> Option<Decimal> {
    let syntax = if text {
        AmountSyntax::NumberOrString
    } else {
        AmountSyntax::NumberOnly
    };
    money::parse_positive(value, path, syntax, errors)
}

fn method_value(value: &Value, path: &str, text: bool, errors: &mut Errors) -> Option<i64> {
    let by_name = match value {
        Value::String(s) if text => method::from_name(s.trim()),
        _ => None,
    };
    let code = by_name.or_else(|| match as_number(value, text) {
        Value::Number(n) => n.as_i64(),
        _ => None,
    });
    match code.filter(|c| method::name(*c).is_some()) {
        Some(c) => Some(c),
        None => {
            errors.not_one_of(path, "method", method::CHOICES);
            None
        }
    }
}
