//! The key-value store behind the ledger: a small async trait so handlers run natively in unit
//! tests (in-memory store) and in Spin (its key-value store), unchanged.

mod memory;
#[cfg(target_arch = "wasm32")]
mod spin;

pub use memory::{Fault, MemoryStore, OpCounts};
#[cfg(target_arch = "wasm32")]
pub use spin::SpinStore;

/// A failure of the store itself (I/O, unavailable, refused). Always a 5xx, never half-written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreError(pub String);

pub type StoreResult<T> = Result<T, StoreError>;

impl From<StoreError> for crate::error::AppError {
    fn from(e: StoreError) -> Self {
        crate::error::AppError::Store(e.0)
    }
}

/// What the ledger needs from a key-value store.
#[allow(async_fn_in_trait)] // used with concrete types only; no `Send` bound is wanted in wasm
pub trait Store {
    /// The handle a compare-and-swap carries from [`Store::watch`] to [`Store::swap`].
    type Token;

    async fn get(&self, key: &str) -> StoreResult<Option<Vec<u8>>>;
    async fn set(&self, key: &str, value: &[u8]) -> StoreResult<()>;
    async fn delete(&self, key: &str) -> StoreResult<()>;
    /// Atomically adds `delta` and returns the new value (a missing key counts as 0).
    async fn increment(&self, key: &str, delta: i64) -> StoreResult<i64>;
    /// Reads a key's current value for a later [`Store::swap`].
    async fn watch(&self, key: &str) -> StoreResult<(Option<Vec<u8>>, Self::Token)>;
    /// Writes `value` only if the key still holds what `watch` read. `Ok(false)`: another writer
    /// got there first; re-read and decide again.
    async fn swap(&self, token: Self::Token, value: &[u8]) -> StoreResult<bool>;
    /// Every key in the store, for the back office's scans (never on a refund's path).
    async fn keys(&self) -> StoreResult<Vec<String>>;
}
