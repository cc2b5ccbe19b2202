//! An in-memory [`Store`] for native tests: counts operations, injects faults, and can yield
//! between operations so concurrent futures interleave.

use super::{Store, StoreError, StoreResult};
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};

/// Operations made so far, by kind.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct OpCounts {
    pub reads: u64,
    pub writes: u64,
}

/// A fault to inject.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// The n-th operation from now (1-based) fails; the rest succeed.
    FailNth(u64),
    /// Every swap reports a lost race.
    LoseEverySwap,
}

#[derive(Default)]
pub struct MemoryStore {
    data: Mutex<HashMap<String, Vec<u8>>>,
    ops: AtomicU64,
    writes: AtomicU64,
    fault: Mutex<Option<(Fault, u64)>>,
    /// Bit pattern deciding which operations yield once before running (for interleavings).
    yields: AtomicU64,
}

/// The compare-and-swap token: the key and what was read.
pub struct MemoryToken {
    key: String,
    seen: Option<Vec<u8>>,
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }

    /// Makes operations yield to the executor according to `pattern`'s bits, so that several
    /// futures driven together interleave differently for each pattern.
    pub fn with_yields(pattern: u64) -> Self {
        let store = Self::default();
        store.yields.store(pattern, Ordering::Relaxed);
        store
    }

    pub fn inject(&self, fault: Fault) {
        *self.fault.lock().unwrap() = Some((fault, self.ops.load(Ordering::SeqCst)));
    }

    pub fn clear_fault(&self) {
        *self.fault.lock().unwrap() = None;
    }

    pub fn counts(&self) -> OpCounts {
        let ops = self.ops.load(Ordering::SeqCst);
        let writes = self.writes.load(Ordering::SeqCst);
        OpCounts {
            reads: ops - writes,
            writes,
        }
    }

    /// Writes a key directly, uncounted (for setting up tests).
    pub fn put(&self, key: &str, value: Vec<u8>) {
        self.data.lock().unwrap().insert(key.to_string(), value);
    }

    /// The raw value of a key, for assertions.
    pub fn raw(&self, key: &str) -> Option<Vec<u8>> {
        self.data.lock().unwrap().get(key).cloned()
    }

    pub fn snapshot(&self) -> HashMap<String, Vec<u8>> {
        self.data.lock().unwrap().clone()
    }

    /// Counts an operation and applies any injected fault.
    fn begin(&self, write: bool) -> StoreResult<()> {
        let n = self.ops.fetch_add(1, Ordering::SeqCst) + 1;
        if write {
            self.writes.fetch_add(1, Ordering::SeqCst);
        }
        if let Some((Fault::FailNth(k), start)) = *self.fault.lock().unwrap()
            && n == start + k
        {
            return Err(StoreError(format!("injected fault at operation {k}")));
        }
        Ok(())
    }

    fn maybe_yield(&self) -> YieldOnce {
        let pattern = self.yields.load(Ordering::Relaxed);
        let n = self.ops.load(Ordering::SeqCst);
        YieldOnce(pattern != 0 && (pattern >> (n % 64)) & 1 == 1)
    }

    fn swap_is_lost(&self) -> bool {
        matches!(*self.fault.lock().unwrap(), Some((Fault::LoseEverySwap, _)))
    }
}

/// A future that returns `Pending` once (waking itself) when asked to.
struct YieldOnce(bool);

impl Future for YieldOnce {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            self.0 = false;
            cx.waker().wake_by_ref();
            Poll::Pending
        } else {
            Poll::Ready(())
        }
    }
}

impl Store for MemoryStore {
    type Token = MemoryToken;

    async fn get(&self, key: &str) -> StoreResult<Option<Vec<u8>>> {
        self.maybe_yield().await;
        self.begin(false)?;
        Ok(self.data.lock().unwrap().get(key).cloned())
    }

    async fn set(&self, key: &str, value: &[u8]) -> StoreResult<()> {
        self.maybe_yield().await;
        self.begin(true)?;
        self.data.lock().unwrap().insert(key.to_string(), value.to_vec());
        Ok(())
    }

    async fn delete(&self, key: &str) -> StoreResult<()> {
        self.maybe_yield().await;
        self.begin(true)?;
        self.data.lock().unwrap().remove(key);
        Ok(())
    }

    async fn increment(&self, key: &str, delta: i64) -> StoreResult<i64> {
        self.maybe_yield().await;
        self.begin(true)?;
        let mut data = self.data.lock().unwrap();
        let current = match data.get(key) {
            Some(bytes) => std::str::from_utf8(bytes)
                .ok()
                .and_then(|s| s.parse::<i64>().ok())
                .ok_or_else(|| StoreError(format!("{key} does not hold an integer")))?,
            None => 0,
        };
        let next = current + delta;
        data.insert(key.to_string(), next.to_string().into_bytes());
        Ok(next)
    }

    async fn watch(&self, key: &str) -> StoreResult<(Option<Vec<u8>>, MemoryToken)> {
        self.maybe_yield().await;
        self.begin(false)?;
        let seen = self.data.lock().unwrap().get(key).cloned();
        Ok((
            seen.clone(),
            MemoryToken {
                key: key.to_string(),
                seen,
            },
        ))
    }

    async fn swap(&self, token: MemoryToken, value: &[u8]) -> StoreResult<bool> {
        self.maybe_yield().await;
        self.begin(true)?;
        if self.swap_is_lost() {
            return Ok(false);
        }
        let mut data = self.data.lock().unwrap();
        if data.get(&token.key) != token.seen.as_ref() {
            return Ok(false);
        }
        data.insert(token.key, value.to_vec());
        Ok(true)
    }

    async fn keys(&self) -> StoreResult<Vec<String>> {
        self.maybe_yield().await;
        self.begin(false)?;
        let mut keys: Vec<String> = self.data.lock().unwrap().keys().cloned().collect();
        keys.sort();
        Ok(keys)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::executor::block_on;

    #[test]
    fn swap_fails_when_the_value_changed() {
        let store = MemoryStore::new();
        block_on(async {
            store.set("k", b"1").await.unwrap();
            let (seen, token) = store.watch("k").await.unwrap();
            assert_eq!(seen.as_deref(), Some(&b"1"[..]));
            store.set("k", b"2").await.unwrap();
            assert!(!store.swap(token, b"3").await.unwrap());
            let (_, token) = store.watch("k").await.unwrap();
            assert!(store.swap(token, b"3").await.unwrap());
            assert_eq!(store.raw("k").as_deref(), Some(&b"3"[..]));
        });
    }

    #[test]
    fn faults_and_counts() {
        let store = MemoryStore::new();
        block_on(async {
            store.inject(Fault::FailNth(2));
            assert!(store.get("a").await.is_ok());
            assert!(store.set("a", b"x").await.is_err());
            assert!(store.set("a", b"x").await.is_ok());
            assert_eq!(store.increment("n", 2).await.unwrap(), 2);
            assert_eq!(store.increment("n", 1).await.unwrap(), 3);
            store.delete("a").await.unwrap();
            assert_eq!(store.counts(), OpCounts { reads: 1, writes: 5 });
            store.inject(Fault::LoseEverySwap);
            let (_, token) = store.watch("n").await.unwrap();
            assert!(!store.swap(token, b"9").await.unwrap());
        });
    }
}
