//! The ledger: every refundable source is one record, and every change to it (a refund, a status
//! change, a replaced source) is a compare-and-swap of that one record. Two concurrent refunds can
//! therefore never together exceed what was captured, on one machine or many.

mod by_name;
mod extra;
mod list_text;
mod parts;
mod record;
mod refunds;
mod scan;
mod seen_keys;
mod stored_json;
mod tail;

pub use extra::Extra;
pub use parts::Parts;
pub use record::{IdempotencyEntry, RECORD_VERSION, RefundEntry, SourceRecord};
pub use refunds::{Held, Refunds};
pub use seen_keys::SeenKeys;
pub use stored_json::StoredJson;

use crate::error::{AppError, AppResult};
use crate::outbox;
use crate::store::Store;
use rust_decimal::Decimal;

/// How many times a change is re-read and re-decided after losing a race before the client is
/// told to retry (503). High enough that dozens of concurrent refunds on one source all settle.
pub const MAX_ATTEMPTS: usize = 64;

/// The store key of a source record.
pub fn source_key(kind: &str, id: &str) -> String {
    format!("{SOURCE_PREFIX}{kind}/{id}")
}

const SOURCE_PREFIX: &str = "v1/source/";

/// What a change decided: write the record back, or leave the store untouched.
pub enum Write<T> {
    Save(T),
    Skip(T),
}

/// A refund an API wants taken, decided against the freshly read record.
pub struct NewRefund {
    /// The public id (see [`RefundIds`]).
    pub id: String,
    pub amount: Decimal,
    /// What it charges against each refundable part (invoice, row, shipping...), if any.
    pub parts: Parts,
    pub status: String,
    /// Whether the amount stays taken (`false` for a refund recorded as already failed).
    pub holds_funds: bool,
    /// The API's own fields, enough to render the refund again later.
    pub data: StoredJson,
}

/// A client's retry key and the fingerprint of what it asked the first time. Keys are stored
/// namespaced (`header:...`, `correlatorId:...`) so two kinds of key never collide.
#[derive(Debug, Clone)]
pub struct Idempotency {
    pub key: String,
    pub fingerprint: String,
}

impl Idempotency {
    /// How the key is named to the client in a conflict (`Idempotency-Key`, `correlatorId`).
    pub fn label(&self) -> String {
        match self.key.split_once(':') {
            Some(("header", _)) | None => "this Idempotency-Key".to_string(),
            Some((field, value)) => format!("{field} {value:?}"),
        }
    }
}

/// The result of [`Ledger::refund`].
#[derive(Debug)]
pub enum Outcome {
    /// A new refund was written.
    Created(RefundEntry, SourceRecord),
    /// The same key and request were seen before: the refund taken then.
    Replayed(RefundEntry, SourceRecord),
}

impl Outcome {
    pub fn parts(&self) -> (&RefundEntry, &SourceRecord, bool) {
        match self {
            Outcome::Created(r, s) => (r, s, false),
            Outcome::Replayed(r, s) => (r, s, true),
        }
    }
}

pub struct Ledger<'s, S: Store> {
    store: &'s S,
    now: i64,
    /// Whether refunds and their changes raise events into the source's outbox.
    events: bool,
}

impl<'s, S: Store> Ledger<'s, S> {
    /// `now` (Unix seconds) stamps what this request writes.
    pub fn new(store: &'s S, now: i64) -> Self {
        Ledger {
            store,
            now,
            events: false,
        }
    }

    /// Makes [`Ledger::refund`] raise `refund.created` and [`Ledger::update_refund`]
    /// `refund.updated`, in the same write as the change.
    pub fn raising_events(mut self, events: bool) -> Self {
        self.events = events;
        self
    }

    pub fn now(&self) -> i64 {
        self.now
    }

    /// Reads a source; `None` when it was never loaded.
    pub async fn find(&self, kind: &str, id: &str) -> AppResult<Option<SourceRecord>> {
        match self.store.get(&source_key(kind, id)).await? {
            Some(bytes) => Ok(Some(SourceRecord::decode(bytes)?)),
            None => Ok(None),
        }
    }

    /// One refund of a source, read without decoding the rest of its record
    /// ([`SourceRecord::refund_in`]): `None` when the source was never loaded, `Some(None)` when
    /// it has no such refund.
    pub async fn find_refund(
        &self,
        kind: &str,
        id: &str,
        refund_id: &str,
    ) -> AppResult<Option<Option<RefundEntry>>> {
        match self.store.get(&source_key(kind, id)).await? {
            Some(bytes) => Ok(Some(SourceRecord::refund_in(bytes, refund_id)?)),
            None => Ok(None),
        }
    }

    /// Every source in the store: a scan for the back office (the outbox), never on a refund's
    /// path.
    pub async fn sources(&self) -> AppResult<Vec<SourceRecord>> {
        let mut records = Vec::new();
        for key in self.store.keys().await? {
            if !key.starts_with(SOURCE_PREFIX) {
                continue;
            }
            if let Some(bytes) = self.store.get(&key).await? {
                records.push(SourceRecord::decode(bytes)?);
            }
        }
        Ok(records)
    }

    /// Reads a source or answers 404 naming `what`.
    pub async fn load(&self, kind: &str, id: &str, what: &str) -> AppResult<SourceRecord> {
        self.find(kind, id)
            .await?
            .ok_or_else(|| AppError::NotFound(what.to_string()))
    }

    /// The one way a record changes: read it, let `change` decide on the fresh copy, write it back
    /// with compare-and-swap; on a lost race, read and decide again (bounded). `change` sees
    /// `None` when the record does not exist and may create it.
    pub async fn modify<T>(
        &self,
        kind: &str,
        id: &str,
        mut change: impl FnMut(&mut Option<SourceRecord>) -> AppResult<Write<T>>,
    ) -> AppResult<(T, Option<SourceRecord>)> {
        let key = source_key(kind, id);
        for _ in 0..MAX_ATTEMPTS {
            let (bytes, token) = self.store.watch(&key).await?;
            let mut record = match bytes {
                Some(bytes) => Some(SourceRecord::decode(bytes)?),
                None => None,
            };
            match change(&mut record)? {
                Write::Skip(value) => return Ok((value, record)),
                Write::Save(value) => {
                    let Some(saved) = &mut record else {
                        return Err(AppError::Store("a change removed its record".into()));
                    };
                    if self.store.swap(token, &saved.encode()).await? {
                        return Ok((value, record));
                    }
                }
            }
        }
        Err(AppError::Contention)
    }

    /// Takes a refund: replays an idempotent retry (any of `keys`: a header key, an API's own
    /// correlation id), else lets the API decide on the fresh record,
    /// checks the result against what is refundable, appends it and writes it back.
    /// `decide` gets the record and the source-local sequence number the new refund will have.
    pub async fn refund(
        &self,
        kind: &str,
        id: &str,
        what: &str,
        keys: &[Idempotency],
        mut decide: impl FnMut(&SourceRecord, u64) -> AppResult<NewRefund>,
    ) -> AppResult<Outcome> {
        let now = self.now;
        let events = self.events;
        // The record comes back from `modify` as it was written: not copied here.
        let ((entry, replayed), record) = self
            .modify(kind, id, |slot| {
                let record = slot
                    .as_mut()
                    .ok_or_else(|| AppError::NotFound(what.to_string()))?;
                if let Some(replayed) = record.replay(keys)? {
                    return Ok(Write::Skip((replayed, true)));
                }
                let new = decide(record, record.next_seq + 1)?;
                let entry = record.take(new, keys, now)?;
                if events {
                    let fields = outbox::refund_fields(record, &entry);
                    outbox::raise(record, outbox::REFUND_CREATED, fields, now);
                }
                Ok(Write::Save((entry, false)))
            })
            .await?;
        let record = record.ok_or_else(|| AppError::NotFound(what.to_string()))?;
        Ok(if replayed {
            Outcome::Replayed(entry, record)
        } else {
            Outcome::Created(entry, record)
        })
    }

    /// Changes one refund of a source (a status transition, an approval) under the same
    /// compare-and-swap. `change` gets the refund to change and the rest of the record.
    pub async fn update_refund(
        &self,
        kind: &str,
        id: &str,
        refund_id: &str,
        what: &str,
        mut change: impl FnMut(&mut RefundEntry, &SourceRecord) -> AppResult<()>,
    ) -> AppResult<(RefundEntry, SourceRecord)> {
        let now = self.now;
        let events = self.events;
        let (entry, record) = self
            .modify(kind, id, |slot| {
                let record = slot
                    .as_mut()
                    .ok_or_else(|| AppError::NotFound(what.to_string()))?;
                let mut entry = record
                    .refund(refund_id)?
                    .ok_or_else(|| AppError::NotFound(format!("refund {refund_id}")))?;
                change(&mut entry, record)?;
                entry.updated = now;
                let stored = record.refunds.find_mut(|r| r.id == refund_id)?;
                *stored.ok_or_else(|| AppError::NotFound(format!("refund {refund_id}")))? = entry.clone();
                record.check_totals()?;
                if events {
                    let fields = outbox::refund_fields(record, &entry);
                    outbox::raise(record, outbox::REFUND_UPDATED, fields, now);
                }
                Ok(Write::Save(entry))
            })
            .await?;
        Ok((entry, record.expect("an updated record exists")))
    }
}

/// Public refund ids that carry their source, so a refund is found from its id with one read and
/// no index to write: `source id × 1,000,000 + the source's own sequence` (`42000003` is the third
/// refund of source 42). The sequence lives in the source record, so it advances under the same
/// compare-and-swap as the refund itself: atomic, gap-free, one write per refund.
pub struct RefundIds;

impl RefundIds {
    pub const PER_SOURCE: i64 = 1_000_000;
    /// Source ids up to this keep refund ids within JSON's exact integer range (2^53).
    pub const MAX_SOURCE_ID: i64 = 9_007_199_253;

    pub fn compose(source_id: i64, seq: u64) -> AppResult<i64> {
        if seq >= Self::PER_SOURCE as u64 {
            return Err(AppError::Conflict(
                "this source has reached the maximum number of refunds".into(),
            ));
        }
        Ok(source_id * Self::PER_SOURCE + seq as i64)
    }

    /// The source id of a refund id, if it could be one.
    pub fn source_of(refund_id: i64) -> Option<i64> {
        (refund_id > Self::PER_SOURCE).then_some(refund_id / Self::PER_SOURCE)
    }
}

#[cfg(test)]
mod tests;
