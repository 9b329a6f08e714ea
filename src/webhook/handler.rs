//! The webhook handler's decisions: which answer a request gets, how a body
//! is authenticated before it is parsed, and the claims that hand each event
//! over once. The JS handler only adapts these to `Request` and `Response`.

use crate::error::Error;
use crate::webhook::challenge::{query_param, verify_challenge};
use crate::webhook::dedupe::{self, Key, KeyHasher};
use crate::webhook::normalize::NormalizedEvent;
use crate::webhook::parse::{parse, Channel, ParseOptions, Payload};
use crate::webhook::signature::{hmac, line_claim, messenger_claim, verify_with, MacAlgorithm};
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use std::collections::{HashMap, VecDeque};
use std::hash::BuildHasherDefault;

/// An answer: its status and a short plain-text body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Answer {
    /// The HTTP status.
    pub status: u16,
    /// The body (plain text).
    pub body: &'static str,
}

/// The events were handed over (or there were none).
pub const OK: Answer = Answer {
    status: 200,
    body: "OK",
};
/// A missing or wrong signature or shared secret.
pub const UNAUTHORIZED: Answer = Answer {
    status: 401,
    body: "invalid signature",
};
/// A handshake with the wrong verify token (or none configured).
pub const FORBIDDEN: Answer = Answer {
    status: 403,
    body: "verification failed",
};
/// A method other than `POST` (and `GET` for the handshake).
pub const METHOD_NOT_ALLOWED: Answer = Answer {
    status: 405,
    body: "method not allowed",
};
/// A body over the limit.
pub const TOO_LARGE: Answer = Answer {
    status: 413,
    body: "body too large",
};
/// An authentic body that is not a webhook of the channel.
pub const BAD_REQUEST: Answer = Answer {
    status: 400,
    body: "not a webhook",
};
/// `onEvents` failed, or the de-duplication store did: the platform delivers again.
pub const FAILED: Answer = Answer {
    status: 500,
    body: "not handled",
};

/// How a body proves it comes from the platform (or from Sobot forwarding it).
#[derive(Debug)]
pub enum Auth {
    /// The platform's HMAC signature header, under this secret.
    Signature(SecretString),
    /// A token in the URL's query (`token`) or in a header, compared in constant time.
    SharedSecret(SecretString),
    /// Nothing: every body is accepted.
    Unsigned,
}

/// The query parameter a shared secret is read from.
pub const TOKEN_PARAM: &str = "token";
/// The header a shared secret is read from.
pub const TOKEN_HEADER: &str = "x-webhook-token";

/// What the handler is configured with.
#[derive(Debug)]
pub struct Config {
    /// The channel of the bodies.
    pub channel: Channel,
    /// How bodies are authenticated.
    pub auth: Auth,
    /// Messenger: the token of Meta's `GET` handshake.
    pub verify_token: Option<SecretString>,
    /// The largest body read, in bytes.
    pub max_body_bytes: usize,
}

/// What to do with a request, from its method and declared length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// Answer Meta's handshake from the query.
    Handshake,
    /// Read the body (at most `max_body_bytes`).
    Body,
    /// Answer at once.
    Answer(Answer),
}

/// The header that carries the channel's signature.
pub fn signature_header(channel: Channel) -> &'static str {
    match channel {
        Channel::Line => "x-line-signature",
        Channel::Messenger => "x-hub-signature-256",
    }
}

/// The header read when [`signature_header`] is absent: Meta's legacy
/// `X-Hub-Signature` (`sha1=`).
pub fn legacy_signature_header(channel: Channel) -> Option<&'static str> {
    match channel {
        Channel::Line => None,
        Channel::Messenger => Some("x-hub-signature"),
    }
}

impl Config {
    /// The route of a request: `POST` reads the body unless its declared
    /// length is over the limit; `GET` is Meta's handshake; the rest is 405.
    pub fn route(&self, method: &str, content_length: Option<&str>) -> Route {
        if method.eq_ignore_ascii_case("GET") {
            return Route::Handshake;
        }
        if !method.eq_ignore_ascii_case("POST") {
            return Route::Answer(METHOD_NOT_ALLOWED);
        }
        match content_length.and_then(|l| l.trim().parse::<u64>().ok()) {
            Some(n) if n > self.max_body_bytes as u64 => Route::Answer(TOO_LARGE),
            _ => Route::Body,
        }
    }

    /// The handshake's answer: the challenge (200), or 403. Without a verify
    /// token (and on LINE) a `GET` is 405.
    pub fn handshake(&self, query: &str) -> Result<String, Answer> {
        let Some(expected) = &self.verify_token else {
            return Err(METHOD_NOT_ALLOWED);
        };
        let mode = query_param(query, "hub.mode");
        let token = query_param(query, "hub.verify_token");
        let challenge = query_param(query, "hub.challenge");
        match verify_challenge(
            mode.as_deref(),
            token.as_deref(),
            challenge.as_deref(),
            expected.expose_secret(),
        ) {
            Ok(Ok(c)) => Ok(c.to_owned()),
            _ => Err(FORBIDDEN),
        }
    }

    /// Whether the body is authentic: its signature (`signature`, the header's
    /// value) or the shared secret (`token`, from the query or the header).
    pub fn authentic(&self, body: &[u8], signature: Option<&str>, token: Option<&str>) -> bool {
        self.authentic_by(body, signature, token, |_, _| None)
    }

    /// [`Config::authentic`], with `host_mac(algorithm, key)` giving the body's
    /// HMAC where the host computes it faster (`None`: it is computed here).
    pub fn authentic_by(
        &self,
        body: &[u8],
        signature: Option<&str>,
        token: Option<&str>,
        host_mac: impl FnOnce(MacAlgorithm, &[u8]) -> Option<Vec<u8>>,
    ) -> bool {
        match &self.auth {
            Auth::Unsigned => true,
            Auth::SharedSecret(expected) => token.is_some_and(|t| {
                // Hashing first makes the comparison's time independent of both lengths.
                use ctutils::CtEq;
                let a = Sha256::digest(t.as_bytes());
                let b = Sha256::digest(expected.expose_secret().as_bytes());
                bool::from(a.as_slice().ct_eq(b.as_slice()))
            }),
            Auth::Signature(secret) => {
                let key = secret.expose_secret().as_bytes();
                let claim = match self.channel {
                    Channel::Line => line_claim(signature),
                    Channel::Messenger => messenger_claim(signature),
                };
                verify_with("secret", key, claim, |a| {
                    host_mac(a, key).or_else(|| hmac(a, key, body))
                })
                .unwrap_or(false)
            }
        }
    }

    /// The body as a webhook of the channel, or 400.
    pub fn parse(&self, body: &[u8]) -> Result<Payload, Answer> {
        let opts = ParseOptions {
            max_bytes: self.max_body_bytes,
        };
        parse(self.channel, body, opts).map_err(|_| BAD_REQUEST)
    }
}

/// The shared secret of a request: the `token` query parameter, else the header.
pub fn presented_token(url: &str, header: Option<&str>) -> Option<String> {
    query_param(url, TOKEN_PARAM).or_else(|| header.map(str::to_owned))
}

/// The de-duplication key of an event (`<channel>:<eventId>`), or `None` when
/// it has no id (it is then always handed over).
pub fn claim_key(event: &NormalizedEvent<'_>) -> Option<String> {
    let id = event.event_id.as_deref()?;
    Some(format!("{}:{id}", event.channel.as_str()))
}

/// How long a claim holds by default (ms): longer than `onEvents` should take.
pub const DEFAULT_CLAIM_TTL_MS: u64 = 5 * 60 * 1000;
/// How long a handed-over event is remembered by default (ms): past the
/// platforms' redelivery windows.
pub const DEFAULT_SEEN_TTL_MS: u64 = 24 * 60 * 60 * 1000;
/// The longest wait for one call of a caller's store by default (ms).
pub const DEFAULT_STORE_TIMEOUT_MS: u64 = 5000;
/// The memory store's default capacity (keys).
pub const DEFAULT_CLAIMS_CAPACITY: usize = 10_000;
/// The largest capacity accepted.
pub const MAX_CLAIMS_CAPACITY: usize = 1_000_000;

#[derive(Debug, Clone, PartialEq, Eq)]
enum State {
    Claimed(String),
    Seen,
}

#[derive(Debug, Clone)]
struct Entry {
    state: State,
    expires_at_ms: f64,
    /// Which record of `Claims::order` is this entry's.
    serial: u64,
}

/// The in-memory de-duplication store: a key is claimed by one owner until
/// confirmed (then seen) or released, each state for its TTL. Keys are held as
/// 16 bytes of their SHA-256; when full, expired keys go first (swept once per
/// `capacity` new keys), then the oldest: each call is O(1) amortised.
#[derive(Debug, Clone)]
pub struct Claims {
    capacity: usize,
    entries: HashMap<Key, Entry, BuildHasherDefault<KeyHasher>>,
    /// Keys in the order they were added, with their entry's serial: a record
    /// whose key was removed or added again since is stale and skipped.
    order: VecDeque<(Key, u64)>,
    serial: u64,
    added_since_sweep: usize,
}

impl Claims {
    /// A store of at most `capacity` keys (1 to [`MAX_CLAIMS_CAPACITY`]).
    pub fn new(capacity: usize) -> Result<Self, Error> {
        dedupe::check_capacity(capacity, MAX_CLAIMS_CAPACITY)?;
        Ok(Claims {
            capacity,
            entries: HashMap::default(),
            order: VecDeque::new(),
            serial: 0,
            added_since_sweep: 0,
        })
    }

    /// The keys held (claimed or seen, expired ones not yet dropped included).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no key is held.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn live(&self, k: &Key, now_ms: f64) -> Option<&Entry> {
        self.entries.get(k).filter(|e| e.expires_at_ms > now_ms)
    }

    /// Claims `key` for `owner` until `now_ms + ttl_ms`: `true` unless another
    /// claim or a confirmation holds it (a claim of the same owner is renewed).
    pub fn claim(&mut self, key: &str, owner: &str, ttl_ms: f64, now_ms: f64) -> bool {
        let k = dedupe::key(key);
        let expires_at_ms = now_ms + ttl_ms;
        match self.live(&k, now_ms).map(|e| &e.state) {
            Some(State::Seen) => return false,
            Some(State::Claimed(o)) if o != owner => return false,
            Some(State::Claimed(_)) => {
                if let Some(e) = self.entries.get_mut(&k) {
                    e.expires_at_ms = expires_at_ms;
                }
                return true;
            }
            None => {}
        }
        // new, or expired: added again, as the newest
        self.entries.remove(&k);
        if self.entries.len() >= self.capacity {
            self.make_room(now_ms);
        }
        self.serial += 1;
        self.entries.insert(
            k,
            Entry {
                state: State::Claimed(owner.to_owned()),
                expires_at_ms,
                serial: self.serial,
            },
        );
        self.order.push_back((k, self.serial));
        self.added_since_sweep += 1;
        if self.order.len() > 2 * self.capacity {
            self.drop_stale_records();
        }
        true
    }

    /// Marks `key` seen until `now_ms + ttl_ms`, if `owner` holds its claim.
    pub fn confirm(&mut self, key: &str, owner: &str, ttl_ms: f64, now_ms: f64) -> bool {
        let k = dedupe::key(key);
        match self.entries.get_mut(&k) {
            Some(e) if e.expires_at_ms > now_ms && e.state == State::Claimed(owner.to_owned()) => {
                e.state = State::Seen;
                e.expires_at_ms = now_ms + ttl_ms;
                true
            }
            _ => false,
        }
    }

    /// Frees `key`, if `owner` holds its claim.
    pub fn release(&mut self, key: &str, owner: &str, now_ms: f64) -> bool {
        let k = dedupe::key(key);
        let held = self
            .live(&k, now_ms)
            .is_some_and(|e| e.state == State::Claimed(owner.to_owned()));
        if held {
            self.entries.remove(&k);
        }
        held
    }

    /// Frees at least one place: expired keys first (at most once per
    /// `capacity` keys added, so that the sweep is amortised), then the oldest.
    fn make_room(&mut self, now_ms: f64) {
        if self.added_since_sweep >= self.capacity {
            self.added_since_sweep = 0;
            self.entries.retain(|_, e| e.expires_at_ms > now_ms);
            self.drop_stale_records();
        }
        while self.entries.len() >= self.capacity {
            let Some((k, serial)) = self.order.pop_front() else {
                break;
            };
            if self.entries.get(&k).is_some_and(|e| e.serial == serial) {
                self.entries.remove(&k);
            }
        }
    }

    fn drop_stale_records(&mut self) {
        let entries = &self.entries;
        self.order
            .retain(|(k, serial)| entries.get(k).is_some_and(|e| e.serial == *serial));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::webhook::signature::sign_line;

    fn config(auth: Auth) -> Config {
        Config {
            channel: Channel::Line,
            auth,
            verify_token: None,
            max_body_bytes: 100,
        }
    }

    #[test]
    fn routes_by_method_and_declared_length() {
        let c = config(Auth::Unsigned);
        assert_eq!(c.route("POST", None), Route::Body);
        assert_eq!(c.route("post", Some("100")), Route::Body);
        assert_eq!(c.route("POST", Some("101")), Route::Answer(TOO_LARGE));
        assert_eq!(c.route("POST", Some("nonsense")), Route::Body);
        assert_eq!(c.route("GET", None), Route::Handshake);
        assert_eq!(c.route("PUT", None), Route::Answer(METHOD_NOT_ALLOWED));
        assert_eq!(c.route("HEAD", None), Route::Answer(METHOD_NOT_ALLOWED));
    }

    #[test]
    fn handshake_needs_the_verify_token() {
        let mut c = config(Auth::Unsigned);
        assert_eq!(c.handshake("?hub.mode=subscribe"), Err(METHOD_NOT_ALLOWED));
        c.verify_token = Some("vt".into());
        let q = "https://x/?hub.mode=subscribe&hub.verify_token=vt&hub.challenge=42";
        assert_eq!(c.handshake(q), Ok("42".to_owned()));
        let wrong = "?hub.mode=subscribe&hub.verify_token=no&hub.challenge=42";
        assert_eq!(c.handshake(wrong), Err(FORBIDDEN));
    }

    #[test]
    fn authenticates_each_way() {
        let body = br#"{"destination":"U1","events":[]}"#;
        let signed = config(Auth::Signature("s3cret".into()));
        let sig = sign_line(body, b"s3cret");
        assert!(signed.authentic(body, sig.as_deref(), None));
        assert!(!signed.authentic(b"{}", sig.as_deref(), None));
        assert!(!signed.authentic(body, None, None));
        assert!(!signed.authentic(body, Some("not base64"), Some("s3cret")));

        let shared = config(Auth::SharedSecret("tok".into()));
        assert!(shared.authentic(body, None, Some("tok")));
        assert!(!shared.authentic(body, None, Some("tok2")));
        assert!(!shared.authentic(body, None, None));
        assert!(config(Auth::Unsigned).authentic(body, None, None));
    }

    #[test]
    fn reads_the_token_from_the_query_then_the_header() {
        assert_eq!(
            presented_token("https://h/w?token=a%20b", Some("c")),
            Some("a b".into())
        );
        assert_eq!(presented_token("https://h/w", Some("c")), Some("c".into()));
        assert_eq!(presented_token("https://h/w", None), None);
    }

    #[test]
    fn parse_failures_are_400() {
        let c = config(Auth::Unsigned);
        assert_eq!(c.parse(b"[]").err(), Some(BAD_REQUEST));
        assert!(c.parse(br#"{"destination":"U1","events":[]}"#).is_ok());
    }

    #[test]
    fn a_claim_is_held_until_confirmed_or_released() {
        let mut s = Claims::new(10).unwrap();
        assert!(s.claim("k", "a", 1000.0, 0.0));
        assert!(!s.claim("k", "b", 1000.0, 1.0), "held by a");
        assert!(s.claim("k", "a", 1000.0, 2.0), "renewed by its owner");
        assert!(!s.release("k", "b", 3.0), "only the owner releases");
        assert!(s.release("k", "a", 3.0));
        assert!(s.claim("k", "b", 1000.0, 4.0), "free again");
        assert!(!s.confirm("k", "a", 5000.0, 5.0), "only the owner confirms");
        assert!(s.confirm("k", "b", 5000.0, 5.0));
        assert!(!s.claim("k", "b", 1000.0, 6.0), "seen");
        assert!(!s.release("k", "b", 6.0), "a seen key is not released");
        assert!(s.claim("k", "c", 1000.0, 5006.0), "forgotten after its TTL");
    }

    #[test]
    fn an_expired_claim_frees_its_key() {
        let mut s = Claims::new(10).unwrap();
        assert!(s.claim("k", "a", 100.0, 0.0));
        assert!(s.claim("k", "b", 100.0, 100.0));
        assert!(!s.confirm("k", "a", 100.0, 101.0));
        assert!(!s.confirm("k", "b", 100.0, 200.0), "b's claim expired too");
    }

    #[test]
    fn memory_is_bounded() {
        assert!(Claims::new(0).is_err());
        assert!(Claims::new(MAX_CLAIMS_CAPACITY + 1).is_err());
        let mut s = Claims::new(3).unwrap();
        for (i, k) in ["a", "b", "c"].iter().enumerate() {
            assert!(s.claim(k, "o", 1000.0 + i as f64, 0.0));
        }
        assert!(s.claim("d", "o", 1000.0, 1.0));
        assert_eq!(s.len(), 3);
        assert!(s.claim("a", "p", 1000.0, 2.0), "the oldest key went");
        assert!(!s.claim("c", "p", 1000.0, 2.0));
    }

    #[test]
    fn a_full_store_still_remembers_new_keys() {
        let day = 86_400_000.0;
        let mut s = Claims::new(2).unwrap();
        for k in ["a", "b"] {
            assert!(s.claim(k, "o", 1000.0, 0.0) && s.confirm(k, "o", day, 0.0));
        }
        // two deliveries in flight: the second's claim does not push out the
        // first's, which expires before the seen keys do
        assert!(s.claim("c", "p", 1000.0, 1.0));
        assert!(s.claim("d", "q", 1000.0, 1.0));
        assert!(s.confirm("c", "p", day, 2.0), "c's claim is still held");
        assert!(s.confirm("d", "q", day, 2.0));
        assert!(!s.claim("c", "r", 1000.0, 3.0), "c is remembered");
        assert!(s.claim("a", "r", 1000.0, 3.0), "the oldest was forgotten");
    }

    #[test]
    fn expired_keys_go_before_older_live_ones() {
        let mut s = Claims::new(3).unwrap();
        assert!(s.claim("old", "o", 10_000.0, 0.0));
        assert!(s.claim("brief", "o", 10.0, 0.0));
        assert!(s.claim("new", "o", 10_000.0, 0.0));
        assert!(s.claim("later", "o", 10_000.0, 100.0));
        assert!(!s.claim("old", "p", 10_000.0, 100.0), "old is kept");
        assert!(!s.claim("new", "p", 10_000.0, 100.0));
    }

    #[test]
    fn released_keys_leave_no_records_behind() {
        let mut s = Claims::new(4).unwrap();
        for i in 0..10_000 {
            let k = format!("k{i}");
            assert!(s.claim(&k, "o", 1000.0, 0.0));
            assert!(s.release(&k, "o", 0.0));
        }
        assert!(s.is_empty());
        assert!(s.order.len() <= 8, "{} records", s.order.len());
    }
}
