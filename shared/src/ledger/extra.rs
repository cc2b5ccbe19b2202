//! The state an API keeps with a source beyond its refunds (the outbox, a purchase's attempts,
//! an order's balance), by name, each member kept as the JSON text it was stored as: read only
//! by the requests that use it and written back as it was by the others. Parsed on every
//! request as `Value`s, an order's outbox (an event per refund) and a purchase's attempts made
//! their GETs 70-140 µs slower in the .wasm (with 20 refunds on the source).
//!
//! A sorted list (`litemap`, as [`super::Parts`]) rather than a `BTreeMap`: a map of a new
//! value type is ~5 KB of every .wasm, and a source keeps two or three of these at most.

use super::StoredJson;
use litemap::LiteMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;
use serde_json::value::RawValue;
use std::marker::PhantomData;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Extra(LiteMap<String, StoredJson>);

impl Extra {
    pub fn get(&self, name: &str) -> Option<&StoredJson> {
        self.0.get(name)
    }

    /// The items of the list stored under `name`, each as its text (none when there is none).
    pub fn list(&self, name: &str) -> Vec<Box<RawValue>> {
        self.get(name).map(StoredJson::items).unwrap_or_default()
    }

    /// The items of that list, parsed.
    pub fn values(&self, name: &str) -> Vec<Value> {
        // Read as one `Value`, not a `Vec`: every .wasm has that reader already.
        match self.get(name).map(|list| list.read(name)) {
            Some(Ok(Value::Array(items))) => items,
            _ => Vec::new(),
        }
    }

    /// Sets `name`, keeping the members in name order (as a map is stored).
    pub fn set(&mut self, name: &str, value: StoredJson) {
        self.0.insert(name.to_string(), value);
    }
}

impl Serialize for Extra {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter())
    }
}

impl<'de> Deserialize<'de> for Extra {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        super::by_name::read(d, PhantomData::<StoredJson>, "a map").map(Extra)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_read_back_by_name_and_are_written_in_name_order() {
        let stored = r#"{"attempts":[{"n":1}],"balance":"2.50"}"#;
        let mut extra: Extra = serde_json::from_str(stored).unwrap();
        assert_eq!(extra.get("balance").unwrap().read::<String>("b").unwrap(), "2.50");
        assert!(extra.get("outbox").is_none());
        extra.set("outbox", StoredJson::of(&[1, 2]));
        extra.set("balance", StoredJson::of(&"3"));
        assert_eq!(
            serde_json::to_string(&extra).unwrap(),
            r#"{"attempts":[{"n":1}],"balance":"3","outbox":[1,2]}"#
        );
    }
}
