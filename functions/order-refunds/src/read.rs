//! `GET /orders/{orderId}/refunds`: the order's refunds with type, status and amounts; and
//! `GET /orders/{orderId}/refunds/{refundId}`: one of them, as the list shows it.

use crate::KIND;
use crate::create::StoredFields;
use crate::types::RefundType;
use refund_shared::http::Response;
use refund_shared::ledger::{RefundEntry, SourceRecord};
use refund_shared::money;
use refund_shared::store::Store;
use refund_shared::{AppError, AppResult, Ctx, Decimal};
use serde::Serialize;

/// The answer, written straight from the record: an order may hold many refunds, and building
/// a `serde_json::Value` per refund cost more than the rest of the request. Members are in
/// alphabetical order, as the `json!` maps this replaced wrote them.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Listing<'a> {
    currency: &'a str,
    order_id: i64,
    pending_events: usize,
    #[serde(serialize_with = "money::serialize")]
    refundable: Decimal,
    refunds: Vec<Row<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Row<'a> {
    author: Option<String>,
    created: i64,
    description: Option<String>,
    id: &'a str,
    order_row_id: Option<i64>,
    reference: Option<String>,
    #[serde(serialize_with = "money::serialize")]
    refund_amount: Decimal,
    refund_type: i64,
    refund_type_name: &'static str,
    status: &'a str,
    to_balance: bool,
    updated: i64,
}

pub async fn list<S: Store>(ctx: &Ctx<S>, order_id: &str) -> AppResult<Response> {
    let record = order(ctx, order_id).await?;
    let refunds = record
        .refunds
        .all()?
        .iter()
        .map(Row::of)
        .collect::<AppResult<_>>()?;
    let listing = Listing {
        currency: &record.currency,
        order_id: record.id.parse::<i64>().unwrap_or_default(),
        pending_events: refund_shared::outbox::pending_count(&record),
        refundable: record.remaining(),
        refunds,
    };
    Ok(Response::json(200, &listing))
}

/// One refund, found newest first without reading the others (a client most often asks
/// about one it just made), nor the rest of the order's record.
pub async fn one<S: Store>(ctx: &Ctx<S>, order_id: &str, refund_id: &str) -> AppResult<Response> {
    let entry = ctx
        .ledger()
        .find_refund(KIND, order_id, refund_id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("order {order_id}")))?
        .ok_or_else(|| AppError::NotFound(format!("refund {refund_id}")))?;
    Ok(Response::json(200, &Row::of(&entry)?))
}

async fn order<S: Store>(ctx: &Ctx<S>, order_id: &str) -> AppResult<SourceRecord> {
    ctx.ledger()
        .find(KIND, order_id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("order {order_id}")))
}

impl<'a> Row<'a> {
    fn of(entry: &'a RefundEntry) -> AppResult<Row<'a>> {
        let fields: StoredFields = entry.fields()?;
        Ok(Row {
            author: fields.author,
            created: entry.created,
            description: fields.description,
            id: &entry.id,
            order_row_id: fields.order_row_id,
            reference: fields.reference,
            refund_amount: entry.amount,
            refund_type: fields.refund_type,
            refund_type_name: RefundType::from_code(fields.refund_type).map_or("Unknown", |t| t.name()),
            status: &entry.status,
            to_balance: fields.to_balance,
            updated: entry.updated,
        })
    }
}
