//! The outbox across every source: what is still to be delivered, and redelivery of it.

use refund_shared::http::Response;
use refund_shared::store::Store;
use refund_shared::{AppError, AppResult, Ctx, outbox, webhook};
use serde_json::{Value, json};

/// `GET /admin/v1/outbox`: every undelivered event, with the source it belongs to.
pub async fn list<S: Store>(ctx: &Ctx<S>) -> AppResult<Response> {
    let mut events: Vec<Value> = Vec::new();
    for record in ctx.ledger().sources().await? {
        for mut event in outbox::pending(&record) {
            event["outboxOf"] = json!(format!("{}/{}", record.kind, record.id));
            events.push(event);
        }
    }
    events.sort_by_key(|e| e["createdAt"].as_i64().unwrap_or_default());
    Ok(Response::json(
        200,
        &json!({"pending": events.len(), "events": events}),
    ))
}

/// `POST /admin/v1/outbox/redeliver`: sends every undelivered event again, source by source
/// and in order; what fails again stays pending.
pub async fn redeliver<S: Store>(ctx: &Ctx<S>) -> AppResult<Response> {
    if ctx.webhook.is_none() {
        return Err(AppError::Conflict(
            "no webhook is configured (the webhook_url variable is empty)".into(),
        ));
    }
    let (mut delivered, mut pending) = (0, 0);
    for record in ctx.ledger().sources().await? {
        let before = outbox::pending_count(&record);
        if before == 0 {
            continue;
        }
        // Checked above: a webhook is configured, so the count is there.
        let left = webhook::deliver(ctx, &record).await.unwrap_or(before);
        delivered += before - left;
        pending += left;
    }
    Ok(Response::json(
        200,
        &json!({"delivered": delivered, "pending": pending}),
    ))
}
