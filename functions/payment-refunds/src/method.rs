//! The payment-method enum of seed 002 (`method`): an integer in JSON, its name in XML (either
//! in form bodies), as the platform's enums serialize.
//!
//! | value | name |
//! |---|---|
//! | 0 | Cash |
//! | 1 | Check |
//! | 2 | CreditCard |
//! | 3 | DebitCard |
//! | 4 | BankTransfer |
//! | 5 | DirectDebit |
//! | 6 | Other |

pub const NAMES: &[&str] = &[
    "Cash",
    "Check",
    "CreditCard",
    "DebitCard",
    "BankTransfer",
    "DirectDebit",
    "Other",
];

/// Each value with its name, as an error lists them (spelled out: building them at run time
/// was ~0.3 KB more of the .wasm than this table).
pub const CHOICES: &[&str] = &[
    "0 (Cash)",
    "1 (Check)",
    "2 (CreditCard)",
    "3 (DebitCard)",
    "4 (BankTransfer)",
    "5 (DirectDebit)",
    "6 (Other)",
];

pub fn from_name(name: &str) -> Option<i64> {
    NAMES
        .iter()
        .position(|n| n.eq_ignore_ascii_case(name))
        .map(|i| i as i64)
}

pub fn name(value: i64) -> Option<&'static str> {
    usize::try_from(value).ok().and_then(|i| NAMES.get(i).copied())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_choice_is_its_value_and_name() {
        let built: Vec<String> = NAMES
            .iter()
            .enumerate()
            .map(|(i, n)| format!("{i} ({n})"))
            .collect();
        assert_eq!(CHOICES, built);
    }
}
