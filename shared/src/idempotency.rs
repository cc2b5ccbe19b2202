//! The `Idempotency-Key` header and request fingerprints.

use crate::error::{AppError, AppResult};
use crate::http::Request;
use crate::ledger::Idempotency;
use serde::Serialize;

/// The longest key accepted (Stripe's limit).
pub const MAX_KEY_LEN: usize = 255;

/// The request's `Idempotency-Key`, if any, paired with the fingerprint of what it asks.
pub fn from_request<T: Serialize>(req: &Request, asked: &T) -> AppResult<Option<Idempotency>> {
    let Some(raw) = req.headers.get("idempotency-key") else {
        return Ok(None);
    };
    let key = std::str::from_utf8(raw).unwrap_or("").trim();
    if key.is_empty() || key.len() > MAX_KEY_LEN || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(AppError::field(
            "Idempotency-Key",
            "invalid_idempotency_key",
            format!("Idempotency-Key must be 1 to {MAX_KEY_LEN} visible ASCII characters"),
        ));
    }
    Ok(Some(Idempotency {
        key: format!("header:{key}"),
        fingerprint: fingerprint(asked),
    }))
}

/// An idempotency key from the API's own field (`correlatorId`), kept apart from header keys,
/// with the request's [`fingerprint`] (a header key's, when the request has one: one request,
/// one fingerprint).
pub fn from_field(field: &str, value: &str, fingerprint: String) -> Idempotency {
    Idempotency {
        key: format!("{field}:{value}"),
        fingerprint,
    }
}

/// A stable digest of the validated request, so the same request in other whitespace or key
/// order is still "the same" and a different one is a conflict. FNV-1a over canonical JSON:
/// the fingerprint only has to tell apart two requests sent with one key, not resist an attacker
/// (the key is the client's own).
pub fn fingerprint<T: Serialize>(asked: &T) -> String {
    let canonical = serde_json::to_vec(asked).expect("requests always serialize");
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in canonical {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::Method;
    use serde_json::json;

    #[test]
    fn keys_and_fingerprints() {
        let req = Request::new(Method::POST, "/", "").with_header("idempotency-key", "abc-1");
        let idem = from_request(&req, &json!({"a": 1})).unwrap().unwrap();
        assert_eq!(idem.key, "header:abc-1");
        assert_eq!(idem.label(), "this Idempotency-Key");
        assert_eq!(
            from_field("correlatorId", "R1", fingerprint(&1)).label(),
            "correlatorId \"R1\""
        );
        assert_eq!(idem.fingerprint, fingerprint(&json!({"a": 1})));
        assert_ne!(idem.fingerprint, fingerprint(&json!({"a": 2})));
        let none = Request::new(Method::POST, "/", "");
        assert!(from_request(&none, &()).unwrap().is_none());
        let long = "k".repeat(256);
        let bad = Request::new(Method::POST, "/", "").with_header("idempotency-key", &long);
        assert!(from_request(&bad, &()).is_err());
    }
}
