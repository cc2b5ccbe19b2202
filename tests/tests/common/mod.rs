//! Helpers shared by the end-to-end tests.
#![allow(dead_code, unused_imports)]

pub use refund_host::{Faults, OpCounts, Reply, TestHost};
pub use serde_json::{Value, json};

pub const ADMIN: (&str, &str) = ("authorization", "Bearer dev-admin-token");
pub const JSON: (&str, &str) = ("content-type", "application/json");

pub mod apis;
