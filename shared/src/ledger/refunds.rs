//! A source's refunds, kept as the JSON text they were stored as until a request looks at them.
//!
//! Every request reads its source's whole record, and the refunds are most of it: parsing them
//! all made each POST and GET cost 5-9 µs more per earlier refund in the .wasm (measured: a POST
//! on a source with 100 refunds took 2.3 times as long as on a fresh one). Decoding now only
//! finds where each refund's text ends; a POST appends one and reads what is left from the
//! record's running totals ([`Held`]); a request that shows or changes refunds parses them once.

use super::{Parts, RefundEntry};
use crate::error::{AppError, AppResult};
use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::cell::OnceCell;

#[derive(Debug, Clone, Default)]
pub struct Refunds {
    /// Each refund's text as stored, plus what [`Refunds::push`] appended; stale once `changed`.
    text: Vec<Box<RawValue>>,
    /// The list parsed, on first look.
    parsed: OnceCell<Vec<RefundEntry>>,
    /// A refund was changed in `parsed`: the list is written from it, not from `text`.
    changed: bool,
}

impl Refunds {
    /// Every refund, oldest first.
    pub fn all(&self) -> AppResult<&[RefundEntry]> {
        if let Some(list) = self.parsed.get() {
            return Ok(list);
        }
        let list = self.text.iter().map(|t| read(t)).collect::<AppResult<Vec<_>>>()?;
        Ok(self.parsed.get_or_init(|| list))
    }

    /// The refund `id`. Unless the list was read already, refunds are parsed newest first
    /// until it is found: the refund a client asks about is most often a recent one.
    pub fn get(&self, id: &str) -> AppResult<Option<RefundEntry>> {
        if let Some(list) = self.parsed.get() {
            return Ok(list.iter().find(|r| r.id == id).cloned());
        }
        for text in self.text.iter().rev() {
            let refund: RefundEntry = read(text)?;
            if refund.id == id {
                return Ok(Some(refund));
            }
        }
        Ok(None)
    }

    /// The first refund `pick` chooses, to change; the totals follow the change.
    pub fn find_mut(&mut self, pick: impl Fn(&RefundEntry) -> bool) -> AppResult<Option<&mut RefundEntry>> {
        self.all()?;
        let Some(list) = self.parsed.get_mut() else {
            return Ok(None);
        };
        let found = list.iter_mut().find(|r| pick(r));
        self.changed |= found.is_some();
        Ok(found)
    }

    pub fn is_empty(&self) -> bool {
        match self.parsed.get() {
            Some(list) => list.is_empty(),
            None => self.text.is_empty(),
        }
    }

    /// Appends a refund without reading the others.
    pub fn push(&mut self, entry: RefundEntry) {
        if !self.changed {
            let text = serde_json::value::to_raw_value(&entry).expect("a refund always serializes");
            self.text.push(text);
        }
        if let Some(list) = self.parsed.get_mut() {
            list.push(entry);
        }
    }

    /// Whether a refund was changed since the record was read (its totals must be summed again).
    pub(super) fn changed(&self) -> bool {
        self.changed
    }
}

fn read<'a, T: Deserialize<'a>>(text: &'a RawValue) -> AppResult<T> {
    serde_json::from_slice(text.get().as_bytes())
        .map_err(|e| AppError::Store(format!("unreadable refund: {e}")))
}

impl Serialize for Refunds {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.parsed.get() {
            Some(list) if self.changed => list.serialize(s),
            _ => self.text.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for Refunds {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Refunds {
            text: Vec::deserialize(d)?,
            parsed: OnceCell::new(),
            changed: false,
        })
    }
}

impl PartialEq for Refunds {
    fn eq(&self, other: &Self) -> bool {
        match (self.all(), other.all()) {
            (Ok(a), Ok(b)) => a == b,
            _ => self
                .text
                .iter()
                .map(|t| t.get())
                .eq(other.text.iter().map(|t| t.get())),
        }
    }
}

/// What the refunds that hold funds add up to, in all and per part (the record keeps it as a
/// running total).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Held<'a> {
    pub amount: Decimal,
    pub parts: Cow<'a, Parts>,
}

impl Held<'_> {
    /// The totals of `refunds`.
    pub fn of<'r>(refunds: impl IntoIterator<Item = &'r RefundEntry>) -> Held<'static> {
        let mut amount = Decimal::ZERO;
        let mut parts = Parts::default();
        for refund in refunds {
            Held::add(&mut amount, &mut parts, refund);
        }
        Held {
            amount,
            parts: Cow::Owned(parts),
        }
    }

    /// Adds `refund` to running totals, if it holds funds.
    pub fn add(amount: &mut Decimal, parts: &mut Parts, refund: &RefundEntry) {
        if !refund.holds_funds {
            return;
        }
        *amount += refund.amount;
        for (part, taken) in refund.parts.iter() {
            parts.add(part, taken);
        }
    }
}
