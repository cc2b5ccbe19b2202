//! The plain JSON error body used by the admin API and by APIs that document this shape:
//! `{"status": 400, "error": "validation_error", "message": "...", "fields": [{"field", "message"}]}`.

use crate::error::AppError;
use crate::http::Response;
use serde::Serialize;

#[derive(Serialize)]
struct ErrorBody<'a> {
    status: u16,
    error: &'a str,
    message: String,
    fields: Vec<FieldBody>,
}

#[derive(Serialize)]
struct FieldBody {
    field: String,
    message: String,
    code: &'static str,
}

pub fn standard_error(error: &AppError) -> Response {
    let status = error.status();
    let body = ErrorBody {
        status,
        error: error.code(),
        message: error.to_string(),
        fields: error
            .field_errors()
            .into_iter()
            .map(|f| FieldBody {
                field: f.path,
                message: f.message,
                code: f.code,
            })
            .collect(),
    };
    Response::json(status, &body).for_error(error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shape() {
        let r = standard_error(&AppError::field("invoiceId", "required", "invoiceId is required"));
        let v: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
        assert_eq!(v["status"], 400);
        assert_eq!(v["error"], "validation_error");
        assert_eq!(v["fields"][0]["field"], "invoiceId");
        let r = standard_error(&AppError::Unauthorized);
        assert_eq!((r.status, r.header("www-authenticate")), (401, Some("Bearer")));
    }
}
