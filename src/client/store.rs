//! Where the shared token lives: [`TokenStore`], and the in-memory default.
//!
//! Every `get_token` call invalidates the previous token, so several clients,
//! processes or Worker isolates of one app must share one token instead of
//! each getting their own. A store is the place they share it; its optional
//! lock lets only one of them refresh at a time.

use crate::error::Error;
use secrecy::SecretString;
use std::cell::RefCell;

/// A token as stored: its value and expiry (milliseconds since the epoch).
/// `Debug` never shows the value.
#[derive(Clone, Debug)]
pub struct StoredToken {
    /// The value of the `token` header.
    pub token: SecretString,
    /// When the platform stops accepting it.
    pub expires_at_ms: u64,
}

/// The answer of [`TokenStore::lock`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lock {
    /// This caller may refresh; it calls `unlock` afterwards.
    Acquired,
    /// Someone else is refreshing: wait for the store to show a new token.
    Busy,
}

/// Shared storage of the current token.
#[allow(async_fn_in_trait)]
pub trait TokenStore {
    /// The current token, if any (expired ones too: the client checks).
    async fn get(&self) -> Result<Option<StoredToken>, Error>;
    /// Replaces the current token.
    async fn set(&self, token: &StoredToken) -> Result<(), Error>;
    /// Tries to become the one refresher for `ttl_ms`. Stores that cannot
    /// lock answer [`Lock::Acquired`] (refreshes then single-flight only
    /// within one client).
    async fn lock(&self, _ttl_ms: u64) -> Result<Lock, Error> {
        Ok(Lock::Acquired)
    }
    /// Releases a lock taken with `lock`.
    async fn unlock(&self) -> Result<(), Error> {
        Ok(())
    }
    /// Whether the store only reads (no `set`): its client never fetches a
    /// token, and a missing or expired stored token is an error.
    fn read_only(&self) -> bool {
        false
    }
    /// Whether `other` is this same store, so that clients given it for one app
    /// share one token manager ([`crate::client::tokens::SharedTokens`]). A
    /// store that is one client's own (the in-memory default) is never shared.
    fn same_as(&self, _other: &Self) -> bool
    where
        Self: Sized,
    {
        false
    }
}

/// The default store: memory of one client.
#[derive(Default)]
pub struct MemoryStore(RefCell<Option<StoredToken>>);

impl TokenStore for MemoryStore {
    async fn get(&self) -> Result<Option<StoredToken>, Error> {
        Ok(self.0.borrow().clone())
    }

    async fn set(&self, token: &StoredToken) -> Result<(), Error> {
        *self.0.borrow_mut() = Some(token.clone());
        Ok(())
    }
}

impl<S: TokenStore> TokenStore for std::rc::Rc<S> {
    async fn get(&self) -> Result<Option<StoredToken>, Error> {
        (**self).get().await
    }

    async fn set(&self, token: &StoredToken) -> Result<(), Error> {
        (**self).set(token).await
    }

    async fn lock(&self, ttl_ms: u64) -> Result<Lock, Error> {
        (**self).lock(ttl_ms).await
    }

    async fn unlock(&self) -> Result<(), Error> {
        (**self).unlock().await
    }

    fn read_only(&self) -> bool {
        (**self).read_only()
    }
}

/// The failure text of a caller's token store with every token-shaped run
/// (16 or more ASCII letters and digits, a digit among them) replaced: a
/// store may quote the value it read, and a token this process never saw
/// (stored by another process) cannot be scrubbed by its value.
pub fn redact_token_like(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if run.len() >= 16 && run.bytes().any(|b| b.is_ascii_digit()) {
            out.push_str("<redacted>");
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

#[cfg(test)]
mod redaction_tests {
    use super::redact_token_like;

    #[test]
    fn token_shaped_runs_are_redacted_and_diagnostics_kept() {
        assert_eq!(
            redact_token_like("GET sobot:token -> 4ac37cb2e9c740dba4b75a34d5358802 (parse failed)"),
            "GET sobot:token -> <redacted> (parse failed)"
        );
        assert_eq!(
            redact_token_like(
                r#"Unexpected token 'x', "{"token":"4ac37cb2e9c7"... is not valid JSON"#
            ),
            r#"Unexpected token 'x', "{"token":"4ac37cb2e9c7"... is not valid JSON"#
        );
        assert_eq!(
            redact_token_like("connect ECONNREFUSED 127.0.0.1:6379; WRONGTYPE Operation"),
            "connect ECONNREFUSED 127.0.0.1:6379; WRONGTYPE Operation"
        );
        assert_eq!(
            redact_token_like("EAAGm0PX4ZCpsBAKZCZAkZD1 and Internationalization"),
            "<redacted> and Internationalization"
        );
        assert_eq!(redact_token_like("ü"), "ü");
        assert_eq!(redact_token_like(""), "");
    }
}
