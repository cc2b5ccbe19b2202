//! The idempotency keys a source has seen, kept as the text of the JSON object they are stored
//! as: a POST looks up its own key with one pass over the text (no key or entry of the others
//! is allocated) and adds its key by splicing it in; every other request only carries the text.
//!
//! The record stores the object last but for its refunds, with its length
//! ([`super::tail`]), so decoding a record does not read it either: on a source with 20 refunds
//! the keys were most of what serde_json walked on every GET, and a POST went over them four
//! times (decode, look up, look up again to insert, re-check the spliced text).

use super::IdempotencyEntry;
use crate::error::{AppError, AppResult};
use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;
use std::fmt;

/// The stored object's text: compact JSON, as serde_json wrote it. Checked when a key is looked
/// up, not when the record is read.
#[derive(Debug, Clone)]
pub struct SeenKeys(Vec<u8>);

impl Default for SeenKeys {
    fn default() -> Self {
        SeenKeys(b"{}".to_vec())
    }
}

impl SeenKeys {
    /// The keys as found in a stored record; `None` unless the text is an object's.
    pub(super) fn stored(text: &[u8]) -> Option<SeenKeys> {
        (text.first() == Some(&b'{') && text.last() == Some(&b'}')).then(|| SeenKeys(text.to_vec()))
    }

    /// The object's text, as it is stored.
    pub(super) fn text(&self) -> &[u8] {
        &self.0
    }

    /// What the request first sent with `key` was, if the key was seen.
    pub fn get(&self, key: &str) -> AppResult<Option<IdempotencyEntry>> {
        // A byte reader, as every JSON reader in the .wasm (see `json::parse`).
        let mut reader = serde_json::Deserializer::from_slice(&self.0);
        let found = reader.deserialize_map(Lookup(key)).and_then(|found| {
            reader.end()?;
            Ok(found)
        });
        found.map_err(|e| AppError::Store(format!("unreadable idempotency keys: {e}")))
    }

    /// Remembers `key`, which [`SeenKeys::get`] just found unseen (the ledger replays a seen one
    /// instead), by splicing it in: the text is not read again. Should the key be there after
    /// all, the entry it was first sent with still wins: `get` keeps the first.
    pub fn add(&mut self, key: &str, seen: &IdempotencyEntry) -> AppResult<()> {
        if self.0.pop() != Some(b'}') {
            return Err(AppError::Store("unreadable idempotency keys".into()));
        }
        if self.0 != b"{" {
            self.0.push(b',');
        }
        serde_json::to_writer(&mut self.0, key).expect("a string always serializes");
        self.0.push(b':');
        serde_json::to_writer(&mut self.0, seen).expect("an entry always serializes");
        self.0.push(b'}');
        Ok(())
    }
}

/// Records that keep the keys among their other members (written before the keys went to the
/// tail) hold them as a JSON object, read here as its text.
impl<'de> Deserialize<'de> for SeenKeys {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = Box::<RawValue>::deserialize(d)?;
        Ok(SeenKeys(raw.get().as_bytes().to_vec()))
    }
}

impl PartialEq for SeenKeys {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

/// Reads the whole object, keeping only the entry of one key.
struct Lookup<'k>(&'k str);

impl<'de> Visitor<'de> for Lookup<'_> {
    type Value = Option<IdempotencyEntry>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("idempotency keys")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut found = None;
        while let Some(is_key) = map.next_key_seed(KeyIs(self.0))? {
            if is_key && found.is_none() {
                found = Some(map.next_value()?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(found)
    }
}

/// Compares a key with the one looked for, without allocating it.
struct KeyIs<'k>(&'k str);

impl<'de> DeserializeSeed<'de> for KeyIs<'_> {
    type Value = bool;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeyIs<'_> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_str<E>(self, key: &str) -> Result<bool, E> {
        Ok(key == self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: &str) -> IdempotencyEntry {
        IdempotencyEntry {
            fingerprint: format!("fp-{id}"),
            refund_id: id.into(),
        }
    }

    #[test]
    fn finds_what_was_added_and_nothing_else() {
        let mut keys = SeenKeys::default();
        assert_eq!(keys.get("header:a").unwrap(), None);
        keys.add("header:a", &entry("r1")).unwrap();
        keys.add(r#"header:b"\"#, &entry("r2")).unwrap();
        assert_eq!(keys.get("header:a").unwrap(), Some(entry("r1")));
        assert_eq!(keys.get(r#"header:b"\"#).unwrap(), Some(entry("r2")));
        assert_eq!(keys.get("header:c").unwrap(), None);
        // Added again anyway, the key still answers with what it was first sent with.
        keys.add("header:a", &entry("r3")).unwrap();
        assert_eq!(keys.get("header:a").unwrap(), Some(entry("r1")));
    }

    #[test]
    fn keys_are_written_as_json_strings() {
        let mut keys = SeenKeys::default();
        keys.add(r#"header:a"b"#, &entry("r1")).unwrap();
        assert_eq!(
            std::str::from_utf8(keys.text()).unwrap(),
            r#"{"header:a\"b":{"fingerprint":"fp-r1","refund_id":"r1"}}"#
        );
    }

    #[test]
    fn reads_the_map_earlier_versions_wrote() {
        let stored = r#"{"header:k":{"fingerprint":"f","refund_id":"9"},"correlatorId:x":{"fingerprint":"g","refund_id":"8"}}"#;
        let keys: SeenKeys = serde_json::from_str(stored).unwrap();
        assert_eq!(keys.get("correlatorId:x").unwrap().unwrap().refund_id, "8");
        assert_eq!(keys.text(), stored.as_bytes());
    }

    /// The text is read only when a key is looked up: what is not one object of entries is a
    /// store error then, and nothing is added to it.
    #[test]
    fn damaged_keys_are_a_store_error() {
        let keys: SeenKeys = serde_json::from_str(r#"{"header:k":{"fingerprint":1}}"#).unwrap();
        assert!(matches!(keys.get("header:k"), Err(AppError::Store(_))));
        for text in [&b"{}}"[..], b"{\"a\":{}}x}", b"{\"header:k\":", b"["] {
            match SeenKeys::stored(text) {
                Some(keys) => assert!(
                    matches!(keys.get("header:k"), Err(AppError::Store(_))),
                    "{text:?}"
                ),
                None => assert!(!text.ends_with(b"}") || !text.starts_with(b"{")),
            }
        }
        let mut cut = SeenKeys(b"{\"header:k\":{".to_vec());
        assert!(matches!(
            cut.add("header:j", &entry("r1")),
            Err(AppError::Store(_))
        ));
    }
}
