//! Webhook signatures over the raw body bytes, compared in constant time.
//!
//! - LINE: `X-Line-Signature` is the base64 of HMAC-SHA256(channel secret, body).
//! - Messenger: `X-Hub-Signature-256: sha256=<hex>` is HMAC-SHA256(app secret,
//!   body); the legacy `X-Hub-Signature: sha1=<hex>` is HMAC-SHA1.
//!
//! A missing or malformed header is simply not a valid signature (`false`).
//! Only an empty secret is an error: with it, anyone could sign a body.
//!
//! base64 is the `base64` crate's, strict: canonical padded standard base64
//! only (a wrong length, a missing or misplaced `=`, non-zero unused bits are
//! refused). Not `base64ct`: its constant-time decoding made
//! `verifyLineSignature` of 2 KB, so `verify.2k.ratio`, 10.3 % slower (median
//! of five A/B runs, 9.1-12.1 %) and protects nothing here, the header being
//! public; the comparison with the computed tag is the constant-time step.
//! Hex is `base16ct`'s (either case, exactly the tag's length).

use crate::error::Error;
use crate::error::Violation;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::{alphabet, Engine};
use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;
use sha2::Sha256;

/// Standard base64, padded, read canonically only (the crate's `STANDARD`,
/// its strictness spelled out).
const BASE64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_encode_padding(true)
        .with_decode_padding_mode(DecodePaddingMode::RequireCanonical)
        .with_decode_allow_trailing_bits(false),
);

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
    let mut tag = [0u8; 32];
    // A value decoding to more than 32 bytes does not fit: an error.
    let n = BASE64.decode_slice(header?.trim(), &mut tag).ok()?;
    (n == tag.len()).then(|| ClaimedMac {
        algorithm: MacAlgorithm::Sha256,
        tag: tag.to_vec(),
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
            tag: hex_decode(hex, 32)?,
        })
    } else {
        Some(ClaimedMac {
            algorithm: MacAlgorithm::Sha1,
            tag: hex_decode(header.strip_prefix("sha1=")?, 20)?,
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
    let mut out = [0u8; 44];
    let n = BASE64
        .encode_slice(m.finalize().into_bytes(), &mut out)
        .ok()?;
    Some(core::str::from_utf8(out.get(..n)?).ok()?.to_owned())
}

/// The `X-Hub-Signature-256` value of `body` (`sha256=<hex>`), for tests and replays.
pub fn sign_messenger(body: &[u8], app_secret: &[u8]) -> Option<String> {
    let m = mac_sha256(app_secret, body)?;
    let mut hex = [0u8; 64];
    let hex = base16ct::lower::encode_str(&m.finalize().into_bytes(), &mut hex).ok()?;
    let mut out = String::with_capacity(7 + hex.len());
    out.push_str("sha256=");
    out.push_str(hex);
    Some(out)
}

fn mac_sha256(key: &[u8], body: &[u8]) -> Option<Hmac<Sha256>> {
    let mut m = <Hmac<Sha256> as KeyInit>::new_from_slice(key).ok()?;
    m.update(body);
    Some(m)
}

/// Decodes exactly `len` (at most 32) bytes of hex; anything else is `None`.
fn hex_decode(s: &str, len: usize) -> Option<Vec<u8>> {
    let mut tag = [0u8; 32];
    let tag = base16ct::mixed::decode(s, &mut tag).ok()?;
    (tag.len() == len).then(|| tag.to_vec())
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
    fn base64_is_strict() {
        // What `line_claim` relies on: canonical padded base64 only.
        let decode = |s: &str| {
            let mut buf = [0u8; 80];
            let n = BASE64.decode_slice(s, &mut buf).ok()?;
            buf.get(..n).map(<[u8]>::to_vec)
        };
        for n in 0..70usize {
            let bytes: Vec<u8> = (0..n).map(|i| (i * 37 + n) as u8).collect();
            let mut buf = [0u8; 96];
            let len = BASE64.encode_slice(&bytes, &mut buf).unwrap();
            assert_eq!(len % 4, 0);
            assert_eq!(
                decode(core::str::from_utf8(&buf[..len]).unwrap()),
                Some(bytes)
            );
        }
        assert_eq!(decode("TQ=="), Some(b"M".to_vec()));
        for bad in [
            "TR==", "TQ==TQ==", "T===", "TQ", "TQ=", "TQ===", "TWE", "TWF=", " TQ==", "TQ-_",
            "TQ\n==",
        ] {
            assert_eq!(decode(bad), None, "{bad}");
        }
    }
}
