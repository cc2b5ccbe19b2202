//! A JSON array kept as text, as a record keeps its refunds and a source's lists (an order's
//! outbox, a purchase's attempts): items are added beside the stored items' text, which is
//! neither parsed nor written again.

/// What is between the brackets of a stored array; `None` when the text is no array, or an
/// empty one (either counts as no items).
pub fn inside(text: &[u8]) -> Option<&[u8]> {
    let inside = text.strip_prefix(b"[")?.strip_suffix(b"]")?.trim_ascii();
    (!inside.is_empty()).then_some(inside)
}

/// Writes the array of these items' texts (each a JSON value, or several already separated by
/// commas, as [`inside`] gives them).
pub fn write<'a>(out: &mut Vec<u8>, items: impl IntoIterator<Item = &'a [u8]>) {
    out.push(b'[');
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(item);
    }
    out.push(b']');
}
