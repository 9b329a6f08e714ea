//! The one shared token of a client: read from the [`TokenStore`], refreshed
//! ahead of expiry, one refresh at a time (single-flight within the process,
//! and across processes through the store's lock).

use crate::api::{RetrySafety, GET_TOKEN};
use crate::client::exec::{with_retries, AttemptError};
use crate::client::retry::{classify, Failure};
use crate::client::sobot::api_failure;
use crate::client::sobot::SobotConfig;
use crate::client::store::{Lock, StoredToken, TokenStore};
use crate::client::token::{decode_token_response, token_request, transport_error};
use crate::client::{Clock, Transport, TransportError};
use crate::error::{Error, ErrorKind};
use std::cell::{Cell, RefCell};
use std::rc::Rc;

/// How long a refresher may hold the store's lock.
pub const LOCK_TTL_MS: u64 = 10_000;
/// How often a process that found the lock busy looks for the new token.
pub const LOCK_POLL_MS: u64 = 50;

/// How often a call waiting for another call's refresh looks whether it ended.
///
/// Waiters look on their own timer instead of being woken by the refreshing
/// call: in Workers each request has its own I/O context, and a request that
/// waits only on another request's I/O is cancelled by the runtime as hung
/// (a waker would also resume the waiter inside the other request).
pub const FLIGHT_POLL_MS: u64 = 5;

#[derive(Default)]
struct Flight {
    /// `Some` once the refresh ended; `Some(None)` when its leader was dropped.
    done: RefCell<Option<Option<Result<StoredToken, Error>>>>,
}

impl Flight {
    fn finish(&self, r: Option<Result<StoredToken, Error>>) {
        *self.done.borrow_mut() = Some(r);
    }

    /// Waits, on the caller's own clock, until the flight ends.
    async fn wait<C: Clock>(&self, clock: &C) -> Result<Option<Result<StoredToken, Error>>, Error> {
        loop {
            if let Some(r) = self.done.borrow().as_ref() {
                return Ok(r.clone());
            }
            clock.sleep(FLIGHT_POLL_MS).await?;
        }
    }
}

/// Ends a flight as "leader gone" if its leader is dropped mid-refresh
/// (a cancelled call), so that waiters elect a new leader instead of hanging.
struct Leader<'a> {
    slot: &'a RefCell<Option<Rc<Flight>>>,
    flight: Rc<Flight>,
}

impl Leader<'_> {
    fn complete(self, r: Result<StoredToken, Error>) {
        self.flight.finish(Some(r));
        self.slot.borrow_mut().take();
        std::mem::forget(self);
    }
}

impl Drop for Leader<'_> {
    fn drop(&mut self) {
        self.flight.finish(None);
        self.slot.borrow_mut().take();
    }
}

/// Whether `t` may be used now: not within `margin_ms` of its expiry, and not
/// the token the platform just refused.
fn usable(t: &StoredToken, now_ms: u64, margin_ms: u64, stale: Option<&str>) -> bool {
    t.expires_at_ms > now_ms.saturating_add(margin_ms) && stale != Some(t.token.as_str())
}

/// Counters of what the manager did, for tests and diagnostics.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TokenStats {
    /// `get_token` requests sent.
    pub requests: u64,
    /// Refreshes completed.
    pub refreshes: u64,
}

/// Keeps the token fresh and shared: by every call of a client, and by every
/// client given the same manager (clients over one store object).
pub struct TokenManager<S> {
    store: S,
    flight: RefCell<Option<Rc<Flight>>>,
    requests: Cell<u64>,
    /// The last token handed out or stored, so that errors can be scrubbed of it.
    last: RefCell<Option<String>>,
    refreshes: Cell<u64>,
}

impl<S: TokenStore> TokenManager<S> {
    /// A manager over `store`.
    pub fn new(store: S) -> Self {
        TokenManager {
            store,
            flight: RefCell::new(None),
            requests: Cell::new(0),
            last: RefCell::new(None),
            refreshes: Cell::new(0),
        }
    }

    /// What the manager did so far.
    pub fn stats(&self) -> TokenStats {
        TokenStats {
            requests: self.requests.get(),
            refreshes: self.refreshes.get(),
        }
    }

    /// The last token this manager handed out or stored (never logged; used
    /// to keep it out of error messages).
    pub fn last_token(&self) -> Option<String> {
        self.last.borrow().clone()
    }

    fn remember(&self, t: StoredToken) -> StoredToken {
        if self.last.borrow().as_deref() != Some(t.token.as_str()) {
            *self.last.borrow_mut() = Some(t.token.clone());
        }
        t
    }

    /// The store.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// A valid token other than `stale` (the one the platform just refused),
    /// refreshed `config.refresh_margin_ms` before it expires. Concurrent
    /// callers share one refresh.
    pub async fn token<T: Transport, C: Clock>(
        &self,
        transport: &T,
        clock: &C,
        config: &SobotConfig,
        stale: Option<&str>,
    ) -> Result<StoredToken, Error> {
        let usable = |t: &StoredToken| usable(t, clock.now_ms(), config.refresh_margin_ms, stale);
        loop {
            if let Some(t) = self.store.get().await? {
                if usable(&t) {
                    return Ok(self.remember(t));
                }
            }
            let running = self.flight.borrow().clone();
            if let Some(f) = running {
                match f.wait(clock).await? {
                    Some(Ok(t)) if usable(&t) => return Ok(self.remember(t)),
                    Some(Err(e)) => return Err(e),
                    // The leader was cancelled, or its token is already stale
                    // for us: look again (and lead if nobody does).
                    _ => continue,
                }
            }
            let flight = Rc::new(Flight::default());
            *self.flight.borrow_mut() = Some(flight.clone());
            let leader = Leader {
                slot: &self.flight,
                flight,
            };
            let r = self.refresh(transport, clock, config, stale).await;
            leader.complete(r.clone());
            return r;
        }
    }

    async fn refresh<T: Transport, C: Clock>(
        &self,
        transport: &T,
        clock: &C,
        config: &SobotConfig,
        stale: Option<&str>,
    ) -> Result<StoredToken, Error> {
        let margin = config.refresh_margin_ms;
        if self.store.lock(LOCK_TTL_MS).await? == Lock::Busy {
            // Another process refreshes: wait for its token to appear.
            let deadline = clock.now_ms().saturating_add(LOCK_TTL_MS);
            while clock.now_ms() < deadline {
                clock.sleep(LOCK_POLL_MS).await?;
                if let Some(t) = self.store.get().await? {
                    if usable(&t, clock.now_ms(), margin, stale) {
                        return Ok(t);
                    }
                }
            }
            // The lock holder went away without a token: refresh ourselves.
            if self.store.lock(LOCK_TTL_MS).await? == Lock::Busy {
                return Err(Error::timeout(
                    "another process holds the token lock and no new token appeared",
                )
                .at(GET_TOKEN.name));
            }
        }
        let r = self.refresh_locked(transport, clock, config, stale).await;
        let unlocked = self.store.unlock().await;
        let t = r?;
        unlocked?;
        Ok(t)
    }

    async fn refresh_locked<T: Transport, C: Clock>(
        &self,
        transport: &T,
        clock: &C,
        config: &SobotConfig,
        stale: Option<&str>,
    ) -> Result<StoredToken, Error> {
        let (creds, retry) = (&config.credentials, &config.retry);
        // Another process may have refreshed while we took the lock.
        if let Some(t) = self.store.get().await? {
            if usable(&t, clock.now_ms(), config.refresh_margin_ms, stale) {
                return Ok(t);
            }
        }
        let violations = creds.violations();
        if !violations.is_empty() {
            return Err(Error::validation(violations).at(GET_TOKEN.name));
        }
        let (r, _) = with_retries(clock, retry, RetrySafety::Safe, |_| async {
            self.requests.set(self.requests.get() + 1);
            let mut req = token_request(creds, clock.now_ms());
            // Each attempt is bounded like any call's: a stalled get_token
            // is abandoned and repeated (it is a read).
            req.timeout_ms = config.timeout_ms;
            let resp = match transport.send(req).await {
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
            decode_token_response(&resp, clock.now_ms()).map_err(|error| {
                let failure = match (&error.kind, error.code.as_deref()) {
                    // A platform code: as for every other endpoint (a rate
                    // limit was not processed, a transient code may pass).
                    (ErrorKind::Api, Some(code)) => api_failure(code, resp.status),
                    _ if error.retryable => Failure::Ambiguous,
                    _ => classify(&error, false),
                };
                AttemptError {
                    retry_after_ms: resp
                        .retry_after
                        .as_deref()
                        .and_then(|v| crate::client::retry::parse_retry_after(v, clock.now_ms())),
                    error,
                    failure,
                }
            })
        })
        .await;
        let token = r?;
        let stored = StoredToken {
            token: token.token,
            expires_at_ms: token.expires_at_ms,
        };
        let stored = self.remember(stored);
        self.store.set(&stored).await?;
        self.refreshes.set(self.refreshes.get() + 1);
        Ok(stored)
    }
}
