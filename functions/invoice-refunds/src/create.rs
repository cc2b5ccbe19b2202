//! `POST /refunds`: take a refund against an invoice.

use crate::KIND;
use crate::request::{self, RefundRequest};
use crate::view::{RefundView, StoredFields};
use refund_shared::currency::Currency;
use refund_shared::http::{Request, Response};
use refund_shared::ledger::{NewRefund, RefundIds, SourceRecord, StoredJson};
use refund_shared::sources::{self, invoice::Invoice};
use refund_shared::store::Store;
use refund_shared::webhook;
use refund_shared::{AppError, AppResult, Ctx, Errors, idempotency, money};

/// The status a new refund starts in.
pub const INITIAL_STATUS: &str = "CREATED";

pub async fn create<S: Store>(req: &Request, ctx: &Ctx<S>) -> AppResult<Response> {
    req.require_json()?;
    let asked = request::parse(req.body()?)?;
    let keys = idempotency::keys(req, &asked, None)?;
    let invoice_id = asked.invoice_id.to_string();
    let outcome = ctx
        .ledger()
        .refund(KIND, &invoice_id, "invoice", &keys, |record, seq| {
            decide(&asked, record, seq)
        })
        .await
        .map_err(|e| match e {
            AppError::NotFound(_) => AppError::field(
                "invoiceId",
                "not_found",
                format!("invoice {invoice_id} does not exist"),
            ),
            other => other,
        })?;
    let (entry, record, replayed) = outcome.parts();
    if !replayed {
        webhook::deliver(ctx, record).await;
    }
    let view = RefundView::of(entry).ok_or_else(|| AppError::Store("unreadable refund".into()))?;
    Ok(Response::json(if replayed { 200 } else { 201 }, &view).about_refund(&entry.id, replayed))
}

/// The invoice's own rules, checked against the freshly read record on every attempt.
fn decide(asked: &RefundRequest, record: &SourceRecord, seq: u64) -> AppResult<NewRefund> {
    let invoice: Invoice = sources::facts(record)?;
    let currency = Currency::find(&record.currency)
        .ok_or_else(|| AppError::Store(format!("invoice {} has an unknown currency", record.id)))?;
    let mut errors = Errors::default();
    if invoice.bill_run_type != asked.bill_run_type {
        errors.push(
            "billRunType",
            "mismatch",
            format!(
                "invoice {} belongs to a {} bill run",
                record.id, invoice.bill_run_type
            ),
        );
    }
    money::check_scale(asked.amount, currency, "amountInMajorCurrency", &mut errors);
    errors.finish(())?;
    let left = record.remaining();
    if asked.amount > left {
        return Err(AppError::Refused {
            field: Some("amountInMajorCurrency".into()),
            code: "exceeds_refundable",
            message: format!(
                "amountInMajorCurrency exceeds what is refundable on invoice {}: {} left",
                record.id,
                money::display(left, &record.currency)
            ),
        });
    }
    let fields = StoredFields {
        invoice_id: asked.invoice_id,
        customer_id: invoice.customer_id,
        bill_run_type: asked.bill_run_type.clone(),
        description: asked.description.clone(),
        payment_method: asked.payment_method.clone().unwrap_or(invoice.payment_method),
        error_info: None,
    };
    Ok(NewRefund {
        id: RefundIds::compose(asked.invoice_id, seq)?.to_string(),
        amount: asked.amount,
        parts: Default::default(),
        status: INITIAL_STATUS.into(),
        holds_funds: true,
        data: StoredJson::of(&fields),
    })
}
