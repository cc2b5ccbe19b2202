//! Time: Unix seconds in, RFC 3339 out. (The entry point reads the clock from wasi itself.)

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// `2024-05-03T13:00:38Z`.
pub fn rfc3339(unix: i64) -> String {
    OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_default()
}

/// Parses an RFC 3339 date-time (any offset, any fraction digits).
pub fn parse_rfc3339(text: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(text, &Rfc3339).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_parses() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        let t = parse_rfc3339("2024-05-03T13:00:38.8499088+00:00").unwrap();
        assert_eq!(t.unix_timestamp(), 1_714_741_238);
        assert!(parse_rfc3339("yesterday").is_none());
    }
}
