//! The third-party refund status lifecycle, driven by the back office:
//! `CREATED -> PENDING_SUBMISSION -> SUBMITTED -> PAID -> REFUND_SETTLED`, with `CANCELLED`,
//! `BOUNCED`, `FUNDS_RETURNED` and `MANUALLY_REFUNDED` where they make sense. The statuses that
//! mean the money did not reach the customer give the amount back to the invoice.

use crate::KIND;
use crate::read::view;
use crate::view::StoredFields;
use refund_shared::http::{Request, Response};
use refund_shared::json::{self, Obj};
use refund_shared::ledger::{RefundIds, StoredJson};
use refund_shared::sources::integer_id;
use refund_shared::store::Store;
use refund_shared::webhook;
use refund_shared::{AppError, AppResult, Ctx, Errors};

pub const STATUSES: &[&str] = &[
    "CREATED",
    "PENDING_SUBMISSION",
    "SUBMITTED",
    "PAID",
    "CANCELLED",
    "BOUNCED",
    "FUNDS_RETURNED",
    "MANUALLY_REFUNDED",
    "REFUND_SETTLED",
];

/// Which statuses each status may move to.
fn next(from: &str) -> &'static [&'static str] {
    match from {
        "CREATED" => &[
            "PENDING_SUBMISSION",
            "SUBMITTED",
            "CANCELLED",
            "MANUALLY_REFUNDED",
        ],
        "PENDING_SUBMISSION" => &["SUBMITTED", "CANCELLED", "MANUALLY_REFUNDED"],
        "SUBMITTED" => &["PAID", "BOUNCED", "CANCELLED"],
        "PAID" => &["REFUND_SETTLED", "BOUNCED", "FUNDS_RETURNED"],
        "REFUND_SETTLED" => &["FUNDS_RETURNED"],
        // A bounced refund may be sent again or paid by hand; either holds the amount again.
        "BOUNCED" => &["PENDING_SUBMISSION", "MANUALLY_REFUNDED"],
        _ => &[],
    }
}

/// Whether the refund's amount stays taken from the invoice in this status.
pub fn holds_funds(status: &str) -> bool {
    !matches!(status, "CANCELLED" | "BOUNCED" | "FUNDS_RETURNED")
}

pub async fn set_status<S: Store>(req: &Request, ctx: &Ctx<S>, id: &str) -> AppResult<Response> {
    req.require_json()?;
    let value = json::parse(req.body()?, "body")?;
    let obj = Obj::root(&value, "", false)?;
    let mut errors = Errors::default();
    let status = obj.req_str("thirdPartyRefundStatus", 64, &mut errors);
    let error_info = obj.opt_str("errorInfo", 1000, &mut errors);
    if let Some(s) = &status
        && !STATUSES.contains(&s.as_str())
    {
        errors.not_one_of("thirdPartyRefundStatus", "thirdPartyRefundStatus", STATUSES);
    }
    let Some(status) = status else {
        return Err(errors.fail());
    };
    errors.finish(())?;

    let not_found = || AppError::NotFound(format!("refund {id}"));
    let n: i64 = integer_id(id, i64::MAX)
        .and_then(|s| s.parse().ok())
        .ok_or_else(not_found)?;
    let source = RefundIds::source_of(n).ok_or_else(not_found)?.to_string();
    let (entry, record) = ctx
        .ledger()
        .update_refund(KIND, &source, id, "invoice", |entry, _| {
            if entry.status != status && !next(&entry.status).contains(&status.as_str()) {
                return Err(AppError::Conflict(format!(
                    "a refund in status {} cannot move to {status}",
                    entry.status
                )));
            }
            let mut fields: StoredFields = entry.fields()?;
            if error_info.is_some() {
                fields.error_info = error_info.clone();
            }
            entry.data = StoredJson::of(&fields);
            entry.status = status.clone();
            entry.holds_funds = holds_funds(&status);
            Ok(())
        })
        .await
        .map_err(|e| match e {
            AppError::NotFound(_) => not_found(),
            other => other,
        })?;
    webhook::deliver(ctx, &record).await;
    Ok(Response::json(200, &view(&entry)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_is_reachable_from_created() {
        let mut seen = vec!["CREATED"];
        let mut i = 0;
        while i < seen.len() {
            for s in next(seen[i]) {
                if !seen.contains(s) {
                    seen.push(s);
                }
            }
            i += 1;
        }
        assert_eq!(seen.len(), STATUSES.len());
    }

    #[test]
    fn terminal_statuses_and_releases() {
        assert!(next("CANCELLED").is_empty() && next("FUNDS_RETURNED").is_empty());
        assert!(!holds_funds("BOUNCED") && holds_funds("PAID") && holds_funds("MANUALLY_REFUNDED"));
    }
}
