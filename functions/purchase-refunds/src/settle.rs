//! `POST /admin/v1/purchases/{id}/settle-refund` `{"outcome": "success"|"failure", "message"}`:
//! an asynchronous acquirer finished the pending refund. Success creates the Payment; failure
//! releases the reserved amount and records the error among the attempts.

use crate::purchase::{FAILED, PENDING, SUCCESS, View};
use crate::refund::REFUSED;
use crate::{KIND, attempts, view};
use refund_shared::http::{Request, Response};
use refund_shared::json::{self, Obj};
use refund_shared::ledger::Write;
use refund_shared::store::Store;
use refund_shared::webhook;
use refund_shared::{AppError, AppResult, Ctx, Errors};

pub async fn settle<S: Store>(req: &Request, ctx: &Ctx<S>, id: &str) -> AppResult<Response> {
    req.require_json()?;
    let value = json::parse(req.body()?, "body")?;
    let obj = Obj::root(&value, "", false)?;
    let mut errors = Errors::default();
    let outcome = obj.req_str("outcome", 16, &mut errors);
    let message = obj.opt_str("message", 1000, &mut errors);
    if let Some(o) = &outcome
        && o != "success"
        && o != "failure"
    {
        errors.push("outcome", "invalid_enum", "outcome must be success or failure");
    }
    let Some(outcome) = outcome else {
        return Err(errors.fail());
    };
    errors.finish(())?;
    let success = outcome == "success";
    let now = ctx.now;
    let events = ctx.webhook.is_some();
    // The purchase's facts, read for the decision and kept for the answer.
    let mut facts = None;
    let (entry, record) = ctx
        .ledger()
        .modify(KIND, id, |slot| {
            let record = slot
                .as_mut()
                .ok_or_else(|| AppError::NotFound(format!("purchase {id}")))?;
            let view = View::of(record)?;
            let pending = view
                .pending()
                .ok_or_else(|| AppError::Conflict("this purchase has no pending refund".into()))?;
            let amount = view.minor(pending.amount);
            facts = Some(view.facts);
            let entry = record
                .refunds
                .find_mut(|r| r.status == PENDING)?
                .ok_or_else(|| AppError::Store("the pending refund is gone".into()))?;
            entry.updated = now;
            let attempt = if success {
                entry.status = SUCCESS.into();
                attempts::success(amount, &entry.id, now)
            } else {
                entry.status = FAILED.into();
                entry.holds_funds = false;
                let reason = message
                    .clone()
                    .unwrap_or_else(|| "the acquirer declined the refund".into());
                attempts::failure(Some(amount), REFUSED, &reason, now)
            };
            let entry = entry.clone();
            attempts::record(record, attempt);
            if events {
                super::refund::raise_event(record, &entry, now);
            }
            Ok(Write::Save(entry))
        })
        .await?;
    let record = record.ok_or_else(|| AppError::Store("the purchase was not saved".into()))?;
    webhook::deliver(ctx, &record).await;
    let purchase = View::after(&record, facts)?;
    Ok(if success {
        Response::json(200, &view::payment(&purchase, &entry))
    } else {
        Response::json(200, &view::purchase(&purchase)?)
    })
}
