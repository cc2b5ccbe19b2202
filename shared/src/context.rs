//! What a handler gets besides the request: the store, the accepted tokens and the time.

use crate::auth::Tokens;
use crate::ledger::Ledger;
use crate::store::Store;
use crate::webhook::Webhook;

pub struct Ctx<S: Store> {
    pub store: S,
    pub tokens: Tokens,
    /// Unix seconds, read once per request.
    pub now: i64,
    /// Where refund events go; `None` when the `webhook_url` variable is empty.
    pub webhook: Option<Webhook>,
}

impl<S: Store> Ctx<S> {
    /// The ledger on this request's store; it raises refund events only when they have
    /// somewhere to go.
    pub fn ledger(&self) -> Ledger<'_, S> {
        Ledger::new(&self.store, self.now).raising_events(self.webhook.is_some())
    }
}
