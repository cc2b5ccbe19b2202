//! `GET /orders/{orderId}/refunds`: the order's refunds with type, status and amounts.

use crate::KIND;
use crate::create::StoredFields;
use crate::types::RefundType;
use refund_shared::http::Response;
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
    let record = ctx
        .ledger()
        .find(KIND, order_id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("order {order_id}")))?;
    let mut refunds = Vec::new();
    for entry in record.refunds.all()? {
        let fields: StoredFields = entry.fields()?;
        refunds.push(Row {
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
        });
    }
    let listing = Listing {
        currency: &record.currency,
        order_id: record.id.parse::<i64>().unwrap_or_default(),
        pending_events: refund_shared::outbox::pending_count(&record),
        refundable: record.remaining(),
        refunds,
    };
    Ok(Response::json(200, &listing))
}
