//! `POST /orders/{orderId}/refunds`.

use crate::request::{self, CreateRefund};
use crate::types::{PENDING, PENDING_APPROVAL, RefundType, SETTLED};
use crate::{KIND, events, render};
use refund_shared::currency::Currency;
use refund_shared::http::{Request, Response};
use refund_shared::ledger::{NewRefund, SourceRecord, StoredJson, Write};
use refund_shared::store::Store;
use refund_shared::webhook;
use refund_shared::{AppError, AppResult, Ctx, Decimal, Errors, idempotency, money};
use serde::{Deserialize, Serialize};

/// What this API keeps with each refund.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredFields {
    pub refund_type: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order_row_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    pub to_balance: bool,
    pub skip_events: bool,
}

const BALANCE: &str = "customerBalance";

pub async fn create<S: Store>(req: &Request, ctx: &Ctx<S>, order_id: &str) -> AppResult<Response> {
    req.require_json()?;
    let asked = request::parse(req.body()?)?;
    let keys = idempotency::keys(req, &asked, None)?;
    let now = ctx.now;
    let ((entry, replayed), record) = ctx
        .ledger()
        .modify(KIND, order_id, |slot| {
            let record = slot
                .as_mut()
                .ok_or_else(|| AppError::NotFound(format!("order {order_id}")))?;
            if let Some(entry) = record.replay(&keys)? {
                return Ok(Write::Skip((entry, true)));
            }
            let new = decide(&asked, record)?;
            let entry = record.take(new, &keys, now)?;
            if asked.to_balance && entry.status == SETTLED {
                credit_balance(record, entry.amount)?;
            }
            if let Some(event) = event_for(&asked, &entry.status) {
                events::raise(record, event, &entry, now);
            }
            Ok(Write::Save((entry, false)))
        })
        .await?;
    if let Some(record) = &record {
        webhook::deliver(ctx, record).await;
    }
    let message = match entry.status.as_str() {
        PENDING_APPROVAL => "Refund created and awaiting approval",
        SETTLED => "Refund created and settled",
        _ => "Refund created",
    };
    Ok(render::ok(&entry.id, message).about_refund(&entry.id, replayed))
}

fn decide(asked: &CreateRefund, record: &SourceRecord) -> AppResult<NewRefund> {
    let currency = Currency::find(&record.currency)
        .ok_or_else(|| AppError::Store(format!("order {} has an unknown currency", record.id)))?;
    let mut errors = Errors::default();
    money::check_scale(asked.amount, currency, "RefundAmount", &mut errors);
    let part = asked.refund_type.part(asked.order_row_id);
    if let (Some(row), Some(part)) = (asked.order_row_id, &part)
        && !record.parts.contains(part)
    {
        errors.push(
            "OrderRowId",
            "not_found",
            format!("row {row} is not a row of order {}", record.id),
        );
    }
    if asked.to_balance && asked.refund_type == RefundType::InstanceCost {
        errors.push(
            "ToBalance",
            "not_applicable",
            "a return cost (InstanceCost) is not paid to the balance",
        );
    }
    errors.finish(())?;

    let over = |on: String, left: Decimal| AppError::Refused {
        field: Some("RefundAmount".into()),
        code: "exceeds_refundable",
        message: format!(
            "RefundAmount exceeds what is refundable on {on} ({} left)",
            money::display(left, &record.currency)
        ),
    };
    if let Some(part) = &part {
        let left = record.part_remaining(part).unwrap_or_default();
        if asked.amount > left {
            return Err(over(part.clone(), left));
        }
    }
    if asked.amount > record.remaining() {
        return Err(over(format!("order {}", record.id), record.remaining()));
    }

    // A return cost and a refund marked settled are done at once; a refund to the balance is
    // done once credited; the rest wait for approval or for the payment to be sent.
    let status = if asked.settled || asked.refund_type == RefundType::InstanceCost {
        SETTLED
    } else if asked.requires_approval {
        PENDING_APPROVAL
    } else if asked.to_balance {
        SETTLED
    } else {
        PENDING
    };
    let fields = StoredFields {
        refund_type: asked.refund_type.code(),
        order_row_id: asked.order_row_id,
        reference: asked.reference.clone(),
        description: asked.description.clone(),
        author: asked.author.clone(),
        to_balance: asked.to_balance,
        skip_events: asked.skip_refund_events
            || asked.settled
            || asked.refund_type == RefundType::InstanceCost,
    };
    Ok(NewRefund {
        id: uuid::Uuid::new_v4().to_string(),
        amount: asked.amount,
        parts: part.into_iter().map(|p| (p, asked.amount)).collect(),
        status: status.into(),
        holds_funds: true,
        data: StoredJson::of(&fields),
    })
}

/// The event a new refund raises: none when settled at once, when events are skipped, or for a
/// return cost.
fn event_for(asked: &CreateRefund, status: &str) -> Option<&'static str> {
    if asked.settled || asked.skip_refund_events || asked.refund_type == RefundType::InstanceCost {
        return None;
    }
    Some(if status == PENDING_APPROVAL {
        events::PENDING_APPROVAL
    } else {
        events::CREATED
    })
}

/// Credits the customer's balance, kept with the order and shown by the admin API. A balance
/// that cannot be read is a store error, never a balance started again from zero.
pub fn credit_balance(record: &mut SourceRecord, amount: Decimal) -> AppResult<()> {
    let current = match record.extra.get(BALANCE) {
        Some(stored) => stored
            .read::<String>("the balance")?
            .parse::<Decimal>()
            .map_err(|_| AppError::Store("the customer's balance is unreadable".into()))?,
        None => Decimal::ZERO,
    };
    record
        .extra
        .set(BALANCE, StoredJson::of(&(current + amount).to_string()));
    Ok(())
}
