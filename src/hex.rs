//! Hex digits without table indexing (so no bounds check can panic).

/// The value of one hex digit (either case), or `None`.
pub(crate) fn value(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// The lowercase hex digit of the low four bits of `n`.
pub(crate) fn lower(n: u8) -> char {
    let n = n & 0x0f;
    char::from(if n < 10 { b'0' + n } else { b'a' + n - 10 })
}

/// The uppercase hex digit of the low four bits of `n`.
pub(crate) fn upper(n: u8) -> char {
    lower(n).to_ascii_uppercase()
}

/// Appends the lowercase hex form of `bytes` to `out`.
pub(crate) fn push_lower(out: &mut String, bytes: &[u8]) {
    for b in bytes {
        out.push(lower(b >> 4));
        out.push(lower(*b));
    }
}
