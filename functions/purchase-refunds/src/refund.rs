//! `POST /purchases/{id}/refund/`.

use crate::purchase::{FAILED, PENDING, SUCCESS, View};
use crate::request::{self, RefundRequest};
use crate::{KIND, attempts, view};
use refund_shared::http::{Request, Response};
use refund_shared::ledger::RefundEntry;
use refund_shared::ledger::{NewRefund, SourceRecord, StoredJson, Write};
use refund_shared::outbox;
use refund_shared::store::Store;
use refund_shared::webhook;
use refund_shared::{AppError, AppResult, Ctx, idempotency, money};

pub const REFUSED: &str = "purchase_refund_error";

pub async fn refund<S: Store>(req: &Request, ctx: &Ctx<S>, id: &str) -> AppResult<Response> {
    req.require_json()?;
    let asked = request::parse(req.body()?)?;
    let keys = idempotency::keys(req, &asked, None)?;
    let now = ctx.now;
    let events = ctx.webhook.is_some();
    // The facts the decision read, for the answer's view (a replay reads them there).
    let mut facts = None;
    // One compare-and-swap takes the refund or records the refusal among the attempts.
    let (outcome, record) = ctx
        .ledger()
        .modify(KIND, id, |slot| {
            let record = slot
                .as_mut()
                .ok_or_else(|| AppError::NotFound(format!("purchase {id}")))?;
            if let Some(entry) = record.replay(&keys)? {
                return Ok(Write::Skip(Ok((entry, true))));
            }
            let purchase = View::of(record)?;
            let decided = decide(&asked, &purchase);
            facts = Some(purchase.facts);
            match decided {
                Ok((new, amount)) => {
                    let entry = record.take(new, &keys, now)?;
                    let attempt = if entry.status == PENDING {
                        attempts::pending(amount, &entry.id, now)
                    } else {
                        attempts::success(amount, &entry.id, now)
                    };
                    attempts::record(record, attempt);
                    if events {
                        raise_event(record, &entry, now);
                    }
                    Ok(Write::Save(Ok((entry, false))))
                }
                Err(AppError::Refused { field, code, message }) => {
                    attempts::record(record, attempts::failure(asked.amount, code, &message, now));
                    Ok(Write::Save(Err(AppError::Refused { field, code, message })))
                }
                Err(other) => Err(other),
            }
        })
        .await?;
    let (entry, replayed) = outcome?;
    let record = record.ok_or_else(|| AppError::Store("the purchase was not saved".into()))?;
    if !replayed {
        webhook::deliver(ctx, &record).await;
    }
    let purchase = View::after(&record, facts)?;
    // An asynchronous acquirer answers with the purchase, pending; otherwise the refund Payment.
    let response = if entry.status == PENDING {
        Response::json(200, &view::purchase(&purchase)?)
    } else {
        Response::json(200, &view::payment(&purchase, &entry))
    };
    Ok(response.about_refund(&entry.id, replayed))
}

/// The refund to take, and its amount in minor units.
fn decide(asked: &RefundRequest, purchase: &View) -> AppResult<(NewRefund, i64)> {
    let refuse = |message: String| AppError::Refused {
        field: None,
        code: REFUSED,
        message,
    };
    let availability = purchase.facts.refund_availability.as_str();
    if availability == "none" {
        return Err(refuse(
            "this purchase cannot be refunded (refund_availability is none)".into(),
        ));
    }
    if purchase.pending().is_some() {
        return Err(refuse("a refund of this purchase is already pending".into()));
    }
    let left = purchase.refundable_minor();
    if left == 0 && purchase.record.refunded() > refund_shared::Decimal::ZERO {
        return Err(refuse("nothing is left to refund on this purchase".into()));
    }
    if !purchase.is_refundable_status() || left == 0 {
        return Err(refuse(format!(
            "a purchase in status {} cannot be refunded",
            purchase.status()
        )));
    }
    let amount = asked.amount.unwrap_or(left);
    if amount > left {
        return Err(refuse(format!(
            "amount {amount} exceeds the refundable_amount {left}"
        )));
    }
    if availability == "full_only" && amount < left {
        return Err(refuse(format!(
            "this purchase can only be refunded in full ({left})"
        )));
    }
    if availability == "partial_only" && amount == left {
        return Err(refuse(format!(
            "this purchase can only be refunded partially (less than {left})"
        )));
    }
    let is_async = purchase.facts.refund_mode == "async";
    let new = NewRefund {
        id: uuid::Uuid::new_v4().to_string(),
        amount: money::from_minor(amount, purchase.currency),
        parts: Default::default(),
        status: if is_async { PENDING } else { SUCCESS }.into(),
        holds_funds: true,
        data: StoredJson::none(),
    };
    Ok((new, amount))
}

/// The seed's callbacks: `purchase.pending_refund` while the acquirer has not answered,
/// `payment.refunded` once the refund succeeded, `purchase.refund_failed` when it did not.
pub fn raise_event(record: &mut SourceRecord, entry: &RefundEntry, now: i64) {
    let event = match entry.status.as_str() {
        PENDING => "purchase.pending_refund",
        FAILED => "purchase.refund_failed",
        _ => "payment.refunded",
    };
    let fields = outbox::refund_fields(record, entry);
    outbox::raise(record, event, fields, now);
}
