//! The one shared token of a client: read from the [`TokenStore`], refreshed
//! ahead of expiry, one refresh at a time (single-flight within the process,
//! and across processes through the store's lock).
//!
//! The refresh is shared work: it runs on a [`Detach`]ed transport and clock,
//! free of every caller's signal, and is driven by whichever callers wait for
//! it, each on its own timer and within its own time limit. A caller that
//! gives up (its signal, its timeout) leaves the refresh to the others.

use crate::api::{RetrySafety, GET_TOKEN};
use crate::client::config::{SobotConfig, DEFAULT_TIMEOUT_MS};
use crate::client::exec::transport_error;
use crate::client::exec::{with_retries, AttemptError};
use crate::client::retry::{api_failure, classify, Failure, RetryPolicy};
use crate::client::store::{Lock, StoredToken, TokenStore};
use crate::client::token::{decode_token_response, token_request};
use crate::client::{Clock, Detach, Transport, TransportError};
use crate::error::{Error, ErrorKind};
use secrecy::{ExposeSecret, SecretString};
use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::Poll;

/// How often a refresh that found the store's lock busy looks for the new
/// token, and tries the lock again (a dead holder's lock is taken as soon as
/// it expires).
pub const LOCK_POLL_MS: u64 = 50;

/// How often a call waiting for the shared refresh looks whether it ended.
///
/// Waiters look on their own timer instead of only being woken by the
/// refresh: in Workers each request has its own I/O context, and a request
/// that waits only on another request's I/O is cancelled by the runtime as hung.
pub const FLIGHT_POLL_MS: u64 = 5;

/// The longest wait for one token store operation (shorter when the call's
/// timeout is): a store is a fast key-value read, and a hung one must not
/// hold a call for its whole timeout.
pub const STORE_TIMEOUT_MS: u64 = 5_000;

/// After a store failure, calls that hold a valid token use it without
/// asking the store for this long (an outage costs one store timeout per
/// interval, not one per call).
pub const STORE_RETRY_MS: u64 = 5_000;

/// The store timeout of a call whose timeout is `timeout_ms`.
fn store_timeout(timeout_ms: u64) -> u64 {
    timeout_ms.min(STORE_TIMEOUT_MS)
}

/// How long one refresh may take with a per-attempt `timeout_ms`: every
/// attempt at its timeout, every backoff at its longest, and the store's
/// reads and writes around them. The store's lock is taken for this long, so
/// that it covers the whole refresh; a refresh past it stores nothing.
pub fn refresh_budget_ms(timeout_ms: Option<u64>, retry: &RetryPolicy) -> u64 {
    let timeout = timeout_ms.unwrap_or(DEFAULT_TIMEOUT_MS);
    let attempts = u64::from(retry.max_attempts.max(1));
    attempts
        .saturating_mul(timeout)
        .saturating_add((attempts - 1).saturating_mul(retry.max_delay_ms))
        .saturating_add(2 * store_timeout(timeout))
}

/// Whether `t` may be used now: not within `margin_ms` of its expiry, and not
/// the token the platform just refused.
fn usable(t: &StoredToken, now_ms: u64, margin_ms: u64, stale: Option<&str>) -> bool {
    t.expires_at_ms > now_ms.saturating_add(margin_ms) && stale != Some(t.token.expose_secret())
}

/// Counters of what the manager did, for tests and diagnostics.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TokenStats {
    /// `get_token` requests sent.
    pub requests: u64,
    /// Refreshes completed.
    pub refreshes: u64,
}

#[derive(Default)]
struct Counters {
    requests: Cell<u64>,
    refreshes: Cell<u64>,
}

type Task = Pin<Box<dyn Future<Output = Result<StoredToken, Error>>>>;

/// One shared refresh: its task until it ends, then its result.
///
/// One waiting call at a time drives the task (polls it), so that its I/O
/// runs in that call's context; the others look at `done` on their own timer
/// (in Workers a request must not be woken by another request's I/O). When
/// the driver gives up or is dropped, the next waiter to look drives.
struct Flight {
    task: RefCell<Option<Task>>,
    done: RefCell<Option<Result<StoredToken, Error>>>,
    /// Past this, the refresh is abandoned by its waiters.
    deadline_ms: u64,
    /// The call driving the task (0: none).
    driver: Cell<u64>,
    /// How many times the driver has looked: a driver silent while a waiter
    /// looks [`STALL_LOOKS`] times is gone (in Workers, with its request).
    beats: Cell<u64>,
    /// Whether the task holds the store's lock (a replacement flight then
    /// releases it first).
    locked: Rc<Cell<bool>>,
}

/// A driver that has not looked at its flight while a waiter looked this
/// many times (about a second) is gone: its flight is replaced by a new one
/// in a waiter's own context. Counted in looks, not time, so that a long
/// wait inside the refresh never counts as silence.
pub const STALL_LOOKS: u32 = 200;

/// Gives the flight up as its driver when the call ends or is dropped.
struct Driving<'a> {
    flight: &'a Flight,
    me: u64,
}

impl Drop for Driving<'_> {
    fn drop(&mut self) {
        if self.flight.driver.get() == self.me {
            self.flight.driver.set(0);
        }
    }
}

impl Flight {
    fn result(&self) -> Option<Result<StoredToken, Error>> {
        self.done.borrow().clone()
    }

    /// Polls the task once; `Some` once it has ended.
    fn poll(&self, cx: &mut std::task::Context<'_>) -> Option<Result<StoredToken, Error>> {
        if let Some(r) = self.result() {
            return Some(r);
        }
        // A store method that calls back into the client while the task is
        // being polled finds it borrowed: it waits for the next look.
        let mut slot = self.task.try_borrow_mut().ok()?;
        let task = slot.as_mut()?;
        let Poll::Ready(r) = task.as_mut().poll(cx) else {
            return None;
        };
        *slot = None;
        *self.done.borrow_mut() = Some(r.clone());
        Some(r)
    }
}

/// Waits for `a` or `b`, whichever is ready first (`a` is looked at first):
/// `Ok` with `a`'s output, `Err` with `b`'s.
async fn first<A: Future, B: Future>(a: A, b: B) -> Result<A::Output, B::Output> {
    let (mut a, mut b) = (std::pin::pin!(a), std::pin::pin!(b));
    std::future::poll_fn(|cx| {
        if let Poll::Ready(r) = a.as_mut().poll(cx) {
            return Poll::Ready(Ok(r));
        }
        b.as_mut().poll(cx).map(Err)
    })
    .await
}

/// Waits for `f` or for `flight` to end, whichever is first; `Ok` when the
/// flight ended.
async fn race<F: Future>(flight: &Flight, f: F) -> Result<Result<StoredToken, Error>, F::Output> {
    let ended = std::future::poll_fn(|cx| flight.poll(cx).map_or(Poll::Pending, Poll::Ready));
    first(ended, f).await
}

/// Runs one store operation within `ms` (and the clock's signal).
async fn bounded<C: Clock, O>(
    clock: &C,
    ms: u64,
    method: &str,
    op: impl Future<Output = Result<O, Error>>,
) -> Result<O, Error> {
    let raced = first(op, clock.sleep(ms)).await;
    match raced {
        Ok(Ok(v)) => Ok(v),
        // A store's failure, named as one (unless the store already did).
        Ok(Err(e)) if e.is_cancelled() || e.code.as_deref() == Some(STORE_CODE) => Err(e),
        Ok(Err(e)) => {
            let mut wrapped = Error::network(format!(
                "the token store is unreachable: its {method}() failed: {}",
                e.message
            ));
            wrapped.code = Some(STORE_CODE.into());
            Err(wrapped)
        }
        Err(Err(cancelled)) => Err(cancelled),
        Err(Ok(())) => {
            let mut e = Error::timeout(format!(
                "the token store is unreachable: its {method}() did not answer within {ms} ms"
            ));
            e.code = Some(STORE_CODE.into());
            Err(e)
        }
    }
}

/// The `code` of an error of the caller's token store.
pub const STORE_CODE: &str = "token_store";

/// A read-only store without a valid token: nothing to fall back on, since
/// its client never fetches one.
fn read_only_without_token() -> Error {
    let mut e = Error::network(
        "the token store holds no valid token, and its client never fetches one \
         (the store has get() but no set()): store a token from a process that holds the appKey",
    );
    e.code = Some(STORE_CODE.into());
    e.retryable = false;
    e
}

/// Keeps the token fresh and shared: by every call of a client, and by every
/// client given the same manager (clients over one store object).
pub struct TokenManager<S> {
    store: Rc<S>,
    flight: RefCell<Option<Rc<Flight>>>,
    counters: Rc<Counters>,
    /// The last token handed out or stored: used while the store fails, and
    /// kept out of error messages.
    held: RefCell<Option<StoredToken>>,
    /// Until when calls holding a valid token skip the failing store.
    store_down_until_ms: Rc<Cell<u64>>,
    /// Calls that waited for a flight so far (each waiter's id).
    calls: Cell<u64>,
    /// Set when a stalled flight that held the store's lock was replaced:
    /// the next refresh releases that lock first.
    release_first: Cell<bool>,
}

impl<S: TokenStore + 'static> TokenManager<S> {
    /// A manager over `store`.
    pub fn new(store: S) -> Self {
        TokenManager {
            store: Rc::new(store),
            flight: RefCell::new(None),
            counters: Rc::default(),
            held: RefCell::new(None),
            store_down_until_ms: Rc::default(),
            calls: Cell::new(0),
            release_first: Cell::new(false),
        }
    }

    /// What the manager did so far.
    pub fn stats(&self) -> TokenStats {
        TokenStats {
            requests: self.counters.requests.get(),
            refreshes: self.counters.refreshes.get(),
        }
    }

    /// The last token this manager handed out or stored (never logged; used
    /// to keep it out of error messages).
    pub fn last_token(&self) -> Option<SecretString> {
        self.held.borrow().as_ref().map(|t| t.token.clone())
    }

    fn remember(&self, t: StoredToken) -> StoredToken {
        let same = self.held.borrow().as_ref().is_some_and(|h| {
            h.expires_at_ms == t.expires_at_ms && h.token.expose_secret() == t.token.expose_secret()
        });
        if !same {
            *self.held.borrow_mut() = Some(t.clone());
        }
        t
    }

    /// The store.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// A valid token other than `stale` (the one the platform just refused),
    /// refreshed `config.refresh_margin_ms` before it expires. Concurrent
    /// callers share one refresh; each waits for it within its own
    /// `timeout_ms` budget ([`refresh_budget_ms`]) and its clock's signal.
    pub async fn token<T, C>(
        &self,
        transport: &T,
        clock: &C,
        config: &SobotConfig,
        stale: Option<&str>,
        timeout_ms: Option<u64>,
    ) -> Result<StoredToken, Error>
    where
        T: Transport + Detach + 'static,
        C: Clock + Detach + 'static,
    {
        let margin = config.refresh_margin_ms;
        let timeout = timeout_ms
            .or(config.timeout_ms)
            .unwrap_or(DEFAULT_TIMEOUT_MS);
        let deadline = clock
            .now_ms()
            .saturating_add(refresh_budget_ms(Some(timeout), &config.retry));
        let mut looks = 0;
        let held_usable = || {
            self.held
                .borrow()
                .clone()
                .filter(|t| usable(t, clock.now_ms(), margin, stale))
        };
        loop {
            if clock.now_ms() < self.store_down_until_ms.get() {
                if let Some(t) = held_usable() {
                    return Ok(t);
                }
            }
            match bounded(clock, store_timeout(timeout), "get", self.store.get()).await {
                Ok(Some(t)) if usable(&t, clock.now_ms(), margin, stale) => {
                    return Ok(self.remember(t))
                }
                Err(e) if e.is_cancelled() => return Err(e),
                Err(_) => {
                    // The store failed: a token this process holds that is
                    // still valid carries the call, and the store is spared
                    // a while. Without one, the refresh tries the store again
                    // (its lock), and its error says what failed.
                    self.store_down_until_ms
                        .set(clock.now_ms().saturating_add(STORE_RETRY_MS));
                    if let Some(t) = held_usable() {
                        return Ok(t);
                    }
                }
                Ok(_) => {}
            }
            if self.store.read_only() {
                return Err(read_only_without_token());
            }
            let flight = self.join_or_start(transport, clock, config, stale);
            let me = self.calls.get() + 1;
            self.calls.set(me);
            let _driving = Driving {
                flight: &flight,
                me,
            };
            let (mut beats, mut silent) = (flight.beats.get(), 0);
            let r = loop {
                let driver = flight.driver.get();
                if driver == 0 || driver == me {
                    flight.driver.set(me);
                    flight.beats.set(flight.beats.get().wrapping_add(1));
                    match race(&flight, clock.sleep(FLIGHT_POLL_MS)).await {
                        Ok(r) => break Some(r),
                        Err(Err(cancelled)) => return Err(cancelled),
                        Err(Ok(())) => {}
                    }
                } else {
                    if let Some(r) = flight.result() {
                        break Some(r);
                    }
                    if flight.beats.get() == beats {
                        silent += 1;
                    } else {
                        (beats, silent) = (flight.beats.get(), 0);
                    }
                    if silent >= STALL_LOOKS {
                        // Its driver went away without a word (in Workers,
                        // with its request): refresh anew in this context.
                        break None;
                    }
                    clock.sleep(FLIGHT_POLL_MS).await?;
                }
                let now = clock.now_ms();
                if now >= flight.deadline_ms {
                    self.abandon(&flight);
                }
                if now >= deadline {
                    return Err(Error::timeout(format!(
                        "no token within {} ms: the shared token refresh has not ended",
                        refresh_budget_ms(Some(timeout), &config.retry)
                    ))
                    .at(GET_TOKEN.name));
                }
            };
            self.finished(&flight);
            let Some(r) = r else {
                self.replace(&flight);
                continue;
            };
            match r {
                // A token the refresh just got is used even inside the
                // refresh margin (a lifetime shorter than the margin would
                // otherwise refresh forever).
                Ok(t) if stale != Some(t.token.expose_secret()) => return Ok(self.remember(t)),
                Ok(t) => {
                    // The refused token itself (a refresh that found it
                    // stored): look again, a bounded number of times.
                    self.remember(t);
                    looks += 1;
                    if looks > 3 {
                        return Err(Error::timeout(
                            "the shared token refresh kept answering the refused token",
                        )
                        .at(GET_TOKEN.name));
                    }
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// The flight in progress, or a new one.
    fn join_or_start<T, C>(
        &self,
        transport: &T,
        clock: &C,
        config: &SobotConfig,
        stale: Option<&str>,
    ) -> Rc<Flight>
    where
        T: Transport + Detach + 'static,
        C: Clock + Detach + 'static,
    {
        if let Some(f) = self.flight.borrow().clone() {
            if clock.now_ms() < f.deadline_ms {
                return f;
            }
        }
        let budget = refresh_budget_ms(config.timeout_ms, &config.retry);
        let locked = Rc::new(Cell::new(false));
        let refresh = Refresh {
            locked: locked.clone(),
            release_first: self.release_first.replace(false),
            store_down_until_ms: self.store_down_until_ms.clone(),
            store: self.store.clone(),
            counters: self.counters.clone(),
            transport: transport.detach(),
            clock: clock.detach(),
            config: config.clone(),
            stale: stale.map(str::to_owned),
            budget_ms: budget,
        };
        let flight = Rc::new(Flight {
            task: RefCell::new(Some(Box::pin(refresh.run()))),
            done: RefCell::new(None),
            // Waiting out another process's lock, then a refresh of our own.
            deadline_ms: clock.now_ms().saturating_add(budget.saturating_mul(2)),
            driver: Cell::new(0),
            beats: Cell::new(0),
            locked,
        });
        *self.flight.borrow_mut() = Some(flight.clone());
        flight
    }

    /// Forgets `flight` as the one in progress once it has ended.
    fn finished(&self, flight: &Rc<Flight>) {
        let mut slot = self.flight.borrow_mut();
        if slot.as_ref().is_some_and(|f| Rc::ptr_eq(f, flight)) {
            *slot = None;
        }
    }

    /// Drops a flight whose driver went away; a lock it held is released by
    /// the next refresh.
    fn replace(&self, flight: &Rc<Flight>) {
        if flight.locked.get() {
            self.release_first.set(true);
        }
        self.finished(flight);
    }

    /// Ends a flight past its deadline: its waiters get a timeout and the
    /// next call starts a new one.
    fn abandon(&self, flight: &Rc<Flight>) {
        if flight.done.borrow().is_none() {
            flight.task.try_borrow_mut().ok().map(|mut t| t.take());
            *flight.done.borrow_mut() = Some(Err(Error::timeout(
                "the shared token refresh did not end within its budget",
            )
            .at(GET_TOKEN.name)));
        }
        self.finished(flight);
    }
}

/// What a shared refresh owns: nothing of any one caller.
struct Refresh<S, T, C> {
    /// Set while this refresh holds the store's lock.
    locked: Rc<Cell<bool>>,
    /// Release a lock a replaced refresh of this manager left first.
    release_first: bool,
    /// The manager's: set when the store fails to take the new token, so
    /// that calls go on with it meanwhile.
    store_down_until_ms: Rc<Cell<u64>>,
    store: Rc<S>,
    counters: Rc<Counters>,
    transport: T,
    clock: C,
    config: SobotConfig,
    stale: Option<String>,
    budget_ms: u64,
}

impl<S: TokenStore, T: Transport, C: Clock> Refresh<S, T, C> {
    fn store_timeout(&self) -> u64 {
        store_timeout(self.config.timeout_ms.unwrap_or(DEFAULT_TIMEOUT_MS))
    }

    fn usable(&self, t: &StoredToken) -> bool {
        usable(
            t,
            self.clock.now_ms(),
            self.config.refresh_margin_ms,
            self.stale.as_deref(),
        )
    }

    async fn run(self) -> Result<StoredToken, Error> {
        let clock = &self.clock;
        let st = self.store_timeout();
        let ttl = self.budget_ms;
        let wait_until = clock.now_ms().saturating_add(ttl);
        if self.release_first {
            let _ = bounded(clock, st, "unlock", self.store.unlock()).await;
        }
        loop {
            let locked = bounded(clock, st, "lock", self.store.lock(ttl)).await?;
            if locked == Lock::Acquired {
                break;
            }
            // Another process refreshes: wait for its token, and take the
            // lock as soon as it is free (its holder may have died).
            if clock.now_ms() >= wait_until {
                return Err(Error::timeout(format!(
                    "another process has held the token lock for {ttl} ms and no new token appeared"
                ))
                .at(GET_TOKEN.name));
            }
            clock.sleep(LOCK_POLL_MS).await?;
            if let Some(t) = bounded(clock, st, "get", self.store.get()).await? {
                if self.usable(&t) {
                    return Ok(t);
                }
            }
        }
        self.locked.set(true);
        let locked_at = clock.now_ms();
        let r = self.refresh_locked(locked_at.saturating_add(ttl)).await;
        // A failed unlock leaves the lock to expire: the refresh stands.
        let _ = bounded(clock, st, "unlock", self.store.unlock()).await;
        self.locked.set(false);
        r
    }

    /// The refresh proper, with the lock held until `lock_until_ms`.
    async fn refresh_locked(&self, lock_until_ms: u64) -> Result<StoredToken, Error> {
        let (clock, config) = (&self.clock, &self.config);
        let st = self.store_timeout();
        // Another process may have refreshed while we took the lock.
        if let Some(t) = bounded(clock, st, "get", self.store.get()).await? {
            if self.usable(&t) {
                return Ok(t);
            }
        }
        let creds = &config.credentials;
        let violations = creds.violations();
        if !violations.is_empty() {
            return Err(Error::validation(violations).at(GET_TOKEN.name));
        }
        let observe = (GET_TOKEN.name, &config.on_attempt);
        let (r, _) = with_retries(
            clock,
            &config.retry,
            RetrySafety::Safe,
            observe,
            |_| async {
                self.counters.requests.set(self.counters.requests.get() + 1);
                let mut req = token_request(creds, clock.now_ms());
                // Each attempt is bounded like any call's: a stalled get_token
                // is abandoned and repeated (it is a read).
                req.timeout_ms = Some(config.timeout_ms.unwrap_or(DEFAULT_TIMEOUT_MS));
                let resp = match self.transport.send(req).await {
                    Ok(resp) => resp,
                    Err(e) => {
                        let refused = matches!(e, TransportError::Refused(_));
                        let error = transport_error(e, GET_TOKEN.name);
                        let failure = classify(&error, refused);
                        return Err(AttemptError {
                            error,
                            failure,
                            retry_after_ms: None,
                        });
                    }
                };
                let status = resp.status;
                let token = decode_token_response(&resp, clock.now_ms()).map_err(|error| {
                    let failure = match (&error.kind, error.code.as_deref()) {
                        // A platform code: as for every other endpoint (a rate
                        // limit was not processed, a transient code may pass).
                        (ErrorKind::Api, Some(code)) => api_failure(code, resp.status),
                        _ if error.retryable => Failure::Ambiguous,
                        _ => classify(&error, false),
                    };
                    AttemptError {
                        retry_after_ms: resp.retry_after.as_deref().and_then(|v| {
                            crate::client::retry::parse_retry_after(v, clock.now_ms())
                        }),
                        error,
                        failure,
                    }
                })?;
                Ok((token, status))
            },
        )
        .await;
        let token = r?;
        let stored = StoredToken {
            token: token.token,
            expires_at_ms: token.expires_at_ms,
        };
        // Stored only while the lock is surely ours, so that a refresh that
        // outlived its lock never overwrites a newer token. A store that
        // fails now leaves the token with this process: it is valid.
        if clock.now_ms() < lock_until_ms
            && bounded(clock, st, "set", self.store.set(&stored))
                .await
                .is_err()
        {
            self.store_down_until_ms
                .set(clock.now_ms().saturating_add(STORE_RETRY_MS));
        }
        self.counters
            .refreshes
            .set(self.counters.refreshes.get() + 1);
        Ok(stored)
    }
}
/// The token managers of live clients, so that clients given the same store
/// ([`TokenStore::same_as`]) for the same app and base URL share one token
/// and one refresh in flight. Entries go when their last client does.
pub struct SharedTokens<S> {
    entries: Vec<SharedEntry<S>>,
}

struct SharedEntry<S> {
    app_id: String,
    base_url: String,
    tokens: std::rc::Weak<TokenManager<S>>,
}

impl<S> Default for SharedTokens<S> {
    fn default() -> Self {
        SharedTokens {
            entries: Vec::new(),
        }
    }
}

impl<S: TokenStore + 'static> SharedTokens<S> {
    /// The token manager of a new client of `app_id` at `base_url` over
    /// `store`: a live one over the same store, or a new one.
    pub fn manager(&mut self, store: S, app_id: &str, base_url: &str) -> Rc<TokenManager<S>> {
        let base_url = base_url.trim_end_matches('/');
        self.entries.retain(|e| e.tokens.strong_count() > 0);
        let found = self.entries.iter().find_map(|e| {
            let t = e.tokens.upgrade()?;
            (e.app_id == app_id && e.base_url == base_url && t.store().same_as(&store)).then_some(t)
        });
        if let Some(t) = found {
            return t;
        }
        let tokens = Rc::new(TokenManager::new(store));
        self.entries.push(SharedEntry {
            app_id: app_id.to_owned(),
            base_url: base_url.to_owned(),
            tokens: Rc::downgrade(&tokens),
        });
        tokens
    }

    /// How many live managers are kept.
    pub fn len(&self) -> usize {
        self.entries
            .iter()
            .filter(|e| e.tokens.strong_count() > 0)
            .count()
    }

    /// Whether no live manager is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
