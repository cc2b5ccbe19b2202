//! A source's refunds, kept as the JSON text they were stored as until a request looks at them.
//!
//! Every request reads its source's whole record, and the refunds are most of it: parsing them
//! all made each POST and GET cost 5-9 µs more per earlier refund in the .wasm (measured: a POST
//! on a source with 100 refunds took 2.3 times as long as on a fresh one). Decoding takes their
//! text from the end of the record without reading it (`SourceRecord::decode`); one refund is
//! found by walking back from the newest ([`super::scan::items_rev`]), and where each one is,
//! by a scan the first time they are all looked at; a POST appends one and reads what is left
//! from the record's running totals ([`Held`]); a request that shows or changes refunds parses
//! them once.

use super::{Parts, RefundEntry, list_text, scan};
use crate::error::{AppError, AppResult};
use rust_decimal::Decimal;
use serde::Deserialize;
use std::borrow::Cow;
use std::cell::OnceCell;
use std::ops::Range;

#[derive(Debug, Clone, Default)]
pub struct Refunds {
    /// The record the refunds were read from (kept whole: no copy), and where in it the stored
    /// array is; empty for a new source.
    record: Vec<u8>,
    array: Range<usize>,
    /// Where each stored refund is in `record`, oldest first: found on first look (a POST that
    /// only appends never needs them).
    stored: OnceCell<Vec<Range<usize>>>,
    /// The refunds [`Refunds::push`] appended, each as its text.
    pushed: Vec<Vec<u8>>,
    /// The list parsed, on first look.
    parsed: OnceCell<Vec<RefundEntry>>,
    /// A refund was changed in `parsed`: the list is written from it, not from the text.
    changed: bool,
}

impl Refunds {
    /// The refunds of the array at `array` in `record`, found but not parsed.
    pub(super) fn stored(record: Vec<u8>, array: Range<usize>) -> Refunds {
        Refunds {
            record,
            array,
            ..Refunds::default()
        }
    }

    /// Each refund's text, oldest first.
    fn texts(&self) -> AppResult<impl DoubleEndedIterator<Item = &[u8]>> {
        let stored = match self.stored.get() {
            Some(spans) => spans,
            None => {
                let array = &self.record[self.array.clone()];
                let spans = match array {
                    [] => Vec::new(),
                    _ => scan::items(array).ok_or_else(|| AppError::Store("unreadable refunds".into()))?,
                };
                let at = self.array.start;
                self.stored
                    .get_or_init(|| spans.into_iter().map(|s| s.start + at..s.end + at).collect())
            }
        };
        let stored = stored.iter().map(|s| &self.record[s.clone()]);
        Ok(stored.chain(self.pushed.iter().map(Vec::as_slice)))
    }

    /// Every refund, oldest first.
    pub fn all(&self) -> AppResult<&[RefundEntry]> {
        if let Some(list) = self.parsed.get() {
            return Ok(list);
        }
        let list = self.texts()?.map(read).collect::<AppResult<Vec<_>>>()?;
        Ok(self.parsed.get_or_init(|| list))
    }

    /// The refund `id`. Unless the list was read already, refunds are looked at newest first,
    /// walking back from the end of the stored array, until it is found: the refund a client
    /// asks about is most often a recent one, and the older ones are then not even delimited.
    pub fn get(&self, id: &str) -> AppResult<Option<RefundEntry>> {
        if let Some(list) = self.parsed.get() {
            return Ok(list.iter().find(|r| r.id == id).cloned());
        }
        let array = &self.record[self.array.clone()];
        let stored = scan::items_rev(array).map(|span| match span {
            Some(span) => Ok(&array[span]),
            None => Err(AppError::Store("unreadable refunds".into())),
        });
        let newest_first = self.pushed.iter().rev().map(|t| Ok(t.as_slice())).chain(stored);
        for text in newest_first {
            let text = text?;
            if names_another(text, id) {
                continue;
            }
            let refund: RefundEntry = read(text)?;
            if refund.id == id {
                return Ok(Some(refund));
            }
        }
        Ok(None)
    }

    /// The oldest refund in `status`. Unless the list was read already, only the refunds whose
    /// text names that status are parsed: a POST that must know whether a refund is pending
    /// reads none of the others (each parsed was ~1-3 µs of a purchase refund's POST). Most
    /// often none is in that status, which one look through all their text tells, before any
    /// is delimited (delimiting each was a quarter of a purchase's GET natively).
    pub fn first_in(&self, status: &str) -> AppResult<Option<RefundEntry>> {
        if let Some(list) = self.parsed.get() {
            return Ok(list.iter().find(|r| r.status == status).cloned());
        }
        let member = format!(
            r#""status":{}"#,
            serde_json::to_string(status).expect("a string always serializes")
        );
        let has = |text: &[u8]| crate::json::text_has(text, member.as_bytes());
        if !has(&self.record[self.array.clone()]) && !self.pushed.iter().any(|t| has(t)) {
            return Ok(None);
        }
        for text in self.texts()? {
            if !has(text) {
                continue;
            }
            // The member may also be a refund's own field's, inside `data`: parsed to be sure.
            let refund: RefundEntry = read(text)?;
            if refund.status == status {
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
            None => self.texts().is_ok_and(|mut texts| texts.next().is_none()),
        }
    }

    /// Appends a refund without reading the others.
    pub fn push(&mut self, entry: RefundEntry) {
        if !self.changed {
            self.pushed
                .push(serde_json::to_vec(&entry).expect("a refund always serializes"));
        }
        if let Some(list) = self.parsed.get_mut() {
            list.push(entry);
        }
    }

    /// Whether a refund was changed since the record was read (its totals must be summed again).
    pub(super) fn changed(&self) -> bool {
        self.changed
    }

    /// About how many bytes [`Refunds::write`] writes.
    pub(super) fn text_len(&self) -> usize {
        self.array.len() + self.pushed.iter().map(|t| t.len() + 1).sum::<usize>() + 2
    }

    /// Writes the refunds as the JSON array they are stored as: the stored text as it was read
    /// and the appended refunds after it, unless a refund was changed.
    pub(super) fn write(&self, out: &mut Vec<u8>) {
        if let (Some(list), true) = (self.parsed.get(), self.changed) {
            serde_json::to_writer(out, list).expect("refunds always serialize");
            return;
        }
        let stored = list_text::inside(&self.record[self.array.clone()]);
        list_text::write(
            out,
            stored.into_iter().chain(self.pushed.iter().map(Vec::as_slice)),
        );
    }
}

/// Whether a refund's text, as serde_json wrote it (`{"id":"...",` first), names a refund other
/// than `id`: such a refund need not be parsed. Ids that JSON would escape are always parsed.
fn names_another(text: &[u8], id: &str) -> bool {
    let plain = id.bytes().all(|b| b >= b' ' && b != b'"' && b != b'\\');
    let Some(rest) = text.strip_prefix(br#"{"id":""#) else {
        return false;
    };
    plain && !(rest.starts_with(id.as_bytes()) && rest.get(id.len()) == Some(&b'"'))
}

fn read<'a, T: Deserialize<'a>>(text: &'a [u8]) -> AppResult<T> {
    serde_json::from_slice(text).map_err(|e| AppError::Store(format!("unreadable refund: {e}")))
}

impl PartialEq for Refunds {
    fn eq(&self, other: &Self) -> bool {
        match (self.all(), other.all()) {
            (Ok(a), Ok(b)) => a == b,
            _ => match (self.texts(), other.texts()) {
                (Ok(a), Ok(b)) => a.eq(b),
                _ => false,
            },
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
