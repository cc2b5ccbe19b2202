//! The gateway's `Payment` (a refund) and `Purchase` objects, and `GET /purchases/{id}/`.

use crate::purchase::View;
use crate::{KIND, attempts};
use refund_shared::http::Response;
use refund_shared::ledger::{RefundEntry, StoredJson};
use refund_shared::store::Store;
use refund_shared::{AppError, AppResult, Ctx};
use serde::Serialize;
use serde_json::{Value, json};

pub async fn show<S: Store>(ctx: &Ctx<S>, id: &str) -> AppResult<Response> {
    let record = ctx
        .ledger()
        .find(KIND, id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("purchase {id}")))?;
    Ok(Response::json(200, &purchase(&View::of(&record)?)))
}

/// The purchase's client, absent facts as nulls.
fn client<'a>(view: &'a View) -> ClientBody<'a> {
    ClientBody {
        email: &view.facts.client.email,
        full_name: &view.facts.client.full_name,
    }
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
    let own_attempts = attempts::of_payment(view.record, &entry.id);
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

/// The purchase with its refund state and every attempt, newest first. Written from the
/// record: the attempts (up to 100) are borrowed, not copied into a `Value` tree. Members are
/// in alphabetical order, as the `json!` maps this replaced wrote them.
#[derive(Serialize)]
pub struct PurchaseBody<'a> {
    brand_id: &'a Option<String>,
    client: ClientBody<'a>,
    company_id: &'a Option<String>,
    id: &'a str,
    is_test: bool,
    purchase: Totals<'a>,
    reference: &'a Option<String>,
    refund_availability: &'a str,
    refundable_amount: i64,
    status: &'a str,
    transaction_data: AttemptsBody<'a>,
    #[serde(rename = "type")]
    kind: &'static str,
    updated_on: Option<i64>,
}

#[derive(Serialize)]
struct ClientBody<'a> {
    email: &'a Option<String>,
    full_name: &'a Option<String>,
}

#[derive(Serialize)]
struct Totals<'a> {
    currency: &'a str,
    total: i64,
    total_refunded: i64,
}

#[derive(Serialize)]
struct AttemptsBody<'a> {
    /// As stored, written out verbatim; `[]` before the first attempt.
    #[serde(serialize_with = "stored_or_empty")]
    attempts: Option<&'a StoredJson>,
}

fn stored_or_empty<S: serde::Serializer>(list: &Option<&StoredJson>, s: S) -> Result<S::Ok, S::Error> {
    match list {
        Some(list) => list.serialize(s),
        None => s.collect_seq(std::iter::empty::<()>()),
    }
}

pub fn purchase<'a>(view: &'a View) -> PurchaseBody<'a> {
    let facts = &view.facts;
    PurchaseBody {
        brand_id: &facts.brand_id,
        client: client(view),
        company_id: &facts.company_id,
        id: &view.record.id,
        is_test: facts.is_test,
        purchase: Totals {
            currency: view.currency.code,
            total: facts.total,
            total_refunded: view.minor(view.record.refunded()),
        },
        reference: &facts.reference,
        refund_availability: &facts.refund_availability,
        refundable_amount: view.refundable_minor(),
        status: view.status(),
        transaction_data: AttemptsBody {
            attempts: attempts::of(view.record),
        },
        kind: "purchase",
        updated_on: view.refunds.iter().map(|r| r.updated).max(),
    }
}
