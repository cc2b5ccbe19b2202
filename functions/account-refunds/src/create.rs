//! `POST /refund`.

use crate::KIND;
use crate::model::{Method, StoredRefund};
use crate::read::refund_id;
use crate::request::{self, RefundCreate};
use crate::view::render;
use refund_shared::http::{Request, Response};
use refund_shared::ledger::{NewRefund, SourceRecord, StoredJson};
use refund_shared::sources::{self, account::payment_part};
use refund_shared::store::Store;
use refund_shared::webhook;
use refund_shared::{AppError, AppResult, Ctx, Errors, idempotency, money};
use serde_json::Value;

pub async fn create<S: Store>(req: &Request, ctx: &Ctx<S>) -> AppResult<Response> {
    req.require_json()?;
    let asked = request::parse(req.body()?)?;
    let correlator = asked.correlator_id.as_deref().map(|id| ("correlatorId", id));
    let keys = idempotency::keys(req, &asked, correlator)?;
    let outcome = ctx
        .ledger()
        .refund(KIND, &asked.account_id, "account", &keys, |record, seq| {
            decide(&asked, record, seq)
        })
        .await
        .map_err(|e| match e {
            AppError::NotFound(_) => AppError::field(
                "account.id",
                "not_found",
                format!("account {} does not exist", asked.account_id),
            ),
            other => other,
        })?;
    // A retry with the same correlatorId answers as the first request did: 201 and the refund.
    let (entry, record, replayed) = outcome.parts();
    if !replayed {
        webhook::deliver(ctx, record).await;
    }
    let body = render(req, &asked.account_id, entry)?;
    Ok(Response::json(201, &body).about_refund(&entry.id, replayed))
}

fn decide(asked: &RefundCreate, record: &SourceRecord, seq: u64) -> AppResult<NewRefund> {
    // The account's facts (`sources::account::Account`) read member by member, as `render`
    // reads a refund: typed deserialization of its three types was ~8 KB of this .wasm. Its
    // currency is the record's.
    let account: Value = sources::facts(record)?;
    let mut errors = Errors::default();
    if asked.total.unit != record.currency {
        errors.push(
            "totalAmount.unit",
            "currency_mismatch",
            format!("account {} is billed in {}", record.id, record.currency),
        );
    }
    let part = asked.payment_id.as_ref().map(|id| payment_part(id));
    if let (Some(id), Some(part)) = (&asked.payment_id, &part)
        && !record.parts.contains(part)
    {
        errors.push(
            "payment.id",
            "not_found",
            format!("payment {id} is not a payment of account {}", record.id),
        );
    }
    errors.finish(())?;

    let left = match &part {
        Some(part) => record.part_remaining(part).unwrap_or_default(),
        None => record.remaining(),
    };
    if asked.total.value > left {
        let on = asked
            .payment_id
            .as_ref()
            .map_or(format!("account {}", record.id), |p| format!("payment {p}"));
        return Err(AppError::Refused {
            field: Some("totalAmount.value".into()),
            code: "exceeds_refundable",
            message: format!(
                "totalAmount.value exceeds what is refundable on {on}: {} left",
                money::display(left, &record.currency)
            ),
        });
    }
    let stored = StoredRefund {
        account_name: account["name"].as_str().unwrap_or_default().to_string(),
        total_amount: asked.total.clone(),
        amount: asked.amount.clone(),
        tax_amount: asked.tax_amount.clone(),
        payment_method: resolve_method(asked, &account["paymentMethod"]),
        channel: asked.channel.clone(),
        payment_id: asked.payment_id.clone(),
        requestor: asked.requestor.clone(),
        authorization_code: asked.authorization_code.clone(),
        correlator_id: asked.correlator_id.clone(),
        description: asked.description.clone(),
        name: asked.name.clone(),
    };
    Ok(NewRefund {
        id: refund_id(&record.id, seq),
        amount: asked.total.value,
        parts: part.into_iter().map(|p| (p, asked.total.value)).collect(),
        status: "Success".into(),
        holds_funds: true,
        data: StoredJson::of(&stored),
    })
}

/// A card reference other than the account's assigned method is replaced by the assigned one,
/// as the seed says; cash and cheque refunds keep what was asked.
fn resolve_method(asked: &RefundCreate, assigned: &Value) -> Method {
    let text = |member: &str| assigned[member].as_str();
    let (assigned_id, assigned_kind) = (text("id").unwrap_or_default(), text("@type").unwrap_or_default());
    if asked.method_type == "PaymentMethodRef" {
        let same = asked.method_id == assigned_id;
        Method {
            id: assigned_id.to_string(),
            kind: "PaymentMethodRef".into(),
            referred_type: if same {
                asked.method_referred_type.clone()
            } else {
                None
            }
            .or_else(|| (assigned_kind != "PaymentMethodRef").then(|| assigned_kind.to_string())),
            name: text("name").map(str::to_string),
            is_preferred: true,
        }
    } else {
        Method {
            id: asked.method_id.clone(),
            kind: asked.method_type.clone(),
            referred_type: None,
            name: asked.method_name.clone(),
            is_preferred: false,
        }
    }
}
