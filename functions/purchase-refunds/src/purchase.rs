//! A purchase as this API sees it: the loaded facts plus what its refunds made of it.

use refund_shared::currency::Currency;
use refund_shared::ledger::{RefundEntry, SourceRecord};
use refund_shared::sources::{self, purchase::Purchase};
use refund_shared::{AppError, AppResult, money};

/// Refund statuses kept in the ledger.
pub const PENDING: &str = "pending";
pub const SUCCESS: &str = "success";
pub const FAILED: &str = "failed";

/// Statuses (as loaded) in which a purchase may be refunded: paid, and the settled states after.
const REFUNDABLE: &[&str] = &["paid", "cleared", "settled", "partially_refunded"];

pub struct View<'a> {
    pub record: &'a SourceRecord,
    /// Its pending refund: a purchase's status depends on it. Found without reading the other
    /// refunds, which only a view of the whole purchase needs.
    pending: Option<RefundEntry>,
    pub facts: Purchase,
    pub currency: Currency,
}

impl<'a> View<'a> {
    /// The purchase as a refund's decision needs it; its refunds are not read.
    pub fn of(record: &'a SourceRecord) -> AppResult<View<'a>> {
        Self::with(record, sources::facts(record)?)
    }

    /// The purchase after a write, with the facts its decision read when it read them (a
    /// write does not change them); read again otherwise (a replay, which decided nothing).
    pub fn after(record: &'a SourceRecord, facts: Option<Purchase>) -> AppResult<View<'a>> {
        match facts {
            Some(facts) => Self::with(record, facts),
            None => Self::of(record),
        }
    }

    /// The same with the purchase's facts read already (its refunds do not change them).
    fn with(record: &'a SourceRecord, facts: Purchase) -> AppResult<View<'a>> {
        let currency = Currency::find(&facts.currency)
            .ok_or_else(|| AppError::Store(format!("purchase {} has an unknown currency", record.id)))?;
        Ok(View {
            record,
            pending: record.refunds.first_in(PENDING)?,
            facts,
            currency,
        })
    }

    /// The purchase's status now: a pending refund, fully or partly refunded, or as loaded.
    pub fn status(&self) -> &str {
        if self.pending().is_some() {
            "pending_refund"
        } else if self.record.refunded() > refund_shared::Decimal::ZERO {
            if self.refundable_minor() == 0 {
                "refunded"
            } else {
                "partially_refunded"
            }
        } else {
            &self.facts.status
        }
    }

    pub fn is_refundable_status(&self) -> bool {
        REFUNDABLE.contains(&self.status())
    }

    pub fn pending(&self) -> Option<&RefundEntry> {
        self.pending.as_ref()
    }

    /// What is still refundable, in minor units (pending refunds hold theirs).
    pub fn refundable_minor(&self) -> i64 {
        self.minor(self.record.remaining())
    }

    pub fn minor(&self, amount: refund_shared::Decimal) -> i64 {
        money::to_minor(amount, self.currency).unwrap_or(0)
    }
}
