//! Instances kept to serve more than one request, as Spin 4.0.2 keeps a `wasi:http@0.3`
//! component's (`crates/trigger-http/src/lib.rs`: up to 128 requests an instance by default,
//! dropped after 1 s idle). A kept instance serves one request at a time here; Spin also sends
//! one instance up to 16 at once, which `TestHost::send_at_once` does with a new instance.

use crate::state::HostState;
use crate::stdout::Stdout;
use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use wasmtime::Store;
use wasmtime_wasi_http::p3::bindings::Service;

/// Spin 4.0.2's default for `--max-instance-reuse-count` with a `wasi:http@0.3` component.
pub const SPIN_MAX_INSTANCE_REUSE: usize = 128;

/// Spin 4.0.2's default for `--max-instance-concurrent-reuse-count`: how many requests it sends
/// one `wasi:http@0.3` instance at once ([`crate::TestHost::send_at_once`] sends that many).
pub const SPIN_MAX_INSTANCE_CONCURRENCY: usize = 16;

/// An instance with its store, and what it has served.
pub struct Warm {
    pub store: Store<HostState>,
    pub service: Service,
    /// The instance's stdout; each request's lines are taken after it.
    pub stdout: Stdout,
    pub served: usize,
}

/// The idle instances of each component, and how many were made.
pub struct Pool {
    max_reuse: usize,
    idle: Mutex<HashMap<String, Vec<Warm>>>,
    made: AtomicUsize,
}

impl Pool {
    pub fn new(max_reuse: usize) -> Pool {
        Pool {
            max_reuse,
            idle: Mutex::default(),
            made: AtomicUsize::new(0),
        }
    }

    pub fn max_reuse(&self) -> usize {
        self.max_reuse
    }

    /// An idle instance of `component`, if one is kept.
    pub fn take(&self, component: &str) -> Option<Warm> {
        let mut idle = self.idle.lock().expect("the pool's lock");
        idle.get_mut(component)?.pop()
    }

    /// Counts an instance made for a request.
    pub fn made_one(&self) {
        self.made.fetch_add(1, Ordering::Relaxed);
    }

    /// Keeps `warm` for the next request unless it served its share already.
    pub fn give_back(&self, component: &str, warm: Warm) {
        if warm.served < self.max_reuse {
            let mut idle = self.idle.lock().expect("the pool's lock");
            idle.entry(component.to_string()).or_default().push(warm);
        }
    }

    pub fn instances_made(&self) -> usize {
        self.made.load(Ordering::Relaxed)
    }
}
