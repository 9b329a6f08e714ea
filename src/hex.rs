//! The one hex digit `json.rs` writes in `\u00XX` escapes. Everything else
//! hexadecimal uses `base16ct`; this goes when `json.rs` stops using it.

/// The lowercase hex digit of the low four bits of `n`.
pub(crate) fn lower(n: u8) -> char {
    let n = n & 0x0f;
    char::from(if n < 10 { b'0' + n } else { b'a' + n - 10 })
}
