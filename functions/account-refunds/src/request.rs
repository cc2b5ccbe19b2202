//! `RefundCreate`, validated with every problem reported at once. `id`, `href`, `status`,
//! `statusDate` and `refundDate` are ignored, as the seed documents.

use crate::model::{ChannelRef, Money, RelatedParty};
use refund_shared::currency::Currency;
use refund_shared::json::{self, Obj};
use refund_shared::money::{self, AmountSyntax};
use refund_shared::sources::account;
use refund_shared::{AppResult, Decimal, Errors};
use serde::Serialize;
use serde_json::{Map, Value};

pub const METHOD_TYPES: &[&str] = &["PaymentMethodRef", "Cash", "Check"];
pub const CARD_REFERRED_TYPES: &[&str] = &["tokenizedCard", "bankAccountDebit", "bankCard"];
const TEXT: usize = 255;
const LONG_TEXT: usize = 2000;

/// What a valid create asks for. Serialized, it is the idempotency fingerprint.
#[derive(Debug, Serialize)]
pub struct RefundCreate {
    pub account_id: String,
    pub total: Money,
    pub amount: Option<Money>,
    pub tax_amount: Option<Money>,
    pub method_id: String,
    pub method_type: String,
    pub method_referred_type: Option<String>,
    pub method_name: Option<String>,
    pub authorization_code: Option<String>,
    pub channel: Option<ChannelRef>,
    pub correlator_id: Option<String>,
    pub description: Option<String>,
    pub name: Option<String>,
    pub payment_id: Option<String>,
    pub requestor: Option<RelatedParty>,
}

pub fn parse(body: &[u8]) -> AppResult<RefundCreate> {
    let value = json::parse(body, "body")?;
    let obj = Obj::root(&value, "", false)?;
    let mut errors = Errors::default();

    let account_id = obj.req_obj("account", &mut errors).and_then(|a| {
        let id = Obj::nested(a, "account", false).req_str("id", TEXT, &mut errors)?;
        let canonical = account::canonical_id(&id);
        if canonical.is_none() {
            errors.push("account.id", "invalid_id", "account.id is not a valid account id");
        }
        canonical
    });
    let total = obj
        .req_obj("totalAmount", &mut errors)
        .and_then(|m| money_value(m, "totalAmount", true, &mut errors));
    let amount = obj
        .opt_obj("amount", &mut errors)
        .and_then(|m| money_value(m, "amount", false, &mut errors));
    let tax_amount = obj
        .opt_obj("taxAmount", &mut errors)
        .and_then(|m| money_value(m, "taxAmount", false, &mut errors));
    if let Some(total) = &total {
        for (name, part) in [("amount", &amount), ("taxAmount", &tax_amount)] {
            if let Some(part) = part {
                if part.unit != total.unit {
                    errors.push(
                        format!("{name}.unit"),
                        "currency_mismatch",
                        format!("{name}.unit must be {}, the unit of totalAmount", total.unit),
                    );
                } else if part.value > total.value {
                    errors.push(
                        format!("{name}.value"),
                        "exceeds_total",
                        format!("{name}.value exceeds totalAmount.value"),
                    );
                }
            }
        }
        let sum = |a: &Money, t: &Money| money::add(a.value, t.value);
        if let (Some(a), Some(t)) = (&amount, &tax_amount)
            && a.unit == total.unit
            && t.unit == total.unit
            && sum(a, t) != total.value
        {
            errors.push(
                "totalAmount.value",
                "sum_mismatch",
                format!(
                    "totalAmount.value must equal amount.value + taxAmount.value ({})",
                    sum(a, t)
                ),
            );
        }
    }

    let method = obj
        .req_obj("paymentMethod", &mut errors)
        .map(|m| Obj::nested(m, "paymentMethod", false));
    let method_id = method.and_then(|m| m.req_str("id", TEXT, &mut errors));
    let method_type = method
        .and_then(|m| m.req_str("@type", TEXT, &mut errors))
        .and_then(|t| {
            let ok = METHOD_TYPES.contains(&t.as_str());
            if !ok {
                errors.not_one_of("paymentMethod.@type", "paymentMethod.@type", METHOD_TYPES);
            }
            ok.then_some(t)
        });
    let method_referred_type = method.and_then(|m| m.opt_str("@referredType", TEXT, &mut errors));
    if method_type.as_deref() == Some("PaymentMethodRef")
        && let Some(rt) = &method_referred_type
        && !CARD_REFERRED_TYPES.contains(&rt.as_str())
    {
        errors.not_one_of(
            "paymentMethod.@referredType",
            "paymentMethod.@referredType",
            CARD_REFERRED_TYPES,
        );
    }
    let method_name = method.and_then(|m| m.opt_str("name", TEXT, &mut errors));

    let channel = obj.opt_obj("channel", &mut errors).and_then(|c| {
        let c = Obj::nested(c, "channel", false);
        let id = c.req_str("id", TEXT, &mut errors);
        let name = c.opt_str("name", TEXT, &mut errors);
        Some(ChannelRef { id: id?, name })
    });
    let payment_id = obj
        .opt_obj("payment", &mut errors)
        .and_then(|p| Obj::nested(p, "payment", false).req_str("id", TEXT, &mut errors));
    let requestor = obj.opt_obj("requestor", &mut errors).and_then(|r| {
        let r = Obj::nested(r, "requestor", false);
        let referred_type = r.req_str("@referredType", TEXT, &mut errors);
        let id = r.req_str("id", TEXT, &mut errors);
        let name = r.req_str("name", TEXT, &mut errors);
        let role = r.opt_str("role", TEXT, &mut errors);
        Some(RelatedParty {
            id: id?,
            name: name?,
            referred_type: referred_type?,
            role,
        })
    });
    let authorization_code = obj.opt_str("authorizationCode", TEXT, &mut errors);
    let correlator_id = obj.opt_str("correlatorId", TEXT, &mut errors);
    let description = obj.opt_str("description", LONG_TEXT, &mut errors);
    let name = obj.opt_str("name", TEXT, &mut errors);
    for ignored_but_typed in ["@type", "@baseType", "@schemaLocation"] {
        obj.opt_str(ignored_but_typed, LONG_TEXT, &mut errors);
    }

    let (Some(account_id), Some(total), Some(method_id), Some(method_type)) =
        (account_id, total, method_id, method_type)
    else {
        return Err(errors.fail());
    };
    errors.finish(RefundCreate {
        account_id,
        total,
        amount,
        tax_amount,
        method_id,
        method_type,
        method_referred_type,
        method_name,
        authorization_code,
        channel,
        correlator_id,
        description,
        name,
        payment_id,
        requestor,
    })
}

/// A `Money` object: an ISO 4217 `unit` and a `value` within its decimals; positive for the
/// total, not negative for its parts.
fn money_value(m: &Map<String, Value>, path: &str, positive: bool, errors: &mut Errors) -> Option<Money> {
    let m = Obj::nested(m, path, false);
    let unit = m
        .required("unit", errors)
        .and_then(|v| money::parse_currency(v, &m.path("unit"), errors));
    let value_path = m.path("value");
    let value = m.required("value", errors).and_then(|v| {
        if positive {
            money::parse_positive(v, &value_path, AmountSyntax::NumberOnly, errors)
        } else {
            let d = money::parse_decimal(v, &value_path, AmountSyntax::NumberOnly, errors)?;
            if d < Decimal::ZERO {
                errors.push(
                    value_path.clone(),
                    "negative",
                    format!("{value_path} must not be negative"),
                );
                return None;
            }
            Some(d)
        }
    });
    let (unit, value): (Currency, Decimal) = (unit?, value?);
    money::check_scale(value, unit, &value_path, errors).then(|| Money {
        unit: unit.code.to_string(),
        value,
    })
}
