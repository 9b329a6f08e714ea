//! Time and chance, behind a trait so tests can fix them.

use crate::error::Error;

/// Wall-clock time, waiting, and the randomness of backoff jitter.
#[allow(async_fn_in_trait)]
pub trait Clock {
    /// Milliseconds since the Unix epoch.
    fn now_ms(&self) -> u64;
    /// Waits `ms` milliseconds; fails when the caller cancelled the call.
    async fn sleep(&self, ms: u64) -> Result<(), Error>;
    /// A uniform random number in `[0, 1)`, for backoff jitter.
    fn random(&self) -> f64;
}

/// A copy of a call's transport or clock for work that several calls share
/// (the token refresh): the same runtime without the call's cancellation
/// signal, so that one caller's cancel never ends the others' work.
pub trait Detach {
    /// The copy, free of the call's signal.
    fn detach(&self) -> Self;
}
