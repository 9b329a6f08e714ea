//! Sending one message to every active subscriber of a topic: the subscribers
//! paged through `query_sub_users` (or given, e.g. a queue message's batch of
//! them), each send claimed in a [`ClaimStore`]
//! first and marked there once its outcome is known, so that a run started
//! again with the same id (or run by several processes at once) never sends
//! to anyone twice.
//!
//! A send is repeated only when it certainly was not processed (the client's
//! retry policy and `messenger.send`'s retry safety); one that may have been
//! processed counts as `unknown` and is never repeated, by this run or a resumed one.

use crate::api;
use crate::client::paging::{PageWalker, MAX_PAGE_SIZE};
use crate::client::sobot::{CallOptions, SobotClient};
use crate::client::store::TokenStore;
use crate::client::{Clock, Detach, Transport};
use crate::error::{Error, Violation};
use crate::webhook::handler::Claims;
use serde::Serialize;
use serde_json::{Map, Value};
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::task::{Poll, Waker};

/// The most sends in flight by default.
pub const DEFAULT_CONCURRENCY: u32 = 4;
/// The largest `concurrency` accepted.
pub const MAX_CONCURRENCY: u32 = 64;
/// How long claims and marks hold by default (ms): 7 days. A claim must
/// outlive its run (and any resume of it): once it lapses, a resumed run or
/// another process could claim the recipient again and send a second time.
pub const DEFAULT_CLAIM_TTL_MS: u64 = 7 * 24 * 60 * 60 * 1000;
/// The most subscribers a broadcast's memory store holds (the webhook store's limit).
pub const MEMORY_CAPACITY: usize = crate::webhook::handler::MAX_CLAIMS_CAPACITY;
/// The `recipient_token` the message is validated with before any subscriber is known.
const PLACEHOLDER_TOKEN: &str = "0";

/// Where a run records its recipients: the webhook de-duplication store's
/// shape (`claim` / `confirm` / `release`, each for one owner), so one store
/// (the memory one, `redisDedupeStore`, a Durable Object) serves both.
#[allow(async_fn_in_trait)]
pub trait ClaimStore {
    /// Claims `key` for `owner` for `ttl_ms`: `false` when another owner holds
    /// it or it was confirmed.
    async fn claim(&self, key: &str, owner: &str, ttl_ms: u64) -> Result<bool, Error>;
    /// Marks `key` done for `ttl_ms`, if `owner` holds its claim.
    async fn confirm(&self, key: &str, owner: &str, ttl_ms: u64) -> Result<(), Error>;
    /// Frees `key`, if `owner` holds its claim.
    async fn release(&self, key: &str, owner: &str) -> Result<(), Error>;
}

/// The in-memory store over the webhook's [`Claims`], timed by a clock.
pub struct MemoryClaims<C> {
    claims: RefCell<Claims>,
    clock: C,
}

impl<C: Clock> MemoryClaims<C> {
    /// A store of at most [`MEMORY_CAPACITY`] keys.
    pub fn new(clock: C) -> Result<Self, Error> {
        Ok(MemoryClaims {
            claims: RefCell::new(Claims::new(MEMORY_CAPACITY)?),
            clock,
        })
    }

    fn now(&self) -> f64 {
        self.clock.now_ms() as f64
    }
}

impl<C: Clock> ClaimStore for MemoryClaims<C> {
    async fn claim(&self, key: &str, owner: &str, ttl_ms: u64) -> Result<bool, Error> {
        let now = self.now();
        Ok(self
            .claims
            .borrow_mut()
            .claim(key, owner, ttl_ms as f64, now))
    }

    async fn confirm(&self, key: &str, owner: &str, ttl_ms: u64) -> Result<(), Error> {
        let now = self.now();
        self.claims
            .borrow_mut()
            .confirm(key, owner, ttl_ms as f64, now);
        Ok(())
    }

    async fn release(&self, key: &str, owner: &str) -> Result<(), Error> {
        let now = self.now();
        self.claims.borrow_mut().release(key, owner, now);
        Ok(())
    }
}

impl<S: ClaimStore> ClaimStore for std::rc::Rc<S> {
    async fn claim(&self, key: &str, owner: &str, ttl_ms: u64) -> Result<bool, Error> {
        (**self).claim(key, owner, ttl_ms).await
    }
    async fn confirm(&self, key: &str, owner: &str, ttl_ms: u64) -> Result<(), Error> {
        (**self).confirm(key, owner, ttl_ms).await
    }
    async fn release(&self, key: &str, owner: &str) -> Result<(), Error> {
        (**self).release(key, owner).await
    }
}

/// A checked broadcast request: whom to send to and the message without its recipient.
#[derive(Debug, Clone)]
pub struct Broadcast {
    source: Recipients,
    message: Map<String, Value>,
}

/// Whom a broadcast sends to.
#[derive(Debug, Clone)]
enum Recipients {
    /// A topic's subscribers, paged through `query_sub_users` with this filter.
    Topic(Value),
    /// Subscriber rows the caller already holds (a queue consumer's batch).
    Given(Vec<Value>),
}

const REQUEST_FIELDS: &[&str] = &["appid", "title", "subscribers", "message"];
/// The most subscriber rows one request may give (a queue message's batch, or several).
pub const MAX_GIVEN_SUBSCRIBERS: usize = 10_000;

/// `v` at `message.<path>`, its sentence naming the new path.
fn under_message(mut v: Violation) -> Violation {
    let path = if v.path.is_empty() {
        "message".to_owned()
    } else {
        format!("message.{}", v.path)
    };
    if !v.path.is_empty() && v.message.starts_with(&v.path) {
        v.message = format!("message.{}", v.message);
    } else if v.path.is_empty() {
        v.message = format!("message: {}", v.message);
    }
    v.path = path;
    v
}

impl Broadcast {
    /// Reads `{ appid, title, message }`: the topic as `query_sub_users` takes
    /// it and a send request without its recipient, checked by the send
    /// validator (its paths under `message.`). Every violation at once.
    pub fn new(request: &Value) -> Result<Self, Error> {
        let Some(root) = request.as_object() else {
            let v =
                Violation::wrong_type("", "an object", crate::validate::check::type_name(request));
            return Err(Error::validation(vec![v]));
        };
        let mut violations = Vec::new();
        for k in root.keys() {
            if !REQUEST_FIELDS.contains(&k.as_str()) {
                violations.push(Violation::unknown_field(k, REQUEST_FIELDS));
            }
        }
        let source = match root.get("subscribers") {
            Some(given) => {
                for k in ["appid", "title"] {
                    if root.contains_key(k) {
                        violations.push(Violation::new(
                            k,
                            "exclusive",
                            None,
                            None,
                            format!(
                                "{k} names a topic; give either appid and title, or subscribers"
                            ),
                        ));
                    }
                }
                Recipients::Given(given_rows(given, &mut violations))
            }
            None => {
                let mut filter = Map::new();
                for k in ["appid", "title"] {
                    if let Some(v) = root.get(k) {
                        filter.insert(k.to_owned(), v.clone());
                    }
                }
                filter.insert("page_no".into(), Value::from(1));
                filter.insert("page_size".into(), Value::from(MAX_PAGE_SIZE));
                let filter = Value::Object(filter);
                violations.extend((api::MESSENGER_QUERY_SUB_USERS.validate)(&filter));
                Recipients::Topic(filter)
            }
        };
        let message = match root.get("message") {
            None => {
                violations.push(Violation::required("message"));
                Map::new()
            }
            Some(Value::Object(m)) => m.clone(),
            Some(other) => {
                violations.push(Violation::wrong_type(
                    "message",
                    "an object (a send request without its recipient)",
                    crate::validate::check::type_name(other),
                ));
                Map::new()
            }
        };
        if root.get("message").is_some_and(Value::is_object) {
            for k in ["recipientid", "recipient_token"] {
                if message.contains_key(k) {
                    violations.push(Violation::new(
                        &format!("message.{k}"),
                        "unknown_field",
                        None,
                        None,
                        format!(
                            "message.{k} is set by the broadcast (recipient_token: each subscriber's sub_token); leave it out"
                        ),
                    ));
                }
            }
            let mut probe = message.clone();
            probe.remove("recipientid");
            probe.insert("recipient_token".into(), Value::from(PLACEHOLDER_TOKEN));
            let found = (api::MESSENGER_SEND.validate)(&Value::Object(probe));
            violations.extend(found.into_iter().map(under_message));
        }
        if !violations.is_empty() {
            return Err(Error::validation(violations).at("messenger.broadcast"));
        }
        Ok(Broadcast { source, message })
    }

    /// The send request of one subscriber's `sub_token`.
    fn send_to(&self, sub_token: &str) -> Value {
        let mut m = self.message.clone();
        m.insert("recipient_token".into(), Value::from(sub_token));
        Value::Object(m)
    }
}

/// The rows of `subscribers`: an array of objects, as the subscriber list gives them.
fn given_rows(given: &Value, violations: &mut Vec<Violation>) -> Vec<Value> {
    let Value::Array(rows) = given else {
        violations.push(Violation::wrong_type(
            "subscribers",
            "an array of subscribers (as the subscriber list gives them)",
            crate::validate::check::type_name(given),
        ));
        return Vec::new();
    };
    if rows.len() > MAX_GIVEN_SUBSCRIBERS {
        violations.push(Violation::new(
            "subscribers",
            "max_items",
            Some(Value::from(MAX_GIVEN_SUBSCRIBERS)),
            Some(Value::from(rows.len())),
            format!(
                "subscribers has {} rows; at most {MAX_GIVEN_SUBSCRIBERS} per broadcast",
                rows.len()
            ),
        ));
    }
    for (i, row) in rows.iter().enumerate() {
        if !row.is_object() {
            violations.push(Violation::wrong_type(
                &format!("subscribers[{i}]"),
                "an object",
                crate::validate::check::type_name(row),
            ));
        }
    }
    rows.clone()
}

/// How a run goes.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// The run's identity: the prefix of its store keys (`<run_id>:<recipient>`).
    pub run_id: String,
    /// The owner id of this run's claims (random per run, so that a resumed
    /// run never takes an earlier run's claims for its own), suffixed `.<n>` per claim.
    pub owner: String,
    /// The most sends in flight (1 to [`MAX_CONCURRENCY`]).
    pub concurrency: u32,
    /// The most sends started in any second, when set.
    pub per_second: Option<u32>,
    /// How long claims and marks hold, in milliseconds.
    pub claim_ttl_ms: u64,
    /// Each call's timeout.
    pub timeout_ms: Option<u64>,
}

/// The counts of a run so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct BroadcastCounts {
    /// Subscribers this run dealt with: the sum of the other counts.
    pub total: u64,
    /// Sends the platform accepted.
    pub sent: u64,
    /// Subscribers whose `sub_status` is not 1 (unsubscribed): nothing sent.
    pub skipped: u64,
    /// Sends that certainly were not processed, or were refused.
    pub failed: u64,
    /// Sends that may have been processed (a 5xx, a timeout, a reset): never repeated.
    pub unknown: u64,
    /// Recipients claimed already (by another process, or an earlier run with this id): nothing sent.
    pub already_claimed: u64,
}

/// Why a recipient is in `failures`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Not sent (certainly not processed, or refused by the platform).
    Failed,
    /// May have been sent.
    Unknown,
}

/// One failed or unknown recipient.
#[derive(Debug, Clone)]
pub struct RecipientFailure {
    /// The subscriber's `facebookid` (its `sub_token` when it has none).
    pub recipient: String,
    /// Failed or unknown.
    pub outcome: Outcome,
    /// Whether its claim was released, so that a resumed run sends to it again:
    /// a failure that certainly was not processed and may succeed later (a 429
    /// after every attempt, a refused connection).
    pub released: bool,
    /// The send's error.
    pub error: Error,
}

/// What a run did.
#[derive(Debug, Clone, Default)]
pub struct RunReport {
    /// The counts.
    pub counts: BroadcastCounts,
    /// Whether the run stopped early at the caller's signal.
    pub cancelled: bool,
    /// The failed and unknown recipients, in the order their sends ended.
    pub failures: Vec<RecipientFailure>,
}

impl Outcome {
    /// `failed` or `unknown`.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Failed => "failed",
            Outcome::Unknown => "unknown",
        }
    }
}

/// One failed or unknown recipient, as a report shows it (never a secret:
/// the error's message is the caller's to redact first).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify), tsify(missing_as_null))]
#[serde(rename_all = "camelCase")]
pub struct BroadcastFailure {
    /// The subscriber's `facebookid` (its `sub_token` when it has none).
    pub recipient: String,
    /// `failed`: not sent. `unknown`: may have been sent; never sent again.
    #[cfg_attr(target_arch = "wasm32", tsify(type = "'failed' | 'unknown'"))]
    pub outcome: &'static str,
    /// Whether its claim was released, so that a run resumed with the same id sends to it again.
    pub released: bool,
    /// The error's kind.
    #[cfg_attr(target_arch = "wasm32", tsify(type = "SobotErrorKind"))]
    pub kind: &'static str,
    /// The platform's code, where it gave one.
    pub code: Option<String>,
    /// The HTTP status, when an answer arrived.
    pub status: Option<u16>,
    /// What went wrong.
    pub message: String,
}

/// What a broadcast did: its run id, the counts, and each failed or unknown recipient.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct BroadcastReport {
    /// The run's id: give it again (with the same store) to resume the run.
    pub run_id: String,
    /// The counts.
    #[serde(flatten)]
    pub counts: BroadcastCounts,
    /// Whether the run stopped early at the caller's signal.
    pub cancelled: bool,
    /// The failed and unknown recipients, in the order their sends ended.
    pub failures: Vec<BroadcastFailure>,
}

impl RunReport {
    /// The report of run `run_id`, each error passed through `redact` first.
    pub fn view(self, run_id: &str, redact: impl Fn(&mut Error)) -> BroadcastReport {
        let failures = self
            .failures
            .into_iter()
            .map(|mut f| {
                redact(&mut f.error);
                BroadcastFailure {
                    recipient: f.recipient,
                    outcome: f.outcome.as_str(),
                    released: f.released,
                    kind: f.error.kind.as_str(),
                    code: f.error.code,
                    status: f.error.status,
                    message: f.error.message,
                }
            })
            .collect();
        BroadcastReport {
            run_id: run_id.to_owned(),
            counts: self.counts,
            cancelled: self.cancelled,
            failures,
        }
    }
}

/// The run's end: its report, and the error that ended it early (a page that
/// could not be read, a store that failed), if any. What was done stays
/// recorded in the store, so the same run id resumes.
#[derive(Debug)]
pub struct RunResult {
    /// What the run did.
    pub report: RunReport,
    /// Why it stopped before the end, when it did not stop at the caller's signal.
    pub error: Option<Error>,
}

/// Wakes the workers waiting for a page.
#[derive(Default)]
struct Notify {
    generation: Cell<u64>,
    wakers: RefCell<Vec<Waker>>,
}

impl Notify {
    fn notify(&self) {
        self.generation.set(self.generation.get().wrapping_add(1));
        for w in self.wakers.take() {
            w.wake();
        }
    }

    async fn wait(&self) {
        let start = self.generation.get();
        poll_fn(|cx| {
            if self.generation.get() != start {
                return Poll::Ready(());
            }
            let mut wakers = self.wakers.borrow_mut();
            if !wakers.iter().any(|w| w.will_wake(cx.waker())) {
                wakers.push(cx.waker().clone());
            }
            Poll::Pending
        })
        .await;
    }
}

/// At most `limit` starts in any 1000 ms.
struct Pacer {
    limit: usize,
    starts: VecDeque<u64>,
}

impl Pacer {
    /// The wait before a start at `now`, or 0 after recording the start.
    fn take(&mut self, now: u64) -> u64 {
        while self
            .starts
            .front()
            .is_some_and(|&t| t.saturating_add(1000) <= now)
        {
            self.starts.pop_front();
        }
        if self.starts.len() < self.limit {
            self.starts.push_back(now);
            return 0;
        }
        self.starts
            .front()
            .map_or(0, |&t| t.saturating_add(1000).saturating_sub(now).max(1))
    }
}

struct Source {
    /// The page walk of a topic; `None` for given rows.
    walker: Option<PageWalker>,
    buffer: VecDeque<Value>,
    fetching: bool,
    done: bool,
}

/// The state the workers share (one thread: no borrow is held across an await).
struct Run<'a, S, T, C, K, P, X> {
    client: &'a SobotClient<S>,
    transport: &'a T,
    clock: &'a C,
    store: &'a K,
    broadcast: &'a Broadcast,
    options: &'a RunOptions,
    on_progress: &'a P,
    cancelled: &'a X,
    source: RefCell<Source>,
    notify: Notify,
    pacer: Option<RefCell<Pacer>>,
    report: RefCell<RunReport>,
    stop: Cell<bool>,
    error: RefCell<Option<Error>>,
    /// Claims taken so far (each its own owner).
    claims: Cell<u64>,
}

/// A subscriber as the run reads it.
struct Subscriber {
    active: bool,
    recipient: Option<String>,
    sub_token: Option<String>,
}

fn text(item: &Value, key: &str) -> Option<String> {
    match item.get(key)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

impl Subscriber {
    fn read(item: &Value) -> Self {
        let status = match item.get("sub_status") {
            Some(Value::Number(n)) => n.as_i64(),
            Some(Value::String(s)) => s.trim().parse().ok(),
            _ => None,
        };
        let sub_token = text(item, "sub_token");
        Subscriber {
            active: status == Some(1),
            recipient: text(item, "facebookid").or_else(|| sub_token.clone()),
            sub_token,
        }
    }
}

/// What became of one recipient.
enum Done {
    Skipped,
    AlreadyClaimed,
    Sent,
    Failure(RecipientFailure),
    /// Not sent: the run stopped before (its claim was released).
    NotStarted,
}

impl<S, T, C, K, P, X> Run<'_, S, T, C, K, P, X>
where
    S: TokenStore + 'static,
    T: Transport + Detach + 'static,
    C: Clock + Detach + 'static,
    K: ClaimStore,
    P: Fn(&BroadcastCounts),
    X: Fn() -> bool,
{
    fn halt(&self) -> bool {
        if !self.stop.get() && (self.cancelled)() {
            self.stop.set(true);
            self.report.borrow_mut().cancelled = true;
        }
        self.stop.get()
    }

    fn fail_run(&self, e: Error) {
        self.stop.set(true);
        if e.is_cancelled() {
            self.report.borrow_mut().cancelled = true;
            return;
        }
        let mut slot = self.error.borrow_mut();
        if slot.is_none() {
            *slot = Some(e);
        }
    }

    /// The next subscriber, reading a page when none is left; `None` at the end.
    async fn next(&self) -> Option<Value> {
        loop {
            if self.halt() {
                return None;
            }
            let walker = {
                let mut s = self.source.borrow_mut();
                if let Some(v) = s.buffer.pop_front() {
                    return Some(v);
                }
                if s.done {
                    return None;
                }
                match &s.walker {
                    Some(w) if !s.fetching => {
                        let w = w.clone();
                        s.fetching = true;
                        Some(w)
                    }
                    _ => None,
                }
            };
            let Some(mut walker) = walker else {
                self.notify.wait().await;
                continue;
            };
            let page = self
                .client
                .next_page(
                    self.transport,
                    self.clock,
                    &api::MESSENGER_QUERY_SUB_USERS,
                    &mut walker,
                    CallOptions {
                        timeout_ms: self.options.timeout_ms,
                    },
                )
                .await;
            {
                let mut s = self.source.borrow_mut();
                s.fetching = false;
                s.walker = Some(walker);
                match page {
                    Ok(Some(items)) => s.buffer.extend(items),
                    Ok(None) => s.done = true,
                    Err(e) => {
                        s.done = true;
                        drop(s);
                        self.fail_run(e);
                    }
                }
            }
            self.notify.notify();
        }
    }

    /// Waits for a start within `per_second`; `false` when the run stopped meanwhile.
    async fn paced(&self) -> bool {
        let Some(pacer) = &self.pacer else {
            return true;
        };
        loop {
            let wait = pacer.borrow_mut().take(self.clock.now_ms());
            if wait == 0 {
                return true;
            }
            if let Err(e) = self.clock.sleep(wait).await {
                self.fail_run(e);
                return false;
            }
            if self.halt() {
                return false;
            }
        }
    }

    async fn one(&self, item: &Value) -> Done {
        let sub = Subscriber::read(item);
        if !sub.active {
            return Done::Skipped;
        }
        let recipient = sub.recipient.unwrap_or_default();
        let Some(token) = sub.sub_token else {
            let mut v = Violation::required("sub_token");
            v.message = "the subscriber has no sub_token: nothing was sent".to_owned();
            return Done::Failure(RecipientFailure {
                recipient,
                outcome: Outcome::Failed,
                released: false,
                error: Error::validation(vec![v]).at(api::MESSENGER_SEND.name),
            });
        };
        let key = format!("{}:{recipient}", self.options.run_id);
        // One owner per claim: a store renews a claim for its own owner, and a
        // row the listing gives twice must not be claimed twice.
        let n = self.claims.get();
        self.claims.set(n.wrapping_add(1));
        let owner = format!("{}.{n}", self.options.owner);
        let (owner, ttl) = (owner.as_str(), self.options.claim_ttl_ms);
        match self.store.claim(&key, owner, ttl).await {
            Ok(true) => {}
            Ok(false) => return Done::AlreadyClaimed,
            Err(e) => {
                self.fail_run(store_failure(e, "claim"));
                return Done::NotStarted;
            }
        }
        if !self.paced().await || self.halt() {
            // Not sent: free it for a resumed run.
            let _ = self.store.release(&key, owner).await;
            return Done::NotStarted;
        }
        // Detached: a send that started finishes (with its retries) whatever
        // the signal does; the signal stops the run between sends.
        let (transport, clock) = (self.transport.detach(), self.clock.detach());
        let request = self.broadcast.send_to(&token);
        let opts = CallOptions {
            timeout_ms: self.options.timeout_ms,
        };
        let (r, call) = self
            .client
            .call(&transport, &clock, &api::MESSENGER_SEND, &request, opts)
            .await;
        let error = match r {
            Ok(_) => {
                let _ = self.store.confirm(&key, owner, ttl).await;
                return Done::Sent;
            }
            Err(e) => e,
        };
        let outcome = if call.maybe_processed {
            Outcome::Unknown
        } else {
            Outcome::Failed
        };
        let released = outcome == Outcome::Failed && error.retryable;
        // A store that fails here leaves the claim held until its TTL: the
        // recipient is then not sent again (the safe side).
        let _ = if released {
            self.store.release(&key, owner).await
        } else {
            self.store.confirm(&key, owner, ttl).await
        };
        Done::Failure(RecipientFailure {
            recipient,
            outcome,
            released,
            error,
        })
    }

    fn record(&self, done: Done) {
        let mut report = self.report.borrow_mut();
        let c = &mut report.counts;
        if !matches!(done, Done::NotStarted) {
            c.total += 1;
        }
        let sent = match done {
            Done::Skipped => {
                c.skipped += 1;
                false
            }
            Done::AlreadyClaimed => {
                c.already_claimed += 1;
                false
            }
            Done::NotStarted => false,
            Done::Sent => {
                c.sent += 1;
                true
            }
            Done::Failure(f) => {
                match f.outcome {
                    Outcome::Failed => c.failed += 1,
                    Outcome::Unknown => c.unknown += 1,
                }
                report.failures.push(f);
                true
            }
        };
        let counts = report.counts;
        drop(report);
        if sent {
            (self.on_progress)(&counts);
        }
    }

    async fn worker(&self) {
        while let Some(item) = self.next().await {
            let done = self.one(&item).await;
            self.record(done);
        }
    }
}

fn store_failure(mut e: Error, method: &str) -> Error {
    e.message = format!("the broadcast store's {method}() failed: {}", e.message);
    e
}

/// Runs `futures` together until all are done.
async fn join_all<F: Future<Output = ()>>(futures: Vec<F>) {
    let mut slots: Vec<Option<Pin<Box<F>>>> =
        futures.into_iter().map(|f| Some(Box::pin(f))).collect();
    poll_fn(|cx| {
        let mut pending = false;
        for slot in &mut slots {
            if let Some(f) = slot {
                if f.as_mut().poll(cx).is_ready() {
                    *slot = None;
                } else {
                    pending = true;
                }
            }
        }
        if pending {
            Poll::Pending
        } else {
            Poll::Ready(())
        }
    })
    .await;
}

/// Runs a broadcast: `concurrency` workers take subscribers page after page
/// and send to each active one. `transport` and `clock` carry the caller's
/// signal for the page reads and the pacing waits; sends run detached from
/// it. `cancelled` is asked between sends; `on_progress` is told the counts
/// after each send and once at the end.
#[allow(clippy::too_many_arguments)]
pub async fn run<S, T, C, K>(
    client: &SobotClient<S>,
    transport: &T,
    clock: &C,
    store: &K,
    broadcast: &Broadcast,
    options: &RunOptions,
    on_progress: &impl Fn(&BroadcastCounts),
    cancelled: &impl Fn() -> bool,
) -> RunResult
where
    S: TokenStore + 'static,
    T: Transport + Detach + 'static,
    C: Clock + Detach + 'static,
    K: ClaimStore,
{
    let run = Run {
        client,
        transport,
        clock,
        store,
        broadcast,
        options,
        on_progress,
        cancelled,
        source: RefCell::new(match &broadcast.source {
            Recipients::Topic(filter) => Source {
                walker: Some(PageWalker::new(filter, "items")),
                buffer: VecDeque::new(),
                fetching: false,
                done: false,
            },
            Recipients::Given(rows) => Source {
                walker: None,
                buffer: rows.iter().cloned().collect(),
                fetching: false,
                done: true,
            },
        }),
        notify: Notify::default(),
        pacer: options.per_second.map(|n| {
            RefCell::new(Pacer {
                limit: n.max(1) as usize,
                starts: VecDeque::new(),
            })
        }),
        report: RefCell::new(RunReport::default()),
        stop: Cell::new(false),
        error: RefCell::new(None),
        claims: Cell::new(0),
    };
    let n = options.concurrency.clamp(1, MAX_CONCURRENCY);
    join_all((0..n).map(|_| run.worker()).collect()).await;
    let report = run.report.take();
    on_progress(&report.counts);
    RunResult {
        report,
        error: run.error.take(),
    }
}
