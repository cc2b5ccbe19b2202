//! JSON bodies: strict parsing (duplicate keys rejected, positions reported) and a field reader
//! that collects every problem with its path.

use crate::error::{AppError, AppResult, Errors};
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use std::fmt;

/// Parses a request body into a JSON value. Syntax errors name the line and column; an object
/// that repeats a key is refused (which of two values a client meant is unknowable).
pub fn parse(body: &[u8], field: &str) -> AppResult<Value> {
    parse_with(body, field, false)
}

/// [`parse`] for APIs whose property names match in any case: keys that differ only in case
/// are duplicates too (which one a client meant is as unknowable).
pub fn parse_case_insensitive(body: &[u8], field: &str) -> AppResult<Value> {
    parse_with(body, field, true)
}

fn parse_with(body: &[u8], field: &str, fold_case: bool) -> AppResult<Value> {
    std::str::from_utf8(body).map_err(|e| {
        AppError::field(
            field,
            "invalid_encoding",
            format!("the body is not valid UTF-8 ({e})"),
        )
    })?;
    let syntax = |e: serde_json::Error| {
        AppError::field(
            field,
            "malformed_json",
            format!(
                "malformed JSON at line {} column {}: {}",
                e.line(),
                e.column(),
                describe(&e)
            ),
        )
    };
    // One pass that builds the value and refuses a repeated key where it stands (serde_json
    // would keep the last silently). A checking pass before serde_json's own was a second walk
    // of every body and a map of its keys. serde_json's byte reader, as all our JSON reading
    // uses: its `&str` reader as well was ~3 KB of each .wasm (UTF-8 was checked above, for its
    // own message).
    let mut reader = serde_json::Deserializer::from_slice(body);
    let value = Strict { fold_case }.deserialize(&mut reader).map_err(syntax)?;
    reader.end().map_err(syntax)?;
    Ok(value)
}

/// Whether compact JSON text that serde_json wrote holds `member` (a member's name and value as
/// serde_json writes them, `"delivered":false`). Sound as a filter for a member of the
/// top-level object or of a known nested one: a quote inside a string is always escaped, so no
/// string's contents can hold `member`, whose quotes are not.
///
/// A Horspool search: the window moves by how far its last byte is from the end of `member`,
/// so a member of 18 bytes looks at a fraction of the text. A look at every quote was ~5% of
/// a purchase refund's POST in the .wasm (three searches of ~6 KB), and `memchr::memmem`, with
/// no SIMD in the .wasm, was slower still there.
pub fn text_has(text: &[u8], member: &[u8]) -> bool {
    find(text, member).is_some()
}

/// Where `member` first is in `text`, as [`text_has`] looks for it.
pub fn find(text: &[u8], member: &[u8]) -> Option<usize> {
    let Some((&last, rest)) = member.split_last() else {
        return Some(0);
    };
    let width = member.len();
    // How far the window may move when its last byte is `b`; capped to fit a byte.
    let mut shift = [width.min(255) as u8; 256];
    for (i, &b) in rest.iter().enumerate() {
        shift[usize::from(b)] = (width - 1 - i).min(255) as u8;
    }
    let mut end = width - 1;
    while let Some(&b) = text.get(end) {
        if b == last && text[end + 1 - width..end] == *rest {
            return Some(end + 1 - width);
        }
        end += usize::from(shift[usize::from(b)]);
    }
    None
}

fn describe(e: &serde_json::Error) -> String {
    // serde_json appends " at line X column Y" itself; keep only the cause.
    let text = e.to_string();
    let position = format!(" at line {} column {}", e.line(), e.column());
    match text.strip_suffix(&position) {
        Some(cause) => cause.to_string(),
        None => text,
    }
}

/// Serde_json's name for an arbitrary-precision number, which its reader hands a visitor as a
/// one-member map of the number's digits (what keeps a request's own digits).
const NUMBER: &str = "$serde_json::private::Number";

/// A JSON value built as serde_json builds one, refusing an object that repeats a key.
#[derive(Clone, Copy)]
struct Strict {
    fold_case: bool,
}

impl<'de> DeserializeSeed<'de> for Strict {
    type Value = Value;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Strict {
    type Value = Value;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }
    // Integers that fit come as such; every other number as its digits (`NUMBER`).
    fn visit_i64<E>(self, n: i64) -> Result<Value, E> {
        Ok(Value::Number(n.into()))
    }
    fn visit_u64<E>(self, n: u64) -> Result<Value, E> {
        Ok(Value::Number(n.into()))
    }
    fn visit_str<E>(self, s: &str) -> Result<Value, E> {
        Ok(Value::String(s.to_owned()))
    }
    fn visit_string<E>(self, s: String) -> Result<Value, E> {
        Ok(Value::String(s))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(self)? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        // serde_json's map is ordered, so an object of thousands of keys costs n log n, not
        // quadratic, with no random hash keys (a host call). Keys that differ only in case are
        // kept apart in a map of their own when they count as the same.
        let mut object = Map::new();
        let mut folded = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if key == NUMBER && object.is_empty() {
                let digits: String = map.next_value()?;
                return digits.parse().map(Value::Number).map_err(de::Error::custom);
            }
            let repeated = if self.fold_case {
                folded.insert(key.to_ascii_lowercase(), Value::Null).is_some()
            } else {
                object.contains_key(&key)
            };
            if repeated {
                return Err(de::Error::custom(format!("duplicate key `{key}`")));
            }
            let value = map.next_value_seed(self)?;
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}

/// A JSON object read field by field, with the path of each field for error messages.
/// `case_insensitive` serves the APIs whose platform matches property names in any case.
#[derive(Clone, Copy)]
pub struct Obj<'a> {
    map: &'a Map<String, Value>,
    prefix: &'a str,
    case_insensitive: bool,
}

impl<'a> Obj<'a> {
    /// The body's top-level object, or a validation error naming `what` when it is not one.
    pub fn root(value: &'a Value, prefix: &'a str, case_insensitive: bool) -> AppResult<Obj<'a>> {
        match value {
            Value::Object(map) => Ok(Obj {
                map,
                prefix,
                case_insensitive,
            }),
            _ => Err(AppError::field(
                if prefix.is_empty() { "body" } else { prefix },
                "invalid_type",
                "the body must be a JSON object",
            )),
        }
    }

    /// A nested object, sharing this one's case rule, under its own path.
    pub fn nested(map: &'a Map<String, Value>, prefix: &'a str, case_insensitive: bool) -> Self {
        Obj {
            map,
            prefix,
            case_insensitive,
        }
    }

    pub fn case_insensitive(&self) -> bool {
        self.case_insensitive
    }

    /// The field's value; `null` counts as absent.
    pub fn get(&self, name: &str) -> Option<&'a Value> {
        let found = if self.case_insensitive {
            self.map
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v)
        } else {
            self.map.get(name)
        };
        found.filter(|v| !v.is_null())
    }

    /// The full path of a field of this object.
    pub fn path(&self, name: &str) -> String {
        if self.prefix.is_empty() {
            name.to_string()
        } else {
            format!("{}.{name}", self.prefix)
        }
    }

    pub fn required<'e>(&self, name: &str, errors: &'e mut Errors) -> Option<&'a Value> {
        let value = self.get(name);
        if value.is_none() {
            errors.push(self.path(name), "required", format!("{name} is required"));
        }
        value
    }

    /// An optional string; a non-string is reported.
    pub fn opt_str(&self, name: &str, max_len: usize, errors: &mut Errors) -> Option<String> {
        let value = self.get(name)?;
        as_str(value, &self.path(name), max_len, errors)
    }

    pub fn req_str(&self, name: &str, max_len: usize, errors: &mut Errors) -> Option<String> {
        let value = self.required(name, errors)?;
        as_str(value, &self.path(name), max_len, errors)
    }

    pub fn opt_bool(&self, name: &str, errors: &mut Errors) -> Option<bool> {
        match self.get(name)? {
            Value::Bool(b) => Some(*b),
            _ => {
                errors.push(
                    self.path(name),
                    "invalid_type",
                    format!("{name} must be true or false"),
                );
                None
            }
        }
    }

    /// An optional integer in `min..=max`.
    pub fn opt_int(&self, name: &str, min: i64, max: i64, errors: &mut Errors) -> Option<i64> {
        let value = self.get(name)?;
        as_int(value, &self.path(name), min, max, errors)
    }

    pub fn req_int(&self, name: &str, min: i64, max: i64, errors: &mut Errors) -> Option<i64> {
        let value = self.required(name, errors)?;
        as_int(value, &self.path(name), min, max, errors)
    }

    /// An optional nested object.
    pub fn opt_obj(&self, name: &str, errors: &mut Errors) -> Option<&'a Map<String, Value>> {
        match self.get(name)? {
            Value::Object(map) => Some(map),
            _ => {
                errors.push(
                    self.path(name),
                    "invalid_type",
                    format!("{name} must be an object"),
                );
                None
            }
        }
    }

    pub fn req_obj(&self, name: &str, errors: &mut Errors) -> Option<&'a Map<String, Value>> {
        if self.get(name).is_none() {
            errors.push(self.path(name), "required", format!("{name} is required"));
            return None;
        }
        self.opt_obj(name, errors)
    }

    /// An optional array of at most `max_items` entries.
    pub fn opt_array(&self, name: &str, max_items: usize, errors: &mut Errors) -> Option<&'a Vec<Value>> {
        match self.get(name)? {
            Value::Array(items) if items.len() <= max_items => Some(items),
            Value::Array(_) => {
                errors.push(
                    self.path(name),
                    "too_many_items",
                    format!("{name} may hold at most {max_items} items"),
                );
                None
            }
            _ => {
                errors.push(
                    self.path(name),
                    "invalid_type",
                    format!("{name} must be an array"),
                );
                None
            }
        }
    }
}

fn leaf(path: &str) -> &str {
    path.rsplit('.').next().unwrap_or(path)
}

/// A string no longer than `max_len` characters.
pub fn as_str(value: &Value, path: &str, max_len: usize, errors: &mut Errors) -> Option<String> {
    match value {
        Value::String(s) if s.chars().count() <= max_len => Some(s.clone()),
        Value::String(_) => {
            errors.push(
                path,
                "too_long",
                format!("{} must be at most {max_len} characters", leaf(path)),
            );
            None
        }
        _ => {
            errors.push(path, "invalid_type", format!("{} must be a string", leaf(path)));
            None
        }
    }
}

/// A JSON integer (no fraction, no string) in `min..=max`.
pub fn as_int(value: &Value, path: &str, min: i64, max: i64, errors: &mut Errors) -> Option<i64> {
    let name = leaf(path);
    let Value::Number(n) = value else {
        errors.push(path, "invalid_type", format!("{name} must be an integer"));
        return None;
    };
    match n.as_i64() {
        Some(i) if (min..=max).contains(&i) => Some(i),
        Some(_) => {
            errors.push(
                path,
                "out_of_range",
                format!("{name} must be between {min} and {max}"),
            );
            None
        }
        None if n.as_u64().is_some() || is_integer_literal(&n.to_string()) => {
            errors.push(
                path,
                "out_of_range",
                format!("{name} must be between {min} and {max}"),
            );
            None
        }
        None => {
            errors.push(path, "invalid_type", format!("{name} must be an integer"));
            None
        }
    }
}

fn is_integer_literal(s: &str) -> bool {
    let digits = s.strip_prefix('-').unwrap_or(s);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::FieldError;

    #[test]
    fn text_has_finds_members_not_string_contents() {
        let text = br#"{"a":"\"delivered\":false","delivered":true,"n":{"delivered":false}}"#;
        assert!(text_has(text, br#""delivered":true"#));
        assert!(text_has(text, br#""delivered":false"#), "the nested member");
        assert!(
            !text_has(&text[..40], br#""delivered":false"#),
            "only inside a string"
        );
        assert!(!text_has(b"{}", br#""a":1"#));
        assert!(text_has(br#"{"k":1,"z":2}"#, br#""z":2}"#), "at the very end");
        assert!(!text_has(br#"{"z":"#, br#""z":2"#), "cut short");
        assert!(text_has(br#"["x""#, b"\""), "a lone quote");
    }

    proptest::proptest! {
        /// The search finds exactly what a look at every position finds.
        #[test]
        fn text_has_is_a_substring_search(
            text in proptest::collection::vec(proptest::sample::select(b"\"ab:{}".to_vec()), 0..300),
            member in proptest::collection::vec(proptest::sample::select(b"\"ab:".to_vec()), 1..12),
        ) {
            let everywhere = text.windows(member.len()).position(|w| w == member.as_slice());
            proptest::prop_assert_eq!(find(&text, &member), everywhere);
            proptest::prop_assert_eq!(text_has(&text, &member), everywhere.is_some());
        }
    }

    fn field_errors(e: AppError) -> Vec<FieldError> {
        match e {
            AppError::Validation(v) => v,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn keeps_the_requests_digits() {
        let v = parse(
            br#"{"a": 10.10, "b": 0.1000000000000000055511151231257827}"#,
            "body",
        )
        .unwrap();
        assert_eq!(v["a"].to_string(), "10.10");
        assert_eq!(v["b"].to_string(), "0.1000000000000000055511151231257827");
    }

    #[test]
    fn rejects_duplicate_keys_with_position() {
        let e = field_errors(parse(b"{\"a\": 1,\n \"a\": 2}", "body").unwrap_err());
        assert!(e[0].message.contains("duplicate key `a`"), "{}", e[0].message);
        assert!(e[0].message.contains("line 2"), "{}", e[0].message);
        let nested = parse(br#"{"x": [{"a": 1, "a": 1}]}"#, "body");
        assert!(nested.is_err());
    }

    #[test]
    fn case_insensitive_duplicates() {
        let body = br#"{"RefundAmount": 1, "refundamount": 2}"#;
        assert!(parse(body, "body").is_ok());
        assert!(parse_case_insensitive(body, "body").is_err());
    }

    #[test]
    fn builds_the_value_serde_json_builds() {
        let body = br#"{"s": "t\"x\u00e9", "n": [0, -7, 18446744073709551615, -9223372036854775809,
            1e3, 2.50, -0.0], "o": {"b": true, "f": false, "z": null, "e": {}, "a": []},
            "$serde_json::private::Number": "not first"}"#;
        let ours = parse(body, "body").unwrap();
        assert_eq!(ours, serde_json::from_slice::<Value>(body).unwrap());
        assert_eq!(ours["n"][5].to_string(), "2.50", "the request's own digits");
        assert_eq!(parse(b"12.0", "body").unwrap().to_string(), "12.0");
    }

    #[test]
    fn reports_syntax_errors_and_encoding() {
        let e = field_errors(parse(b"{\"a\": }", "body").unwrap_err());
        assert_eq!(e[0].code, "malformed_json");
        assert!(e[0].message.contains("line 1 column"));
        let e = field_errors(parse(&[0x7b, 0xff, 0x7d], "body").unwrap_err());
        assert_eq!(e[0].code, "invalid_encoding");
        assert!(parse(b"{} x", "body").is_err());
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let body = "[".repeat(10_000) + &"]".repeat(10_000);
        assert!(parse(body.as_bytes(), "body").is_err());
    }

    #[test]
    fn reads_fields_case_insensitively_when_asked() {
        let v = parse(br#"{"RefundAmount": 5, "other": null}"#, "body").unwrap();
        let strict = Obj::root(&v, "", false).unwrap();
        let loose = Obj::root(&v, "", true).unwrap();
        assert!(strict.get("refundAmount").is_none());
        assert!(loose.get("refundamount").is_some());
        assert!(loose.get("other").is_none(), "null is absent");
    }

    #[test]
    fn integers_are_checked_for_type_and_range() {
        let v = parse(
            br#"{"a": 1.5, "b": "1", "c": 99999999999999999999, "d": 7}"#,
            "body",
        )
        .unwrap();
        let o = Obj::root(&v, "", false).unwrap();
        let mut errors = Errors::default();
        assert_eq!(o.req_int("a", 1, 10, &mut errors), None);
        assert_eq!(o.req_int("b", 1, 10, &mut errors), None);
        assert_eq!(o.req_int("c", 1, 10, &mut errors), None);
        assert_eq!(o.req_int("d", 1, 10, &mut errors), Some(7));
        assert_eq!(o.req_int("e", 1, 10, &mut errors), None);
        let codes: Vec<_> = errors.0.iter().map(|e| e.code).collect();
        assert_eq!(
            codes,
            ["invalid_type", "invalid_type", "out_of_range", "required"]
        );
    }

    #[test]
    fn strings_have_a_length_limit() {
        let v = parse(br#"{"s": "abcdef"}"#, "body").unwrap();
        let o = Obj::root(&v, "", false).unwrap();
        let mut errors = Errors::default();
        assert_eq!(o.opt_str("s", 3, &mut errors), None);
        assert_eq!(errors.0[0].code, "too_long");
    }
}
