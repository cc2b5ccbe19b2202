//! JSON kept in a record as the text it was stored as: a refund's API-specific fields
//! (customer, method, description...) and a source's facts (what the admin loaded).
//!
//! A source's record holds every refund taken against it, and every request decodes the whole
//! record; most of its bytes are these fields. Kept as raw text, decoding the record only checks
//! them, and re-encoding copies them: a POST parses none of the older refunds' fields and a GET
//! parses only the refund it shows. Each is read as its API's type with the same reader as the
//! record, so a .wasm holds no second deserializer (`serde_json::Value`'s).
//!
//! To keep records small, a stored type leaves out its `None` members
//! (`#[serde(skip_serializing_if = "Option::is_none")]` on each `Option` field); a missing
//! member reads back as `None`. A type that is also part of a request's idempotency
//! fingerprint keeps its nulls: changing how it serializes would change the fingerprints of
//! requests already stored.

use crate::error::{AppError, AppResult};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;

#[derive(Debug, Clone)]
pub struct StoredJson(Text);

#[derive(Debug, Clone)]
enum Text {
    /// As serde_json read or wrote it.
    Raw(Box<RawValue>),
    /// A list put together from stored items and a new one ([`super::Extra`]'s): JSON by
    /// construction, written into the record as it is, and parsed only if a view embeds it.
    Joined(Vec<u8>),
}

impl StoredJson {
    /// No fields of the API's own.
    pub fn none() -> Self {
        StoredJson(Text::Raw(RawValue::NULL.to_owned()))
    }

    /// `fields` as JSON text, written directly (no `serde_json::Value` in between: that was a
    /// second serializer for every stored type, ~4-7 KB per .wasm).
    pub fn of<T: Serialize>(fields: &T) -> Self {
        let raw = serde_json::value::to_raw_value(fields).expect("stored fields always serialize");
        StoredJson(Text::Raw(raw))
    }

    /// A list's text that [`super::Extra`] put together from JSON values and commas.
    pub(super) fn joined(text: Vec<u8>) -> Self {
        StoredJson(Text::Joined(text))
    }

    /// The JSON text.
    pub fn text(&self) -> &[u8] {
        match &self.0 {
            Text::Raw(raw) => raw.get().as_bytes(),
            Text::Joined(text) => text,
        }
    }

    /// The text read back as the API's type; an error names `what` it belongs to
    /// (`refund r1`, `payment 42`). `what` is formatted only for an error: a listing reads one
    /// per refund, and a `format!` each measured ~0.2 µs in the .wasm.
    pub fn read<T: DeserializeOwned>(&self, what: impl std::fmt::Display) -> AppResult<T> {
        // from_slice, not from_str: the record is read with the same reader, so one copy of
        // the parser serves both in each .wasm.
        serde_json::from_slice(self.text()).map_err(|e| AppError::Store(format!("{what} is unreadable: {e}")))
    }

    /// The items of a stored array whose text holds `member` (as [`crate::json::text_has`]
    /// finds it), with no copy of each: for a request that looks into a few of them (a
    /// purchase's attempts at one refund, an order's pending events). Only the items up to the
    /// last that holds it are delimited (by [`super::scan`]): a purchase refund's own attempt
    /// is the newest, its first. Anything but an array has none.
    pub fn items_holding(&self, member: &[u8]) -> Vec<&[u8]> {
        let text = self.text();
        let (mut last, mut from) = (None, 0);
        while let Some(at) = crate::json::find(&text[from..], member) {
            last = Some(from + at);
            from += at + 1;
        }
        let Some(last) = last else {
            return Vec::new();
        };
        let spans = super::scan::items_until(text, last).unwrap_or_default();
        let items = spans.into_iter().map(|span| &text[span]);
        items.filter(|item| crate::json::text_has(item, member)).collect()
    }
}

impl Serialize for StoredJson {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match &self.0 {
            Text::Raw(raw) => raw.serialize(s),
            // Read as the record's members are (a borrowed `RawValue` was a reader more).
            Text::Joined(text) => serde_json::from_slice::<Box<RawValue>>(text)
                .map_err(serde::ser::Error::custom)?
                .serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for StoredJson {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Box::<RawValue>::deserialize(d).map(|raw| StoredJson(Text::Raw(raw)))
    }
}

impl PartialEq for StoredJson {
    fn eq(&self, other: &Self) -> bool {
        self.text() == other.text()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    /// Annotated as every stored type is.
    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Stored {
        customer: u64,
        #[serde(skip_serializing_if = "Option::is_none")]
        note: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        extra: Option<Value>,
        method: Method,
    }

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Method {
        id: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        name: Option<String>,
    }

    #[test]
    fn none_members_are_not_stored_and_read_back_as_none() {
        let stored = Stored {
            customer: 7,
            note: None,
            extra: None,
            method: Method {
                id: "pm".into(),
                name: None,
            },
        };
        let fields = StoredJson::of(&stored);
        assert_eq!(fields.text(), br#"{"customer":7,"method":{"id":"pm"}}"#);
        assert_eq!(fields.read::<Stored>("refund r1").unwrap(), stored);
    }

    #[test]
    fn a_stored_null_also_reads_back_as_none() {
        let fields =
            StoredJson::of(&json!({"customer": 7, "note": null, "method": {"id": "pm", "name": null}}));
        let read = fields.read::<Stored>("refund r2").unwrap();
        assert_eq!((read.note, read.method.name), (None, None));
    }

    #[test]
    fn unreadable_fields_name_the_refund() {
        let err = StoredJson::of(&json!({"customer": "x"}))
            .read::<Stored>("refund r9")
            .unwrap_err();
        assert!(
            matches!(&err, AppError::Store(m) if m.contains("refund r9")),
            "{err:?}"
        );
    }

    #[test]
    fn items_holding_a_member_are_delimited_as_serde_json_reads_them() {
        let list = json!([{"k": 1, "s": "\"k\":1]"}, {"k": 2}, [{"k": 1}], {"k": 1}, {"k": 3}]);
        let list = StoredJson::of(&list);
        let items: Vec<Box<RawValue>> = list.read("list").unwrap();
        let expected: Vec<&[u8]> = [0, 2, 3].map(|i| items[i].get().as_bytes()).to_vec();
        assert_eq!(list.items_holding(br#""k":1"#), expected);
        assert!(list.items_holding(br#""k":4"#).is_empty());
        assert!(
            StoredJson::of(&json!({"k": 1}))
                .items_holding(br#""k":1"#)
                .is_empty()
        );
        assert!(StoredJson::none().items_holding(b"null").is_empty());
    }

    #[test]
    fn survive_a_record_round_trip_byte_for_byte() {
        let fields = StoredJson::of(&json!({"amount": 1.10, "n": 12345678901234567890u64}));
        let text = serde_json::to_string(&fields).unwrap();
        let back: StoredJson = serde_json::from_str(&text).unwrap();
        assert_eq!(back, fields);
        assert_eq!(back.text(), br#"{"amount":1.1,"n":12345678901234567890}"#);
    }
}
