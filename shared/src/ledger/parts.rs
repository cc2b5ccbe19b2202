//! Amounts by refundable part of a source (an invoice of a payment, an order row, shipping...):
//! what each part was paid, what a refund takes from each, what the refunds hold of each.
//!
//! A sorted list (`litemap`) rather than a `BTreeMap`: a source has a handful of parts, and a
//! `BTreeMap` of these types was ~6 KB of every .wasm (~13 KB of payment-refunds'). Stored as a
//! JSON object of decimal strings, `{"invoice:1":"20.00"}`, as the map was.

use crate::money::StoredAmount;
use litemap::LiteMap;
use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Parts(LiteMap<String, Decimal>);

impl Parts {
    pub fn get(&self, part: &str) -> Option<Decimal> {
        self.0.get(part).copied()
    }

    pub fn contains(&self, part: &str) -> bool {
        self.0.contains_key(part)
    }

    /// Adds a part not yet there; `false` (and nothing changed) when it is.
    pub fn insert_new(&mut self, part: String, amount: Decimal) -> bool {
        self.0.try_insert(part, amount).is_none()
    }

    /// Adds `amount` to what `part` holds.
    pub fn add(&mut self, part: &str, amount: Decimal) {
        match self.0.get_mut(part) {
            Some(total) => *total += amount,
            None => {
                self.0.insert(part.to_string(), amount);
            }
        }
    }

    /// In part order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, Decimal)> {
        self.0.iter().map(|(part, amount)| (part.as_str(), *amount))
    }

    pub fn total(&self) -> Decimal {
        self.0.values().sum()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Repeated parts add up.
impl FromIterator<(String, Decimal)> for Parts {
    fn from_iter<I: IntoIterator<Item = (String, Decimal)>>(items: I) -> Self {
        let mut parts = Parts::default();
        for (part, amount) in items {
            parts.add(&part, amount);
        }
        parts
    }
}

/// Always as a map (litemap's own serde would write an empty one as `[]`).
impl Serialize for Parts {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter())
    }
}

/// Each amount read back exactly ([`crate::money::stored`]).
impl<'de> Deserialize<'de> for Parts {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        super::by_name::read(d, StoredAmount, "a map of decimal strings").map(Parts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn amount(text: &str) -> Decimal {
        Decimal::from_str_exact(text).unwrap()
    }

    #[test]
    fn stored_as_a_map_in_part_order_and_read_back_exactly() {
        let parts: Parts = [("row:2", "1.50"), ("row:1", "0.10"), ("row:2", "1")]
            .into_iter()
            .map(|(p, a)| (p.to_string(), amount(a)))
            .collect();
        let text = serde_json::to_string(&parts).unwrap();
        assert_eq!(text, r#"{"row:1":"0.10","row:2":"2.50"}"#);
        let read: Parts = serde_json::from_str(&text).unwrap();
        assert_eq!(read, parts);
        assert_eq!(read.get("row:1").unwrap().to_string(), "0.10");
        assert_eq!(read.total(), amount("2.60"));
        assert_eq!(serde_json::to_string(&Parts::default()).unwrap(), "{}");
        assert!(serde_json::from_str::<Parts>(r#"{"row:1":"1e2"}"#).is_err());
        assert!(serde_json::from_str::<Parts>("[]").is_err());
    }

    #[test]
    fn a_part_is_inserted_once() {
        let mut parts = Parts::default();
        assert!(parts.insert_new("a".into(), amount("1")));
        assert!(!parts.insert_new("a".into(), amount("2")));
        assert_eq!(parts.get("a"), Some(amount("1")));
        assert!(parts.contains("a") && !parts.contains("b"));
        assert_eq!(parts.len(), 1);
    }
}
