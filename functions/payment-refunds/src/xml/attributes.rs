//! The attributes of a start tag, read from the text quick-xml hands over after the tag's name
//! (`BytesStart::attributes_raw`).
//!
//! quick-xml's own attribute iterator keeps a hash set for tags with many attributes, hashed
//! with SipHash: with its checks, ~8.9 KB of this .wasm, which is over its 400 KiB budget
//! without them. A request's elements carry at most a namespace and `i:nil`, so this reads
//! them by XML 1.0's grammar (`S Name S? '=' S? AttValue`, whitespace between attributes), a
//! bounded number per tag, duplicates refused. The tests hold it to quick-xml's iterator: what
//! this accepts, quick-xml reads the same; what quick-xml refuses, this refuses.

/// More than any DataContract element has; it keeps the duplicate check's scan short.
pub const MAX_PER_TAG: usize = 16;

/// One attribute: its qualified name and its value as written (entities not yet resolved).
#[derive(Debug, PartialEq, Eq)]
pub struct Attribute<'a> {
    pub name: &'a str,
    pub value: &'a str,
}

impl Attribute<'_> {
    /// The name without its namespace prefix (`i:nil` -> `nil`).
    pub fn local_name(&self) -> &str {
        self.name.split_once(':').map_or(self.name, |(_, local)| local)
    }
}

/// Every attribute in `text`, or what is wrong with them.
pub fn read(text: &str) -> Result<Vec<Attribute<'_>>, &'static str> {
    let mut found: Vec<Attribute> = Vec::new();
    let mut rest = text;
    loop {
        let trimmed = rest.trim_start_matches(is_space);
        if trimmed.is_empty() {
            return Ok(found);
        }
        if trimmed.len() == rest.len() && !found.is_empty() {
            return Err("attributes must be separated by whitespace");
        }
        let name_end = trimmed.find(|c| c == '=' || is_space(c)).unwrap_or(trimmed.len());
        let (name, after_name) = trimmed.split_at(name_end);
        if name.is_empty() {
            return Err("an attribute has no name");
        }
        let Some(after_eq) = after_name.trim_start_matches(is_space).strip_prefix('=') else {
            return Err("an attribute has no value");
        };
        let after_eq = after_eq.trim_start_matches(is_space);
        let quote = match after_eq.chars().next() {
            Some(q @ ('"' | '\'')) => q,
            _ => return Err("an attribute's value is not in quotes"),
        };
        let Some((value, after_value)) = after_eq[1..].split_once(quote) else {
            return Err("an attribute's value has no closing quote");
        };
        if value.contains('<') {
            return Err("an attribute's value contains '<'");
        }
        if found.iter().any(|a| a.name == name) {
            return Err("an attribute is given twice");
        }
        if found.len() == MAX_PER_TAG {
            return Err("an element has more than 16 attributes");
        }
        found.push(Attribute { name, value });
        rest = after_value;
    }
}

/// XML's whitespace (`S`).
fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use quick_xml::events::BytesStart;

    fn pairs(text: &str) -> Vec<(&str, &str)> {
        read(text).unwrap().iter().map(|a| (a.name, a.value)).collect()
    }

    #[test]
    fn reads_what_xml_allows() {
        assert_eq!(pairs(""), []);
        assert_eq!(pairs(" \t\r\n"), []);
        assert_eq!(
            pairs(r#" xmlns:i="http://i" xmlns = 'urn:x' i:nil="true" "#),
            [("xmlns:i", "http://i"), ("xmlns", "urn:x"), ("i:nil", "true")]
        );
        assert_eq!(
            pairs(r#" a="it's" b='say "hi"' c="""#),
            [("a", "it's"), ("b", r#"say "hi""#), ("c", "")]
        );
        assert_eq!(pairs(r#" a="&amp;&#33;""#), [("a", "&amp;&#33;")]);
        let nil = &read(r#" i:nil="true""#).unwrap()[0];
        assert_eq!(nil.local_name(), "nil");
    }

    #[test]
    fn refuses_what_xml_does_not() {
        for text in [
            r#" a"#,
            r#" a b="1""#,
            r#" a=1"#,
            r#" a="1"#,
            r#" a='1""#,
            r#" a="1"b="2""#,
            r#" a="1" a="2""#,
            r#" a="1<2""#,
            r#" ="1""#,
        ] {
            assert!(read(text).is_err(), "{text}");
        }
        let many: String = (0..=MAX_PER_TAG).map(|i| format!(" a{i}=\"\"")).collect();
        assert_eq!(read(&many), Err("an element has more than 16 attributes"));
        assert!(read(&many[..many.len() - 6]).is_ok());
    }

    /// Text shaped like attributes: names, spaces, `=` and quotes, each sometimes left out. It
    /// starts with a space, as the text after a tag's name always does (or is empty).
    fn near_attributes() -> impl Strategy<Value = String> {
        prop::collection::vec(
            r#"[ \t\n]{0,2}(a|b|i:nil|xmlns|x:y)?[ ]?=?[ ]?["']?(true|&amp;|<|'|"|)["']?"#,
            0..5,
        )
        .prop_map(|parts| " ".to_string() + &parts.concat())
    }

    proptest! {
        #[test]
        fn what_this_reads_quick_xml_reads_the_same(text in near_attributes()) {
            let tag = BytesStart::from_content(format!("t{text}"), 1);
            let theirs: Result<Vec<(String, String)>, _> = tag
                .attributes()
                .map(|a| a.map(|a| (a.key.as_ref().to_string(), a.value.to_string())))
                .collect();
            match read(&text) {
                Ok(ours) => {
                    let ours: Vec<(String, String)> =
                        ours.iter().map(|a| (a.name.to_string(), a.value.to_string())).collect();
                    prop_assert_eq!(Ok(ours), theirs.map_err(|e| e.to_string()));
                }
                // Stricter than quick-xml where XML is (whitespace between attributes, a name
                // that does not start with '=', no '<' in a value; these texts have too few
                // attributes to reach MAX_PER_TAG), never laxer.
                Err(why) => {
                    let stricter = ["separated by whitespace", "no name", "'<'"]
                        .iter()
                        .any(|rule| why.contains(rule));
                    prop_assert!(theirs.is_err() || stricter, "{text:?}: {why}; quick-xml reads {theirs:?}");
                }
            }
        }
    }
}
