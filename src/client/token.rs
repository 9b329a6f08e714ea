//! The Sobot token (`get_token`, identical in the Messenger and LINE
//! documents): the signature, the request, and the decoding of its answer.

use crate::api::{self, GET_TOKEN};
use crate::client::exec::{network_context, transport_error};
use crate::client::{Clock, HttpRequest, HttpResponse, Transport};
use crate::error::Error;
use crate::model::{Envelope, TokenItem};
use crate::validate::{is_http_url, Violation};
use md5::{Digest, Md5};
use secrecy::{ExposeSecret, SecretString};

/// The default base URL (Sobot's Singapore host). Sobot runs regional hosts.
pub const DEFAULT_BASE_URL: &str = "https://sg.sobot.com";

/// `md5(appid + create_time + app_key)` as 32 lowercase hex digits.
///
/// The document's example: `sign("1", "1569397773", "2")` is
/// `258eec3118705112b2c53dc8043d4d34`.
pub fn sign(appid: &str, create_time: &str, app_key: &str) -> String {
    let mut h = Md5::new();
    h.update(appid.as_bytes());
    h.update(create_time.as_bytes());
    h.update(app_key.as_bytes());
    base16ct::lower::encode_string(&h.finalize())
}

/// The credentials of a Sobot app. The key is a [`SecretString`], so `Debug`
/// never shows it.
#[derive(Clone, Debug)]
pub struct Credentials {
    /// The app id (`appid`).
    pub app_id: String,
    /// The app key; it leaves the process only inside the md5 `sign`.
    pub app_key: SecretString,
    /// The base URL, e.g. [`DEFAULT_BASE_URL`].
    pub base_url: String,
    /// Accept a plain-http base URL off this machine (the token and the
    /// replayable `sign` then travel in cleartext).
    pub allow_insecure_http: bool,
}

impl Credentials {
    /// Every problem with the credentials, named by their JS option names.
    pub fn violations(&self) -> Vec<Violation> {
        self.violations_with(true)
    }

    /// As [`Credentials::violations`]; without `key_needed` (a client over a
    /// read-only token store, which never fetches a token) the appKey may be absent.
    pub fn violations_with(&self, key_needed: bool) -> Vec<Violation> {
        let mut v = Vec::new();
        if self.app_id.trim().is_empty() {
            v.push(Violation::required("appId"));
        }
        if key_needed && self.app_key.expose_secret().is_empty() {
            v.push(Violation::required("appKey"));
        }
        v.extend(base_url_violation(&self.base_url, self.allow_insecure_http));
        v
    }
}

/// Whether `host` (of a URL, port included) is this machine.
fn is_loopback(host: &str) -> bool {
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    let name = match host.strip_prefix('[') {
        Some(v6) => return v6.split(']').next() == Some("::1"),
        None => host.split(':').next().unwrap_or(""),
    };
    let name = name.to_ascii_lowercase();
    name == "localhost" || name.ends_with(".localhost") || {
        let octets: Vec<&str> = name.split('.').collect();
        octets.len() == 4
            && octets.first() == Some(&"127")
            && octets.iter().all(|o| o.parse::<u8>().is_ok())
    }
}

/// The `baseUrl` option's violation, if any: it must be an https URL, or
/// plain http to this machine (an emulator, a local proxy), unless
/// `allow_insecure_http` accepts plain http anywhere.
pub fn base_url_violation(url: &str, allow_insecure_http: bool) -> Option<Violation> {
    if !is_http_url(url) {
        return Some(Violation::format(
            "baseUrl",
            "an http(s) URL",
            Some(url.to_owned().into()),
        ));
    }
    let plain = url
        .get(..7)
        .is_some_and(|s| s.eq_ignore_ascii_case("http://"));
    let host = url.get(7..).unwrap_or("").split(['/', '?', '#']).next();
    if plain && !allow_insecure_http && !host.is_some_and(is_loopback) {
        return Some(Violation::format(
            "baseUrl",
            "an https URL (plain http only to this machine, or with allowInsecureHttp: true)",
            Some(url.to_owned().into()),
        ));
    }
    None
}

/// A token with its lifetime. `Debug` never shows the token.
#[derive(Clone, Debug)]
pub struct Token {
    /// The token for the `token` header.
    pub token: SecretString,
    /// Lifetime in seconds, as the platform gave it.
    pub expires_in: u64,
    /// When it expires, in milliseconds since the Unix epoch.
    pub expires_at_ms: u64,
}

/// The `get_token` request for `creds` at `now_ms`.
pub fn token_request(creds: &Credentials, now_ms: u64) -> HttpRequest {
    let create_time = (now_ms / 1000).to_string();
    let sig = sign(&creds.app_id, &create_time, creds.app_key.expose_secret());
    HttpRequest {
        method: GET_TOKEN.method.as_str(),
        url: api::url(
            &creds.base_url,
            GET_TOKEN.path,
            &[
                ("appid", &creds.app_id),
                ("create_time", &create_time),
                ("sign", &sig),
            ],
        ),
        headers: Vec::new(),
        body: None,
        timeout_ms: None,
    }
}

/// Whether a `ret_code` of the token endpoint can succeed when repeated:
/// the catalogue's rate limits and transient codes (`999999`, "系统未知异常",
/// among them), as for every other endpoint.
fn token_code_retryable(code: &str, status: u16) -> bool {
    crate::client::retry::api_failure(code, status) != crate::client::retry::Failure::Final
}

/// An API error of `endpoint`: the message in English names the endpoint, the
/// code and its meaning from the catalogue; the platform's own words (its
/// `ret_msg`, usually Chinese) are kept in `platform_message`.
pub(crate) fn api_error(
    endpoint: &'static str,
    code: String,
    ret_msg: Option<&str>,
    retryable: bool,
) -> Error {
    let said = ret_msg.map(str::trim).filter(|m| !m.is_empty());
    let meaning = match crate::model::catalogue::lookup(&code) {
        Some(entry) => entry.message_en.to_owned(),
        None if code.is_empty() => "an answer without a usable ret_code".to_owned(),
        None => match said {
            Some(m) => format!("a code the documents do not list (the platform said: {m})"),
            None => "a code the documents do not list".to_owned(),
        },
    };
    let shown = if code.is_empty() {
        "no code".to_owned()
    } else {
        code.clone()
    };
    let mut message = format!("{endpoint} answered {shown}: {meaning}");
    if endpoint == GET_TOKEN.name && !retryable {
        message.push_str(
            "; get_token refused the credentials: check the appId, the appKey and this machine's clock",
        );
    }
    let mut e = Error::api(code, message, retryable).at(endpoint);
    e.platform_message = said.map(str::to_owned);
    e
}

/// Decodes a `get_token` answer received at `now_ms`.
pub fn decode_token_response(resp: &HttpResponse, now_ms: u64) -> Result<Token, Error> {
    let ok_status = (200..300).contains(&resp.status);
    let env: Envelope<TokenItem> = match serde_json::from_slice(&resp.body) {
        Ok(env) => env,
        Err(e) if ok_status => {
            return Err(Error::decode(
                format!(
                    "the get_token answer (HTTP {}) is not the documented JSON: {e}",
                    resp.status
                ),
                Some(resp.status),
            )
            .at(GET_TOKEN.name))
        }
        Err(_) => return Err(Error::http(resp.status).at(GET_TOKEN.name)),
    };
    if !env.is_success() {
        let retryable = token_code_retryable(&env.ret_code, resp.status);
        let mut e = api_error(
            GET_TOKEN.name,
            env.ret_code,
            env.ret_msg.as_deref(),
            retryable,
        );
        e.status = Some(resp.status);
        return Err(e);
    }
    let Some(item) = env.item else {
        return Err(Error::decode(
            "the get_token answer has ret_code 000000 but no item",
            Some(resp.status),
        )
        .at(GET_TOKEN.name));
    };
    if item.token.is_empty() {
        return Err(
            Error::decode("the get_token answer has an empty token", Some(resp.status))
                .at(GET_TOKEN.name),
        );
    }
    let expires_in: u64 = item.expires_in.trim().parse().map_err(|_| {
        Error::decode(
            format!(
                "the get_token answer's expires_in is not a whole number of seconds: {:?}",
                item.expires_in
            ),
            Some(resp.status),
        )
        .at(GET_TOKEN.name)
    })?;
    Ok(Token {
        token: item.token.into(),
        expires_in,
        expires_at_ms: now_ms.saturating_add(expires_in.saturating_mul(1000)),
    })
}

/// Gets a new token, waiting at most `timeout_ms`. Validates `creds` first:
/// nothing is sent when they are invalid. Each call invalidates the previous
/// token (both documents say so).
pub async fn fetch_token<T: Transport, C: Clock>(
    transport: &T,
    clock: &C,
    creds: &Credentials,
    timeout_ms: u64,
) -> Result<Token, Error> {
    let violations = creds.violations();
    if !violations.is_empty() {
        return Err(Error::validation(violations).at(GET_TOKEN.name));
    }
    let mut req = token_request(creds, clock.now_ms());
    req.timeout_ms = Some(timeout_ms);
    let resp = transport.send(req).await.map_err(|e| {
        let e = transport_error(e, GET_TOKEN.name);
        network_context(e, &GET_TOKEN, &creds.base_url, 1, Some(timeout_ms))
    })?;
    decode_token_response(&resp, clock.now_ms())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::TransportError;

    #[test]
    fn an_error_without_ret_msg_still_has_a_message() {
        // A failed answer without (or with a blank) ret_msg gave an error
        // whose message was empty.
        for body in [
            r#"{"ret_code":"00","rtem_sg":"x"}"#,
            r#"{"ret_code":"900002","ret_msg":" "}"#,
            r#"{"ret_code":null}"#,
        ] {
            let resp = HttpResponse {
                status: 200,
                retry_after: None,
                body: body.as_bytes().to_vec(),
            };
            if let Err(e) = decode_token_response(&resp, 0) {
                assert!(!e.message.trim().is_empty(), "{body}: {e:?}");
            }
            for endpoint in crate::api::CATALOGUE
                .iter()
                .filter(|e| e.auth != crate::api::Auth::GraphAccessToken)
            {
                let e = crate::client::sobot::decode(endpoint, &resp, 0).unwrap_err();
                assert!(!e.error.message.trim().is_empty(), "{body}: {:?}", e.error);
            }
        }
        let e = api_error("send", "77".into(), None, false);
        assert_eq!(
            e.message,
            "send answered 77: a code the documents do not list"
        );
        assert_eq!(e.platform_message, None);
        let e = api_error("send", "77".into(), Some(" busy "), false);
        assert!(
            e.message.ends_with("(the platform said: busy)"),
            "{}",
            e.message
        );
        let e = api_error("send", "999994".into(), Some("参数异常,请检查"), false);
        assert_eq!(
            e.message,
            "send answered 999994: Invalid parameters; check the request"
        );
        assert_eq!(e.platform_message.as_deref(), Some("参数异常,请检查"));
        let e = api_error(GET_TOKEN.name, "999994".into(), None, false);
        assert!(e
            .message
            .contains("check the appId, the appKey and this machine's clock"));
    }
    use crate::error::ErrorKind;
    use std::cell::RefCell;

    struct FixedClock(u64);
    impl Clock for FixedClock {
        fn now_ms(&self) -> u64 {
            self.0
        }
        async fn sleep(&self, _ms: u64) -> Result<(), Error> {
            Ok(())
        }
        fn random(&self) -> f64 {
            0.5
        }
    }

    struct Fake {
        answer: Result<HttpResponse, TransportError>,
        seen: RefCell<Vec<HttpRequest>>,
    }
    impl Fake {
        fn answering(status: u16, body: &str) -> Self {
            Fake {
                answer: Ok(HttpResponse {
                    status,
                    retry_after: None,
                    body: body.as_bytes().to_vec(),
                }),
                seen: RefCell::new(Vec::new()),
            }
        }
    }
    impl Transport for Fake {
        async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
            self.seen.borrow_mut().push(request);
            self.answer.clone()
        }
    }

    fn block_on<F: std::future::Future>(f: F) -> F::Output {
        use std::task::{Context, Poll, RawWaker, RawWakerVTable, Waker};
        fn noop(_: *const ()) {}
        fn clone(p: *const ()) -> RawWaker {
            RawWaker::new(p, &VTABLE)
        }
        static VTABLE: RawWakerVTable = RawWakerVTable::new(clone, noop, noop, noop);
        let waker = unsafe { Waker::from_raw(RawWaker::new(std::ptr::null(), &VTABLE)) };
        let mut cx = Context::from_waker(&waker);
        let mut f = std::pin::pin!(f);
        loop {
            if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
                return v;
            }
        }
    }

    fn creds(app_id: &str, app_key: &str) -> Credentials {
        Credentials {
            app_id: app_id.into(),
            app_key: app_key.into(),
            base_url: "http://127.0.0.1:9/".into(),
            allow_insecure_http: false,
        }
    }

    const OK: &str = r#"{"item":{"token":"4ac37cb2e9c740dba4b75a34d5358802","expires_in":"86400"},"ret_code":"000000","ret_msg":"操作成功"}"#;

    #[test]
    fn sign_matches_the_document() {
        assert_eq!(
            sign("1", "1569397773", "2"),
            "258eec3118705112b2c53dc8043d4d34"
        );
    }

    #[test]
    fn request_carries_sign_not_key() {
        let req = token_request(&creds("app 1", "SECRETKEY"), 1_569_397_773_999);
        assert_eq!(req.method, "GET");
        let expected_sign = sign("app 1", "1569397773", "SECRETKEY");
        assert_eq!(
            req.url,
            format!(
                "http://127.0.0.1:9/api/get_token?appid=app%201&create_time=1569397773&sign={expected_sign}"
            )
        );
        assert!(!req.url.contains("SECRETKEY"));
    }

    #[test]
    fn gets_a_token() {
        let t = Fake::answering(200, OK);
        let tok = block_on(fetch_token(&t, &FixedClock(1_000), &creds("1", "2"), 1_000)).unwrap();
        assert_eq!(
            tok.token.expose_secret(),
            "4ac37cb2e9c740dba4b75a34d5358802"
        );
        assert_eq!(tok.expires_in, 86_400);
        assert_eq!(tok.expires_at_ms, 1_000 + 86_400_000);
        assert_eq!(t.seen.borrow().len(), 1);
        assert!(!format!("{tok:?}").contains("4ac37cb2"));
    }

    #[test]
    fn numeric_expires_in_is_accepted() {
        let body = r#"{"item":{"token":"t","expires_in":7200},"ret_code":"000000"}"#;
        let t = Fake::answering(200, body);
        let tok = block_on(fetch_token(&t, &FixedClock(0), &creds("1", "2"), 1_000)).unwrap();
        assert_eq!(tok.expires_in, 7200);
    }

    #[test]
    fn empty_credentials_send_nothing() {
        let t = Fake::answering(200, OK);
        let e = block_on(fetch_token(&t, &FixedClock(0), &creds("", ""), 1_000)).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Validation);
        let paths: Vec<&str> = e.violations.iter().map(|v| v.path.as_str()).collect();
        assert_eq!(paths, ["appId", "appKey"]);
        assert!(t.seen.borrow().is_empty());
        let mut c = creds("1", "2");
        c.base_url = "sg.sobot.com".into();
        let e = block_on(fetch_token(&t, &FixedClock(0), &c, 1_000)).unwrap_err();
        assert_eq!(e.violations[0].path, "baseUrl");
        assert!(t.seen.borrow().is_empty());
    }

    #[test]
    fn network_failure() {
        let t = Fake {
            answer: Err(TransportError::Network("connection refused".into())),
            seen: RefCell::new(Vec::new()),
        };
        let e = block_on(fetch_token(&t, &FixedClock(0), &creds("1", "KEY"), 1_000)).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Network);
        assert!(e.retryable);
        assert_eq!(e.endpoint, Some("get_token"));
    }

    #[test]
    fn not_json_is_decode_with_status() {
        let t = Fake::answering(200, "<html>oops</html>");
        let e = block_on(fetch_token(&t, &FixedClock(0), &creds("1", "2"), 1_000)).unwrap_err();
        assert_eq!((e.kind, e.status), (ErrorKind::Decode, Some(200)));
        assert!(e.message.contains("HTTP 200"));
    }

    #[test]
    fn error_status_without_envelope_is_http() {
        let t = Fake::answering(502, "<html>bad gateway</html>");
        let e = block_on(fetch_token(&t, &FixedClock(0), &creds("1", "2"), 1_000)).unwrap_err();
        assert_eq!(
            (e.kind, e.status, e.retryable),
            (ErrorKind::Http, Some(502), true)
        );
    }

    #[test]
    fn ret_code_is_api_error() {
        let t = Fake::answering(
            200,
            r#"{"ret_code":"900002","ret_msg":"token 已失效,请重新获取"}"#,
        );
        let e = block_on(fetch_token(&t, &FixedClock(0), &creds("1", "KEY2"), 1_000)).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Api);
        assert_eq!(e.code.as_deref(), Some("900002"));
        assert!(
            e.message
                .starts_with("get_token answered 900002: The token has expired"),
            "{}",
            e.message
        );
        assert_eq!(
            e.platform_message.as_deref(),
            Some("token 已失效,请重新获取")
        );
        assert!(!e.message.contains("KEY2"));
    }

    #[test]
    fn token_codes_are_retryable_as_the_catalogue_says() {
        for (code, retryable) in [
            ("999999", true),
            ("4", true),
            ("2018352", true),
            ("999994", false),
            ("900002", false),
        ] {
            let body = format!(r#"{{"ret_code":"{code}","ret_msg":"x"}}"#);
            let t = Fake::answering(200, &body);
            let e = block_on(fetch_token(&t, &FixedClock(0), &creds("1", "2"), 1_000)).unwrap_err();
            assert_eq!((e.kind, e.retryable), (ErrorKind::Api, retryable), "{code}");
        }
    }

    #[test]
    fn success_without_item_or_with_bad_expiry_is_decode() {
        for body in [
            r#"{"ret_code":"000000","ret_msg":"ok"}"#,
            r#"{"ret_code":"000000","item":{"token":"t","expires_in":"soon"}}"#,
            r#"{"ret_code":"000000","item":{"token":"","expires_in":"1"}}"#,
        ] {
            let t = Fake::answering(200, body);
            let e = block_on(fetch_token(&t, &FixedClock(0), &creds("1", "2"), 1_000)).unwrap_err();
            assert_eq!(e.kind, ErrorKind::Decode, "{body}");
        }
    }

    #[test]
    fn plain_http_only_to_this_machine_unless_allowed() {
        for (url, allowed, ok) in [
            ("https://sg.sobot.com", false, true),
            ("http://127.0.0.1:8080/x", false, true),
            ("http://127.9.0.1", false, true),
            ("http://localhost:3000", false, true),
            ("http://LOCALHOST", false, true),
            ("http://[::1]:80/", false, true),
            ("http://u@127.0.0.1", false, true),
            ("http://sg.sobot.com", false, false),
            ("http://127.0.0.1.evil.example", false, false),
            ("http://localhost.evil.example", false, false),
            ("http://10.0.0.5", false, false),
            ("http://sg.sobot.com", true, true),
            ("ftp://x", true, false),
        ] {
            assert_eq!(base_url_violation(url, allowed).is_none(), ok, "{url}");
        }
    }

    #[test]
    fn credentials_debug_hides_the_key() {
        assert!(!format!("{:?}", creds("1", "TOPSECRET")).contains("TOPSECRET"));
    }
}
