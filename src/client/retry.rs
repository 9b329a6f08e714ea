//! When to repeat a failed call, and how long to wait first.
//!
//! Exponential backoff with full jitter: before attempt `n + 1` the client
//! waits a uniformly random time in `[0, min(max_delay, base · 2ⁿ⁻¹))`, or what
//! the server's `Retry-After` asks when it asks for no more than `max_delay`.

use crate::error::{Error, ErrorKind};

/// How many times and how patiently a call is repeated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1 disables retries).
    pub max_attempts: u32,
    /// The backoff unit, in milliseconds.
    pub base_delay_ms: u64,
    /// The longest single wait, in milliseconds; a `Retry-After` asking for
    /// more ends the retries (the error stays `retryable`).
    pub max_delay_ms: u64,
}

/// Attempts in all by default, the first included.
pub const DEFAULT_MAX_ATTEMPTS: u32 = 3;
/// The most attempts a policy may ask for.
pub const MAX_ATTEMPTS: u32 = 10;
/// The backoff unit by default (ms).
pub const DEFAULT_BASE_DELAY_MS: u64 = 200;
/// The largest backoff unit accepted (ms).
pub const MAX_BASE_DELAY_MS: u64 = 60_000;
/// The longest single wait by default (ms).
pub const DEFAULT_MAX_DELAY_MS: u64 = 10_000;
/// The largest `max_delay_ms` accepted (ms).
pub const MAX_MAX_DELAY_MS: u64 = 600_000;

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: DEFAULT_MAX_ATTEMPTS,
            base_delay_ms: DEFAULT_BASE_DELAY_MS,
            max_delay_ms: DEFAULT_MAX_DELAY_MS,
        }
    }
}

/// Why a failed attempt failed, as far as repeating it is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// The request certainly was not processed: connection refused, a
    /// rate-limit answer. Any call may be repeated.
    NotProcessed,
    /// The request may have been processed: a timeout or a reset after it
    /// was written, a 5xx, an answer cut short. Only reads may be repeated.
    Ambiguous,
    /// Repeating cannot help.
    Final,
}

impl RetryPolicy {
    /// The backoff before attempt `attempt + 1` (attempts count from 1),
    /// given a uniform `random` in `[0, 1)` and the server's `Retry-After`.
    /// `None` when the server asks for a longer wait than the policy allows.
    pub fn delay_ms(&self, attempt: u32, random: f64, retry_after_ms: Option<u64>) -> Option<u64> {
        if let Some(ra) = retry_after_ms {
            return (ra <= self.max_delay_ms).then_some(ra);
        }
        let exp = attempt.saturating_sub(1).min(30);
        let ceiling = self
            .base_delay_ms
            .saturating_mul(1u64 << exp)
            .min(self.max_delay_ms);
        let r = if random.is_finite() {
            random.clamp(0.0, 1.0)
        } else {
            0.0
        };
        // Full jitter; the product is within [0, ceiling].
        Some((ceiling as f64 * r) as u64)
    }
}

/// Parses `Retry-After` (delay-seconds or an HTTP date) into milliseconds
/// from `now_ms`; an unparsable value is ignored.
pub fn parse_retry_after(value: &str, now_ms: u64) -> Option<u64> {
    let v = value.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(secs.saturating_mul(1000));
    }
    http_date_ms(v).map(|at| at.saturating_sub(now_ms))
}

/// An HTTP date (`httpdate`: the IMF-fixdate `Sun, 06 Nov 1994 08:49:37 GMT`
/// and the obsolete RFC 850 and asctime forms, years 1970 to 9999, the
/// weekday agreeing with the date) in epoch milliseconds.
fn http_date_ms(v: &str) -> Option<u64> {
    let at = httpdate::parse_http_date(v).ok()?;
    let since = at.duration_since(std::time::UNIX_EPOCH).ok()?;
    since.as_secs().checked_mul(1000)
}

/// Classifies an error returned by one attempt.
pub fn classify(e: &Error, not_processed_transport: bool) -> Failure {
    match e.kind {
        ErrorKind::Validation => Failure::Final,
        ErrorKind::Network if not_processed_transport => Failure::NotProcessed,
        ErrorKind::Network | ErrorKind::Timeout => Failure::Ambiguous,
        ErrorKind::Http => match e.status {
            Some(429) => Failure::NotProcessed,
            Some(s) if s >= 500 => Failure::Ambiguous,
            _ => Failure::Final,
        },
        // An answer that is not JSON (cut short, an HTML page) says nothing
        // about whether the request was processed.
        ErrorKind::Decode if e.status.is_some_and(|s| s >= 200) => Failure::Ambiguous,
        ErrorKind::Decode => Failure::Final,
        ErrorKind::Api => Failure::Final,
    }
}

/// Whether an error code means "not processed, try later" (rate limits),
/// "may have failed midway" (transient), or neither.
pub fn api_failure(code: &str, status: u16) -> Failure {
    if status == 429 {
        return Failure::NotProcessed;
    }
    match crate::model::catalogue::lookup(code).map(|e| e.category) {
        Some(crate::model::catalogue::Category::RateLimit) => Failure::NotProcessed,
        Some(crate::model::catalogue::Category::Transient) => Failure::Ambiguous,
        _ => Failure::Final,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_jitter_is_bounded_and_grows() {
        let p = RetryPolicy {
            max_attempts: 5,
            base_delay_ms: 100,
            max_delay_ms: 1_000,
        };
        assert_eq!(p.delay_ms(1, 0.0, None), Some(0));
        assert_eq!(p.delay_ms(1, 0.999_999, None), Some(99));
        assert_eq!(p.delay_ms(2, 0.5, None), Some(100));
        assert_eq!(p.delay_ms(3, 0.5, None), Some(200));
        assert_eq!(p.delay_ms(10, 0.5, None), Some(500));
        assert_eq!(p.delay_ms(u32::MAX, 1.0, None), Some(1_000));
        assert_eq!(p.delay_ms(2, f64::NAN, None), Some(0));
    }

    #[test]
    fn retry_after_wins_within_the_cap() {
        let p = RetryPolicy::default();
        assert_eq!(p.delay_ms(1, 0.9, Some(1_500)), Some(1_500));
        assert_eq!(p.delay_ms(1, 0.9, Some(60_000)), None);
    }

    #[test]
    fn parses_retry_after() {
        assert_eq!(parse_retry_after(" 2 ", 0), Some(2_000));
        let at = parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 0).unwrap();
        assert_eq!(at, 784_111_777_000);
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 784_111_776_000),
            Some(1_000)
        );
        assert_eq!(parse_retry_after("soon", 0), None);
        assert_eq!(parse_retry_after("Sun, 06 Foo 1994 08:49:37 GMT", 0), None);
        // The obsolete forms a recipient must accept (RFC 9110, 5.6.7).
        for obsolete in ["Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994"] {
            assert_eq!(parse_retry_after(obsolete, 0), Some(784_111_777_000));
        }
    }

    #[test]
    fn refuses_http_dates_whose_year_overflows() {
        // A huge year overflowed the day count: a panic with overflow checks,
        // a wrong delay without them.
        for year in [
            "99999999999999",
            "9223372036854775807",
            "-9223372036854775808",
            "0",
            "10000",
        ] {
            let v = format!("Sun, 06 Nov {year} 08:49:37 GMT");
            assert_eq!(parse_retry_after(&v, 0), None, "{v}");
            assert_eq!(parse_retry_after(&v, u64::MAX), None, "{v}");
        }
        assert_eq!(
            parse_retry_after("Fri, 31 Dec 9999 23:59:59 GMT", 0),
            Some(253_402_300_799_000)
        );
        assert_eq!(parse_retry_after("Mon, 01 Jan 0001 00:00:00 GMT", 0), None);
    }

    #[test]
    fn classifies() {
        assert_eq!(classify(&Error::network("x"), true), Failure::NotProcessed);
        assert_eq!(classify(&Error::network("x"), false), Failure::Ambiguous);
        assert_eq!(classify(&Error::timeout("x"), false), Failure::Ambiguous);
        assert_eq!(classify(&Error::http(429), false), Failure::NotProcessed);
        assert_eq!(classify(&Error::http(502), false), Failure::Ambiguous);
        assert_eq!(classify(&Error::http(404), false), Failure::Final);
        assert_eq!(
            classify(&Error::decode("x", Some(200)), false),
            Failure::Ambiguous
        );
        assert_eq!(classify(&Error::validation(vec![]), false), Failure::Final);
    }
}
