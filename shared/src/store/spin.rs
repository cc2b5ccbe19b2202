//! The Spin binding of [`Store`]: `wasi:keyvalue` (store + atomics) on the `default` store.
//!
//! One interface for every operation, and the store opened lazily, at most once per instance:
//! on Spin 4.0.2 an open costs about as much as a write, and `spin:key-value` reaches the same
//! data, so opening both would pay twice for nothing. Moving to another interface is a change
//! here only.

use super::{Store, StoreError, StoreResult};
use crate::access_log::StoreOps;
use spin_sdk::experimental::wasi::keyvalue::{atomics, store};
use std::cell::{Cell, OnceCell, RefCell};
use std::rc::Rc;

thread_local! {
    /// The store as the instance's first request opened it, kept for the next ones: Spin 4.0.2
    /// serves up to 128 requests with one `wasi:http@0.3` instance, and on its SQLite store an
    /// open costs about as much as a whole request. Forgotten when an operation fails, so the
    /// next request opens it afresh.
    static OPENED: RefCell<Option<Rc<store::Bucket>>> = const { RefCell::new(None) };
}

#[derive(Default)]
pub struct SpinStore {
    bucket: OnceCell<Rc<store::Bucket>>,
    /// What this request asked of the store, for the access log.
    ops: Cell<StoreOps>,
}

impl SpinStore {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn ops(&self) -> StoreOps {
        self.ops.get()
    }

    fn count(&self, read: u32, write: u32) {
        let mut ops = self.ops.get();
        ops.reads += read;
        ops.writes += write;
        self.ops.set(ops);
    }

    fn bucket(&self) -> StoreResult<&store::Bucket> {
        if let Some(bucket) = self.bucket.get() {
            return Ok(bucket);
        }
        let bucket = match OPENED.with_borrow(Option::clone) {
            Some(kept) => kept,
            None => {
                let mut ops = self.ops.get();
                ops.opens += 1;
                self.ops.set(ops);
                let opened = Rc::new(store::open("default").map_err(err)?);
                OPENED.set(Some(opened.clone()));
                opened
            }
        };
        Ok(self.bucket.get_or_init(|| bucket))
    }
}

/// A store error; the kept store is forgotten, in case it is the store that failed.
fn err(e: store::Error) -> StoreError {
    OPENED.set(None);
    StoreError(match e {
        store::Error::NoSuchStore => "no such store".to_string(),
        store::Error::AccessDenied => "access to the store denied".to_string(),
        store::Error::Other(message) => message,
    })
}

impl Store for SpinStore {
    type Token = atomics::Cas;

    async fn get(&self, key: &str) -> StoreResult<Option<Vec<u8>>> {
        self.count(1, 0);
        self.bucket()?.get(key).map_err(err)
    }

    async fn set(&self, key: &str, value: &[u8]) -> StoreResult<()> {
        self.count(0, 1);
        self.bucket()?.set(key, value).map_err(err)
    }

    async fn delete(&self, key: &str) -> StoreResult<()> {
        self.count(0, 1);
        self.bucket()?.delete(key).map_err(err)
    }

    async fn increment(&self, key: &str, delta: i64) -> StoreResult<i64> {
        self.count(0, 1);
        atomics::increment(self.bucket()?, key, delta).map_err(err)
    }

    async fn watch(&self, key: &str) -> StoreResult<(Option<Vec<u8>>, atomics::Cas)> {
        self.count(1, 0);
        let cas = atomics::Cas::new(self.bucket()?, key).map_err(err)?;
        // Spin's swap compares against what `current` read, so it must be called first.
        let current = cas.current().map_err(err)?;
        Ok((current, cas))
    }

    async fn keys(&self) -> StoreResult<Vec<String>> {
        let bucket = self.bucket()?;
        let mut keys = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            self.count(1, 0);
            let page = bucket.list_keys(cursor.as_deref()).map_err(err)?;
            keys.extend(page.keys);
            match page.cursor {
                Some(next) => cursor = Some(next),
                None => return Ok(keys),
            }
        }
    }

    async fn swap(&self, token: atomics::Cas, value: &[u8]) -> StoreResult<bool> {
        self.count(0, 1);
        match atomics::swap(token, value) {
            Ok(()) => Ok(true),
            Err(atomics::CasError::CasFailed(_)) => Ok(false),
            Err(atomics::CasError::StoreError(e)) => Err(err(e)),
        }
    }
}
