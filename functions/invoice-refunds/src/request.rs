//! The create request of seed 000, validated with every problem reported at once.

use refund_shared::json::{self, Obj};
use refund_shared::ledger::RefundIds;
use refund_shared::money::{self, AmountSyntax};
use refund_shared::sources::invoice::{BILL_RUN_TYPES, PAYMENT_METHODS};
use refund_shared::{AppResult, Decimal, Errors};
use serde::Serialize;

pub const MAX_DESCRIPTION: usize = 255;

/// What a valid `POST /refunds` asks for. Serialized, it is the idempotency fingerprint.
#[derive(Debug, Serialize)]
pub struct RefundRequest {
    pub invoice_id: i64,
    pub bill_run_type: String,
    pub description: Option<String>,
    pub payment_method: Option<String>,
    pub amount: Decimal,
}

pub fn parse(body: &[u8]) -> AppResult<RefundRequest> {
    let value = json::parse(body, "body")?;
    let obj = Obj::root(&value, "", false)?;
    let mut errors = Errors::default();
    let invoice_id = obj.req_int("invoiceId", 1, RefundIds::MAX_SOURCE_ID, &mut errors);
    let bill_run_type = enum_field(&obj, "billRunType", BILL_RUN_TYPES, true, &mut errors);
    let description = obj.opt_str("description", MAX_DESCRIPTION, &mut errors);
    let payment_method = enum_field(&obj, "paymentMethod", PAYMENT_METHODS, false, &mut errors);
    let amount = obj.required("amountInMajorCurrency", &mut errors).and_then(|v| {
        money::parse_positive(v, "amountInMajorCurrency", AmountSyntax::NumberOnly, &mut errors)
    });
    let (Some(invoice_id), Some(bill_run_type), Some(amount)) = (invoice_id, bill_run_type, amount) else {
        return Err(errors.fail());
    };
    errors.finish(RefundRequest {
        invoice_id,
        bill_run_type,
        description,
        payment_method,
        amount,
    })
}

fn enum_field(
    obj: &Obj,
    name: &str,
    allowed: &[&str],
    required: bool,
    errors: &mut Errors,
) -> Option<String> {
    let value = if required {
        obj.req_str(name, 64, errors)?
    } else {
        obj.opt_str(name, 64, errors)?
    };
    if allowed.contains(&value.as_str()) {
        return Some(value);
    }
    errors.not_one_of(name, name, allowed);
    None
}
