//! The create request of seed 004. Property names match in any case, as the platform behind the
//! seed does; errors name them as the seed spells them.

use crate::types::RefundType;
use refund_shared::json::{self, Obj};
use refund_shared::money::{self, AmountSyntax};
use refund_shared::{AppResult, Decimal, Errors};
use serde::Serialize;

const TEXT: usize = 255;

#[derive(Debug, Serialize)]
pub struct CreateRefund {
    pub amount: Decimal,
    pub order_row_id: Option<i64>,
    pub reference: Option<String>,
    pub description: Option<String>,
    pub author: Option<String>,
    pub to_balance: bool,
    pub settled: bool,
    #[serde(serialize_with = "type_code")]
    pub refund_type: RefundType,
    pub skip_refund_events: bool,
    pub requires_approval: bool,
}

fn type_code<S: serde::Serializer>(t: &RefundType, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_i64(t.code())
}

pub fn parse(body: &[u8]) -> AppResult<CreateRefund> {
    let value = json::parse_case_insensitive(body, "body")?;
    let obj = Obj::root(&value, "", true)?;
    let mut errors = Errors::default();
    let amount = obj
        .required("RefundAmount", &mut errors)
        .and_then(|v| money::parse_positive(v, "RefundAmount", AmountSyntax::NumberOnly, &mut errors));
    let order_row_id = obj.opt_int("OrderRowId", 1, i64::from(i32::MAX), &mut errors);
    let reference = obj.opt_str("Reference", TEXT, &mut errors);
    let description = obj.opt_str("Description", 1000, &mut errors);
    let author = obj.opt_str("Author", TEXT, &mut errors);
    let to_balance = obj.opt_bool("ToBalance", &mut errors).unwrap_or(false);
    let settled = obj.opt_bool("Settled", &mut errors).unwrap_or(false);
    let skip_refund_events = obj.opt_bool("SkipRefundEvents", &mut errors).unwrap_or(false);
    let requires_approval = obj
        .opt_bool("RefundsRequireApproval", &mut errors)
        .unwrap_or(false);
    let refund_type = match obj.get("RefundType") {
        None => Some(RefundType::Default),
        Some(v) => json::as_int(v, "RefundType", i64::MIN, i64::MAX, &mut errors).and_then(|code| {
            let t = RefundType::from_code(code);
            if t.is_none() {
                errors.push(
                    "RefundType",
                    "invalid_enum",
                    "RefundType must be one of 0, 1, 2, 3",
                );
            }
            t
        }),
    };
    if let (Some(t), Some(_)) = (refund_type, order_row_id)
        && !t.takes_row()
    {
        errors.push(
            "OrderRowId",
            "not_applicable",
            format!("OrderRowId does not apply to {} refunds", t.name()),
        );
    }
    let (Some(amount), Some(refund_type)) = (amount, refund_type) else {
        return Err(errors.fail());
    };
    errors.finish(CreateRefund {
        amount,
        order_row_id,
        reference,
        description,
        author,
        to_balance,
        settled,
        refund_type,
        skip_refund_events,
        requires_approval,
    })
}
