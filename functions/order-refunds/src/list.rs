//! `GET /orders/{orderId}/refunds`: the order's refunds with type, status and amounts.

use crate::KIND;
use crate::create::StoredFields;
use crate::types::RefundType;
use refund_shared::http::Response;
use refund_shared::money;
use refund_shared::store::Store;
use refund_shared::{AppError, AppResult, Ctx};
use serde_json::json;

pub async fn list<S: Store>(ctx: &Ctx<S>, order_id: &str) -> AppResult<Response> {
    let record = ctx
        .ledger()
        .find(KIND, order_id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("order {order_id}")))?;
    let mut refunds = Vec::new();
    for entry in record.refunds.all()? {
        let fields: StoredFields = entry.fields()?;
        let kind = RefundType::from_code(fields.refund_type).map_or("Unknown", |t| t.name());
        refunds.push(json!({
            "Id": entry.id,
            "RefundType": fields.refund_type,
            "RefundTypeName": kind,
            "Status": entry.status,
            "RefundAmount": money::json_number(entry.amount),
            "OrderRowId": fields.order_row_id,
            "ToBalance": fields.to_balance,
            "Reference": fields.reference,
            "Description": fields.description,
            "Author": fields.author,
            "Created": entry.created,
            "Updated": entry.updated,
        }));
    }
    Ok(Response::json(
        200,
        &json!({
            "OrderId": record.id.parse::<i64>().unwrap_or_default(),
            "Currency": record.currency,
            "Refundable": money::json_number(record.remaining()),
            "Refunds": refunds,
            "PendingEvents": refund_shared::outbox::pending_count(&record),
        }),
    ))
}
