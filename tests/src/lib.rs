//! A Spin-compatible host for the end-to-end tests and for local serving: it reads `spin.toml`,
//! compiles each component once, instantiates it fresh for every request (or, as Spin 4.0.2
//! does with a `wasi:http@0.3` component, keeps an instance for many: `reuse.rs`), and
//! provides WASI, `wasi:http@0.3.0-rc-2026-03-15` serving, `wasi:keyvalue`, `spin:key-value` over
//! one store per label (in memory, or in a SQLite file as `spin up` keeps it), and the
//! variables (`spin:variables`, `wasi:config/store`). Where Spin runs host work as blocking
//! work, so does it (`blocking.rs`).

pub mod apis;
pub mod bench_env;
mod bindings;
mod blocking;
mod body;
pub mod budgets;
pub mod client;
pub mod crossings;
pub mod engine;
mod grants;
mod host;
pub mod kv;
pub mod manifest;
pub mod native;
pub mod openapi;
pub mod receiver;
mod reuse;
pub mod serve;
mod spin_kv;
mod spin_kv3;
mod state;
mod stdout;
pub mod streamed;
mod variables;

pub use crossings::Crossings;
pub use engine::EngineKind;
pub use host::{App, BUILD_COMMAND, Reply, TestHost, client_request, workspace_root_dir as workspace_root};
pub use kv::{Faults, KvStore, OpCounts};
pub use reuse::{SPIN_MAX_INSTANCE_CONCURRENCY, SPIN_MAX_INSTANCE_REUSE};
