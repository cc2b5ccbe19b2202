//! The key-value store behind every label, shared by all requests of a host, with operation
//! counts and injectable faults. Its data is in memory ([`memory`], the tests' and the
//! benchmark's default) or in a SQLite file as `spin up` keeps it ([`sqlite`]). Compare-and-swap
//! behaves like Spin's SQLite store on both: a swap fails when the value changed since `current`
//! read it, and a swap of a key `current` found absent is a plain upsert.

mod memory;
mod sqlite;

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::Path;
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

/// Where a host's keys and values are kept. Values are bytes under a label (a store's name)
/// and a key.
trait Data: Send + Sync {
    /// What opening a label costs beyond counting it: nothing in memory.
    fn open(&self) {}
    fn get(&self, label: &str, key: &str) -> Option<Vec<u8>>;
    fn set(&self, label: &str, key: &str, value: Vec<u8>);
    fn delete(&self, label: &str, key: &str);
    /// The label's keys, sorted.
    fn keys(&self, label: &str) -> Vec<String>;
    fn snapshot(&self, label: &str) -> HashMap<String, Vec<u8>>;
    /// Adds `delta` to the decimal integer at the key (absent: 0) in one step.
    fn increment(&self, label: &str, key: &str, delta: i64) -> KvResult<i64>;
    /// Writes `value` if the key still holds `seen` (`None`: absent, an upsert as on SQLite).
    fn compare_and_swap(&self, label: &str, key: &str, seen: Option<&[u8]>, value: Vec<u8>) -> bool;
}

/// The value an increment writes: the stored decimal integer (absent: 0) plus `delta`.
fn incremented(stored: Option<&[u8]>, delta: i64) -> KvResult<i64> {
    let current = match stored {
        Some(v) => std::str::from_utf8(v)
            .ok()
            .and_then(|s| s.parse::<i64>().ok())
            .ok_or("not an integer")?,
        None => 0,
    };
    Ok(current.checked_add(delta).ok_or("overflow")?)
}

pub struct KvStore {
    data: Box<dyn Data>,
    faults: Mutex<(Faults, u64)>,
    total: Counter,
    ops_since_faults: AtomicU64,
}

impl Default for KvStore {
    /// An empty store in memory.
    fn default() -> Self {
        KvStore::on(Box::<memory::Memory>::default())
    }
}

pub type KvResult<T> = Result<T, String>;

impl KvStore {
    fn on(data: Box<dyn Data>) -> KvStore {
        KvStore {
            data,
            faults: Mutex::default(),
            total: Counter::default(),
            ops_since_faults: AtomicU64::default(),
        }
    }

    /// A store in the SQLite file at `path` (created if missing), as `spin up` keeps its default
    /// store: each write is a transaction committed to disk before it returns. The benchmark's
    /// `BENCH_STORE=sqlite`; a failure of the file is the machine's and panics the request.
    pub fn sqlite(path: &Path) -> anyhow::Result<KvStore> {
        Ok(KvStore::on(Box::new(sqlite::Sqlite::open(path)?)))
    }

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

    pub fn open(&self) {
        self.data.open()
    }

    pub fn get(&self, label: &str, key: &str) -> Option<Vec<u8>> {
        self.data.get(label, key)
    }

    pub fn set(&self, label: &str, key: &str, value: Vec<u8>) {
        self.data.set(label, key, value)
    }

    pub fn delete(&self, label: &str, key: &str) {
        self.data.delete(label, key)
    }

    pub fn keys(&self, label: &str) -> Vec<String> {
        self.data.keys(label)
    }

    /// Everything under a label, for before/after comparisons.
    pub fn snapshot(&self, label: &str) -> HashMap<String, Vec<u8>> {
        self.data.snapshot(label)
    }

    pub fn increment(&self, label: &str, key: &str, delta: i64) -> KvResult<i64> {
        self.data.increment(label, key, delta)
    }

    /// Writes `value` if the key still holds `seen` (`None`: absent, an upsert as on SQLite).
    pub fn compare_and_swap(&self, label: &str, key: &str, seen: Option<&[u8]>, value: Vec<u8>) -> bool {
        self.data.compare_and_swap(label, key, seen, value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    /// A SQLite file of this test's own, removed first.
    fn sqlite_file(name: &str) -> std::path::PathBuf {
        let path = std::env::temp_dir().join(format!("refund-host-{}-{name}.db", std::process::id()));
        let _ = std::fs::remove_file(&path);
        path
    }

    /// What the components rely on, asked of one store.
    fn holds_the_contract(kv: &KvStore) {
        assert_eq!(kv.get("default", "a"), None);
        kv.set("default", "b", b"2".to_vec());
        kv.set("default", "a", b"1".to_vec());
        kv.set("other", "c", b"3".to_vec());
        assert_eq!(kv.get("default", "a"), Some(b"1".to_vec()));
        assert_eq!(kv.keys("default"), ["a", "b"]);
        assert_eq!(
            kv.snapshot("other"),
            HashMap::from([("c".to_string(), b"3".to_vec())])
        );

        // A swap writes only over what was seen; a swap of a key seen absent is an upsert.
        assert!(!kv.compare_and_swap("default", "a", Some(b"0"), b"x".to_vec()));
        assert_eq!(kv.get("default", "a"), Some(b"1".to_vec()));
        assert!(kv.compare_and_swap("default", "a", Some(b"1"), b"x".to_vec()));
        assert_eq!(kv.get("default", "a"), Some(b"x".to_vec()));
        assert!(kv.compare_and_swap("default", "new", None, b"n".to_vec()));
        assert_eq!(kv.get("default", "new"), Some(b"n".to_vec()));

        assert_eq!(kv.increment("default", "seq", 1), Ok(1));
        assert_eq!(kv.increment("default", "seq", 5), Ok(6));
        assert_eq!(kv.get("default", "seq"), Some(b"6".to_vec()));
        assert!(kv.increment("default", "a", 1).is_err());
        assert_eq!(
            kv.get("default", "a"),
            Some(b"x".to_vec()),
            "a failed increment writes nothing"
        );

        kv.delete("default", "b");
        assert_eq!(kv.keys("default"), ["a", "new", "seq"]);
    }

    #[test]
    fn memory_holds_the_contract() {
        holds_the_contract(&KvStore::default());
    }

    #[test]
    fn sqlite_holds_the_contract_and_keeps_it_on_disk() {
        let path = sqlite_file("contract");
        holds_the_contract(&KvStore::sqlite(&path).unwrap());
        let reopened = KvStore::sqlite(&path).unwrap();
        assert_eq!(reopened.get("default", "seq"), Some(b"6".to_vec()));
        std::fs::remove_file(&path).unwrap();
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite_serves_requests_on_a_multithreaded_runtime() {
        let path = sqlite_file("runtime");
        let kv = Arc::new(KvStore::sqlite(&path).unwrap());
        let swaps = (0..8).map(|i| {
            let kv = kv.clone();
            tokio::spawn(async move {
                let seen = kv.get("default", "counter");
                kv.compare_and_swap("default", "counter", seen.as_deref(), vec![i])
            })
        });
        let won = futures::future::join_all(swaps)
            .await
            .into_iter()
            .filter(|w| *w.as_ref().unwrap())
            .count();
        assert!(won >= 1);
        assert!(kv.get("default", "counter").is_some());
        std::fs::remove_file(&path).unwrap();
    }
}
