//! Exact money: amounts are `Decimal`s made from the request's own digits, never from `f64`.

use crate::currency::Currency;
use crate::error::Errors;
use rust_decimal::Decimal;
use serde_json::{Number, Value};
use std::str::FromStr;

/// The largest amount the service accepts, in major units: far above any real refund, far below
/// where `Decimal` arithmetic could overflow when amounts are summed.
pub const MAX_AMOUNT: Decimal = Decimal::from_parts(2_764_472_320, 232_830_643, 0, false, 0); // 10^18

/// How a field may carry an amount.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum AmountSyntax {
    /// A JSON number only (the seeds that document `number`).
    NumberOnly,
    /// A JSON number or a decimal string (`"10.10"`).
    NumberOrString,
}

/// Reads a positive amount in major units, reporting every problem against `path`.
/// The currency's exponent is checked separately ([`check_scale`]) because an API may learn the
/// currency only from the stored source.
pub fn parse_positive(
    value: &Value,
    path: &str,
    syntax: AmountSyntax,
    errors: &mut Errors,
) -> Option<Decimal> {
    let amount = parse_decimal(value, path, syntax, errors)?;
    if amount <= Decimal::ZERO {
        errors.push(
            path,
            "not_positive",
            format!("{} must be greater than 0", leaf(path)),
        );
        return None;
    }
    Some(amount)
}

/// Reads a decimal (any sign), refusing non-numbers, NaN/Infinity and absurd magnitudes.
pub fn parse_decimal(
    value: &Value,
    path: &str,
    syntax: AmountSyntax,
    errors: &mut Errors,
) -> Option<Decimal> {
    let name = leaf(path);
    let text = match value {
        Value::Number(n) => n.to_string(),
        Value::String(s) if syntax == AmountSyntax::NumberOrString => s.trim().to_string(),
        _ => {
            let kind = if syntax == AmountSyntax::NumberOnly {
                "a number"
            } else {
                "a number or a decimal string"
            };
            errors.push(path, "invalid_type", format!("{name} must be {kind}"));
            return None;
        }
    };
    match decimal_from_text(&text) {
        Ok(d) if d.abs() <= MAX_AMOUNT => Some(d.normalize()),
        Ok(_) | Err(TextError::TooLarge) => {
            errors.push(path, "too_large", format!("{name} is too large"));
            None
        }
        Err(TextError::NotANumber) => {
            errors.push(path, "invalid_number", format!("{name} must be a decimal number"));
            None
        }
    }
}

enum TextError {
    NotANumber,
    TooLarge,
}

/// Parses the textual form of a JSON number or decimal string exactly.
fn decimal_from_text(text: &str) -> Result<Decimal, TextError> {
    if !is_decimal_syntax(text) {
        return Err(TextError::NotANumber);
    }
    let (mantissa, exponent) = match text.find(['e', 'E']) {
        Some(i) => (
            &text[..i],
            text[i + 1..].parse::<i64>().map_err(|_| TextError::TooLarge)?,
        ),
        None => (text, 0),
    };
    if mantissa.len() > 40 {
        return Err(TextError::TooLarge);
    }
    let base = Decimal::from_str_exact(mantissa).map_err(|_| TextError::TooLarge)?;
    if exponent == 0 {
        return Ok(base);
    }
    if exponent.abs() > 28 {
        return if base.is_zero() {
            Ok(Decimal::ZERO)
        } else {
            Err(TextError::TooLarge)
        };
    }
    let shift = exponent.unsigned_abs() as u32;
    if exponent > 0 {
        return base
            .checked_mul(Decimal::from_i128_with_scale(10i128.pow(shift), 0))
            .ok_or(TextError::TooLarge);
    }
    // A negative exponent moves the decimal point left: exact, and without rust_decimal's
    // division (~3 KB of every .wasm, used nowhere else). More than 28 places is refused like
    // a mantissa with as many (`from_str_exact` above), never rounded.
    let mut shifted = base.normalize();
    shifted
        .set_scale(shifted.scale() + shift)
        .map_err(|_| TextError::TooLarge)?;
    Ok(shifted)
}

/// `-?digits(.digits)?([eE][+-]?digits)?`: the JSON number grammar, leading zeros allowed for
/// strings.
fn is_decimal_syntax(text: &str) -> bool {
    let b = text.as_bytes();
    let mut i = usize::from(b.first() == Some(&b'-'));
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i > start
    };
    if !digits(&mut i) {
        return false;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        if !digits(&mut i) {
            return false;
        }
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        if !digits(&mut i) {
            return false;
        }
    }
    i == b.len()
}

/// Reports an amount with more decimal places than its currency has.
pub fn check_scale(amount: Decimal, currency: Currency, path: &str, errors: &mut Errors) -> bool {
    if amount.normalize().scale() > currency.exponent {
        errors.push(
            path,
            "too_many_decimals",
            format!(
                "{} has more decimal places than {} allows ({})",
                leaf(path),
                currency.code,
                currency.exponent
            ),
        );
        return false;
    }
    true
}

/// Reads an ISO 4217 code.
pub fn parse_currency(value: &Value, path: &str, errors: &mut Errors) -> Option<Currency> {
    match value {
        Value::String(code) => match Currency::find(code) {
            Some(c) => Some(c),
            None => {
                errors.push(
                    path,
                    "invalid_currency",
                    format!("{} must be an ISO 4217 currency code", leaf(path)),
                );
                None
            }
        },
        _ => {
            errors.push(path, "invalid_type", format!("{} must be a string", leaf(path)));
            None
        }
    }
}

/// An amount in minor units (`100` for 1.00 EUR) as major units, exactly.
pub fn from_minor(units: i64, currency: Currency) -> Decimal {
    Decimal::new(units, currency.exponent)
}

/// A major-unit amount as minor units; `None` when it has finer digits than the currency or
/// does not fit.
pub fn to_minor(amount: Decimal, currency: Currency) -> Option<i64> {
    let scaled = amount.checked_mul(Decimal::from(10i64.pow(currency.exponent)))?;
    if scaled.fract() != Decimal::ZERO {
        return None;
    }
    i64::try_from(scaled).ok()
}

/// An amount as a JSON number with exactly its decimal digits (`10.5`, never `10.499999`).
pub fn json_number(amount: Decimal) -> Value {
    Value::Number(number(amount))
}

pub fn number(amount: Decimal) -> Number {
    // `Decimal`'s display is a plain decimal literal, which is always a valid JSON number.
    Number::from_str(&amount.normalize().to_string()).expect("a decimal prints as a JSON number")
}

/// An amount for people: at its currency's scale, with its code (`110.00 SEK`). An unknown
/// code prints the amount as it is.
pub fn display(amount: Decimal, currency_code: &str) -> String {
    let mut shown = amount;
    if let Some(c) = Currency::find(currency_code) {
        shown = shown.round_dp(c.exponent);
        shown.rescale(c.exponent);
    }
    format!("{shown} {currency_code}")
}

/// `a + b` for the components' own arithmetic. rust_decimal's operators are `#[inline]`, so a
/// component that added and subtracted amounts itself kept its own copy of both beside the
/// shared crate's (3.6 KB of payment-refunds); through these there is one in each .wasm.
#[inline(never)]
pub fn add(a: Decimal, b: Decimal) -> Decimal {
    a + b
}

/// `a - b`, as [`add`].
#[inline(never)]
pub fn sub(a: Decimal, b: Decimal) -> Decimal {
    a - b
}

/// The sum of `amounts`, as [`add`].
pub fn sum(amounts: impl IntoIterator<Item = Decimal>) -> Decimal {
    amounts.into_iter().fold(Decimal::ZERO, add)
}

/// Serde helper: `#[serde(serialize_with = "money::serialize")]` writes a JSON number.
pub fn serialize<S: serde::Serializer>(amount: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    serde::Serialize::serialize(&number(*amount), s)
}

/// Reads an amount back from a stored record: `#[serde(deserialize_with = "money::stored")]`
/// (a map of amounts by part: `ledger::Parts`). Records are written by rust_decimal's own
/// serde, as plain decimal strings, and read back exactly. Not rust_decimal's reader: it also
/// takes scientific notation and rounds, which a record never holds, and was ~6 KB of each
/// .wasm.
pub fn stored<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
    d.deserialize_str(StoredAmount)
}

/// [`stored`] for an amount a record may lack.
pub fn stored_some<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
    stored(d).map(Some)
}

/// [`stored`] as a seed, for the amounts of a map.
#[derive(Clone, Copy)]
pub(crate) struct StoredAmount;

impl<'de> serde::de::Visitor<'de> for StoredAmount {
    type Value = Decimal;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a decimal string")
    }
    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Decimal, E> {
        Decimal::from_str_exact(text).map_err(|_| E::custom(format!("{text} is not a stored amount")))
    }
}

impl<'de> serde::de::DeserializeSeed<'de> for StoredAmount {
    type Value = Decimal;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Decimal, D::Error> {
        d.deserialize_str(self)
    }
}

fn leaf(path: &str) -> &str {
    path.rsplit('.').next().unwrap_or(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn parse(text: &str, syntax: AmountSyntax) -> Result<Decimal, &'static str> {
        let value: Value = serde_json::from_str(text).unwrap();
        let mut errors = Errors::default();
        parse_positive(&value, "amount", syntax, &mut errors).ok_or_else(|| errors.0[0].code)
    }

    #[test]
    fn exact_digits() {
        assert_eq!(
            parse("10.1", AmountSyntax::NumberOnly).unwrap().to_string(),
            "10.1"
        );
        assert_eq!(
            parse("10.10", AmountSyntax::NumberOnly).unwrap().to_string(),
            "10.1"
        );
        assert_eq!(
            parse("\"10.10\"", AmountSyntax::NumberOrString)
                .unwrap()
                .to_string(),
            "10.1"
        );
        assert_eq!(
            parse("1.5e1", AmountSyntax::NumberOnly).unwrap().to_string(),
            "15"
        );
        assert_eq!(
            parse("0.1", AmountSyntax::NumberOnly).unwrap() * Decimal::from(3),
            Decimal::new(3, 1)
        );
        // Negative exponents move the point exactly, trailing zeros aside.
        for (text, exact) in [
            ("1.5e-2", "0.015"),
            ("150E-2", "1.5"),
            ("-2.50e-1", "-0.25"),
            ("1.50e-27", "0.0000000000000000000000000015"),
        ] {
            assert_eq!(decimal_of(text), Some(exact.to_string()), "{text}");
        }
        // ...and what would need more than 28 places is refused, not rounded.
        assert_eq!(decimal_of("1.5e-28"), None);
        assert_eq!(decimal_of("1e-29"), None);
        assert_eq!(decimal_of("0e-50"), Some("0".to_string()));
    }

    fn decimal_of(text: &str) -> Option<String> {
        decimal_from_text(text).ok().map(|d| d.normalize().to_string())
    }

    #[test]
    fn refusals() {
        assert_eq!(parse("0", AmountSyntax::NumberOnly), Err("not_positive"));
        assert_eq!(parse("-0", AmountSyntax::NumberOnly), Err("not_positive"));
        assert_eq!(parse("-5", AmountSyntax::NumberOnly), Err("not_positive"));
        assert_eq!(parse("1e400", AmountSyntax::NumberOnly), Err("too_large"));
        assert_eq!(parse("1e19", AmountSyntax::NumberOnly), Err("too_large"));
        assert_eq!(parse("\"10\"", AmountSyntax::NumberOnly), Err("invalid_type"));
        assert_eq!(
            parse("\"NaN\"", AmountSyntax::NumberOrString),
            Err("invalid_number")
        );
        assert_eq!(
            parse("\"Infinity\"", AmountSyntax::NumberOrString),
            Err("invalid_number")
        );
        assert_eq!(
            parse("\"1,5\"", AmountSyntax::NumberOrString),
            Err("invalid_number")
        );
        assert_eq!(parse("true", AmountSyntax::NumberOrString), Err("invalid_type"));
        assert_eq!(
            parse(&format!("0.{}1", "0".repeat(60)), AmountSyntax::NumberOnly),
            Err("too_large")
        );
    }

    #[test]
    fn scale_follows_the_currency() {
        let usd = Currency::find("USD").unwrap();
        let jpy = Currency::find("JPY").unwrap();
        let bhd = Currency::find("BHD").unwrap();
        let mut errors = Errors::default();
        assert!(check_scale(Decimal::new(1001, 2), usd, "a", &mut errors));
        assert!(
            check_scale(Decimal::new(10100, 3), usd, "a", &mut errors),
            "10.100 is 10.10"
        );
        assert!(!check_scale(Decimal::new(1, 3), usd, "a", &mut errors));
        assert!(!check_scale(Decimal::new(15, 1), jpy, "a", &mut errors));
        assert!(check_scale(Decimal::new(1, 3), bhd, "a", &mut errors));
        assert_eq!(errors.0.len(), 2);
    }

    #[test]
    fn stored_amounts_read_back_exactly_and_nothing_else() {
        #[derive(serde::Deserialize)]
        struct Stored {
            #[serde(deserialize_with = "stored")]
            amount: Decimal,
            parts: crate::ledger::Parts,
        }
        let read: Stored = serde_json::from_str(r#"{"amount":"10.50","parts":{"row:1":"0.10"}}"#).unwrap();
        assert_eq!(read.amount.to_string(), "10.50");
        assert_eq!(read.parts.get("row:1").unwrap().to_string(), "0.10");
        // What a record never holds is refused, not rounded or converted.
        for bad in [
            r#"{"amount":"1e2","parts":{}}"#,
            r#"{"amount":10.5,"parts":{}}"#,
            r#"{"amount":"0.00000000000000000000000000001","parts":{}}"#,
            r#"{"amount":"1","parts":{"row:1":"x"}}"#,
        ] {
            assert!(serde_json::from_str::<Stored>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn amounts_serialize_as_exact_numbers() {
        #[derive(serde::Serialize)]
        struct M {
            #[serde(serialize_with = "serialize")]
            v: Decimal,
        }
        let text = serde_json::to_string(&M {
            v: Decimal::new(1050, 2),
        })
        .unwrap();
        assert_eq!(text, r#"{"v":10.5}"#);
    }

    #[test]
    fn display_uses_the_currency_scale() {
        assert_eq!(display(Decimal::from(110), "SEK"), "110.00 SEK");
        assert_eq!(display(Decimal::new(5, 1), "JPY"), "0 JPY");
        assert_eq!(display(Decimal::new(15, 1), "BHD"), "1.500 BHD");
    }

    #[test]
    fn minor_units() {
        let eur = Currency::find("EUR").unwrap();
        assert_eq!(from_minor(100, eur).to_string(), "1.00");
        assert_eq!(to_minor(Decimal::new(105, 2), eur), Some(105));
        assert_eq!(to_minor(Decimal::new(1055, 3), eur), None);
    }

    #[test]
    fn prints_json_numbers() {
        assert_eq!(json_number(Decimal::new(1050, 2)).to_string(), "10.5");
        assert_eq!(json_number(Decimal::new(3, 0)).to_string(), "3");
    }

    proptest! {
        #[test]
        fn minor_units_round_trip(units in -1_000_000_000_000i64..1_000_000_000_000, exp in 0u32..4) {
            let c = Currency { code: "TST", exponent: exp };
            prop_assert_eq!(to_minor(from_minor(units, c), c), Some(units));
        }

        #[test]
        fn printed_amounts_parse_back_exactly(units in 1i64..1_000_000_000_000_000, scale in 0u32..6) {
            let amount = Decimal::new(units, scale);
            let printed = json_number(amount).to_string();
            let back = parse(&printed, AmountSyntax::NumberOnly).unwrap();
            prop_assert_eq!(back, amount);
        }
    }
}
