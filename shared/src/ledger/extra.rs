//! The state an API keeps with a source beyond its refunds (the outbox, a purchase's attempts,
//! an order's balance), by name, each member kept as the JSON text it was stored as: read only
//! by the requests that use it and written back as it was by the others. Parsed on every
//! request as `Value`s, an order's outbox (an event per refund) and a purchase's attempts made
//! their GETs 70-140 µs slower in the .wasm (with 20 refunds on the source).
//!
//! A sorted list (`litemap`, as [`super::Parts`]) rather than a `BTreeMap`: a map of a new
//! value type is ~5 KB of every .wasm, and a source keeps two or three of these at most.

use super::{StoredJson, list_text};
use litemap::LiteMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;
use std::marker::PhantomData;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Extra(LiteMap<String, StoredJson>);

impl Extra {
    pub fn get(&self, name: &str) -> Option<&StoredJson> {
        self.0.get(name)
    }

    /// The items of the list stored under `name`, parsed (none when there is none).
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

    /// Appends `item` to the list stored under `name` (anything but a list counts as none).
    /// The items already there are copied as their text, neither parsed nor written again:
    /// reading each as a `RawValue` and writing the list again was a fifth of an order refund's
    /// POST natively, with an event per refund kept.
    pub fn push_back<T: Serialize>(&mut self, name: &str, item: &T) {
        let kept = self.get(name).and_then(|list| list_text::inside(list.text()));
        let item = json_text(item);
        self.set(name, joined(kept.into_iter().chain([item.as_bytes()])));
    }

    /// Puts `item` first in the list stored under `name`, keeping at most `keep` items in all:
    /// the newest. Copied as [`Extra::push_back`] copies them.
    pub fn push_front<T: Serialize>(&mut self, name: &str, item: &T, keep: usize) {
        let item = json_text(item);
        let kept = self.get(name).and_then(|list| {
            let text = list.text();
            let spans = super::scan::items(text)?;
            let kept = &spans[..spans.len().min(keep.saturating_sub(1))];
            Some(&text[kept.first()?.start..kept.last()?.end])
        });
        self.set(name, joined([item.as_bytes()].into_iter().chain(kept)));
    }

    /// Every member, as it is stored: `{"name":value,...}`, each value its text as it stands.
    pub(super) fn write(&self, out: &mut Vec<u8>) {
        out.push(b'{');
        for (i, (name, value)) in self.0.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            serde_json::to_writer(&mut *out, name).expect("a name always serializes");
            out.push(b':');
            out.extend_from_slice(value.text());
        }
        out.push(b'}');
    }

    /// How many bytes [`Extra::write`] writes, give or take the names' escapes.
    pub(super) fn text_len(&self) -> usize {
        self.0
            .iter()
            .map(|(name, value)| name.len() + value.text().len() + 4)
            .sum::<usize>()
            + 2
    }
}

fn json_text<T: Serialize>(item: &T) -> String {
    serde_json::to_string(item).expect("a stored item always serializes")
}

/// A list of these JSON texts.
fn joined<'a>(items: impl IntoIterator<Item = &'a [u8]>) -> StoredJson {
    let mut text = Vec::new();
    list_text::write(&mut text, items);
    StoredJson::joined(text)
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

    #[test]
    fn items_are_added_to_a_list_as_serde_json_would_write_it() {
        let stored = r#"{"empty":[],"spaced":[ 1 , 2 ],"not_a_list":{"a":1},"list":[{"n":1},"x"]}"#;
        let mut extra: Extra = serde_json::from_str(stored).unwrap();
        for name in ["none", "empty", "spaced", "not_a_list", "list"] {
            extra.push_back(name, &serde_json::json!({"new": "\"]"}));
        }
        let text = |name| String::from_utf8(extra.get(name).unwrap().text().to_vec()).unwrap();
        assert_eq!(text("none"), r#"[{"new":"\"]"}]"#);
        assert_eq!(text("empty"), r#"[{"new":"\"]"}]"#);
        assert_eq!(text("spaced"), r#"[1 , 2,{"new":"\"]"}]"#);
        assert_eq!(
            text("not_a_list"),
            r#"[{"new":"\"]"}]"#,
            "as a list would read it"
        );
        assert_eq!(text("list"), r#"[{"n":1},"x",{"new":"\"]"}]"#);
        assert_eq!(extra.values("list").len(), 3);
        // Written into a record, and as a view embeds it, it is the JSON it reads as.
        let mut out = Vec::new();
        extra.write(&mut out);
        let written: Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(written, serde_json::to_value(&extra).unwrap());
        assert_eq!(written["spaced"], serde_json::json!([1, 2, {"new": "\"]"}]));
        assert!(extra.text_len() >= out.len());
    }

    #[test]
    fn items_put_first_keep_the_newest() {
        let mut extra = Extra::default();
        for n in 1..=5 {
            extra.push_front("attempts", &n, 3);
        }
        assert_eq!(extra.get("attempts").unwrap().text(), b"[5,4,3]");
        extra.push_front("one", &[1], 1);
        extra.push_front("one", &[2], 1);
        assert_eq!(extra.get("one").unwrap().text(), b"[[2]]");
    }
}
