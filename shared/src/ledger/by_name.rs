//! Reads a stored JSON object into a map by member name, each value with its own reader: the
//! one visitor behind [`super::Extra`] and [`super::Parts`].

use litemap::LiteMap;
use serde::Deserializer;
use serde::de::{DeserializeSeed, MapAccess, Visitor};
use std::fmt;

/// `values` reads each member's value; `expecting` names the whole for error messages.
pub(super) fn read<'de, D, S>(
    d: D,
    values: S,
    expecting: &'static str,
) -> Result<LiteMap<String, S::Value>, D::Error>
where
    D: Deserializer<'de>,
    S: DeserializeSeed<'de> + Copy,
{
    d.deserialize_map(ByName { values, expecting })
}

struct ByName<S> {
    values: S,
    expecting: &'static str,
}

impl<'de, S: DeserializeSeed<'de> + Copy> Visitor<'de> for ByName<S> {
    type Value = LiteMap<String, S::Value>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(self.expecting)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut read = LiteMap::new();
        while let Some(name) = map.next_key::<String>()? {
            read.insert(name, map.next_value_seed(self.values)?);
        }
        Ok(read)
    }
}
