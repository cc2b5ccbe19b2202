//! The gateway's `Payment` (a refund) and `Purchase` objects, and `GET /purchases/{id}/`.

use crate::purchase::View;
use crate::{KIND, attempts};
use refund_shared::http::Response;
use refund_shared::ledger::RefundEntry;
use refund_shared::store::Store;
use refund_shared::{AppError, AppResult, Ctx};
use serde_json::{Value, json};

pub async fn show<S: Store>(ctx: &Ctx<S>, id: &str) -> AppResult<Response> {
    let record = ctx
        .ledger()
        .find(KIND, id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("purchase {id}")))?;
    Ok(Response::json(200, &purchase(&View::of(&record)?)))
}

fn client(view: &View) -> Value {
    json!({"email": view.facts.client.email, "full_name": view.facts.client.full_name})
}

/// The refund as a `Payment` related to its purchase.
pub fn payment(view: &View, entry: &RefundEntry) -> Value {
    let amount = view.minor(entry.amount);
    let base = view
        .facts
        .reference
        .clone()
        .unwrap_or_else(|| view.record.id.clone());
    let generated = format!("{base}-R{}", entry.seq);
    let own_attempts: Vec<Value> = match attempts::all(view.record) {
        Value::Array(items) => items
            .into_iter()
            .filter(|a| a["payment_id"] == entry.id.as_str())
            .collect(),
        _ => Vec::new(),
    };
    json!({
        "type": "payment",
        "id": entry.id,
        "created_on": entry.created,
        "updated_on": entry.updated,
        "client": client(view),
        "payment": {
            "is_outgoing": true,
            "payment_type": "refund",
            "amount": amount,
            "currency": view.currency.code,
            "net_amount": amount,
            "fee_amount": 0,
            "pending_amount": 0,
            "paid_on": entry.updated,
            "description": format!("Refund of purchase {base}"),
        },
        "transaction_data": {"flow": "refund", "attempts": own_attempts},
        "related_to": {"type": "purchase", "id": view.record.id},
        "reference_generated": generated,
        "reference": view.facts.reference.clone().unwrap_or(generated.clone()),
        "account_id": view.facts.company_id,
        "company_id": view.facts.company_id,
        "is_test": view.facts.is_test,
        "user_id": null,
        "brand_id": view.facts.brand_id,
    })
}

/// The purchase with its refund state and every attempt, newest first.
pub fn purchase(view: &View) -> Value {
    let updated = view.refunds.iter().map(|r| r.updated).max();
    json!({
        "type": "purchase",
        "id": view.record.id,
        "updated_on": updated,
        "status": view.status(),
        "client": client(view),
        "purchase": {
            "currency": view.currency.code,
            "total": view.facts.total,
            "total_refunded": view.minor(view.record.refunded()),
        },
        "refundable_amount": view.refundable_minor(),
        "refund_availability": view.facts.refund_availability,
        "transaction_data": {"attempts": attempts::all(view.record)},
        "reference": view.facts.reference,
        "company_id": view.facts.company_id,
        "brand_id": view.facts.brand_id,
        "is_test": view.facts.is_test,
    })
}
