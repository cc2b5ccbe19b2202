//! The stored record of one refundable source and the refunds taken against it.

use super::{Extra, Held, Idempotency, NewRefund, Parts, Refunds, SeenKeys, StoredJson, tail};
use crate::error::{AppError, AppResult};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// Bumped when the stored shape changes incompatibly; readers refuse what they do not know.
pub const RECORD_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceRecord {
    pub v: u32,
    pub kind: String,
    pub id: String,
    pub currency: String,
    /// What was paid and can be given back in all.
    #[serde(deserialize_with = "crate::money::stored")]
    pub captured: Decimal,
    /// What was paid per refundable part (an invoice of a payment, an order row...).
    #[serde(default)]
    pub parts: Parts,
    /// The source as loaded by the admin component: the facts each API reads (customer...).
    pub data: StoredJson,
    /// Read and written around serde (`decode`, `encode`), so that serde_json never walks the
    /// refunds' text; stored as the record's last member.
    #[serde(skip)]
    pub refunds: Refunds,
    /// What the refunds that hold funds add up to, kept as they are taken so a request need
    /// not read them all. Records written before it have none: it is summed when they are read.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::money::stored_some"
    )]
    held: Option<Decimal>,
    /// The same per part.
    #[serde(default, skip_serializing_if = "Parts::is_empty")]
    held_parts: Parts,
    /// When a refund of this source last changed (the latest `updated` among them), kept as
    /// they change, like the totals, so an answer that shows it need not read them all. Records
    /// written before it, and sources with no refund yet, have none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    last_refund_update: Option<i64>,
    /// The last refund sequence number given out for this source.
    #[serde(default)]
    pub next_seq: u64,
    /// Read and written around serde as well when `encode` wrote it (records written before
    /// it keep it among the other members, where serde reads it).
    #[serde(default, skip_serializing)]
    pub idempotency: SeenKeys,
    /// State an API keeps with the source beyond its refunds (attempt history, balances, the
    /// outbox), each member as its stored text. Written by `encode`, as its text, where serde
    /// would write it (last of serde's members): a list an item was added to is not parsed.
    #[serde(default, skip_serializing)]
    pub extra: Extra,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RefundEntry {
    pub id: String,
    pub seq: u64,
    #[serde(deserialize_with = "crate::money::stored")]
    pub amount: Decimal,
    #[serde(default, skip_serializing_if = "Parts::is_empty")]
    pub parts: Parts,
    pub status: String,
    /// `false` once the refund failed, was cancelled or rejected: its amount is refundable again.
    pub holds_funds: bool,
    pub created: i64,
    pub updated: i64,
    /// The API's own fields, read only by the request that shows or changes this refund.
    pub data: StoredJson,
}

impl RefundEntry {
    /// The API's own fields of this refund, as its type.
    pub fn fields<T: serde::de::DeserializeOwned>(&self) -> AppResult<T> {
        self.data.read(format_args!("refund {}", self.id))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IdempotencyEntry {
    pub fingerprint: String,
    pub refund_id: String,
}

impl SourceRecord {
    pub fn new(kind: &str, id: &str, currency: &str, captured: Decimal, data: StoredJson) -> Self {
        SourceRecord {
            v: RECORD_VERSION,
            kind: kind.to_string(),
            id: id.to_string(),
            currency: currency.to_string(),
            captured,
            parts: Parts::default(),
            data,
            refunds: Refunds::default(),
            held: Some(Decimal::ZERO),
            held_parts: Parts::default(),
            last_refund_update: None,
            next_seq: 0,
            idempotency: SeenKeys::default(),
            extra: Extra::default(),
        }
    }

    pub fn decode(mut bytes: Vec<u8>) -> AppResult<Self> {
        let unreadable =
            |e: &dyn std::fmt::Display| AppError::Store(format!("unreadable source record: {e}"));
        // The refunds stay in `bytes`, where `encode` said they are (records written before it
        // said so are scanned for them), and the keys are taken from before them; serde_json
        // reads the rest, in place: the comma before the keys (or the refunds) stands in for the
        // closing brace while it does.
        let found = match tail::refunds(&bytes) {
            Some(found) => Some(found),
            None => tail::relaid(&bytes).map(|(relaid, found)| {
                bytes = relaid;
                found
            }),
        };
        let Some(refunds) = found else {
            let record: SourceRecord = serde_json::from_slice(&bytes).map_err(|e| unreadable(&e))?;
            return record.checked();
        };
        let keys = tail::keys(&bytes, refunds.comma)
            .and_then(|found| Some((found.comma, SeenKeys::stored(&bytes[found.value])?)));
        let end = keys.as_ref().map_or(refunds.comma, |(comma, _)| *comma);
        let closing = std::mem::replace(&mut bytes[end], b'}');
        let read = serde_json::from_slice::<SourceRecord>(&bytes[..=end]);
        bytes[end] = closing;
        let mut record = read.map_err(|e| unreadable(&e))?;
        if let Some((_, keys)) = keys {
            record.idempotency = keys;
        }
        record.refunds = Refunds::stored(bytes, refunds.value);
        record.checked()
    }

    /// One refund of a stored record, without decoding the record. When `encode` wrote it (this
    /// version first, the refunds last), only the refunds are delimited, from the end, and only
    /// the one asked for is parsed: a GET of one refund does not pay for the rest of the record
    /// (decoding its head, an order's outbox included, took 2-9 µs natively on a source of 20
    /// refunds, several times that in a .wasm). Any other record is decoded whole first, as
    /// before. A write always decodes the whole record.
    pub fn refund_in(bytes: Vec<u8>, id: &str) -> AppResult<Option<RefundEntry>> {
        if bytes.starts_with(OPENING)
            && let Some(found) = tail::refunds(&bytes)
        {
            return Refunds::stored(bytes, found.value).get(id);
        }
        Self::decode(bytes)?.refund(id)
    }

    /// A decoded record, refused unless this version knows it; totals summed for records
    /// written before they were kept.
    fn checked(mut self) -> AppResult<Self> {
        if self.v != RECORD_VERSION {
            return Err(AppError::Store(format!(
                "source record version {} is unknown",
                self.v
            )));
        }
        if self.held.is_none() {
            let held = Held::of(self.refunds.all()?);
            self.set_held(held);
        }
        Ok(self)
    }

    /// The record as stored; after a change to a refund, with its totals summed again.
    pub fn encode(&mut self) -> Vec<u8> {
        if self.refunds.changed() {
            let held = Held::of(self.refunds.all().unwrap_or_default());
            self.set_held(held);
        }
        if self.refunds.changed() || self.last_refund_update.is_none() {
            self.last_refund_update = self.latest_update();
        }
        let keys = self.idempotency.text();
        let tail = self.refunds.text_len() + keys.len() + self.extra.text_len();
        let mut out = Vec::with_capacity(tail + 1024);
        serde_json::to_writer(&mut out, self).expect("a record always serializes");
        // serde_json closed the object; the API's state follows as its text, then the keys and
        // the refunds, each with its length.
        out.pop();
        out.extend_from_slice(b",\"extra\":");
        self.extra.write(&mut out);
        tail::KEYS.write(&mut out, |out| out.extend_from_slice(keys));
        tail::REFUNDS.write(&mut out, |out| self.refunds.write(out));
        out.push(b'}');
        out
    }

    /// What the refunds that hold funds add up to: the running totals, or summed again once a
    /// refund was changed in place.
    fn held(&self) -> Held<'_> {
        if let (Some(amount), false) = (self.held, self.refunds.changed()) {
            return Held {
                amount,
                parts: Cow::Borrowed(&self.held_parts),
            };
        }
        // A changed list was read, and a record without totals was summed when decoded: the
        // list is there.
        Held::of(self.refunds.all().unwrap_or_default())
    }

    /// When a refund of this source last changed, if one ever did.
    pub fn last_refund_update(&self) -> AppResult<Option<i64>> {
        match self.last_refund_update {
            Some(at) if !self.refunds.changed() => Ok(Some(at)),
            _ => Ok(self.refunds.all()?.iter().map(|r| r.updated).max()),
        }
    }

    /// The same worked out from the refunds, for `encode` (a separate, infallible copy: one
    /// through `last_refund_update` measured ~190 bytes more in payment-refunds).
    fn latest_update(&self) -> Option<i64> {
        self.refunds.all().ok()?.iter().map(|r| r.updated).max()
    }

    fn set_held(&mut self, held: Held) {
        self.held = Some(held.amount);
        self.held_parts = held.parts.into_owned();
    }

    /// What the refunds that still hold funds add up to.
    pub fn refunded(&self) -> Decimal {
        self.held().amount
    }

    /// What can still be refunded in all.
    pub fn remaining(&self) -> Decimal {
        self.captured - self.refunded()
    }

    /// What the refunds that hold funds charged against one part.
    pub fn part_refunded(&self, part: &str) -> Decimal {
        self.held().parts.get(part).unwrap_or_default()
    }

    /// What can still be refunded of one part; `None` when the source has no such part.
    pub fn part_remaining(&self, part: &str) -> Option<Decimal> {
        Some(self.parts.get(part)? - self.part_refunded(part))
    }

    pub fn refund(&self, id: &str) -> AppResult<Option<RefundEntry>> {
        self.refunds.get(id)
    }

    /// Appends a refund decided on this record (sequence `next_seq + 1`) after the ledger's own
    /// check, and remembers the request's idempotency keys. For use inside [`super::Ledger::modify`]
    /// by APIs that write more than the refund in the same swap, after [`SourceRecord::replay`]
    /// found none of the keys; [`super::Ledger::refund`] is this plus the replay check.
    pub fn take(&mut self, new: NewRefund, keys: &[Idempotency], now: i64) -> AppResult<RefundEntry> {
        self.check_refundable(&new)?;
        let seq = self.next_seq + 1;
        let entry = RefundEntry {
            id: new.id,
            seq,
            amount: new.amount,
            parts: new.parts,
            status: new.status,
            holds_funds: new.holds_funds,
            created: now,
            updated: now,
            data: new.data,
        };
        self.next_seq = seq;
        if let Some(amount) = &mut self.held {
            Held::add(amount, &mut self.held_parts, &entry);
        }
        if let Some(at) = &mut self.last_refund_update {
            *at = (*at).max(now);
        }
        self.refunds.push(entry.clone());
        for idem in keys {
            let seen = IdempotencyEntry {
                fingerprint: idem.fingerprint.clone(),
                refund_id: entry.id.clone(),
            };
            self.idempotency.add(&idem.key, &seen)?;
        }
        Ok(entry)
    }

    /// The refund a retried request already took, or a conflict when a key was used for a
    /// different request (or two keys name different refunds).
    pub fn replay(&self, keys: &[Idempotency]) -> AppResult<Option<RefundEntry>> {
        let mut found: Option<String> = None;
        for idem in keys {
            let Some(seen) = self.idempotency.get(&idem.key)? else {
                continue;
            };
            if seen.fingerprint != idem.fingerprint {
                return Err(AppError::Conflict(format!(
                    "{} was already used with a different request",
                    idem.label()
                )));
            }
            if found.as_ref().is_some_and(|id| *id != seen.refund_id) {
                return Err(AppError::Conflict(
                    "the request's keys name different refunds".into(),
                ));
            }
            found = Some(seen.refund_id);
        }
        match found {
            None => Ok(None),
            Some(id) => match self.refund(&id)? {
                Some(r) => Ok(Some(r)),
                None => Err(AppError::Store(
                    "an idempotency key names a missing refund".into(),
                )),
            },
        }
    }

    /// The ledger's own guard, whatever the API checked: a refund is positive, its parts add up
    /// to no more than it, and neither it nor any part exceeds what is left.
    fn check_refundable(&self, new: &NewRefund) -> AppResult<()> {
        let over = |message: String| AppError::Refused {
            field: None,
            code: "over_refund",
            message,
        };
        if new.amount <= Decimal::ZERO {
            return Err(over("a refund must be greater than 0".into()));
        }
        if new.parts.iter().any(|(_, a)| a <= Decimal::ZERO) {
            return Err(over("a refund's parts must each be greater than 0".into()));
        }
        if new.parts.total() > new.amount {
            return Err(over("a refund's parts exceed its amount".into()));
        }
        if !new.holds_funds {
            return Ok(());
        }
        let held = self.held();
        let remaining = self.captured - held.amount;
        if new.amount > remaining {
            return Err(over(format!(
                "the refund exceeds what is refundable ({remaining} {} left)",
                self.currency
            )));
        }
        for (part, amount) in new.parts.iter() {
            let left = self
                .parts
                .get(part)
                .map(|paid| paid - held.parts.get(part).unwrap_or_default());
            match left {
                Some(left) if amount <= left => {}
                Some(left) => {
                    return Err(over(format!(
                        "the refund exceeds what is refundable on {part} ({left} left)"
                    )));
                }
                None => return Err(over(format!("{part} is not part of this source"))),
            }
        }
        Ok(())
    }

    /// After a change to an existing refund: nothing may hold more than was captured.
    pub(super) fn check_totals(&self) -> AppResult<()> {
        let held = self.held();
        let over = |(part, paid): (&str, Decimal)| held.parts.get(part).is_some_and(|h| h > paid);
        if held.amount > self.captured || self.parts.iter().any(over) {
            return Err(AppError::Conflict(
                "the change would hold more than was captured".into(),
            ));
        }
        Ok(())
    }
}

/// How a record of this version opens as `encode` writes it (`v` is its first member); the
/// ledger's tests fail if it and [`RECORD_VERSION`] part.
const OPENING: &[u8] = b"{\"v\":1,";
