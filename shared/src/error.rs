//! The one error type of the service. Each API renders it in its own documented shape.

use std::fmt;

/// One problem with one field of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// Where the field is, in the request's own spelling (`refundAllocations[0].amount`).
    pub path: String,
    pub message: String,
    /// A short machine code (`required`, `invalid_type`, `too_many_decimals`...).
    pub code: &'static str,
}

impl FieldError {
    pub fn new(path: impl Into<String>, code: &'static str, message: impl Into<String>) -> Self {
        FieldError {
            path: path.into(),
            message: message.into(),
            code,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AppError {
    /// Every problem found in the request, not just the first.
    Validation(Vec<FieldError>),
    /// The refund cannot be taken as asked: over what is refundable, a refused rule. APIs decide
    /// whether that is a 400 or a 409; it names the field when one is to blame.
    Refused {
        field: Option<String>,
        code: &'static str,
        message: String,
    },
    NotFound(String),
    Conflict(String),
    Unauthorized,
    Forbidden,
    /// The methods the resource takes, as its 405's `Allow` header lists them (`GET, POST`).
    MethodNotAllowed(String),
    PayloadTooLarge,
    UnsupportedMediaType(String),
    /// Compare-and-swap kept losing: the client may retry.
    Contention,
    /// The store failed; nothing was half-written.
    Store(String),
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    /// The usual HTTP status; an API may render some kinds with another documented status.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Validation(_) | AppError::Refused { .. } => 400,
            AppError::Unauthorized => 401,
            AppError::Forbidden => 403,
            AppError::NotFound(_) => 404,
            AppError::MethodNotAllowed(_) => 405,
            AppError::Conflict(_) => 409,
            AppError::PayloadTooLarge => 413,
            AppError::UnsupportedMediaType(_) => 415,
            AppError::Store(_) => 500,
            AppError::Contention => 503,
        }
    }

    /// A short code for the body's `error`/`code` member.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Validation(_) => "validation_error",
            AppError::Refused { code, .. } => code,
            AppError::Unauthorized => "unauthorized",
            AppError::Forbidden => "forbidden",
            AppError::NotFound(_) => "not_found",
            AppError::MethodNotAllowed(_) => "method_not_allowed",
            AppError::Conflict(_) => "conflict",
            AppError::PayloadTooLarge => "payload_too_large",
            AppError::UnsupportedMediaType(_) => "unsupported_media_type",
            AppError::Store(_) => "store_unavailable",
            AppError::Contention => "busy",
        }
    }

    /// The field errors to list: a validation's, or the one field a refusal names.
    pub fn field_errors(&self) -> Vec<FieldError> {
        match self {
            AppError::Validation(errors) => errors.clone(),
            AppError::Refused {
                field: Some(field),
                code,
                message,
            } => vec![FieldError::new(field.clone(), code, message.clone())],
            _ => Vec::new(),
        }
    }

    pub fn field(path: impl Into<String>, code: &'static str, message: impl Into<String>) -> Self {
        AppError::Validation(vec![FieldError::new(path, code, message)])
    }
}

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AppError::Validation(errors) => {
                f.write_str("The request is invalid: ")?;
                for (i, e) in errors.iter().enumerate() {
                    let separator = if i == 0 { "" } else { "; " };
                    write!(f, "{separator}{}: {}", e.path, e.message)?;
                }
                Ok(())
            }
            AppError::Refused { message, .. } => f.write_str(message),
            AppError::NotFound(what) => write!(f, "{what} not found"),
            AppError::Conflict(message) => f.write_str(message),
            AppError::Unauthorized => f.write_str("A valid bearer token is required"),
            AppError::Forbidden => f.write_str("This token may not perform this operation"),
            AppError::MethodNotAllowed(_) => f.write_str("Method not allowed on this resource"),
            AppError::PayloadTooLarge => f.write_str("The request body is too large"),
            AppError::UnsupportedMediaType(ct) => write!(f, "Unsupported content type: {ct}"),
            AppError::Contention => {
                f.write_str("The resource is busy with concurrent updates; retry the request")
            }
            AppError::Store(_) => f.write_str("The store is unavailable; nothing was changed"),
        }
    }
}

impl std::error::Error for AppError {}

/// Collects field errors so a request reports all its problems at once.
#[derive(Debug, Default)]
pub struct Errors(pub Vec<FieldError>);

impl Errors {
    pub fn push(&mut self, path: impl Into<String>, code: &'static str, message: impl Into<String>) {
        self.0.push(FieldError::new(path, code, message));
    }

    /// Reports a value that is not one of `allowed` (`invalid_enum`), listing what is.
    pub fn not_one_of(&mut self, path: impl Into<String>, name: &str, allowed: &[&str]) {
        // A loop, not `join`: each `join` is its own copy of std's generic code in the .wasm.
        let mut message = format!("{name} must be one of ");
        for (i, choice) in allowed.iter().enumerate() {
            if i > 0 {
                message.push_str(", ");
            }
            message.push_str(choice);
        }
        self.push(path, "invalid_enum", message);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The validation error for what was reported. For the `let ... else` of required fields:
    /// a field that is missing has always been reported, but should that ever not hold, the
    /// request is still refused rather than the component panicking.
    pub fn fail(mut self) -> AppError {
        if self.0.is_empty() {
            self.push("body", "invalid", "the request is invalid");
        }
        AppError::Validation(self.0)
    }

    /// `Ok(value)` when nothing was reported, else the validation error.
    pub fn finish<T>(self, value: T) -> AppResult<T> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(AppError::Validation(self.0))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses() {
        assert_eq!(AppError::field("a", "required", "x").status(), 400);
        assert_eq!(AppError::Unauthorized.status(), 401);
        assert_eq!(AppError::Forbidden.status(), 403);
        assert_eq!(AppError::NotFound("x".into()).status(), 404);
        assert_eq!(AppError::MethodNotAllowed("GET".into()).status(), 405);
        assert_eq!(AppError::Conflict("x".into()).status(), 409);
        assert_eq!(AppError::PayloadTooLarge.status(), 413);
        assert_eq!(AppError::UnsupportedMediaType("x".into()).status(), 415);
        assert_eq!(AppError::Store("x".into()).status(), 500);
        assert_eq!(AppError::Contention.status(), 503);
    }

    #[test]
    fn refusal_names_its_field() {
        let e = AppError::Refused {
            field: Some("amount".into()),
            code: "over_refund",
            message: "too much".into(),
        };
        assert_eq!(e.field_errors()[0].path, "amount");
        assert!(AppError::Contention.field_errors().is_empty());
    }

    #[test]
    fn errors_collects_all() {
        let mut errors = Errors::default();
        errors.push("a", "required", "a is required");
        errors.push("b", "required", "b is required");
        match errors.finish(()) {
            Err(AppError::Validation(v)) => assert_eq!(v.len(), 2),
            other => panic!("{other:?}"),
        }
        assert!(Errors::default().finish(1).is_ok());
    }
}
