//! `application/x-www-form-urlencoded` bodies (`Amount=3&RefundAllocations[0].InvoiceId=1`)
//! into the same JSON tree a JSON body makes.

use refund_shared::{AppError, AppResult};
use serde_json::{Map, Value};

/// The highest list index accepted (`RefundAllocations[999]`).
const MAX_INDEX: usize = 999;

pub fn to_value(body: &[u8]) -> AppResult<Value> {
    let bad = |message: String| AppError::field("body", "malformed_form", message);
    let mut root = Map::new();
    for (key, value) in form_urlencoded::parse(body) {
        let value = Value::String(value.into_owned());
        let (name, rest) = match key.find('[') {
            Some(i) => (&key[..i], Some(&key[i..])),
            None => (&key[..], None),
        };
        match rest {
            None => {
                // Names match in any case, so `amount` and `Amount` are the same field twice.
                if root.keys().any(|k| k.eq_ignore_ascii_case(name))
                    || root.insert(name.to_string(), value).is_some()
                {
                    return Err(bad(format!("{name} is given twice")));
                }
            }
            Some(rest) => {
                let (index, field) = rest
                    .strip_prefix('[')
                    .and_then(|r| r.split_once(']'))
                    .and_then(|(i, f)| Some((i.parse::<usize>().ok()?, f.strip_prefix('.')?)))
                    .filter(|(i, f)| *i <= MAX_INDEX && !f.is_empty())
                    .ok_or_else(|| bad(format!("{key} is not a field name like {name}[0].Field")))?;
                let list = root
                    .entry(name.to_string())
                    .or_insert_with(|| Value::Array(Vec::new()));
                let Value::Array(items) = list else {
                    return Err(bad(format!("{name} is given both as a value and as a list")));
                };
                if items.len() <= index {
                    items.resize(index + 1, Value::Null);
                }
                if items[index].is_null() {
                    items[index] = Value::Object(Map::new());
                }
                if let Value::Object(item) = &mut items[index]
                    && item.insert(field.to_string(), value).is_some()
                {
                    return Err(bad(format!("{key} is given twice")));
                }
            }
        }
    }
    Ok(Value::Object(root))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_issues_example() {
        let v = to_value(b"Amount=3&RefundAllocations[0].InvoiceId=1&RefundAllocations[0].Amount=2").unwrap();
        assert_eq!(v["Amount"], "3");
        assert_eq!(v["RefundAllocations"][0]["Amount"], "2");
        assert!(to_value(b"Amount=1&Amount=2").is_err());
        assert!(to_value(b"A[x].B=1").is_err());
        assert!(to_value(b"A[100000].B=1").is_err());
        assert!(to_value(b"A=1&A[0].B=1").is_err());
    }
}
