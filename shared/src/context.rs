//! What a handler gets besides the request: the store, the accepted tokens and the time.

use crate::auth::Tokens;
use crate::ledger::Ledger;
use crate::store::Store;

pub struct Ctx<S: Store> {
    pub store: S,
    pub tokens: Tokens,
    /// Unix seconds, read once per request.
    pub now: i64,
}

impl<S: Store> Ctx<S> {
    pub fn ledger(&self) -> Ledger<'_, S> {
        Ledger::new(&self.store, self.now)
    }
}
