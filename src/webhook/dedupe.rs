//! Remembering the last N event ids, so a handler can skip an event the
//! platform delivered again (LINE `deliveryContext.isRedelivery`, Messenger
//! retries after a slow answer).
//!
//! Memory is bounded whatever the ids look like: each id is kept as the first
//! 16 bytes of its SHA-256 (a fixed 16 bytes, with no practical chance of two
//! ids colliding), in a hash set plus a ring of insertion order. A check is
//! O(1); when full, the oldest id is forgotten.

use crate::error::Error;
use crate::error::Violation;
use sha2::{Digest, Sha256};
use std::collections::{HashSet, VecDeque};
use std::hash::{BuildHasherDefault, Hasher};

/// The largest capacity accepted (about 50 MB of memory when full).
pub const MAX_CAPACITY: usize = 1_000_000;

/// The default capacity.
pub const DEFAULT_CAPACITY: usize = 10_000;

pub(crate) type Key = [u8; 16];

/// Keys are already uniform (SHA-256 output): hashing them is taking 8 bytes.
#[derive(Default)]
pub(crate) struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes.iter().take(8) {
            self.0 = self.0 << 8 | u64::from(*b);
        }
    }
}

/// A bounded memory of the last `capacity` event ids.
#[derive(Clone)]
pub struct Deduper {
    capacity: usize,
    set: HashSet<Key, BuildHasherDefault<KeyHasher>>,
    order: VecDeque<Key>,
}

impl std::fmt::Debug for Deduper {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Deduper")
            .field("capacity", &self.capacity)
            .field("len", &self.order.len())
            .finish()
    }
}

pub(crate) fn key(id: &str) -> Key {
    let digest = Sha256::digest(id.as_bytes());
    let mut k = [0u8; 16];
    for (d, s) in k.iter_mut().zip(digest.iter()) {
        *d = *s;
    }
    k
}

/// A `capacity` between 1 and `max`, or the validation error naming it.
pub(crate) fn check_capacity(capacity: usize, max: usize) -> Result<(), Error> {
    if capacity == 0 || capacity > max {
        return Err(Error::validation(vec![Violation {
            path: "capacity".to_owned(),
            rule: "range",
            limit: Some(serde_json::json!([1, max])),
            actual: Some(serde_json::Value::from(capacity)),
            message: format!("capacity must be between 1 and {max}, got {capacity}"),
            code: None,
        }]));
    }
    Ok(())
}

impl Deduper {
    /// A memory of the last `capacity` ids (1 to [`MAX_CAPACITY`]).
    pub fn new(capacity: usize) -> Result<Self, Error> {
        check_capacity(capacity, MAX_CAPACITY)?;
        Ok(Deduper {
            capacity,
            set: HashSet::default(),
            order: VecDeque::new(),
        })
    }

    /// Whether `id` was seen among the last `capacity` ids; remembers it if not.
    pub fn check(&mut self, id: &str) -> bool {
        let k = key(id);
        if self.set.contains(&k) {
            return true;
        }
        if self.order.len() >= self.capacity {
            if let Some(old) = self.order.pop_front() {
                self.set.remove(&old);
            }
        }
        self.set.insert(k);
        self.order.push_back(k);
        false
    }

    /// Whether `id` is remembered, without remembering it.
    pub fn contains(&self, id: &str) -> bool {
        self.set.contains(&key(id))
    }

    /// How many ids are remembered.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// Whether no id is remembered.
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// The most ids remembered at once.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Forgets every id.
    pub fn clear(&mut self) {
        self.set.clear();
        self.order.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembers_the_last_n() {
        let mut d = Deduper::new(3).unwrap();
        assert!(!d.check("a"));
        assert!(d.check("a"));
        assert!(!d.check("b"));
        assert!(!d.check("c"));
        assert_eq!(d.len(), 3);
        assert!(!d.check("d")); // forgets "a"
        assert_eq!(d.len(), 3);
        assert!(!d.contains("a"));
        assert!(d.contains("b") && d.contains("c") && d.contains("d"));
        assert!(!d.check("a")); // forgets "b"
        assert!(!d.contains("b"));
        d.clear();
        assert!(d.is_empty() && !d.contains("c"));
    }

    #[test]
    fn bounded_under_many_ids() {
        let mut d = Deduper::new(1000).unwrap();
        for i in 0..50_000 {
            assert!(!d.check(&format!("id-{i}")));
        }
        assert_eq!(d.len(), 1000);
        assert_eq!(d.set.len(), 1000);
        assert!(d.contains("id-49999") && !d.contains("id-48999"));
        let long = "x".repeat(100_000);
        assert!(!d.check(&long));
        assert!(d.check(&long));
    }

    #[test]
    fn capacity_range() {
        assert_eq!(Deduper::new(0).unwrap_err().violations[0].path, "capacity");
        assert!(Deduper::new(MAX_CAPACITY + 1).is_err());
        assert_eq!(Deduper::new(MAX_CAPACITY).unwrap().capacity(), MAX_CAPACITY);
    }
}
