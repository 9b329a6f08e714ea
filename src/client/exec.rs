//! Running one call with its retries: attempts, backoff, and the rule that a
//! call which may have been processed is repeated only when it is a read;
//! and what a transport's failure means, for every caller (Sobot calls,
//! `get_token`, Graph).

use crate::api::{Endpoint, RetrySafety};
use crate::client::retry::{classify, Failure, RetryPolicy};
use crate::client::{Clock, TransportError};
use crate::error::{Error, ErrorKind};
use serde::Serialize;
use std::future::Future;
use std::rc::Rc;

/// One attempt, as the `onAttempt` hook sees it. Never a secret: no URL, no
/// header, no body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify), tsify(missing_as_null))]
#[serde(rename_all = "camelCase")]
pub struct AttemptEvent {
    /// The endpoint's catalogue name (`get_token` for a token fetch).
    pub endpoint: &'static str,
    /// 1 for the first attempt.
    pub attempt: u32,
    /// The HTTP status, when there was an answer.
    pub status: Option<u16>,
    /// How long the attempt took, in milliseconds.
    pub duration_ms: u64,
    /// The wait before the next attempt, when one follows.
    pub delay_ms: Option<u64>,
    /// The error's kind when it failed.
    #[cfg_attr(target_arch = "wasm32", tsify(type = "SobotErrorKind | null"))]
    pub error: Option<ErrorKind>,
}

/// What is called after each attempt (the `onAttempt` option); nothing by default.
#[derive(Clone, Default)]
pub struct AttemptHook(Option<Rc<Observer>>);

type Observer = dyn Fn(&AttemptEvent);

impl AttemptHook {
    /// A hook calling `f`.
    pub fn new(f: impl Fn(&AttemptEvent) + 'static) -> Self {
        AttemptHook(Some(Rc::new(f)))
    }

    fn emit(&self, event: impl FnOnce() -> AttemptEvent) {
        if let Some(f) = &self.0 {
            f(&event());
        }
    }
}

impl std::fmt::Debug for AttemptHook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() {
            "AttemptHook(set)"
        } else {
            "AttemptHook(none)"
        })
    }
}

/// The failure of one attempt, with what the retry decision needs.
#[derive(Debug, Clone)]
pub struct AttemptError {
    /// The error the caller sees if no retry follows.
    pub error: Error,
    /// Whether the request may have been processed.
    pub failure: Failure,
    /// The server's `Retry-After`, in milliseconds.
    pub retry_after_ms: Option<u64>,
}

impl AttemptError {
    /// An error classified by [`classify`]
    /// (by its kind and status), with the server's `Retry-After`.
    pub fn classified(error: Error, retry_after_ms: Option<u64>) -> Self {
        AttemptError {
            failure: crate::client::retry::classify(&error, false),
            error,
            retry_after_ms,
        }
    }

    /// An answer with a 2xx status whose body is not JSON.
    pub fn not_json(
        endpoint: &Endpoint,
        status: u16,
        e: &serde_json::Error,
        retry_after_ms: Option<u64>,
    ) -> Self {
        let error = Error::decode(
            format!(
                "the {} answer (HTTP {status}) is not JSON: {e}",
                endpoint.name
            ),
            Some(status),
        )
        .at(endpoint.name);
        Self::classified(error, retry_after_ms)
    }

    /// An error no retry can help.
    pub fn fatal(error: Error) -> Self {
        AttemptError {
            error,
            failure: Failure::Final,
            retry_after_ms: None,
        }
    }
}

/// What happened over all attempts of a call.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Attempts {
    /// Attempts made.
    pub made: u32,
    /// Milliseconds spent waiting between them.
    pub waited_ms: u64,
    /// Whether the call failed in a way that may have been processed (and
    /// was therefore not repeated): a write whose outcome is unknown.
    pub maybe_processed: bool,
}

/// Runs `attempt` until it succeeds, fails for good, or the policy is spent.
/// An attempt's success carries its HTTP status; `hook` sees each attempt.
///
/// A [`Failure::Ambiguous`] failure of a call that is not [`RetrySafety::Safe`]
/// is never repeated: it rejects with `retryable: false` and a message saying
/// the request may have been processed, so nothing is ever sent twice.
pub async fn with_retries<C, F, Fut, O>(
    clock: &C,
    policy: &RetryPolicy,
    safety: RetrySafety,
    (endpoint, hook): (&'static str, &AttemptHook),
    mut attempt: F,
) -> (Result<O, Error>, Attempts)
where
    C: Clock,
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = Result<(O, u16), AttemptError>>,
{
    let mut stats = Attempts::default();
    let max = policy.max_attempts.max(1);
    loop {
        stats.made += 1;
        let n = stats.made;
        let started = clock.now_ms();
        let outcome = attempt(n).await;
        let event = |status, delay_ms, error| AttemptEvent {
            endpoint,
            attempt: n,
            status,
            duration_ms: clock.now_ms().saturating_sub(started),
            delay_ms,
            error,
        };
        let failed = match outcome {
            Ok((v, status)) => {
                hook.emit(|| event(Some(status), None, None));
                return (Ok(v), stats);
            }
            Err(e) => e,
        };
        let (status, kind) = (failed.error.status, Some(failed.error.kind));
        let delay = next_delay(clock, policy, safety, &failed, n, max);
        hook.emit(|| event(status, delay, kind));
        let Some(delay) = delay else {
            stats.maybe_processed =
                failed.failure == Failure::Ambiguous && safety == RetrySafety::OnlyIfNotProcessed;
            return (Err(final_error(failed, safety)), stats);
        };
        if delay > 0 {
            if let Err(e) = clock.sleep(delay).await {
                return (Err(e), stats);
            }
            stats.waited_ms = stats.waited_ms.saturating_add(delay);
        }
    }
}

/// The wait before repeating attempt `n`, or `None` when no attempt follows.
fn next_delay<C: Clock>(
    clock: &C,
    policy: &RetryPolicy,
    safety: RetrySafety,
    failed: &AttemptError,
    n: u32,
    max: u32,
) -> Option<u64> {
    if !may_repeat(failed.failure, safety) || n >= max {
        return None;
    }
    policy.delay_ms(n, clock.random(), failed.retry_after_ms)
}

fn may_repeat(failure: Failure, safety: RetrySafety) -> bool {
    matches!(
        (failure, safety),
        (Failure::NotProcessed, _) | (Failure::Ambiguous, RetrySafety::Safe)
    )
}

/// The error of a call after its last attempt.
fn final_error(failed: AttemptError, safety: RetrySafety) -> Error {
    match (failed.failure, safety) {
        (Failure::Ambiguous, RetrySafety::OnlyIfNotProcessed) => {
            may_have_been_processed(failed.error)
        }
        // A failure this call would have repeated, had the policy allowed
        // more: the same call may succeed later, whatever the error's kind.
        (f, _) if may_repeat(f, safety) => repeatable(failed.error),
        _ => failed.error,
    }
}

fn repeatable(mut e: Error) -> Error {
    e.retryable = true;
    e
}

fn may_have_been_processed(mut e: Error) -> Error {
    e.retryable = false;
    e.message = format!(
        "{}; the request may have been processed (a message may have been sent), so it was not repeated",
        e.message
    );
    e
}

// ---- transport failures -------------------------------------------------------

/// Maps a transport failure to the crate's error.
pub fn transport_error(e: TransportError, endpoint: &'static str) -> Error {
    match e {
        TransportError::Refused(m) | TransportError::Network(m) => Error::network(m).at(endpoint),
        TransportError::Timeout => Error::timeout("the call timed out").at(endpoint),
        TransportError::Aborted => Error::cancelled().at(endpoint),
        TransportError::Redirected { status, to } => {
            let mut e = Error::http(status).at(endpoint);
            e.message = format!(
                "the server answered HTTP {status}, a redirect to {to}; redirects are not followed, so that no secret leaves the configured origin"
            );
            e.retryable = false;
            e
        }
    }
}

/// Maps a transport failure to an attempt error.
pub fn transport_failure(e: TransportError, endpoint: &'static str) -> AttemptError {
    let refused = matches!(e, TransportError::Refused(_));
    let aborted = matches!(e, TransportError::Aborted);
    let error = transport_error(e, endpoint);
    let failure = if aborted {
        Failure::Final
    } else {
        classify(&error, refused)
    };
    AttemptError {
        error,
        failure,
        retry_after_ms: None,
    }
}

/// A network or timeout failure of `endpoint`, with the host, the attempts
/// made and the timeout of each; other errors as they are.
pub fn network_context(
    mut e: Error,
    endpoint: &Endpoint,
    base_url: &str,
    attempts: u32,
    timeout_ms: Option<u64>,
) -> Error {
    use crate::error::ErrorKind::{Network, Timeout};
    if !matches!(e.kind, Network | Timeout) || e.is_cancelled() {
        return e;
    }
    let timeout = timeout_ms.unwrap_or(crate::client::transport::DEFAULT_TIMEOUT_MS);
    e.message = format!(
        "{}: {} (host {}; {attempts} attempt(s), each of at most {timeout} ms)",
        endpoint.name,
        e.message,
        host_of(base_url)
    );
    e
}

/// The host (and port) of a base URL.
pub(crate) fn host_of(base_url: &str) -> &str {
    let rest = base_url.split_once("://").map_or(base_url, |(_, r)| r);
    rest.split(['/', '?', '#']).next().unwrap_or(rest)
}
