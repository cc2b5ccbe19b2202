//! Helpers shared by the end-to-end tests.
#![allow(dead_code, unused_imports)]

pub use refund_host::{Faults, OpCounts, Reply, TestHost};
pub use serde_json::{Value, json};

pub use refund_host::apis;
pub use refund_host::apis::{ADMIN, JSON};
