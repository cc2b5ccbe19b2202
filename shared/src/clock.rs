//! Time: Unix seconds in, RFC 3339 out. (The entry point reads the clock from wasi itself.)
//!
//! The `time` crate does the calendar (days in a month, leap years, offsets); the two fixed
//! RFC 3339 layouts are written and read here. Its generic formatting and parsing machinery
//! (the `formatting` and `parsing` features) was ~11 KB of every .wasm that uses a date, for
//! one layout each way. The tests hold both to `time`'s own RFC 3339 reader and writer.

use time::{Date, Month, OffsetDateTime, Time, UtcOffset};

/// `2024-05-03T13:00:38Z`; empty for a time outside years 0-9999, which RFC 3339 cannot write.
pub fn rfc3339(unix: i64) -> String {
    let Ok(t) = OffsetDateTime::from_unix_timestamp(unix) else {
        return String::new();
    };
    let Ok(year @ 0..=9999) = u32::try_from(t.year()) else {
        return String::new();
    };
    // Digit by digit: a `format!` of six padded numbers went through the formatting machinery
    // for each.
    let fields = [
        (year, 4, '-'),
        (u32::from(u8::from(t.month())), 2, '-'),
        (u32::from(t.day()), 2, 'T'),
        (u32::from(t.hour()), 2, ':'),
        (u32::from(t.minute()), 2, ':'),
        (u32::from(t.second()), 2, 'Z'),
    ];
    let mut out = String::with_capacity(20);
    for (value, width, after) in fields {
        for place in (0..width).rev() {
            out.push(char::from(b'0' + (value / 10u32.pow(place) % 10) as u8));
        }
        out.push(after);
    }
    out
}

/// Parses an RFC 3339 date-time: `2024-05-03T13:00:38.8499088+00:00`, with any number of
/// fraction digits (nanoseconds kept), `Z` or an offset, and `T`, `t` or a space between date
/// and time. A leap second (`:60`) is read as the nanosecond before it, and only where one can
/// occur: the last second of a month, in UTC.
pub fn parse_rfc3339(text: &str) -> Option<OffsetDateTime> {
    let b = text.as_bytes();
    let year = digits(b, 0, 4)?;
    let month = digits(b.get(5..)?, 0, 2)?;
    let day = digits(b.get(8..)?, 0, 2)?;
    let hour = digits(b.get(11..)?, 0, 2)?;
    let minute = digits(b.get(14..)?, 0, 2)?;
    let second = digits(b.get(17..)?, 0, 2)?;
    let layout = [(4, b'-'), (7, b'-'), (13, b':'), (16, b':')];
    if layout.iter().any(|&(at, c)| b[at] != c) || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    let mut rest = &b[19..];
    let mut nanosecond = 0;
    if let Some(fraction) = rest.strip_prefix(b".") {
        let n = fraction.iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return None;
        }
        // The first nine digits are the nanoseconds; later ones are finer than `time` holds.
        for i in 0..9 {
            let digit = fraction[..n].get(i).map_or(0, |d| u32::from(d - b'0'));
            nanosecond = nanosecond * 10 + digit;
        }
        rest = &fraction[n..];
    }
    let offset = match rest {
        [b'Z' | b'z'] => UtcOffset::UTC,
        [sign @ (b'+' | b'-'), _, _, b':', _, _] => {
            let (hours, minutes) = (digits(rest, 1, 2)?, digits(rest, 4, 2)?);
            if hours > 23 {
                return None;
            }
            let sign = if *sign == b'-' { -1 } else { 1 };
            UtcOffset::from_hms(sign * hours as i8, sign * minutes as i8, 0).ok()?
        }
        _ => return None,
    };
    let date = Date::from_calendar_date(year as i32, Month::try_from(month as u8).ok()?, day as u8).ok()?;
    let leap = second == 60;
    let (second, nanosecond) = if leap {
        (59, 999_999_999)
    } else {
        (second, nanosecond)
    };
    let time = Time::from_hms_nano(hour as u8, minute as u8, second as u8, nanosecond).ok()?;
    let t = OffsetDateTime::new_in_offset(date, time, offset);
    if leap {
        let utc = t.checked_to_offset(UtcOffset::UTC)?;
        let last_of_month = utc.day() == utc.month().length(utc.year());
        if !(last_of_month && (utc.hour(), utc.minute()) == (23, 59)) {
            return None;
        }
    }
    Some(t)
}

/// The number written in ASCII digits at `b[at..at + len]`.
fn digits(b: &[u8], at: usize, len: usize) -> Option<u32> {
    let d = b.get(at..at + len)?;
    d.iter()
        .all(u8::is_ascii_digit)
        .then(|| d.iter().fold(0, |n, c| n * 10 + u32::from(c - b'0')))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::format_description::well_known::Rfc3339;

    #[test]
    fn formats_and_parses() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_714_741_238), "2024-05-03T13:00:38Z");
        assert_eq!(rfc3339(-62_167_219_201), "", "the second before year 0");
        let t = parse_rfc3339("2024-05-03T13:00:38.8499088+00:00").unwrap();
        assert_eq!(t.unix_timestamp(), 1_714_741_238);
        assert_eq!(t.nanosecond(), 849_908_800);
        assert!(parse_rfc3339("yesterday").is_none());
    }

    #[test]
    fn refuses_what_rfc_3339_does_not_allow() {
        for text in [
            "2024-05-03",
            "2024-05-03T13:00:38",
            "2024-05-03T13:00:38+0000",
            "2024-05-03T13:00:38.+00:00",
            "2024-05-03T13:00:38+24:00",
            "2024-02-30T13:00:38Z",
            "2024-05-03X13:00:38Z",
            "2024-05-03T13:00:60Z",
            "2024-05-03T13:00:38Z ",
            "+2024-05-03T13:00:38Z",
            "２024-05-03T13:00:38Z",
        ] {
            assert!(parse_rfc3339(text).is_none(), "{text}");
        }
        let leap = parse_rfc3339("2016-12-31T23:59:60Z").unwrap();
        assert_eq!((leap.second(), leap.nanosecond()), (59, 999_999_999));
        assert!(parse_rfc3339("2016-12-31T18:59:60-05:00").is_some());
    }

    /// Text shaped like RFC 3339, with every part sometimes out of range or missing.
    fn near_rfc3339() -> impl Strategy<Value = String> {
        "[0-9]{4}-[01][0-9]-[0-3][0-9][Tt ]([01][0-9]|2[0-5]):[0-6][0-9]:[0-6][0-9](\\.[0-9]{0,12})?([Zz]|[+-][0-2][0-9]:[0-6][0-9]|[+-][0-9]{4}|)"
    }

    proptest! {
        // Fast, and about one text in ten is a valid date-time.
        #![proptest_config(ProptestConfig::with_cases(4000))]

        #[test]
        fn reads_as_the_time_crate_does(text in near_rfc3339()) {
            prop_assert_eq!(parse_rfc3339(&text), OffsetDateTime::parse(&text, &Rfc3339).ok());
        }

        #[test]
        fn writes_as_the_time_crate_does(unix in -62_167_219_200i64..=253_402_300_799) {
            let t = OffsetDateTime::from_unix_timestamp(unix).unwrap();
            prop_assert_eq!(rfc3339(unix), t.format(&Rfc3339).unwrap());
        }

        #[test]
        fn never_panics(text in "\\PC{0,40}") {
            let _ = parse_rfc3339(&text);
        }
    }
}
