//! The gateway's `Payment` (a refund) and `Purchase` objects, and `GET /purchases/{id}/`.

use crate::purchase::View;
use crate::{KIND, attempts};
use refund_shared::http::Response;
use refund_shared::ledger::{RefundEntry, StoredJson};
use refund_shared::store::Store;
use refund_shared::{AppError, AppResult, Ctx};
use serde::Serialize;
use serde_json::Value;

pub async fn show<S: Store>(ctx: &Ctx<S>, id: &str) -> AppResult<Response> {
    let record = ctx
        .ledger()
        .find(KIND, id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("purchase {id}")))?;
    Ok(Response::json(200, &purchase(&View::of(&record)?)?))
}

/// The purchase's client, absent facts as nulls.
fn client<'a>(view: &'a View) -> ClientBody<'a> {
    ClientBody {
        email: &view.facts.client.email,
        full_name: &view.facts.client.full_name,
    }
}

/// The refund as a `Payment` related to its purchase. Written through the structs below, not
/// a `json!` tree (a map and a key per member, ~6% of a refund's POST in the .wasm); members
/// in alphabetical order, as that tree wrote them.
pub fn payment<'a>(view: &'a View, entry: &'a RefundEntry) -> PaymentBody<'a> {
    let amount = view.minor(entry.amount);
    let base = view.facts.reference.as_deref().unwrap_or(&view.record.id);
    let generated = format!("{base}-R{}", entry.seq);
    PaymentBody {
        account_id: &view.facts.company_id,
        brand_id: &view.facts.brand_id,
        client: client(view),
        company_id: &view.facts.company_id,
        created_on: entry.created,
        id: &entry.id,
        is_test: view.facts.is_test,
        payment: PaymentTotals {
            amount,
            currency: view.currency.code,
            description: format!("Refund of purchase {base}"),
            fee_amount: 0,
            is_outgoing: true,
            net_amount: amount,
            paid_on: entry.updated,
            payment_type: "refund",
            pending_amount: 0,
        },
        reference: view.facts.reference.clone().unwrap_or_else(|| generated.clone()),
        reference_generated: generated,
        related_to: Related {
            id: &view.record.id,
            kind: "purchase",
        },
        transaction_data: OwnAttempts {
            attempts: attempts::of_payment(view.record, &entry.id),
            flow: "refund",
        },
        kind: "payment",
        updated_on: entry.updated,
        user_id: (),
    }
}

#[derive(Serialize)]
pub struct PaymentBody<'a> {
    account_id: &'a Option<String>,
    brand_id: &'a Option<String>,
    client: ClientBody<'a>,
    company_id: &'a Option<String>,
    created_on: i64,
    id: &'a str,
    is_test: bool,
    payment: PaymentTotals<'a>,
    reference: String,
    reference_generated: String,
    related_to: Related<'a>,
    transaction_data: OwnAttempts,
    #[serde(rename = "type")]
    kind: &'static str,
    updated_on: i64,
    /// Always `null`: refunds here are made by the API, not a dashboard user.
    user_id: (),
}

#[derive(Serialize)]
struct PaymentTotals<'a> {
    amount: i64,
    currency: &'a str,
    description: String,
    fee_amount: i64,
    is_outgoing: bool,
    net_amount: i64,
    paid_on: i64,
    payment_type: &'static str,
    pending_amount: i64,
}

#[derive(Serialize)]
struct Related<'a> {
    id: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
}

#[derive(Serialize)]
struct OwnAttempts {
    attempts: Vec<Value>,
    flow: &'static str,
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

pub fn purchase<'a>(view: &'a View) -> AppResult<PurchaseBody<'a>> {
    let facts = &view.facts;
    Ok(PurchaseBody {
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
        updated_on: view.record.last_refund_update()?,
    })
}
