//! The `Idempotency-Key` header and request fingerprints.

use crate::error::{AppError, AppResult};
use crate::http::Request;
use crate::ledger::Idempotency;
use serde::Serialize;

/// The longest key accepted (Stripe's limit).
pub const MAX_KEY_LEN: usize = 255;

/// The request's idempotency keys, each paired with one fingerprint of what it asks: its
/// `Idempotency-Key` header, if sent, and an API's own key field (account's `correlatorId`) as
/// `(name, value)`, if it has one and it was sent, kept apart from header keys. None: no keys,
/// and no fingerprint taken.
pub fn keys<T: Serialize>(
    req: &Request,
    asked: &T,
    field: Option<(&str, &str)>,
) -> AppResult<Vec<Idempotency>> {
    let header = req.headers.get("idempotency-key").map(header_key).transpose()?;
    if header.is_none() && field.is_none() {
        return Ok(Vec::new());
    }
    let fingerprint = fingerprint(asked);
    let header = header.map(|key| format!("header:{key}"));
    let field = field.map(|(name, value)| format!("{name}:{value}"));
    let keys = header.into_iter().chain(field).map(|key| Idempotency {
        key,
        fingerprint: fingerprint.clone(),
    });
    Ok(keys.collect())
}

/// The `Idempotency-Key` header's value, refused unless it is 1 to [`MAX_KEY_LEN`] visible
/// ASCII characters.
fn header_key(raw: &[u8]) -> AppResult<&str> {
    let key = std::str::from_utf8(raw).unwrap_or("").trim();
    if key.is_empty() || key.len() > MAX_KEY_LEN || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(AppError::field(
            "Idempotency-Key",
            "invalid_idempotency_key",
            format!("Idempotency-Key must be 1 to {MAX_KEY_LEN} visible ASCII characters"),
        ));
    }
    Ok(key)
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
        let keyed = keys(&req, &json!({"a": 1}), Some(("correlatorId", "R1"))).unwrap();
        let [idem, field] = keyed.as_slice() else {
            panic!("two keys: {keyed:?}");
        };
        assert_eq!(idem.key, "header:abc-1");
        assert_eq!(idem.label(), "this Idempotency-Key");
        assert_eq!(field.label(), "correlatorId \"R1\"");
        assert_eq!(idem.fingerprint, fingerprint(&json!({"a": 1})));
        assert_eq!(
            field.fingerprint, idem.fingerprint,
            "one request, one fingerprint"
        );
        assert_ne!(idem.fingerprint, fingerprint(&json!({"a": 2})));
        let none = Request::new(Method::POST, "/", "");
        assert!(keys(&none, &(), None).unwrap().is_empty());
        let long = "k".repeat(256);
        let bad = Request::new(Method::POST, "/", "").with_header("idempotency-key", &long);
        assert!(keys(&bad, &(), None).is_err());
    }
}
