//! XML bodies in, XML answers out, in the DataContract style of the platform behind seed 002.
//!
//! Incoming XML becomes the same JSON tree a JSON body makes (element names as keys, text as
//! strings), so one validator serves every format. No DTD is accepted and no entity but XML's
//! five and character references is expanded, so entity expansion attacks have nothing to
//! expand; depth and element counts are bounded.

mod attributes;

use litemap::LiteMap;
use quick_xml::Reader;
use quick_xml::escape::escape;
use quick_xml::events::{BytesRef, BytesStart, Event};
use refund_shared::{AppError, AppResult};
use serde_json::{Map, Value};

pub const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";
pub const REQUEST_NS: &str = "http://schemas.datacontract.org/2004/07/Common.Dto.Post";
pub const RESPONSE_NS: &str = "http://schemas.datacontract.org/2004/07/Common.Dto";

const MAX_DEPTH: usize = 16;
const MAX_ELEMENTS: usize = 20_000;

fn bad(message: impl Into<String>) -> AppError {
    AppError::field("body", "malformed_xml", message)
}

struct Frame {
    name: String,
    children: Vec<(String, Value)>,
    text: String,
    nil: bool,
}

/// Parses `text` whose root element must be `root`; elements named in `arrays` hold lists.
pub fn to_value(text: &str, root: &str, arrays: &[&str]) -> AppResult<Value> {
    let mut reader = Reader::from_str(text);
    let mut stack: Vec<Frame> = Vec::new();
    let mut elements = 0usize;
    let mut result = None;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| bad(format!("malformed XML at byte {}: {e}", reader.error_position())))?;
        match event {
            Event::Start(e) | Event::Empty(e) if result.is_some() => {
                return Err(bad(format!("content after the root element: <{}>", name_of(&e))));
            }
            Event::Start(e) => {
                elements += 1;
                if stack.len() >= MAX_DEPTH || elements > MAX_ELEMENTS {
                    return Err(bad("the XML is nested too deeply or has too many elements"));
                }
                stack.push(open(&e, stack.is_empty(), root)?);
            }
            Event::Empty(e) => {
                elements += 1;
                let frame = open(&e, stack.is_empty(), root)?;
                let value = if arrays.iter().any(|a| a.eq_ignore_ascii_case(&frame.name)) {
                    Value::Array(Vec::new())
                } else {
                    Value::Null
                };
                match stack.last_mut() {
                    Some(parent) => parent.children.push((frame.name, value)),
                    None => result = Some(Value::Object(Map::new())),
                }
            }
            Event::Text(t) => push_text(&mut stack, &t.xml10_content())?,
            Event::CData(t) => push_text(&mut stack, &t.into_inner())?,
            Event::GeneralRef(r) => push_text(&mut stack, resolve(&r)?.encode_utf8(&mut [0; 4]))?,
            Event::DocType(_) => return Err(bad("DTDs are not accepted")),
            Event::End(_) => {
                let frame = stack.pop().ok_or_else(|| bad("unbalanced end tag"))?;
                let value = close(frame, arrays)?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(value),
                    None => result = Some(value.1),
                }
            }
            Event::Eof => break,
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
        }
    }
    if !stack.is_empty() {
        return Err(bad("the XML ends inside an element"));
    }
    result.ok_or_else(|| bad(format!("the body must be a <{root}> element")))
}

/// A reference's character: a character reference or one of XML's five entities (no DTD, so
/// no others).
fn resolve(r: &BytesRef) -> AppResult<char> {
    if let Some(c) = r.resolve_char_ref().map_err(|e| bad(e.to_string()))? {
        return Ok(c);
    }
    match r.as_ref() {
        "amp" => Ok('&'),
        "lt" => Ok('<'),
        "gt" => Ok('>'),
        "quot" => Ok('"'),
        "apos" => Ok('\''),
        other => Err(bad(format!("unknown entity &{other};"))),
    }
}

/// An attribute's value with its references resolved, as XML 1.0 reads one. (quick-xml's
/// `unescape` does the same with its own resolver: ~1 KB more of this .wasm.)
fn attribute_value(raw: &str) -> AppResult<String> {
    let mut value = String::new();
    let mut rest = raw;
    while let Some((text, after)) = rest.split_once('&') {
        let (name, after) = after
            .split_once(';')
            .ok_or_else(|| bad("an attribute's value has an '&' without a ';'"))?;
        value.push_str(text);
        value.push(resolve(&BytesRef::new(name))?);
        rest = after;
    }
    value.push_str(rest);
    Ok(value)
}

fn name_of(e: &BytesStart) -> String {
    e.local_name().as_ref().to_string()
}

fn open(e: &BytesStart, is_root: bool, root: &str) -> AppResult<Frame> {
    let name = name_of(e);
    let mut nil = false;
    let attrs = attributes::read(e.attributes_raw())
        .map_err(|why| bad(format!("malformed attributes in <{name}>: {why}")))?;
    for attr in attrs {
        // (quick-xml's `normalized_value` keeps XML 1.1's rules too, chosen at run time: ~3 KB
        // more of this .wasm for two attributes that are only ever compared with a constant.)
        let value = attribute_value(attr.value)?;
        if attr.local_name() == "nil" && value == "true" {
            nil = true;
        }
        if is_root && attr.name == "xmlns" && value != REQUEST_NS {
            return Err(bad(format!("the root element must be in namespace {REQUEST_NS}")));
        }
    }
    if is_root && !name.eq_ignore_ascii_case(root) {
        return Err(bad(format!("the root element must be <{root}>, not <{name}>")));
    }
    Ok(Frame {
        name,
        children: Vec::new(),
        text: String::new(),
        nil,
    })
}

fn push_text(stack: &mut [Frame], text: &str) -> AppResult<()> {
    match stack.last_mut() {
        Some(frame) => {
            frame.text.push_str(text);
            Ok(())
        }
        None if text.trim().is_empty() => Ok(()),
        None => Err(bad("text outside the root element")),
    }
}

fn close(frame: Frame, arrays: &[&str]) -> AppResult<(String, Value)> {
    let name = frame.name;
    if frame.nil {
        return Ok((name, Value::Null));
    }
    if arrays.iter().any(|a| a.eq_ignore_ascii_case(&name)) {
        return Ok((
            name,
            Value::Array(frame.children.into_iter().map(|(_, v)| v).collect()),
        ));
    }
    if frame.children.is_empty() {
        return Ok((name, Value::String(frame.text.trim().to_string())));
    }
    let mut map = Map::new();
    for (child, value) in frame.children {
        if map.keys().any(|k| k.eq_ignore_ascii_case(&child)) {
            return Err(bad(format!("<{child}> appears twice in <{name}>")));
        }
        map.insert(child, value);
    }
    Ok((name, Value::Object(map)))
}

/// Writes a JSON tree as DataContract XML: members as PascalCase elements in alphabetical
/// order, `null` as `i:nil`, list items named for their list (`InvoiceAllocations` holds
/// `InvoiceAllocation`s).
pub fn from_value(root: &str, value: &Value) -> String {
    let mut out = String::from(r#"<?xml version="1.0" encoding="utf-8"?>"#);
    write_element(&mut out, root, value, Some(RESPONSE_NS));
    out
}

/// Writes `value` as the element `name`, declaring the DataContract namespaces when given one.
pub fn write_element(out: &mut String, name: &str, value: &Value, namespace: Option<&str>) {
    // Pushed piece by piece: a `format!` per element was ~0.5 KB more of this .wasm.
    out.push('<');
    out.push_str(name);
    if let Some(ns) = namespace {
        out.push_str(r#" xmlns:i=""#);
        out.push_str(XSI);
        out.push_str(r#"" xmlns=""#);
        out.push_str(ns);
        out.push('"');
    }
    match value {
        Value::Null => {
            out.push_str(r#" i:nil="true"/>"#);
            return;
        }
        Value::Object(map) => {
            out.push('>');
            // In order of their PascalCase names, put in place one by one: an object has a
            // handful of members, and a generic sort of them was ~4.8 KB of the .wasm.
            let mut members: LiteMap<String, &Value> = LiteMap::new();
            for (k, v) in map {
                members.insert(pascal(k), v);
            }
            for (member, v) in members.iter() {
                write_element(out, member, v, None);
            }
        }
        Value::Array(items) => {
            out.push('>');
            let item = name.strip_suffix('s').unwrap_or(name);
            for v in items {
                write_element(out, item, v, None);
            }
        }
        Value::String(s) => {
            out.push('>');
            out.push_str(&escape(s.as_str()));
        }
        Value::Number(n) => {
            out.push('>');
            out.push_str(n.as_str());
        }
        Value::Bool(b) => {
            out.push('>');
            out.push_str(if *b { "true" } else { "false" });
        }
    }
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

/// `refundableAmount` -> `RefundableAmount`.
pub fn pascal(name: &str) -> String {
    let mut chars = name.chars();
    chars.next().map_or(String::new(), |c| {
        c.to_ascii_uppercase().to_string() + chars.as_str()
    })
}

/// An XML name for any text, as .NET's `XmlConvert.EncodeLocalName` does: `[` -> `_x005B_`,
/// and a character beyond U+FFFF in eight digits (`_x0001F600_`).
pub fn encode_name(text: &str) -> String {
    let mut name = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '_' {
            name.push(c);
            continue;
        }
        let code = u32::from(c);
        let digits = if code > 0xFFFF { 8 } else { 4 };
        name.push_str("_x");
        for i in (0..digits).rev() {
            let digit = char::from_digit((code >> (4 * i)) & 0xF, 16).unwrap_or('0');
            name.push(digit.to_ascii_uppercase());
        }
        name.push('_');
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"<Refund xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://schemas.datacontract.org/2004/07/Common.Dto.Post">
  <Amount>3</Amount><Method>Cash</Method><NetsuiteId>a &amp; b&#33;</NetsuiteId><OriginalPaymentId>2</OriginalPaymentId>
  <RefundAllocations><RefundAllocation><Amount>2</Amount><InvoiceId>1</InvoiceId></RefundAllocation></RefundAllocations>
  <Reference i:nil="true"/>
</Refund>"#;

    #[test]
    fn the_seeds_sample_reads_as_a_tree() {
        let v = to_value(SAMPLE, "Refund", &["RefundAllocations"]).unwrap();
        assert_eq!(v["Amount"], "3");
        assert_eq!(v["NetsuiteId"], "a & b!");
        assert_eq!(v["RefundAllocations"][0]["InvoiceId"], "1");
        assert!(v["Reference"].is_null());
    }

    #[test]
    fn attributes_are_read_from_start_and_empty_tags() {
        let v = to_value(
            r#"<Refund xmlns="http://schemas.datacontract.org/2004/07/Common.Dto.Post"><A i:nil='true'/><B x="&#116;rue" i:nil="tru&#101;"></B><C/></Refund>"#,
            "Refund",
            &[],
        )
        .unwrap();
        assert!(v["A"].is_null() && v["B"].is_null(), "{v}");
        assert_eq!(v["C"], Value::Null);
        for bad in [
            r#"<Refund><A i:nil="true" i:nil="true"/></Refund>"#,
            r#"<Refund><A x="1"y="2"/></Refund>"#,
            r#"<Refund><A x="&bogus;"/></Refund>"#,
            r#"<Refund><A x="&amp"/></Refund>"#,
            r#"<Refund xmlns="urn:&#0;"/>"#,
        ] {
            assert!(to_value(bad, "Refund", &[]).is_err(), "{bad}");
        }
    }

    #[test]
    fn hostile_xml_is_refused() {
        let laughs = r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><Refund>&lol2;</Refund>"#;
        assert!(to_value(laughs, "Refund", &[]).is_err());
        assert!(to_value("<Refund>&custom;</Refund>", "Refund", &[]).is_err());
        assert!(to_value("<Other/>", "Refund", &[]).is_err());
        assert!(to_value("<Refund><A>1</A><A>2</A></Refund>", "Refund", &[]).is_err());
        assert!(to_value("<Refund><A>1</Refund>", "Refund", &[]).is_err());
        let deep = "<Refund>".to_string() + &"<a>".repeat(100) + &"</a>".repeat(100) + "</Refund>";
        assert!(to_value(&deep, "Refund", &[]).is_err());
        assert!(to_value(r#"<Refund xmlns="urn:other"/>"#, "Refund", &[]).is_err());
    }

    #[test]
    fn writes_datacontract_xml() {
        let v = serde_json::json!({"b": 1, "a": null, "items": [{"x": "<"}]});
        let xml = from_value("Root", &v);
        assert!(
            xml.contains(r#"<A i:nil="true"/><B>1</B><Items><Item><X>&lt;</X></Item></Items>"#),
            "{xml}"
        );
        assert_eq!(
            encode_name("refund.refundAllocations[0].amount"),
            "refund.refundAllocations_x005B_0_x005D_.amount"
        );
        assert_eq!(encode_name("a é😀"), "a_x0020__x00E9__x0001F600_");
    }
}
