//! How the admin API shows a source: its data plus what has been refunded.

use refund_shared::ledger::{Extra, SourceRecord, StoredJson};
use refund_shared::money;
use refund_shared::{AppResult, Decimal};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SourceView<'a> {
    kind: &'a str,
    id: &'a str,
    currency: &'a str,
    #[serde(serialize_with = "money::serialize")]
    captured: Decimal,
    #[serde(serialize_with = "money::serialize")]
    refunded: Decimal,
    #[serde(serialize_with = "money::serialize")]
    refundable: Decimal,
    parts: BTreeMap<&'a str, PartView>,
    refund_ids: Vec<&'a str>,
    refunds: Vec<RefundView<'a>>,
    source: &'a StoredJson,
    /// State the APIs keep with the source (attempt history, customer balance).
    state: &'a Extra,
}

#[derive(Serialize)]
struct PartView {
    #[serde(serialize_with = "money::serialize")]
    captured: Decimal,
    #[serde(serialize_with = "money::serialize")]
    refundable: Decimal,
}

#[derive(Serialize)]
struct RefundView<'a> {
    id: &'a str,
    #[serde(serialize_with = "money::serialize")]
    amount: Decimal,
    status: &'a str,
    #[serde(rename = "holdsFunds")]
    holds_funds: bool,
    created: i64,
}

impl<'a> SourceView<'a> {
    pub fn of(record: &'a SourceRecord) -> AppResult<Self> {
        let refunds = record.refunds.all()?;
        Ok(SourceView {
            kind: &record.kind,
            id: &record.id,
            currency: &record.currency,
            captured: record.captured,
            refunded: record.refunded(),
            refundable: record.remaining(),
            parts: record
                .parts
                .iter()
                .map(|(name, captured)| {
                    let refundable = record.part_remaining(name).unwrap_or_default();
                    (name, PartView { captured, refundable })
                })
                .collect(),
            refund_ids: refunds.iter().map(|r| r.id.as_str()).collect(),
            refunds: refunds
                .iter()
                .map(|r| RefundView {
                    id: &r.id,
                    amount: r.amount,
                    status: &r.status,
                    holds_funds: r.holds_funds,
                    created: r.created,
                })
                .collect(),
            source: &record.data,
            state: &record.extra,
        })
    }
}
