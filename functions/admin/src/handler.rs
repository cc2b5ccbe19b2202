//! Routes: `GET /admin/v1/health`, `PUT|GET /admin/v1/sources/{kind}/{id}`,
//! `GET /admin/v1/outbox`, `POST /admin/v1/outbox/redeliver`.

use crate::view::SourceView;
use http::Method;
use refund_shared::auth::{Access, authorize};
use refund_shared::http::{Request, Response};
use refund_shared::ledger::{SourceRecord, Write};
use refund_shared::render::standard_error;
use refund_shared::sources::Kind;
use refund_shared::store::Store;
use refund_shared::{AppError, AppResult, Ctx, json};

pub async fn handle<S: Store>(req: &Request, ctx: &Ctx<S>) -> Response {
    route(req, ctx).await.unwrap_or_else(|e| standard_error(&e))
}

async fn route<S: Store>(req: &Request, ctx: &Ctx<S>) -> AppResult<Response> {
    match req.segments().as_slice() {
        ["admin", "v1", "health"] => {
            req.allow(&[Method::GET])?;
            Ok(Response::json(
                200,
                &serde_json::json!({"status": "ok", "version": env!("CARGO_PKG_VERSION")}),
            ))
        }
        ["admin", "v1", "sources", kind, id] => {
            req.allow(&[Method::GET, Method::PUT])?;
            let access = if req.method == Method::GET {
                Access::Read
            } else {
                Access::Write
            };
            authorize(req, &ctx.tokens, access)?;
            let kind = Kind::parse(kind).ok_or_else(|| AppError::NotFound(format!("source kind {kind}")))?;
            if req.method == Method::GET {
                get_source(ctx, kind, id).await
            } else {
                put_source(req, ctx, kind, id).await
            }
        }
        ["admin", "v1", "outbox"] => {
            req.allow(&[Method::GET])?;
            authorize(req, &ctx.tokens, Access::Read)?;
            crate::outbox::list(ctx).await
        }
        ["admin", "v1", "outbox", "redeliver"] => {
            req.allow(&[Method::POST])?;
            authorize(req, &ctx.tokens, Access::Write)?;
            crate::outbox::redeliver(ctx).await
        }
        _ => Err(AppError::NotFound("route".into())),
    }
}

async fn get_source<S: Store>(ctx: &Ctx<S>, kind: Kind, id: &str) -> AppResult<Response> {
    let not_found = || AppError::NotFound(format!("{} {id}", kind.name()));
    let id = kind.canonical_id(id).ok_or_else(not_found)?;
    let record = ctx.ledger().find(kind.name(), &id).await?.ok_or_else(not_found)?;
    Ok(Response::json(200, &SourceView::of(&record)?))
}

/// Creates (201) or replaces (200) a source. A replace keeps the refunds already taken, so it
/// may not lower what was captured, in all or on any part, below what they hold.
async fn put_source<S: Store>(req: &Request, ctx: &Ctx<S>, kind: Kind, id: &str) -> AppResult<Response> {
    let id = kind.canonical_id(id).ok_or_else(|| {
        AppError::field(
            "id",
            "invalid_id",
            format!("{id:?} is not a valid {} id", kind.name()),
        )
    })?;
    req.require_json()?;
    let body = json::parse(req.body()?, "body")?;
    let loaded = kind.load(&body)?;
    let (created, record) = ctx
        .ledger()
        .modify(kind.name(), &id, |slot| {
            let created = slot.is_none();
            let mut record = slot.take().unwrap_or_else(|| {
                SourceRecord::new(
                    kind.name(),
                    &id,
                    loaded.currency.code,
                    loaded.captured,
                    loaded.data.clone(),
                )
            });
            if !record.refunds.is_empty() && record.currency != loaded.currency.code {
                return Err(AppError::Conflict(
                    "the currency cannot change once refunds were taken".into(),
                ));
            }
            record.currency = loaded.currency.code.to_string();
            record.captured = loaded.captured;
            record.parts = loaded.parts.clone();
            record.data = loaded.data.clone();
            if record.remaining() < refund_shared::Decimal::ZERO {
                return Err(AppError::Conflict(format!(
                    "refunds of {} {} were already taken; the captured amount cannot be lower",
                    record.refunded(),
                    record.currency
                )));
            }
            let taken: Vec<String> = record
                .refunds
                .all()?
                .iter()
                .flat_map(|r| r.parts.iter().map(|(part, _)| part.to_string()))
                .collect();
            if let Some(part) = taken.iter().find(|p| {
                record
                    .part_remaining(p)
                    .is_none_or(|left| left < refund_shared::Decimal::ZERO)
            }) {
                return Err(AppError::Conflict(format!(
                    "refunds were already taken on {part}; it cannot be lowered or removed"
                )));
            }
            *slot = Some(record);
            Ok(Write::Save(created))
        })
        .await?;
    let record = record.ok_or_else(|| AppError::Store("the source was not saved".into()))?;
    Ok(Response::json(
        if created { 201 } else { 200 },
        &SourceView::of(&record)?,
    ))
}

#[cfg(test)]
mod tests;
