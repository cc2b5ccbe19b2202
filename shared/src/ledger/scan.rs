//! Where the values of a stored record end, found by one pass over its bytes: how a record
//! written before its refunds went last is read without serde_json walking them, and where each
//! refund is when one is looked up (from the end, for one refund: [`items_rev`]).
//!
//! serde_json can only keep a member as text (`RawValue`) by reading it token by token; at the
//! components' `opt-level = "z"` that was ~10% of a GET of a source with 20 refunds (~6 KB of
//! record) in the .wasm. These scans only follow strings (and their escapes) and brackets, so
//! they check a record's structure, not its values: every member they delimit is still parsed
//! by serde_json when it is read, and an unreadable one is a store error then.

use std::ops::Range;

/// Where the JSON value starting at `start` (after any whitespace) ends; `None` when the text
/// ends first or a bracket does not match.
fn value_end(text: &[u8], start: usize) -> Option<usize> {
    let mut i = skip_space(text, start);
    match *text.get(i)? {
        b'"' => return string_end(text, i + 1),
        b'{' | b'[' => {}
        b',' | b':' | b'}' | b']' => return None,
        // A number, `true`, `false` or `null`: it ends where its delimiter starts.
        _ => return Some(run_end(text, i + 1, &ENDS_SCALAR)),
    }
    let mut open = Brackets::default();
    loop {
        let byte = *text.get(i)?;
        i += 1;
        if byte == b'"' {
            i = string_end(text, i)?;
        } else if open.step(byte, true)? {
            return Some(i);
        }
        i = run_end(text, i, &STRUCTURAL);
    }
}

/// The brackets a scan is inside, as a stack of bits (set: an array's), as deep as serde_json
/// reads (128).
#[derive(Default)]
struct Brackets {
    depth: u32,
    arrays: u128,
}

impl Brackets {
    /// Follows a bracket met walking `forward` (or back, where a closing bracket opens a level
    /// and an opening one closes it): whether the outermost level closed with it; `None` for a
    /// mismatch, past the deepest level, or a byte that is no bracket.
    fn step(&mut self, byte: u8, forward: bool) -> Option<bool> {
        let array = match byte {
            b'[' | b']' => true,
            b'{' | b'}' => false,
            _ => return None,
        };
        if matches!(byte, b'{' | b'[') == forward {
            self.push(array)?;
            Some(false)
        } else {
            self.pop(array)
        }
    }

    /// One level more; `None` past the deepest.
    fn push(&mut self, array: bool) -> Option<()> {
        if self.depth >= 128 {
            return None;
        }
        self.arrays = self.arrays & !(1 << self.depth) | (u128::from(array) << self.depth);
        self.depth += 1;
        Some(())
    }

    /// One level less, which must be of the same kind; whether it was the outermost.
    fn pop(&mut self, array: bool) -> Option<bool> {
        self.depth = self.depth.checked_sub(1)?;
        (self.arrays >> self.depth & 1 == u128::from(array)).then_some(self.depth == 0)
    }
}

/// Past the closing quote of the string whose text starts at `i`.
fn string_end(text: &[u8], mut i: usize) -> Option<usize> {
    loop {
        i = run_end(text, i, &ENDS_STRING);
        match *text.get(i)? {
            b'"' => return Some(i + 1),
            _ => i += 2, // a backslash and the byte it escapes
        }
    }
}

/// A byte table: which bytes stop a run. One lookup a byte keeps the loops tight, which matters
/// at the components' `opt-level = "z"`.
type Stops = [bool; 256];

const fn stops(bytes: &[u8]) -> Stops {
    let mut table = [false; 256];
    let mut i = 0;
    while i < bytes.len() {
        table[bytes[i] as usize] = true;
        i += 1;
    }
    table
}

/// Inside an object or array: what the scan has to look at (commas, colons and scalars need not
/// be).
static STRUCTURAL: Stops = stops(b"\"{}[]");
static ENDS_STRING: Stops = stops(b"\"\\");
static ENDS_SCALAR: Stops = stops(b",}] \t\n\r");

/// The first index from `i` whose byte stops the run (or the end of the text).
fn run_end(text: &[u8], mut i: usize, stops: &Stops) -> usize {
    while i < text.len() && !stops[text[i] as usize] {
        i += 1;
    }
    i
}

fn skip_space(text: &[u8], mut i: usize) -> usize {
    while text.get(i).is_some_and(u8::is_ascii_whitespace) {
        i += 1;
    }
    i
}

/// One member of an object: its name as written (between the quotes, escapes unread), where
/// the member starts (its name's opening quote) and where its value is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member<'a> {
    pub name: &'a [u8],
    pub start: usize,
    pub value: Range<usize>,
}

/// The members of the object that is the whole of `text`; `None` unless it is one.
pub fn members(text: &[u8]) -> Option<Vec<Member<'_>>> {
    entries(
        text,
        b'{',
        b'}',
        |start| {
            if text.get(start) != Some(&b'"') {
                return None;
            }
            let name_end = string_end(text, start + 1)?;
            let colon = skip_space(text, name_end);
            if text.get(colon) != Some(&b':') {
                return None;
            }
            let value_start = skip_space(text, colon + 1);
            let end = value_end(text, value_start)?;
            let member = Member {
                name: &text[start + 1..name_end - 1],
                start,
                value: value_start..end,
            };
            Some((member, end))
        },
        |_| false,
    )
}

/// Where each item of the array that is the whole of `text` is; `None` unless it is one.
pub fn items(text: &[u8]) -> Option<Vec<Range<usize>>> {
    items_until(text, usize::MAX)
}

/// The same, only as far as the item that ends after `at` (the text after it is not looked at).
pub fn items_until(text: &[u8], at: usize) -> Option<Vec<Range<usize>>> {
    entries(
        text,
        b'[',
        b']',
        |start| {
            let end = value_end(text, start)?;
            Some((start..end, end))
        },
        |item| item.end > at,
    )
}

/// The entries between `open` and `close` that are the whole of `text`, comma-separated, each
/// read by `entry` from where it starts: what it is, and where it ends; up to the one that is
/// `enough`.
fn entries<T>(
    text: &[u8],
    open: u8,
    close: u8,
    mut entry: impl FnMut(usize) -> Option<(T, usize)>,
    enough: impl Fn(&T) -> bool,
) -> Option<Vec<T>> {
    let mut found = Vec::new();
    let mut i = skip_space(text, 0);
    if text.get(i) != Some(&open) {
        return None;
    }
    i = skip_space(text, i + 1);
    if text.get(i) == Some(&close) {
        return at_end(text, i + 1).then_some(found);
    }
    loop {
        let (item, end) = entry(i)?;
        let done = enough(&item);
        found.push(item);
        if done {
            return Some(found);
        }
        i = skip_space(text, end);
        match text.get(i) {
            Some(b',') => i = skip_space(text, i + 1),
            Some(&b) if b == close => return at_end(text, i + 1).then_some(found),
            _ => return None,
        }
    }
}

fn at_end(text: &[u8], i: usize) -> bool {
    skip_space(text, i) == text.len()
}

/// The items of the array that is the whole of `text` (as stored: no space around it), last
/// first, found by walking back from its end: looking up a recent refund reads only the refunds
/// after it, not the source's whole history. An item where the text is not such an array is
/// `None`, and the last one; empty text (a source without a stored array) has no items.
///
/// Walking back is as sure as walking forward in valid JSON: a quote inside a string is always
/// escaped, so a quote preceded by an even number of backslashes is a string's boundary.
pub fn items_rev(text: &[u8]) -> impl Iterator<Item = Option<Range<usize>>> + '_ {
    let well_formed = text.first() == Some(&b'[') && text.len() >= 2;
    let mut broken = !text.is_empty() && !well_formed;
    // Where the next item (going back) ends: at the `,` or `]` after it.
    let mut after = well_formed.then(|| text.len() - 1);
    let mut first = true;
    std::iter::from_fn(move || {
        if std::mem::take(&mut broken) {
            return Some(None);
        }
        let close = after.take()?;
        if text[close] != b']' && text[close] != b',' {
            return Some(None);
        }
        let last = skip_space_back(text, close)?;
        if last == 0 {
            // The opening bracket: `[]` has no items, `[,` is broken.
            return (!first || text[close] != b']').then_some(None);
        }
        first = false;
        let Some(start) = value_start(text, last) else {
            return Some(None);
        };
        match skip_space_back(text, start) {
            Some(0) => {}
            Some(comma) if text[comma] == b',' => after = Some(comma),
            _ => return Some(None),
        }
        Some(Some(start..last + 1))
    })
}

/// The index of the last byte before `i` that is not whitespace.
fn skip_space_back(text: &[u8], i: usize) -> Option<usize> {
    (0..i).rev().find(|&j| !text[j].is_ascii_whitespace())
}

/// Where the JSON value whose last byte is at `last` starts; `None` when a bracket does not
/// match or the text starts first.
fn value_start(text: &[u8], last: usize) -> Option<usize> {
    match text[last] {
        b'"' => return string_start(text, last),
        b'}' | b']' => {}
        b',' | b':' | b'{' | b'[' => return None,
        // A number, `true`, `false` or `null`: it starts after its delimiter.
        _ => return Some(run_start(text, last, &ENDS_SCALAR_BACK)),
    }
    let (mut open, mut i) = (Brackets::default(), last + 1);
    loop {
        i = run_start(text, i, &STRUCTURAL).checked_sub(1)?;
        if text[i] == b'"' {
            i = string_start(text, i)?;
        } else if open.step(text[i], false)? {
            return Some(i);
        }
    }
}

/// The opening quote of the string whose closing quote is at `close`.
fn string_start(text: &[u8], close: usize) -> Option<usize> {
    let mut i = close;
    loop {
        i = run_start(text, i, &QUOTE).checked_sub(1)?;
        let escapes = text[..i].iter().rev().take_while(|&&b| b == b'\\').count();
        if escapes % 2 == 0 {
            return Some(i);
        }
    }
}

static QUOTE: Stops = stops(b"\"");
static ENDS_SCALAR_BACK: Stops = stops(b",[]{}\": \t\n\r");

/// The index after the last byte before `i` that stops the run (0 when none does): a run
/// walked back from `i`.
fn run_start(text: &[u8], mut i: usize, stops: &Stops) -> usize {
    while i > 0 && !stops[text[i - 1] as usize] {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::{Value, json};

    #[test]
    fn members_are_delimited_whatever_their_strings_hold() {
        let text = br#"{"a":1,"b":"x\"}],{[","c":{"d":[1,{"e":null}]},"f":[],"g":true}"#;
        let found = members(text).unwrap();
        let names: Vec<&[u8]> = found.iter().map(|m| m.name).collect();
        assert_eq!(names, [&b"a"[..], b"b", b"c", b"f", b"g"]);
        let values: Vec<&[u8]> = found.iter().map(|m| &text[m.value.clone()]).collect();
        assert_eq!(
            values,
            [
                &b"1"[..],
                br#""x\"}],{[""#,
                br#"{"d":[1,{"e":null}]}"#,
                b"[]",
                b"true"
            ]
        );
        assert_eq!(found[1].start, 7);
    }

    #[test]
    fn items_of_an_array() {
        let text = br#"[{"id":"1"}, "a]" ,3,[[]]]"#;
        let found: Vec<&[u8]> = items(text).unwrap().into_iter().map(|r| &text[r]).collect();
        assert_eq!(found, [&br#"{"id":"1"}"#[..], br#""a]""#, b"3", b"[[]]"]);
        assert_eq!(items(b"[]"), Some(vec![]));
        assert_eq!(members(b" { } "), Some(vec![]));
    }

    #[test]
    fn broken_structure_is_refused() {
        for text in [
            &br#"{"a":1"#[..],
            br#"{"a":[1}"#,
            br#"{"a":"1}"#,
            br#"{"a" 1}"#,
            br#"{"a":1,}"#,
            br#"{"a":,"b":1}"#,
            br#"{"a":1}x"#,
            br#"[1,2"#,
            br#"[1 2]"#,
            b"",
            b"{",
        ] {
            assert!(
                members(text).is_none() && items(text).is_none(),
                "{}",
                String::from_utf8_lossy(text)
            );
        }
    }

    #[test]
    fn items_of_an_array_last_first() {
        let text = br#"[{"id":"1","s":"\\"}, "a]\"[" ,3,[[]],"\\\"",null]"#;
        let back: Vec<&[u8]> = items_rev(text).map(|r| &text[r.unwrap()]).collect();
        let forward: Vec<&[u8]> = items(text).unwrap().into_iter().map(|r| &text[r]).collect();
        assert_eq!(back, forward.into_iter().rev().collect::<Vec<_>>());
        assert_eq!(back[0], b"null");
        assert_eq!(items_rev(b"[]").count(), 0);
        assert_eq!(items_rev(b"[ ]").count(), 0);
        assert_eq!(items_rev(b"").count(), 0);
        for broken in [
            &b"[1,2"[..],
            b"[1 2]",
            b"[,1]",
            b"1]",
            b"[1,]",
            b"[{]",
            b"[}]",
            b"[\"a]",
        ] {
            assert!(
                items_rev(broken).any(|item| item.is_none()),
                "{}",
                String::from_utf8_lossy(broken)
            );
        }
    }

    fn json_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(|n| json!(n)),
            "[ -~\\n\"\\\\\u{e9}\u{1F600}]{0,12}".prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 40, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
                prop::collection::btree_map("[a-z\"\\\\{]{0,6}", inner, 0..5)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        /// What the scans delimit is what serde_json reads there, compact or pretty.
        #[test]
        fn the_scans_agree_with_serde_json(
            object in prop::collection::btree_map("[a-z\"\\\\]{0,6}", json_value(), 0..6),
            pretty in any::<bool>(),
        ) {
            let object: serde_json::Map<String, Value> = object.into_iter().collect();
            let text = if pretty {
                serde_json::to_vec_pretty(&object).unwrap()
            } else {
                serde_json::to_vec(&object).unwrap()
            };
            let found = members(&text).unwrap();
            prop_assert_eq!(found.len(), object.len());
            for (member, (name, value)) in found.iter().zip(&object) {
                let read_name: String =
                    serde_json::from_slice(&text[member.start..member.start + member.name.len() + 2]).unwrap();
                prop_assert_eq!(&read_name, name);
                let read: Value = serde_json::from_slice(&text[member.value.clone()]).unwrap();
                prop_assert_eq!(&read, value);
                if let Value::Array(list) = value {
                    let array = &text[member.value.clone()];
                    let spans = items(array).unwrap();
                    prop_assert_eq!(spans.len(), list.len());
                    let back: Option<Vec<_>> = items_rev(array).collect();
                    prop_assert_eq!(back.unwrap(), spans.into_iter().rev().collect::<Vec<_>>());
                }
            }
        }
    }
}
