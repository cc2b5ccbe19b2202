//! The idempotency keys a source has seen, kept as the JSON object they were stored as: a POST
//! looks up its own key by scanning the text (no key or entry of the others is allocated) and
//! adds its key by splicing it in.

use super::IdempotencyEntry;
use crate::error::{AppError, AppResult};
use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::value::RawValue;
use std::fmt;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SeenKeys(Box<RawValue>);

impl Default for SeenKeys {
    fn default() -> Self {
        SeenKeys(raw(b"{}"))
    }
}

impl SeenKeys {
    /// What the request first sent with `key` was, if the key was seen.
    pub fn get(&self, key: &str) -> AppResult<Option<IdempotencyEntry>> {
        // A byte reader, as every JSON reader in the .wasm (see `json::parse`).
        let mut reader = serde_json::Deserializer::from_slice(self.0.get().as_bytes());
        reader
            .deserialize_map(Lookup(key))
            .map_err(|e| AppError::Store(format!("unreadable idempotency keys: {e}")))
    }

    /// Remembers `key`; a key seen before keeps what it was first sent with.
    pub fn insert(&mut self, key: &str, seen: &IdempotencyEntry) -> AppResult<()> {
        if self.get(key)?.is_none() {
            let value = serde_json::to_string(seen).expect("an entry always serializes");
            self.0 = with_member(&self.0, key, &value);
        }
        Ok(())
    }
}

/// `object` with `"key":value` before its closing brace. Stored text is compact (serde_json
/// wrote it), so the brace is its last byte.
fn with_member(object: &RawValue, key: &str, value: &str) -> Box<RawValue> {
    let object = object.get();
    let key = serde_json::to_string(key).expect("a string always serializes");
    let open = &object[..object.len() - 1];
    let mut text = String::with_capacity(object.len() + key.len() + value.len() + 2);
    text.push_str(open);
    if open != "{" {
        text.push(',');
    }
    text.push_str(&key);
    text.push(':');
    text.push_str(value);
    text.push('}');
    raw(text.as_bytes())
}

/// Text we composed from JSON, as a `RawValue`. Read with the byte reader, not
/// `RawValue::from_string`: that would bring serde_json's second (`&str`) reader into the .wasm.
fn raw(json: &[u8]) -> Box<RawValue> {
    serde_json::from_slice(json).expect("composed from JSON, so JSON")
}

impl PartialEq for SeenKeys {
    fn eq(&self, other: &Self) -> bool {
        self.0.get() == other.0.get()
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
    fn finds_what_was_inserted_and_nothing_else() {
        let mut keys = SeenKeys::default();
        assert_eq!(keys.get("header:a").unwrap(), None);
        keys.insert("header:a", &entry("r1")).unwrap();
        keys.insert(r#"header:b"\"#, &entry("r2")).unwrap();
        keys.insert("header:a", &entry("r3")).unwrap();
        assert_eq!(keys.get("header:a").unwrap(), Some(entry("r1")));
        assert_eq!(keys.get(r#"header:b"\"#).unwrap(), Some(entry("r2")));
        assert_eq!(keys.get("header:c").unwrap(), None);
    }

    #[test]
    fn keys_are_written_as_json_strings() {
        let mut keys = SeenKeys::default();
        keys.insert(r#"header:a"b"#, &entry("r1")).unwrap();
        assert_eq!(
            serde_json::to_string(&keys).unwrap(),
            r#"{"header:a\"b":{"fingerprint":"fp-r1","refund_id":"r1"}}"#
        );
    }

    #[test]
    fn reads_the_map_earlier_versions_wrote() {
        let stored = r#"{"header:k":{"fingerprint":"f","refund_id":"9"},"correlatorId:x":{"fingerprint":"g","refund_id":"8"}}"#;
        let keys: SeenKeys = serde_json::from_str(stored).unwrap();
        assert_eq!(keys.get("correlatorId:x").unwrap().unwrap().refund_id, "8");
        assert_eq!(serde_json::to_string(&keys).unwrap(), stored);
    }

    #[test]
    fn a_damaged_entry_is_a_store_error() {
        let keys: SeenKeys = serde_json::from_str(r#"{"header:k":{"fingerprint":1}}"#).unwrap();
        assert!(matches!(keys.get("header:k"), Err(AppError::Store(_))));
    }
}
