//! Meta's webhook verification handshake: a `GET` with `hub.mode=subscribe`,
//! `hub.verify_token` and `hub.challenge`; the endpoint answers the challenge
//! when the token is the one configured, and refuses otherwise.

use crate::error::Error;
use crate::error::Violation;

/// Why a handshake was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// `hub.mode` is absent or not `subscribe`.
    Mode,
    /// `hub.verify_token` is absent or not the configured token.
    Token,
    /// `hub.challenge` is absent or empty.
    Challenge,
}

impl Refusal {
    /// `mode`, `token` or `challenge`, as JavaScript names them.
    pub fn as_str(self) -> &'static str {
        match self {
            Refusal::Mode => "mode",
            Refusal::Token => "token",
            Refusal::Challenge => "challenge",
        }
    }

    /// A sentence for logs.
    pub fn message(self) -> &'static str {
        match self {
            Refusal::Mode => "hub.mode is not \"subscribe\"",
            Refusal::Token => "hub.verify_token does not match the verify token",
            Refusal::Challenge => "hub.challenge is missing",
        }
    }
}

/// Equality in constant time: the time depends on the given token's length
/// only, never on where it first differs from the configured one (the bytes
/// are compared with `ctutils`, behind an optimisation barrier).
fn ct_eq(given: &[u8], expected: &[u8]) -> bool {
    use ctutils::CtEq;
    given.len() == expected.len() && bool::from(given.ct_eq(expected))
}

/// The challenge to echo, or why not. Errors only when `verify_token` is empty.
pub fn verify_challenge<'a>(
    mode: Option<&str>,
    token: Option<&str>,
    challenge: Option<&'a str>,
    verify_token: &str,
) -> Result<Result<&'a str, Refusal>, Error> {
    if verify_token.is_empty() {
        return Err(Error::validation(vec![Violation::required("verifyToken")]));
    }
    if mode != Some("subscribe") {
        return Ok(Err(Refusal::Mode));
    }
    if !token.is_some_and(|t| ct_eq(t.as_bytes(), verify_token.as_bytes())) {
        return Ok(Err(Refusal::Token));
    }
    match challenge {
        Some(c) if !c.is_empty() => Ok(Ok(c)),
        _ => Ok(Err(Refusal::Challenge)),
    }
}

/// The value of `key` in a query string (with or without `?`, or a whole URL),
/// read as `application/x-www-form-urlencoded` (`form_urlencoded`): `+` is a
/// space, a bad `%` escape is kept as written, and bytes that are not UTF-8
/// become U+FFFD.
pub fn query_param(query: &str, key: &str) -> Option<String> {
    let q = match query.find('?') {
        Some(i) => query.get(i + 1..).unwrap_or(""),
        None => query,
    };
    let q = q.split('#').next().unwrap_or("");
    form_urlencoded::parse(q.as_bytes()).find_map(|(k, v)| (k == key).then(|| v.into_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_the_challenge_only_with_the_right_token() {
        let ok = verify_challenge(
            Some("subscribe"),
            Some("s3cret"),
            Some("1158201444"),
            "s3cret",
        );
        assert_eq!(ok.unwrap(), Ok("1158201444"));
        let v = |m, t, c| verify_challenge(m, t, c, "s3cret").unwrap();
        assert_eq!(
            v(Some("unsubscribe"), Some("s3cret"), Some("1")),
            Err(Refusal::Mode)
        );
        assert_eq!(v(None, Some("s3cret"), Some("1")), Err(Refusal::Mode));
        assert_eq!(
            v(Some("subscribe"), Some("s3cre"), Some("1")),
            Err(Refusal::Token)
        );
        assert_eq!(
            v(Some("subscribe"), Some("s3cret!"), Some("1")),
            Err(Refusal::Token)
        );
        assert_eq!(v(Some("subscribe"), None, Some("1")), Err(Refusal::Token));
        assert_eq!(
            v(Some("subscribe"), Some("s3cret"), Some("")),
            Err(Refusal::Challenge)
        );
        assert_eq!(
            v(Some("subscribe"), Some("s3cret"), None),
            Err(Refusal::Challenge)
        );
        assert!(verify_challenge(Some("subscribe"), Some(""), Some("1"), "").is_err());
    }

    #[test]
    fn reads_query_strings() {
        let q = "/webhook?hub.mode=subscribe&hub.verify_token=a%20b+c&hub.challenge=CHALLENGE_ACCEPTED#x";
        assert_eq!(query_param(q, "hub.mode").as_deref(), Some("subscribe"));
        assert_eq!(query_param(q, "hub.verify_token").as_deref(), Some("a b c"));
        assert_eq!(
            query_param(q, "hub.challenge").as_deref(),
            Some("CHALLENGE_ACCEPTED")
        );
        assert_eq!(
            query_param("hub%2Emode=x", "hub.mode").as_deref(),
            Some("x")
        );
        assert_eq!(query_param("a=%zz%", "a").as_deref(), Some("%zz%"));
        assert_eq!(query_param("", "a"), None);
        assert_eq!(query_param("a", "a").as_deref(), Some(""));
        assert_eq!(query_param("a=1&&a=2", "a").as_deref(), Some("1"));
        assert_eq!(
            query_param("?x=1&a=%E6%B5%8B%FF", "a").as_deref(),
            Some("测\u{fffd}")
        );
        assert_eq!(query_param("a+b=%2B", "a b").as_deref(), Some("+"));
    }
}
