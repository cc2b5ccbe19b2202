//! `GET /refund/{id}`, `GET /refund?account.id=X&offset=&limit=`, and the `Refund` rendering.

use crate::KIND;
use crate::view::render;
use refund_shared::http::{Request, Response};
use refund_shared::sources::account;
use refund_shared::store::Store;
use refund_shared::{AppError, AppResult, Ctx};

pub const DEFAULT_LIMIT: usize = 20;
pub const MAX_LIMIT: usize = 100;

/// Refund ids carry their account (`{account id}~{sequence}`), so a refund is one read away.
pub fn refund_id(account_id: &str, seq: u64) -> String {
    format!("{account_id}~{seq}")
}

fn account_of(refund_id: &str) -> Option<String> {
    let (account_id, seq) = refund_id.rsplit_once('~')?;
    seq.parse::<u64>().ok()?;
    account::canonical_id(account_id)
}

pub async fn one<S: Store>(req: &Request, ctx: &Ctx<S>, id: &str) -> AppResult<Response> {
    let not_found = || AppError::NotFound(format!("refund {id}"));
    let account_id = account_of(id).ok_or_else(not_found)?;
    let entry = ctx
        .ledger()
        .find_refund(KIND, &account_id, id)
        .await?
        .flatten()
        .ok_or_else(not_found)?;
    Ok(Response::json(200, &render(req, &account_id, &entry)?))
}

pub async fn list<S: Store>(req: &Request, ctx: &Ctx<S>) -> AppResult<Response> {
    let account_id = req.query_param("account.id").ok_or_else(|| {
        AppError::field(
            "account.id",
            "required",
            "the account.id query parameter is required",
        )
    })?;
    let offset = number_param(req, "offset", 0, usize::MAX)?;
    let limit = number_param(req, "limit", DEFAULT_LIMIT, MAX_LIMIT)?;
    let account_id = account::canonical_id(&account_id)
        .ok_or_else(|| AppError::field("account.id", "invalid_id", "account.id is not a valid account id"))?;
    let record = ctx.ledger().find(KIND, &account_id).await?;
    let refunds = match &record {
        Some(record) => record.refunds.all()?,
        None => &[],
    };
    let page = refunds
        .iter()
        .rev()
        .skip(offset)
        .take(limit)
        .map(|entry| render(req, &account_id, entry))
        .collect::<AppResult<Vec<_>>>()?;
    Ok(Response::json(200, &page)
        .with_header("x-total-count", refunds.len().to_string())
        .with_header("x-result-count", page.len().to_string()))
}

fn number_param(req: &Request, name: &str, default: usize, max: usize) -> AppResult<usize> {
    match req.query_param(name) {
        None => Ok(default),
        Some(raw) => raw.parse::<usize>().ok().filter(|n| *n <= max).ok_or_else(|| {
            AppError::field(
                name,
                "invalid_value",
                format!("{name} must be a whole number from 0 to {max}"),
            )
        }),
    }
}
