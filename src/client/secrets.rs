//! What leaves the client with an error never quotes a secret: the app key,
//! tokens and Graph's access token are replaced in messages, as they are and
//! percent-encoded, and a transport's failure message loses the credentials of
//! the request it quotes (header values, `sign` and `access_token`).

use crate::client::HttpRequest;
use crate::error::Error;
use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use secrecy::{ExposeSecret, SecretString};

/// What replaces a secret.
pub const REDACTED: &str = "<redacted>";
/// Shorter values are not replaced: they would match ordinary text.
const MIN_SECRET_CHARS: usize = 4;
/// `encodeURIComponent`'s set (it keeps `!'()*`); the client's own URLs
/// encode those too (`api::encode_query_component`), so both forms are looked for.
const URI_COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'!')
    .remove(b'~')
    .remove(b'*')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')');

fn replace_in(text: &mut String, secret: &str) {
    if text.contains(secret) {
        *text = text.replace(secret, REDACTED);
    }
}

/// Each secret as it is and in its percent-encoded forms (as a URL or a
/// proxy's message may quote it), the short ones left out.
fn forms<'a>(secrets: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut out = Vec::new();
    for s in secrets.filter(|s| s.len() >= MIN_SECRET_CHARS) {
        let mut ours = String::new();
        crate::api::encode_query_component(&mut ours, s);
        let theirs = utf8_percent_encode(s, URI_COMPONENT).to_string();
        for f in [s.to_owned(), ours, theirs] {
            if !out.contains(&f) {
                out.push(f);
            }
        }
    }
    out
}

/// Replaces every secret in the error's message, the platform's message and
/// its violations' messages and values.
pub fn redact(e: &mut Error, secrets: &[SecretString]) {
    for s in forms(secrets.iter().map(ExposeSecret::expose_secret)) {
        replace_in(&mut e.message, &s);
        if let Some(m) = &mut e.platform_message {
            replace_in(m, &s);
        }
        for v in &mut e.violations {
            replace_in(&mut v.message, &s);
            if let Some(serde_json::Value::String(a)) = &mut v.actual {
                replace_in(a, &s);
            }
        }
    }
}

/// A failure message of a caller's `fetch` (or a proxy) with the request's
/// credentials replaced: its header values (the token) and the `sign` and
/// `access_token` of its query, encoded or decoded.
pub fn scrub_request(mut message: String, request: &HttpRequest) -> String {
    let query = request.url.split_once('?').map_or("", |(_, q)| q);
    let query_values = query.split('&').filter_map(|pair| {
        pair.split_once('=')
            .filter(|(k, _)| matches!(*k, "access_token" | "sign"))
            .map(|(_, v)| v)
    });
    let mut values: Vec<String> = Vec::new();
    for v in query_values {
        values.push(v.to_owned());
        if let Ok(d) = percent_decode_str(v).decode_utf8() {
            values.push(d.into_owned());
        }
    }
    let headers = request.headers.iter().map(|(_, v)| v.as_str());
    for s in forms(headers.chain(values.iter().map(String::as_str))) {
        replace_in(&mut message, &s);
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Violation;

    #[test]
    fn redacts_every_form_of_a_secret_and_leaves_short_ones() {
        let secrets = [
            SecretString::from("k3y/with+chars(1)"),
            SecretString::from("ab"),
        ];
        let mut e = Error::validation(vec![Violation::format(
            "appKey",
            "x",
            Some(serde_json::Value::from("k3y/with+chars(1)")),
        )]);
        e.message =
            "sent k3y/with+chars(1), k3y%2Fwith%2Bchars%281%29 and k3y%2Fwith%2Bchars(1); ab stays"
                .into();
        e.platform_message = Some("bad key k3y/with+chars(1)".into());
        redact(&mut e, &secrets);
        assert_eq!(e.platform_message.as_deref(), Some("bad key <redacted>"));
        assert_eq!(
            e.message,
            "sent <redacted>, <redacted> and <redacted>; ab stays"
        );
        assert_eq!(
            e.violations[0].actual,
            Some(serde_json::Value::from(REDACTED))
        );
    }

    #[test]
    fn scrubs_the_request_credentials_from_a_transport_message() {
        let request = HttpRequest {
            method: "GET",
            url: "https://h/p?appid=app1&sign=5f2b9c&access_token=EAA%2Bz9&x=visible".into(),
            headers: vec![("token", "tok-123456".into())],
            body: None,
            timeout_ms: None,
        };
        let m = "GET https://h/p?appid=app1&sign=5f2b9c&access_token=EAA%2Bz9 failed (token tok-123456, EAA+z9); x=visible";
        assert_eq!(
            scrub_request(m.into(), &request),
            "GET https://h/p?appid=app1&sign=<redacted>&access_token=<redacted> failed (token <redacted>, <redacted>); x=visible"
        );
    }
}
