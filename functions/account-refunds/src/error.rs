//! The TMF `Error` body: `{code, reason, message, status, referenceError, @type}`.

use refund_shared::AppError;
use refund_shared::http::Response;
use serde_json::json;

pub fn render(error: &AppError) -> Response {
    // A refund over what is left conflicts with the account's state: 409, as TMF APIs answer.
    let status = match error {
        AppError::Refused { .. } => 409,
        other => other.status(),
    };
    let fields = error.field_errors();
    let reason = match fields.as_slice() {
        [one] => format!("{}: {}", one.path, one.message),
        [] => reason_phrase(status).to_string(),
        many => format!("{} fields are invalid", many.len()),
    };
    let body = json!({
        "code": error.code(),
        "reason": reason,
        "message": error.to_string(),
        "status": status.to_string(),
        "referenceError": null,
        "@type": "Error",
        "@baseType": null,
        "@schemaLocation": null,
    });
    Response::json(status, &body).for_error(error)
}

fn reason_phrase(status: u16) -> &'static str {
    http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("Error")
}
