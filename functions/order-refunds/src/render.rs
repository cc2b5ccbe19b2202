//! The seed's response shape for every answer: `{"Resource", "Message", "Details": [...]}`.

use refund_shared::AppError;
use refund_shared::http::Response;
use serde_json::json;

pub fn ok(resource: &str, message: &str) -> Response {
    Response::json(
        200,
        &json!({"Resource": resource, "Message": message, "Details": []}),
    )
}

pub fn error(error: &AppError) -> Response {
    let details: Vec<String> = error
        .field_errors()
        .into_iter()
        .map(|f| format!("{}: {}", f.path, f.message))
        .collect();
    let message = match error {
        AppError::Validation(_) => "The request is invalid.".to_string(),
        other => other.to_string(),
    };
    Response::json(
        error.status(),
        &json!({"Resource": null, "Message": message, "Details": details}),
    )
    .for_error(error)
}
