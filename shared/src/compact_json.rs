//! JSON text without its insignificant whitespace, made at compile time: the OpenAPI documents
//! stay readable in the repository and cost each `.wasm` about half their bytes.

/// `compact_json!(include_str!("../openapi.json"))`: the same JSON as a `&'static str` without
/// whitespace between tokens, computed when the component compiles.
#[macro_export]
macro_rules! compact_json {
    ($text:expr) => {{
        const TEXT: &str = $text;
        const LEN: usize = $crate::compact_json::compact_len(TEXT);
        const BYTES: [u8; LEN] = $crate::compact_json::compact::<LEN>(TEXT);
        const COMPACT: &str = match ::core::str::from_utf8(&BYTES) {
            Ok(text) => text,
            Err(_) => panic!("compacting JSON split a character"),
        };
        COMPACT
    }};
}

/// The length of `text` once compacted.
pub const fn compact_len(text: &str) -> usize {
    let bytes = text.as_bytes();
    let (mut i, mut len, mut in_string, mut escaped) = (0, 0, false, false);
    while i < bytes.len() {
        if keeps(bytes[i], &mut in_string, &mut escaped) {
            len += 1;
        }
        i += 1;
    }
    len
}

/// `text` compacted into exactly `LEN` bytes (`LEN` from [`compact_len`]).
pub const fn compact<const LEN: usize>(text: &str) -> [u8; LEN] {
    let bytes = text.as_bytes();
    let mut out = [0u8; LEN];
    let (mut i, mut n, mut in_string, mut escaped) = (0, 0, false, false);
    while i < bytes.len() {
        if keeps(bytes[i], &mut in_string, &mut escaped) {
            out[n] = bytes[i];
            n += 1;
        }
        i += 1;
    }
    out
}

/// Whether byte `b` stays, tracking whether it is inside a string (where every byte stays).
const fn keeps(b: u8, in_string: &mut bool, escaped: &mut bool) -> bool {
    if *in_string {
        if *escaped {
            *escaped = false;
        } else if b == b'\\' {
            *escaped = true;
        } else if b == b'"' {
            *in_string = false;
        }
        return true;
    }
    if b == b'"' {
        *in_string = true;
    }
    !matches!(b, b' ' | b'\n' | b'\r' | b'\t')
}

#[cfg(test)]
mod tests {
    #[test]
    fn whitespace_goes_except_inside_strings() {
        const SAMPLE: &str = "{\n  \"a b\": [1, 2],\r\n\t\"q\\\" \\\\\": \" x \"\n}\n";
        let compact = crate::compact_json!(SAMPLE);
        assert_eq!(compact, r#"{"a b":[1,2],"q\" \\":" x "}"#);
        let before: serde_json::Value = serde_json::from_str(SAMPLE).unwrap();
        let after: serde_json::Value = serde_json::from_str(compact).unwrap();
        assert_eq!(before, after);
    }

    #[test]
    fn every_api_document_means_the_same_compacted() {
        for name in ["invoice", "account", "payment", "purchase", "order"] {
            let path = format!(
                "{}/../functions/{name}-refunds/openapi.json",
                env!("CARGO_MANIFEST_DIR")
            );
            let text = std::fs::read_to_string(&path).unwrap();
            let compact = super::compact::<{ 1 << 16 }>(&text);
            let compact = &compact[..super::compact_len(&text)];
            let before: serde_json::Value = serde_json::from_str(&text).unwrap();
            let after: serde_json::Value = serde_json::from_slice(compact).unwrap();
            assert_eq!(before, after, "{name}");
            assert!(
                compact.len() < text.len() * 3 / 4,
                "{name}: {} of {}",
                compact.len(),
                text.len()
            );
        }
    }
}
