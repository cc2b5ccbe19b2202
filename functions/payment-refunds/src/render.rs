//! Answers in the format `Accept` asks for (JSON by default, XML for `application/xml` or
//! `text/xml`), and errors in the platform's style:
//! `{"Message": "The request is invalid.", "ModelState": {"refund.amount": ["..."]}}`.

use crate::view::Activity;
use crate::xml;
use refund_shared::http::{Request, Response, find_ignore_case};
use refund_shared::ledger::RefundEntry;
use refund_shared::{AppError, AppResult};
use serde::Serialize;
use serde_json::{Map, Value, json};

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Xml,
}

impl Format {
    pub fn of(req: &Request) -> Format {
        let accept = req.header("accept").unwrap_or("");
        let has = |media: &str| find_ignore_case(accept, media).is_some();
        if (has("application/xml") || has("text/xml")) && !has("json") {
            Format::Xml
        } else {
            Format::Json
        }
    }
}

fn answer<T: Serialize>(format: Format, status: u16, root: &str, value: &T) -> Response {
    match format {
        Format::Json => Response::json(status, value),
        Format::Xml => {
            // Written as JSON and read back as the tree the XML writer walks: `to_value` would
            // be a second copy of every answer's serializer in the .wasm (+6 KB).
            let json = serde_json::to_vec(value).expect("answers always serialize");
            let tree: Value = serde_json::from_slice(&json).expect("written as JSON just now");
            Response::new(
                status,
                "application/xml; charset=utf-8",
                xml::from_value(root, &tree).into_bytes(),
            )
        }
    }
}

pub fn uri(req: &Request, id: &str) -> String {
    format!(
        "{}{}/v1/Refunds/{id}",
        req.origin(),
        req.mount_prefix("/v1/refunds")
    )
}

fn body_of(req: &Request, entry: &RefundEntry) -> AppResult<Activity> {
    Ok(Activity::of(entry, entry.fields()?, uri(req, &entry.id)))
}

pub fn refund(req: &Request, format: Format, entry: &RefundEntry) -> AppResult<Response> {
    Ok(answer(format, 200, "PaymentActivity", &body_of(req, entry)?))
}

pub fn refunds(req: &Request, format: Format, entries: &[&RefundEntry]) -> AppResult<Response> {
    let items = entries
        .iter()
        .map(|e| body_of(req, e))
        .collect::<AppResult<Vec<_>>>()?;
    Ok(answer(format, 200, "ArrayOfPaymentActivity", &items))
}

pub fn error(format: Format, error: &AppError) -> Response {
    let status = error.status();
    let fields = error.field_errors();
    let message = if fields.is_empty() {
        error.to_string()
    } else {
        "The request is invalid.".to_string()
    };
    let response = match format {
        Format::Json => {
            let mut body = json!({"Message": message});
            if !fields.is_empty() {
                let mut state = Map::new();
                for f in fields {
                    // Problems with the body as a whole belong to the `refund` parameter.
                    let key = if f.path == "body" {
                        "refund".to_string()
                    } else {
                        f.path
                    };
                    let list = state.entry(key).or_insert_with(|| json!([]));
                    if let Value::Array(items) = list {
                        items.push(Value::String(f.message));
                    }
                }
                body["ModelState"] = Value::Object(state);
            }
            Response::json(status, &body)
        }
        Format::Xml => {
            let mut out = format!(
                "<Error><Message>{}</Message>",
                quick_xml::escape::escape(message.as_str())
            );
            if !fields.is_empty() {
                out.push_str("<ModelState>");
                for f in fields {
                    let key = xml::encode_name(if f.path == "body" { "refund" } else { &f.path });
                    xml::write_element(&mut out, &key, &Value::String(f.message), None);
                }
                out.push_str("</ModelState>");
            }
            out.push_str("</Error>");
            Response::new(status, "application/xml; charset=utf-8", out.into_bytes())
        }
    };
    response.for_error(error)
}
