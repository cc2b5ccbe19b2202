//! Bearer-token checks against the component's secret variables, in constant time.

use crate::error::{AppError, AppResult};
use crate::http::Request;
use subtle::ConstantTimeEq;

/// The tokens a component accepts. An empty token accepts nothing (fail closed).
#[derive(Clone, Default)]
pub struct Tokens {
    /// May read and write.
    pub full: String,
    /// May only read (GET); a write with it is 403.
    pub read_only: String,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Read,
    Write,
}

/// 401 without a valid bearer token, 403 when a read-only token tries to write.
pub fn authorize(req: &Request, tokens: &Tokens, access: Access) -> AppResult<()> {
    let presented = presented_token(req).ok_or(AppError::Unauthorized)?;
    if matches(presented, &tokens.full) {
        return Ok(());
    }
    if matches(presented, &tokens.read_only) {
        return match access {
            Access::Read => Ok(()),
            Access::Write => Err(AppError::Forbidden),
        };
    }
    Err(AppError::Unauthorized)
}

/// The bearer token the request carries, if any.
pub fn presented_token(req: &Request) -> Option<&str> {
    req.header("authorization").and_then(|h| {
        let (scheme, token) = h.split_once(' ')?;
        scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
    })
}

/// Whether `presented` is `expected`, compared in constant time; an empty `expected` accepts
/// nothing.
pub fn matches(presented: &str, expected: &str) -> bool {
    !expected.is_empty() && bool::from(presented.as_bytes().ct_eq(expected.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::Method;

    fn req(auth: Option<&str>) -> Request {
        let r = Request::new(Method::POST, "/", "");
        match auth {
            Some(a) => r.with_header("authorization", a),
            None => r,
        }
    }

    #[test]
    fn tokens() {
        let t = Tokens {
            full: "w".into(),
            read_only: "r".into(),
        };
        assert!(authorize(&req(Some("Bearer w")), &t, Access::Write).is_ok());
        assert!(authorize(&req(Some("bearer w")), &t, Access::Write).is_ok());
        assert!(authorize(&req(Some("Bearer r")), &t, Access::Read).is_ok());
        assert_eq!(
            authorize(&req(Some("Bearer r")), &t, Access::Write),
            Err(AppError::Forbidden)
        );
        assert_eq!(
            authorize(&req(Some("Bearer x")), &t, Access::Read),
            Err(AppError::Unauthorized)
        );
        assert_eq!(
            authorize(&req(Some("Basic w")), &t, Access::Read),
            Err(AppError::Unauthorized)
        );
        assert_eq!(
            authorize(&req(Some("Bearer")), &t, Access::Read),
            Err(AppError::Unauthorized)
        );
        assert_eq!(
            authorize(&req(None), &t, Access::Read),
            Err(AppError::Unauthorized)
        );
    }

    #[test]
    fn empty_tokens_accept_nothing() {
        let t = Tokens::default();
        assert_eq!(
            authorize(&req(Some("Bearer ")), &t, Access::Read),
            Err(AppError::Unauthorized)
        );
    }
}
