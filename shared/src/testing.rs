//! Test support for the components' native tests and the host's native runs: a context on a
//! fresh in-memory store, and a source loaded into it as the admin component would load it.
//! (Not used by the components at run time; LTO leaves it out of every .wasm.)

use crate::Ctx;
use crate::auth::Tokens;
use crate::ledger::{SourceRecord, source_key};
use crate::sources::Kind;
use crate::store::MemoryStore;
use serde_json::Value;

/// A context accepting `full` and `read_only` as bearer tokens, on an empty in-memory store.
pub fn memory_ctx(full: &str, read_only: &str) -> Ctx<MemoryStore> {
    Ctx {
        store: MemoryStore::new(),
        tokens: Tokens {
            full: full.into(),
            read_only: read_only.into(),
        },
        now: 1_700_000_000,
        webhook: None,
    }
}

impl Ctx<MemoryStore> {
    /// Loads a source; panics on a body the kind refuses (a mistake in the test itself).
    pub fn with_source(self, kind: Kind, id: &str, body: &Value) -> Self {
        let loaded = kind
            .load(body)
            .unwrap_or_else(|e| panic!("test source {id}: {e}"));
        let mut record = SourceRecord::new(
            kind.name(),
            id,
            loaded.currency.code,
            loaded.captured,
            loaded.data,
        );
        record.parts = loaded.parts;
        self.store.put(&source_key(kind.name(), id), record.encode());
        self
    }
}
