//! The in-memory key-value store behind every label, shared by all requests of a host, with
//! operation counts and injectable faults. Compare-and-swap behaves like Spin's SQLite store:
//! a swap fails when the value changed since `current` read it.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Store operations of one request (or of a host since it started); the benchmark's JSON
/// holds them as `{"opens", "reads", "writes"}`.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpCounts {
    pub opens: u64,
    pub reads: u64,
    pub writes: u64,
}

#[derive(Default)]
pub struct Counter {
    opens: AtomicU64,
    reads: AtomicU64,
    writes: AtomicU64,
}

impl Counter {
    pub fn snapshot(&self) -> OpCounts {
        OpCounts {
            opens: self.opens.load(Ordering::SeqCst),
            reads: self.reads.load(Ordering::SeqCst),
            writes: self.writes.load(Ordering::SeqCst),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Open,
    Read,
    Write,
}

/// Faults to inject into the store.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    /// Fail the n-th operation (1-based, opens included) counted from when the faults were set.
    pub fail_nth: Option<u64>,
    /// Every compare-and-swap swap reports a lost race.
    pub lose_every_swap: bool,
    /// Every swap fails with a store error.
    pub fail_every_swap: bool,
    /// Added before every operation.
    pub latency: Option<Duration>,
}

#[derive(Default)]
pub struct KvStore {
    data: Mutex<HashMap<String, HashMap<String, Vec<u8>>>>,
    faults: Mutex<(Faults, u64)>,
    total: Counter,
    ops_since_faults: AtomicU64,
}

pub type KvResult<T> = Result<T, String>;

impl KvStore {
    pub fn set_faults(&self, faults: Faults) {
        self.ops_since_faults.store(0, Ordering::SeqCst);
        *self.faults.lock().unwrap() = (faults, 0);
    }

    pub fn clear_faults(&self) {
        self.set_faults(Faults::default());
    }

    pub fn totals(&self) -> OpCounts {
        self.total.snapshot()
    }

    /// Counts an operation (globally and for the request) and applies the faults.
    pub async fn begin(&self, op: Op, request: &Counter) -> KvResult<()> {
        let counter = |c: &Counter| match op {
            Op::Open => c.opens.fetch_add(1, Ordering::SeqCst),
            Op::Read => c.reads.fetch_add(1, Ordering::SeqCst),
            Op::Write => c.writes.fetch_add(1, Ordering::SeqCst),
        };
        counter(&self.total);
        counter(request);
        let n = self.ops_since_faults.fetch_add(1, Ordering::SeqCst) + 1;
        let faults = self.faults.lock().unwrap().0.clone();
        if let Some(latency) = faults.latency {
            tokio::time::sleep(latency).await;
        }
        if faults.fail_nth == Some(n) {
            return Err(format!("injected fault at operation {n}"));
        }
        Ok(())
    }

    pub fn swap_fault(&self) -> Option<Result<(), String>> {
        let faults = &self.faults.lock().unwrap().0;
        if faults.fail_every_swap {
            Some(Err("injected swap failure".into()))
        } else if faults.lose_every_swap {
            Some(Ok(()))
        } else {
            None
        }
    }

    pub fn get(&self, label: &str, key: &str) -> Option<Vec<u8>> {
        self.data.lock().unwrap().get(label)?.get(key).cloned()
    }

    pub fn set(&self, label: &str, key: &str, value: Vec<u8>) {
        self.data
            .lock()
            .unwrap()
            .entry(label.to_string())
            .or_default()
            .insert(key.to_string(), value);
    }

    pub fn delete(&self, label: &str, key: &str) {
        if let Some(map) = self.data.lock().unwrap().get_mut(label) {
            map.remove(key);
        }
    }

    pub fn keys(&self, label: &str) -> Vec<String> {
        let mut keys: Vec<String> = self
            .data
            .lock()
            .unwrap()
            .get(label)
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default();
        keys.sort();
        keys
    }

    /// Everything under a label, for before/after comparisons.
    pub fn snapshot(&self, label: &str) -> HashMap<String, Vec<u8>> {
        self.data.lock().unwrap().get(label).cloned().unwrap_or_default()
    }

    pub fn increment(&self, label: &str, key: &str, delta: i64) -> KvResult<i64> {
        let mut data = self.data.lock().unwrap();
        let map = data.entry(label.to_string()).or_default();
        let current = match map.get(key) {
            Some(v) => std::str::from_utf8(v)
                .ok()
                .and_then(|s| s.parse::<i64>().ok())
                .ok_or("not an integer")?,
            None => 0,
        };
        let next = current.checked_add(delta).ok_or("overflow")?;
        map.insert(key.to_string(), next.to_string().into_bytes());
        Ok(next)
    }

    /// Writes `value` if the key still holds `seen` (`None`: absent, an upsert as on SQLite).
    pub fn compare_and_swap(&self, label: &str, key: &str, seen: Option<&[u8]>, value: Vec<u8>) -> bool {
        let mut data = self.data.lock().unwrap();
        let map = data.entry(label.to_string()).or_default();
        if let Some(seen) = seen
            && map.get(key).map(Vec::as_slice) != Some(seen)
        {
            return false;
        }
        map.insert(key.to_string(), value);
        true
    }
}
