//! Webhook signatures over the raw body bytes, compared in constant time.
//!
//! - LINE: `X-Line-Signature` is the base64 of HMAC-SHA256(channel secret, body).
//! - Messenger: `X-Hub-Signature-256: sha256=<hex>` is HMAC-SHA256(app secret,
//!   body); the legacy `X-Hub-Signature: sha1=<hex>` is HMAC-SHA1.
//!
//! A missing or malformed header is simply not a valid signature (`false`).
//! Only an empty secret is an error: with it, anyone could sign a body.

use crate::error::Error;
use crate::validate::Violation;
use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;
use sha2::Sha256;

fn require_secret(name: &str, secret: &[u8]) -> Result<(), Error> {
    if secret.is_empty() {
        Err(Error::validation(vec![Violation::required(name)]))
    } else {
        Ok(())
    }
}

/// The HMAC a signature header names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MacAlgorithm {
    /// HMAC-SHA256 (`X-Line-Signature`, `X-Hub-Signature-256`).
    Sha256,
    /// HMAC-SHA1 (the legacy `X-Hub-Signature`).
    Sha1,
}

impl MacAlgorithm {
    /// The algorithm's name as hosts' crypto APIs spell it (`sha256`, `sha1`).
    pub fn name(self) -> &'static str {
        match self {
            MacAlgorithm::Sha256 => "sha256",
            MacAlgorithm::Sha1 => "sha1",
        }
    }
}

/// What a well-formed signature header claims: the algorithm and the tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimedMac {
    /// The HMAC the header names.
    pub algorithm: MacAlgorithm,
    /// The tag the header carries (32 bytes for SHA-256, 20 for SHA-1).
    pub tag: Vec<u8>,
}

impl ClaimedMac {
    /// Whether `computed` (the HMAC of the body) is the claimed tag. The bytes
    /// are compared in constant time: every byte is looked at whatever the
    /// first difference, so the time says nothing about where it is.
    pub fn matches(&self, computed: &[u8]) -> bool {
        use ctutils::CtEq;
        self.tag.len() == computed.len() && bool::from(self.tag.as_slice().ct_eq(computed))
    }
}

/// The claim of an `X-Line-Signature` value (base64 of an HMAC-SHA256), or
/// `None` when the header is missing or malformed.
pub fn line_claim(header: Option<&str>) -> Option<ClaimedMac> {
    let tag = base64_decode(header?.trim().as_bytes())?;
    (tag.len() == 32).then_some(ClaimedMac {
        algorithm: MacAlgorithm::Sha256,
        tag,
    })
}

/// The claim of an `X-Hub-Signature-256` (`sha256=<hex>`) or legacy
/// `X-Hub-Signature` (`sha1=<hex>`) value, or `None` when the header is
/// missing or malformed.
pub fn messenger_claim(header: Option<&str>) -> Option<ClaimedMac> {
    let header = header?.trim();
    if let Some(hex) = header.strip_prefix("sha256=") {
        Some(ClaimedMac {
            algorithm: MacAlgorithm::Sha256,
            tag: hex_decode(hex.as_bytes(), 32)?,
        })
    } else {
        Some(ClaimedMac {
            algorithm: MacAlgorithm::Sha1,
            tag: hex_decode(header.strip_prefix("sha1=")?.as_bytes(), 20)?,
        })
    }
}

/// The HMAC of `body` under `key`, computed here (in software).
pub fn hmac(algorithm: MacAlgorithm, key: &[u8], body: &[u8]) -> Option<Vec<u8>> {
    match algorithm {
        MacAlgorithm::Sha256 => Some(mac_sha256(key, body)?.finalize().into_bytes().to_vec()),
        MacAlgorithm::Sha1 => {
            let mut m = <Hmac<Sha1> as KeyInit>::new_from_slice(key).ok()?;
            m.update(body);
            Some(m.finalize().into_bytes().to_vec())
        }
    }
}

/// Checks a signature with the HMAC computed by `mac` (software or a host's
/// crypto): an empty secret is an error; a missing or malformed header, or a
/// `mac` that cannot compute, is `false`.
pub fn verify_with(
    secret_name: &str,
    secret: &[u8],
    claim: Option<ClaimedMac>,
    mac: impl FnOnce(MacAlgorithm) -> Option<Vec<u8>>,
) -> Result<bool, Error> {
    require_secret(secret_name, secret)?;
    let Some(claim) = claim else {
        return Ok(false);
    };
    Ok(mac(claim.algorithm).is_some_and(|computed| claim.matches(&computed)))
}

/// Whether `header` (the `X-Line-Signature` value) signs `body` with `channel_secret`.
/// Errors only when the secret is empty.
pub fn verify_line(
    body: &[u8],
    channel_secret: &[u8],
    header: Option<&str>,
) -> Result<bool, Error> {
    verify_with("channelSecret", channel_secret, line_claim(header), |a| {
        hmac(a, channel_secret, body)
    })
}

/// Whether `header` (`sha256=<hex>` of `X-Hub-Signature-256`, or the legacy
/// `sha1=<hex>` of `X-Hub-Signature`) signs `body` with `app_secret`.
/// Errors only when the secret is empty.
pub fn verify_messenger(
    body: &[u8],
    app_secret: &[u8],
    header: Option<&str>,
) -> Result<bool, Error> {
    verify_with("appSecret", app_secret, messenger_claim(header), |a| {
        hmac(a, app_secret, body)
    })
}

/// The `X-Line-Signature` value of `body`: what LINE sends, for tests and replays.
pub fn sign_line(body: &[u8], channel_secret: &[u8]) -> Option<String> {
    let m = mac_sha256(channel_secret, body)?;
    Some(base64_encode(&m.finalize().into_bytes()))
}

/// The `X-Hub-Signature-256` value of `body` (`sha256=<hex>`), for tests and replays.
pub fn sign_messenger(body: &[u8], app_secret: &[u8]) -> Option<String> {
    let m = mac_sha256(app_secret, body)?;
    let mut out = String::from("sha256=");
    crate::hex::push_lower(&mut out, &m.finalize().into_bytes());
    Some(out)
}

fn mac_sha256(key: &[u8], body: &[u8]) -> Option<Hmac<Sha256>> {
    let mut m = <Hmac<Sha256> as KeyInit>::new_from_slice(key).ok()?;
    m.update(body);
    Some(m)
}

/// Decodes exactly `len` bytes of hex; anything else is `None`.
fn hex_decode(s: &[u8], len: usize) -> Option<Vec<u8>> {
    if s.len() != len * 2 {
        return None;
    }
    s.chunks_exact(2)
        .map(|p| match p {
            [h, l] => Some(crate::hex::value(*h)? << 4 | crate::hex::value(*l)?),
            _ => None,
        })
        .collect()
}

fn b64_value(c: u8) -> Option<u8> {
    match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    }
}

fn b64_char(n: u8) -> char {
    let n = n & 63;
    char::from(match n {
        0..=25 => b'A' + n,
        26..=51 => b'a' + n - 26,
        52..=61 => b'0' + n - 52,
        62 => b'+',
        _ => b'/',
    })
}

/// Strict standard base64 with padding: the length is a multiple of four,
/// `=` only at the end, and unused bits are zero. Anything else is `None`.
fn base64_decode(s: &[u8]) -> Option<Vec<u8>> {
    if s.is_empty() || s.len() % 4 != 0 {
        return None;
    }
    let mut out = Vec::with_capacity(s.len() / 4 * 3);
    let quads = s.len() / 4;
    for (i, q) in s.chunks_exact(4).enumerate() {
        let last = i + 1 == quads;
        let [a, b, c, d] = <[u8; 4]>::try_from(q).ok()?;
        let a = b64_value(a)?;
        let b = b64_value(b)?;
        match (c, d) {
            (b'=', b'=') if last => {
                if b & 0x0f != 0 {
                    return None;
                }
                out.push(a << 2 | b >> 4);
            }
            (c, b'=') if last => {
                let c = b64_value(c)?;
                if c & 0x03 != 0 {
                    return None;
                }
                out.push(a << 2 | b >> 4);
                out.push(b << 4 | c >> 2);
            }
            (c, d) => {
                let c = b64_value(c)?;
                let d = b64_value(d)?;
                out.push(a << 2 | b >> 4);
                out.push(b << 4 | c >> 2);
                out.push(c << 6 | d);
            }
        }
    }
    Some(out)
}

fn base64_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let (a, b, c) = match chunk {
            [a] => (*a, 0, 0),
            [a, b] => (*a, *b, 0),
            [a, b, c] => (*a, *b, *c),
            _ => continue,
        };
        out.push(b64_char(a >> 2));
        out.push(b64_char(a << 4 | b >> 4));
        out.push(if chunk.len() > 1 {
            b64_char(b << 2 | c >> 6)
        } else {
            '='
        });
        out.push(if chunk.len() > 2 { b64_char(c) } else { '=' });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    // RFC 4231 test case 2 (HMAC-SHA256) and RFC 2202 test case 2 (HMAC-SHA1).
    const KEY: &[u8] = b"Jefe";
    const DATA: &[u8] = b"what do ya want for nothing?";
    const SHA256_HEX: &str = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
    const SHA1_HEX: &str = "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79";

    #[test]
    fn known_vectors() {
        assert_eq!(
            sign_messenger(DATA, KEY).unwrap(),
            format!("sha256={SHA256_HEX}")
        );
        assert!(verify_messenger(DATA, KEY, Some(&format!("sha256={SHA256_HEX}"))).unwrap());
        assert!(verify_messenger(DATA, KEY, Some(&format!("sha1={SHA1_HEX}"))).unwrap());
        // Upper-case hex is the same number.
        let upper = format!("sha256={}", SHA256_HEX.to_uppercase());
        assert!(verify_messenger(DATA, KEY, Some(&upper)).unwrap());
        // base64 of the same HMAC-SHA256.
        let b64 = "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM=";
        assert_eq!(sign_line(DATA, KEY).unwrap(), b64);
        assert!(verify_line(DATA, KEY, Some(b64)).unwrap());
        assert!(verify_line(DATA, KEY, Some(&format!(" {b64}\t"))).unwrap());
    }

    #[test]
    fn one_changed_byte_fails() {
        let sig = sign_line(DATA, KEY).unwrap();
        let hub = sign_messenger(DATA, KEY).unwrap();
        for i in 0..DATA.len() {
            let mut body = DATA.to_vec();
            body[i] ^= 0x01;
            assert!(!verify_line(&body, KEY, Some(&sig)).unwrap());
            assert!(!verify_messenger(&body, KEY, Some(&hub)).unwrap());
        }
        assert!(!verify_line(DATA, b"Jeff", Some(&sig)).unwrap());
    }

    #[test]
    fn malformed_headers_are_false() {
        let good = format!("sha256={SHA256_HEX}");
        let bad = [
            "".to_owned(),
            "sha256=".to_owned(),
            SHA256_HEX.to_owned(),
            format!("sha512={SHA256_HEX}"),
            format!("SHA256={SHA256_HEX}x"),
            format!("md5={SHA256_HEX}"),
            format!("sha256={}", &SHA256_HEX[..62]),
            format!("sha256={SHA256_HEX}00"),
            format!("sha256={}g", &SHA256_HEX[..63]),
            format!("sha1={SHA256_HEX}"),
            format!("sha256={SHA1_HEX}"),
            format!("sha256=é{}", &SHA256_HEX[2..]),
        ];
        for h in &bad {
            assert!(!verify_messenger(DATA, KEY, Some(h)).unwrap(), "{h}");
        }
        assert!(!verify_messenger(DATA, KEY, None).unwrap());
        assert!(verify_messenger(DATA, KEY, Some(&good)).unwrap());

        let b64 = sign_line(DATA, KEY).unwrap();
        let line_bad = [
            "".to_owned(),
            b64.trim_end_matches('=').to_owned(),
            format!("{b64}="),
            format!("{b64}AAAA"),
            b64.replace('W', "-"),
            b64.replace('=', "A"),
            // Same bits, but non-zero padding bits: not canonical.
            format!("{}N=", &b64[..42]),
            "!!!!".to_owned(),
            "AAAA".to_owned(),
            format!("sha256={SHA256_HEX}"),
        ];
        for h in &line_bad {
            assert!(!verify_line(DATA, KEY, Some(h)).unwrap(), "{h}");
        }
        assert!(!verify_line(DATA, KEY, None).unwrap());
    }

    #[test]
    fn empty_secret_is_an_error() {
        let e = verify_line(DATA, b"", Some("x")).unwrap_err();
        assert_eq!(e.violations[0].path, "channelSecret");
        let e = verify_messenger(DATA, b"", Some("x")).unwrap_err();
        assert_eq!(e.violations[0].path, "appSecret");
    }

    #[test]
    fn claims_and_host_computed_macs() {
        let claim = messenger_claim(Some(&format!(" sha256={SHA256_HEX} "))).unwrap();
        assert_eq!(claim.algorithm, MacAlgorithm::Sha256);
        let sha1 = messenger_claim(Some(&format!("sha1={SHA1_HEX}"))).unwrap();
        assert_eq!((sha1.algorithm, sha1.tag.len()), (MacAlgorithm::Sha1, 20));
        assert_eq!(messenger_claim(Some("md5=00")), None);
        assert_eq!(
            line_claim(Some("AAAA")),
            None,
            "a tag of 3 bytes is not SHA-256"
        );
        let right = hmac(MacAlgorithm::Sha256, KEY, DATA).unwrap();
        assert!(claim.matches(&right));
        // a digest of another length or another value never matches
        assert!(!claim.matches(&right[..31]));
        assert!(!claim.matches(&[right.as_slice(), &[0]].concat()));
        let mut wrong = right.clone();
        wrong[31] ^= 1;
        assert!(!claim.matches(&wrong));
        // the MAC comes from the caller (a host's crypto); a failed one is `false`
        let ok = verify_with("k", KEY, Some(claim.clone()), |a| hmac(a, KEY, DATA)).unwrap();
        assert!(ok);
        assert!(!verify_with("k", KEY, Some(claim.clone()), |_| None).unwrap());
        assert!(!verify_with("k", KEY, None, |_| Some(right.clone())).unwrap());
        assert!(verify_with("k", b"", Some(claim), |_| Some(right)).is_err());
    }

    #[test]
    fn base64_round_trip() {
        for n in 0..70usize {
            let bytes: Vec<u8> = (0..n).map(|i| (i * 37 + n) as u8).collect();
            let enc = base64_encode(&bytes);
            if n == 0 {
                assert_eq!(base64_decode(enc.as_bytes()), None);
            } else {
                assert_eq!(base64_decode(enc.as_bytes()), Some(bytes));
            }
        }
        assert_eq!(base64_decode(b"TQ=="), Some(b"M".to_vec()));
        assert_eq!(base64_decode(b"TR=="), None);
        assert_eq!(base64_decode(b"TQ==TQ=="), None);
        assert_eq!(base64_decode(b"T==="), None);
    }
}
