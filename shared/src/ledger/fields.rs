//! An API's own fields of a refund (customer, method, description...), kept in the record as the
//! JSON text they were stored as.
//!
//! A source's record holds every refund taken against it, and every request decodes the whole
//! record; most of its bytes are these fields. Kept as raw text, decoding the record only checks
//! them, and re-encoding copies them: a POST parses none of the older refunds' fields and a GET
//! parses only the refund it shows. Members that are `null` are not stored, which keeps records
//! small: so a stored type's fields that can be `null` are `Option`s (a missing member reads back
//! as `None`, where a plain `serde_json::Value` field would be refused as missing).

use crate::error::{AppError, AppResult};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use serde_json::value::RawValue;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RefundFields(Box<RawValue>);

impl RefundFields {
    /// No fields of the API's own.
    pub fn none() -> Self {
        RefundFields(RawValue::NULL.to_owned())
    }

    /// The fields as stored: `fields` as JSON, without its `null` members.
    pub fn of<T: Serialize>(fields: &T) -> Self {
        let mut value = serde_json::to_value(fields).expect("refund fields always serialize");
        drop_nulls(&mut value);
        let text = serde_json::to_string(&value).expect("a JSON value always serializes");
        RefundFields(RawValue::from_string(text).expect("serde_json wrote valid JSON"))
    }

    /// The fields read back as the API's type; an error names the refund they belong to.
    pub fn read<T: DeserializeOwned>(&self, refund_id: &str) -> AppResult<T> {
        // from_slice, not from_str: the record is read with the same reader, so one copy of
        // the parser serves both in each .wasm.
        serde_json::from_slice(self.0.get().as_bytes())
            .map_err(|e| AppError::Store(format!("refund {refund_id} is unreadable: {e}")))
    }
}

impl PartialEq for RefundFields {
    fn eq(&self, other: &Self) -> bool {
        self.0.get() == other.0.get()
    }
}

/// Removes `null` members from every object, however deep (array elements stay as they are).
fn drop_nulls(value: &mut Value) {
    match value {
        Value::Object(members) => {
            members.retain(|_, v| !v.is_null());
            members.values_mut().for_each(drop_nulls);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_nulls),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Stored {
        customer: u64,
        note: Option<String>,
        extra: Option<Value>,
        method: Method,
    }

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Method {
        id: String,
        name: Option<String>,
    }

    #[test]
    fn nulls_are_not_stored_and_read_back_as_none() {
        let stored = Stored {
            customer: 7,
            note: None,
            extra: None,
            method: Method {
                id: "pm".into(),
                name: None,
            },
        };
        let fields = RefundFields::of(&stored);
        assert_eq!(fields.0.get(), r#"{"customer":7,"method":{"id":"pm"}}"#);
        assert_eq!(fields.read::<Stored>("r1").unwrap(), stored);
    }

    #[test]
    fn array_elements_and_other_values_stay() {
        let fields = RefundFields::of(&json!({"a": [null, {"b": null, "c": 0}], "d": false}));
        assert_eq!(fields.0.get(), r#"{"a":[null,{"c":0}],"d":false}"#);
    }

    #[test]
    fn unreadable_fields_name_the_refund() {
        let err = RefundFields::of(&json!({"customer": "x"}))
            .read::<Stored>("r9")
            .unwrap_err();
        assert!(
            matches!(&err, AppError::Store(m) if m.contains("refund r9")),
            "{err:?}"
        );
    }

    #[test]
    fn survive_a_record_round_trip_byte_for_byte() {
        let fields = RefundFields::of(&json!({"amount": 1.10, "n": 12345678901234567890u64}));
        let text = serde_json::to_string(&fields).unwrap();
        let back: RefundFields = serde_json::from_str(&text).unwrap();
        assert_eq!(back, fields);
        assert_eq!(back.0.get(), r#"{"amount":1.1,"n":12345678901234567890}"#);
    }
}
