//! Running one call with its retries: attempts, backoff, and the rule that a
//! call which may have been processed is repeated only when it is a read.

use crate::api::{Endpoint, RetrySafety};
use crate::client::retry::{Failure, RetryPolicy};
use crate::client::Clock;
use crate::error::Error;
use std::future::Future;

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
    /// An error classified by [`classify`](crate::client::retry::classify)
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
}

/// Runs `attempt` until it succeeds, fails for good, or the policy is spent.
///
/// A [`Failure::Ambiguous`] failure of a call that is not [`RetrySafety::Safe`]
/// is never repeated: it rejects with `retryable: false` and a message saying
/// the request may have been processed, so nothing is ever sent twice.
pub async fn with_retries<C, F, Fut, O>(
    clock: &C,
    policy: &RetryPolicy,
    safety: RetrySafety,
    mut attempt: F,
) -> (Result<O, Error>, Attempts)
where
    C: Clock,
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = Result<O, AttemptError>>,
{
    let mut stats = Attempts::default();
    let max = policy.max_attempts.max(1);
    loop {
        stats.made += 1;
        let n = stats.made;
        let failed = match attempt(n).await {
            Ok(v) => return (Ok(v), stats),
            Err(e) => e,
        };
        let may_repeat = match (failed.failure, safety) {
            (Failure::NotProcessed, _) | (Failure::Ambiguous, RetrySafety::Safe) => true,
            (Failure::Ambiguous, RetrySafety::OnlyIfNotProcessed) => {
                return (Err(may_have_been_processed(failed.error)), stats)
            }
            (Failure::Final, _) => false,
        };
        if !may_repeat {
            return (Err(failed.error), stats);
        }
        // A failure this call would have repeated, had the policy allowed
        // more: the same call may succeed later, whatever the error's kind.
        if n >= max {
            return (Err(repeatable(failed.error)), stats);
        }
        let Some(delay) = policy.delay_ms(n, clock.random(), failed.retry_after_ms) else {
            return (Err(repeatable(failed.error)), stats);
        };
        if delay > 0 {
            if let Err(e) = clock.sleep(delay).await {
                return (Err(e), stats);
            }
            stats.waited_ms = stats.waited_ms.saturating_add(delay);
        }
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
