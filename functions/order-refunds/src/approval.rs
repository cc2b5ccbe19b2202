//! `POST /orders/{orderId}/refunds/{refundId}/approve|reject`: decides a refund waiting in
//! `PendingApproval`. Approval sends it on (or credits the balance); rejection releases the
//! reserved amount.

use crate::create::{StoredFields, credit_balance};
use crate::types::{PENDING, PENDING_APPROVAL, REJECTED, SETTLED};
use crate::{KIND, events, render};
use refund_shared::http::Response;
use refund_shared::ledger::Write;
use refund_shared::store::Store;
use refund_shared::webhook;
use refund_shared::{AppError, AppResult, Ctx};

pub async fn decide<S: Store>(
    ctx: &Ctx<S>,
    order_id: &str,
    refund_id: &str,
    approve: bool,
) -> AppResult<Response> {
    let now = ctx.now;
    let (_, record) = ctx
        .ledger()
        .modify(KIND, order_id, |slot| {
            let record = slot
                .as_mut()
                .ok_or_else(|| AppError::NotFound(format!("order {order_id}")))?;
            let entry = record
                .refunds
                .find_mut(|r| r.id == refund_id)?
                .ok_or_else(|| AppError::NotFound(format!("refund {refund_id}")))?;
            if entry.status != PENDING_APPROVAL {
                return Err(AppError::Conflict(format!(
                    "refund {refund_id} is {}, not awaiting approval",
                    entry.status
                )));
            }
            let fields: StoredFields = entry.fields()?;
            entry.updated = now;
            if approve {
                entry.status = if fields.to_balance { SETTLED } else { PENDING }.into();
            } else {
                entry.status = REJECTED.into();
                entry.holds_funds = false;
            }
            let entry = entry.clone();
            if approve && fields.to_balance {
                credit_balance(record, entry.amount)?;
            }
            if !fields.skip_events {
                events::raise(
                    record,
                    if approve {
                        events::APPROVED
                    } else {
                        events::REJECTED
                    },
                    &entry,
                    now,
                );
            }
            Ok(Write::Save(()))
        })
        .await?;
    if let Some(record) = &record {
        webhook::deliver(ctx, record).await;
    }
    Ok(render::ok(
        refund_id,
        if approve {
            "Refund approved"
        } else {
            "Refund rejected"
        },
    ))
}
