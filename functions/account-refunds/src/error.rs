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

/// The reason phrase of each status an `AppError` maps to (and 409). A table of our own:
/// `http::StatusCode::canonical_reason` covers every status there is, ~2 KB of this .wasm.
fn reason_phrase(status: u16) -> &'static str {
    match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        413 => "Payload Too Large",
        415 => "Unsupported Media Type",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Error",
    }
}

#[cfg(test)]
mod tests {
    use super::reason_phrase;

    #[test]
    fn reason_phrases_are_the_standard_ones() {
        for status in [400, 401, 403, 404, 405, 409, 413, 415, 500, 503] {
            let standard = http::StatusCode::from_u16(status).unwrap().canonical_reason();
            assert_eq!(Some(reason_phrase(status)), standard, "{status}");
        }
    }
}
