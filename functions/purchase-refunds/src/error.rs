//! The gateway's error style: a map from field (or `__all__`) to a list of
//! `{"message", "code"}`. Refund processing refusals carry `purchase_refund_error`.

use refund_shared::AppError;
use refund_shared::http::Response;
use serde_json::{Map, Value, json};

pub const ALL: &str = "__all__";

pub fn render(error: &AppError) -> Response {
    let mut body = Map::new();
    let fields = error.field_errors();
    if fields.is_empty() || matches!(error, AppError::Refused { field: None, .. }) {
        body.insert(
            ALL.into(),
            json!([{"message": error.to_string(), "code": error.code()}]),
        );
    }
    for f in fields {
        // Problems with the body as a whole belong to no field.
        let key = if f.path == "body" { ALL.to_string() } else { f.path };
        let list = body.entry(key).or_insert_with(|| json!([]));
        if let Value::Array(items) = list {
            items.push(json!({"message": f.message, "code": f.code}));
        }
    }
    Response::json(error.status(), &Value::Object(body)).for_error(error)
}
