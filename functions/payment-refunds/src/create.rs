//! `POST /v1/Refunds`: a refund of a payment, allocated to the invoices it paid.

use crate::KIND;
use crate::render::{self, Format};
use crate::request::{self, RefundRequest};
use crate::view::{AllocationSnapshot, StoredRefund};
use refund_shared::currency::Currency;
use refund_shared::http::{Request, Response};
use refund_shared::ledger::{NewRefund, RefundIds, SourceRecord, StoredJson};
use refund_shared::sources::{
    self,
    payment::{Payment, invoice_part},
};
use refund_shared::store::Store;
use refund_shared::webhook;
use refund_shared::{AppError, AppResult, Ctx, Errors, idempotency, money};

pub async fn create<S: Store>(req: &Request, ctx: &Ctx<S>) -> AppResult<Response> {
    let asked = request::parse(req)?;
    let keys = idempotency::keys(req, &asked, None)?;
    let payment_id = asked.original_payment_id.to_string();
    let outcome = ctx
        .ledger()
        .refund(KIND, &payment_id, "payment", &keys, |record, seq| {
            decide(&asked, record, seq)
        })
        .await
        .map_err(|e| match e {
            AppError::NotFound(_) => AppError::field(
                "refund.originalPaymentId",
                "not_found",
                format!("payment {payment_id} does not exist"),
            ),
            other => other,
        })?;
    let (entry, record, replayed) = outcome.parts();
    if !replayed {
        webhook::deliver(ctx, record).await;
    }
    Ok(render::refund(req, Format::of(req), entry)?.about_refund(&entry.id, replayed))
}

fn decide(asked: &RefundRequest, record: &SourceRecord, seq: u64) -> AppResult<NewRefund> {
    let payment: Payment = sources::facts(record)?;
    let currency = Currency::find(&record.currency)
        .ok_or_else(|| AppError::Store(format!("payment {} has an unknown currency", record.id)))?;
    let mut errors = Errors::default();
    money::check_scale(asked.amount, currency, "refund.amount", &mut errors);
    let mut snapshots = Vec::new();
    for a in &asked.allocations {
        let path = format!("refund.refundAllocations[{}]", a.index);
        let amount_path = format!("{path}.amount");
        money::check_scale(a.amount, currency, &amount_path, &mut errors);
        let Some(paid) = payment.invoices.iter().find(|i| i.invoice_id == a.invoice_id) else {
            errors.push(
                format!("{path}.invoiceId"),
                "not_paid",
                format!("invoice {} was not paid by payment {}", a.invoice_id, record.id),
            );
            continue;
        };
        let part = invoice_part(a.invoice_id);
        let left = record.part_remaining(&part).unwrap_or_default();
        if a.amount > left {
            errors.push(
                amount_path,
                "exceeds_refundable",
                format!(
                    "invoice {} has {} left to refund from this payment",
                    a.invoice_id,
                    money::display(left, &record.currency)
                ),
            );
        }
        // Refunding re-opens the invoice by what has been given back on it.
        let outstanding = money::add(
            money::add(paid.outstanding_balance, record.part_refunded(&part)),
            a.amount,
        );
        snapshots.push(AllocationSnapshot {
            invoice_id: a.invoice_id,
            invoice_number: paid.invoice_number,
            amount: a.amount,
            outstanding_balance: outstanding,
            invoice_total: paid.invoice_total,
        });
    }
    errors.finish(())?;
    let left = record.remaining();
    if asked.amount > left {
        return Err(AppError::Refused {
            field: Some("refund.amount".into()),
            code: "exceeds_refundable",
            message: format!(
                "amount exceeds the payment's refundableAmount ({})",
                money::display(left, &record.currency)
            ),
        });
    }
    let allocated = money::sum(snapshots.iter().map(|s| s.amount));
    let stored = StoredRefund {
        original_payment_id: asked.original_payment_id,
        customer_id: payment.customer_id,
        currency: record.currency.clone(),
        payment_reference: payment.reference.clone(),
        reference: asked.reference.clone(),
        reference_date: asked.reference_date.clone(),
        method: asked.method,
        netsuite_id: asked.netsuite_id.clone(),
        allocations: snapshots,
        unallocated_amount: money::sub(asked.amount, allocated),
        refundable_after: money::sub(left, asked.amount),
    };
    Ok(NewRefund {
        id: RefundIds::compose(asked.original_payment_id, seq)?.to_string(),
        amount: asked.amount,
        parts: asked
            .allocations
            .iter()
            .map(|a| (invoice_part(a.invoice_id), a.amount))
            .collect(),
        status: "Pending".into(),
        holds_funds: true,
        data: StoredJson::of(&stored),
    })
}
