//! The optional body of a refund: nothing, `{}` or `{"amount": null}` for everything left,
//! `{"amount": N}` for N minor units.

use refund_shared::json::{self, Obj};
use refund_shared::{AppResult, Errors};
use serde::Serialize;

/// The largest amount in minor units accepted (far beyond any purchase, within JSON integers).
pub const MAX_MINOR: i64 = 1_000_000_000_000_000;

#[derive(Debug, Serialize)]
pub struct RefundRequest {
    /// Minor units; `None`: everything still refundable.
    pub amount: Option<i64>,
}

pub fn parse(body: &[u8]) -> AppResult<RefundRequest> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(RefundRequest { amount: None });
    }
    let value = json::parse(body, "body")?;
    let obj = Obj::root(&value, "", false)?;
    let mut errors = Errors::default();
    let amount = obj.opt_int("amount", 1, MAX_MINOR, &mut errors);
    errors.finish(RefundRequest { amount })
}
