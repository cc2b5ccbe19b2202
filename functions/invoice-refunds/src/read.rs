//! `GET /refunds/{id}` and `GET /refunds?invoiceId=N` (newest first).

use crate::KIND;
use crate::view::RefundView;
use refund_shared::http::{Request, Response};
use refund_shared::ledger::{RefundEntry, RefundIds};
use refund_shared::sources::integer_id;
use refund_shared::store::Store;
use refund_shared::{AppError, AppResult, Ctx};

/// A refund by its public id: the id names its invoice, so this is one read.
pub async fn one<S: Store>(ctx: &Ctx<S>, id: &str) -> AppResult<Response> {
    let not_found = || AppError::NotFound(format!("refund {id}"));
    let n: i64 = integer_id(id, i64::MAX)
        .and_then(|s| s.parse().ok())
        .ok_or_else(not_found)?;
    let source = RefundIds::source_of(n).ok_or_else(not_found)?;
    let entry = ctx
        .ledger()
        .find_refund(KIND, &source.to_string(), id)
        .await?
        .flatten()
        .ok_or_else(not_found)?;
    Ok(Response::json(200, &view(&entry)?))
}

pub async fn list<S: Store>(req: &Request, ctx: &Ctx<S>) -> AppResult<Response> {
    let raw = req
        .query_param("invoiceId")
        .ok_or_else(|| AppError::field("invoiceId", "required", "invoiceId is required"))?;
    let id = integer_id(&raw, RefundIds::MAX_SOURCE_ID).ok_or_else(|| {
        AppError::field(
            "invoiceId",
            "invalid_type",
            "invoiceId must be a positive integer",
        )
    })?;
    let record =
        ctx.ledger().find(KIND, &id).await?.ok_or_else(|| {
            AppError::field("invoiceId", "not_found", format!("invoice {id} does not exist"))
        })?;
    let views = record
        .refunds
        .all()?
        .iter()
        .rev()
        .map(view)
        .collect::<AppResult<Vec<_>>>()?;
    Ok(Response::json(200, &views))
}

pub fn view(entry: &RefundEntry) -> AppResult<RefundView> {
    RefundView::of(entry).ok_or_else(|| AppError::Store(format!("refund {} is unreadable", entry.id)))
}
