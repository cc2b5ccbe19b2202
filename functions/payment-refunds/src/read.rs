//! `GET /v1/Refunds/{id}` (one read: the id names its payment) and
//! `GET /v1/Refunds?originalPaymentId=N` (newest first).

use crate::KIND;
use crate::render::{self, Format};
use refund_shared::http::{Request, Response};
use refund_shared::ledger::RefundIds;
use refund_shared::sources::integer_id;
use refund_shared::store::Store;
use refund_shared::{AppError, AppResult, Ctx};

pub async fn one<S: Store>(req: &Request, ctx: &Ctx<S>, id: &str) -> AppResult<Response> {
    let not_found = || AppError::NotFound(format!("refund {id}"));
    let n: i64 = integer_id(id, i64::MAX)
        .and_then(|s| s.parse().ok())
        .ok_or_else(not_found)?;
    let payment = RefundIds::source_of(n).ok_or_else(not_found)?;
    let entry = ctx
        .ledger()
        .find_refund(KIND, &payment.to_string(), id)
        .await?
        .flatten()
        .ok_or_else(not_found)?;
    render::refund(req, Format::of(req), &entry)
}

pub async fn list<S: Store>(req: &Request, ctx: &Ctx<S>) -> AppResult<Response> {
    let raw = req
        .query_pairs()
        .into_iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("originalPaymentId"))
        .map(|(_, v)| v)
        .ok_or_else(|| AppError::field("originalPaymentId", "required", "originalPaymentId is required"))?;
    let id = integer_id(&raw, RefundIds::MAX_SOURCE_ID).ok_or_else(|| {
        AppError::field(
            "originalPaymentId",
            "invalid_type",
            "originalPaymentId must be a positive integer",
        )
    })?;
    let record = ctx
        .ledger()
        .find(KIND, &id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("payment {id}")))?;
    let entries: Vec<_> = record.refunds.all()?.iter().rev().collect();
    render::refunds(req, Format::of(req), &entries)
}
