//! How a record ends: the members that grow with a source's history, each followed by its
//! length, so that [`super::SourceRecord::decode`] finds them from the end without reading them
//! and serde_json reads only the rest:
//!
//! `{...,"idempotency":{...},"idempotency_bytes":M,"refunds":[...],"refunds_bytes":N}`
//!
//! Still one JSON object: a reader that knows nothing of this (an earlier version of these
//! components) reads every member, ignoring the two lengths. Records written before the refunds
//! went last are laid out anew when read ([`relaid`]); records written before the keys did keep
//! them among the other members, where serde reads them.

use super::scan;
use std::ops::Range;

/// The keys member and its length, before the refunds.
pub const KEYS: Member = Member {
    name: b",\"idempotency\":",
    length: b",\"idempotency_bytes\":",
    open: b'{',
    close: b'}',
};

/// The refunds member and its length, last.
pub const REFUNDS: Member = Member {
    name: b",\"refunds\":",
    length: b",\"refunds_bytes\":",
    open: b'[',
    close: b']',
};

/// A member written with its length after it.
pub struct Member {
    /// The member's name with the comma before it and the colon after it.
    name: &'static [u8],
    /// The same for its length.
    length: &'static [u8],
    /// The first and last byte of its value.
    open: u8,
    close: u8,
}

/// Where a measured member is: the comma before its name, and its value.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub comma: usize,
    pub value: Range<usize>,
}

impl Member {
    /// Appends the member and its length to `out` (an object's members, without its closing
    /// brace); `value` writes the value.
    pub fn write(&self, out: &mut Vec<u8>, value: impl FnOnce(&mut Vec<u8>)) {
        out.extend_from_slice(self.name);
        let start = out.len();
        value(out);
        let length = out.len() - start;
        out.extend_from_slice(self.length);
        out.extend_from_slice(length.to_string().as_bytes());
    }

    /// The member as [`Member::write`] wrote it at the very end of `text`.
    pub fn find(&self, text: &[u8]) -> Option<Found> {
        let digits = text.len() - text.iter().rev().take_while(|b| b.is_ascii_digit()).count();
        let length: usize = std::str::from_utf8(&text[digits..]).ok()?.parse().ok()?;
        let end = digits.checked_sub(self.length.len())?;
        let start = end.checked_sub(length)?;
        let comma = start.checked_sub(self.name.len())?;
        let written = text[end..digits] == *self.length
            && text[comma..start] == *self.name
            && text.get(start) == Some(&self.open)
            && text.get(end.checked_sub(1)?) == Some(&self.close);
        written.then_some(Found {
            comma,
            value: start..end,
        })
    }
}

/// The refunds of a record as `encode` writes them: last, before the closing brace.
pub fn refunds(record: &[u8]) -> Option<Found> {
    REFUNDS.find(record.strip_suffix(b"}")?)
}

/// The keys of a record as `encode` writes them, just before its refunds (the comma before
/// those is `refunds_comma`).
pub fn keys(record: &[u8], refunds_comma: usize) -> Option<Found> {
    KEYS.find(&record[..refunds_comma])
}

/// A record stored before `encode` put its refunds last (anywhere among its members, and
/// without their length), laid out as it does now: found by a scan, and moved.
pub fn relaid(record: &[u8]) -> Option<(Vec<u8>, Found)> {
    let members = scan::members(record)?;
    let i = members.iter().position(|m| m.name == b"refunds")?;
    let array = members[i].value.clone();
    // Without the member and the comma after it, or, when it is last, the one before it.
    let cut = match (members.get(i + 1), i.checked_sub(1)) {
        (Some(next), _) => members[i].start..next.start,
        (None, Some(before)) => members[before].value.end..array.end,
        (None, None) => return None,
    };
    let mut relaid = Vec::with_capacity(record.len() + REFUNDS.name.len());
    relaid.extend_from_slice(&record[..cut.start]);
    relaid.extend_from_slice(&record[cut.end..]);
    // The rest's closing brace gives way to the refunds.
    while relaid.pop().is_some_and(|b| b != b'}') {}
    let comma = relaid.len();
    relaid.extend_from_slice(REFUNDS.name);
    let start = relaid.len();
    relaid.extend_from_slice(&record[array]);
    let end = relaid.len();
    relaid.push(b'}');
    Some((
        relaid,
        Found {
            comma,
            value: start..end,
        },
    ))
}
