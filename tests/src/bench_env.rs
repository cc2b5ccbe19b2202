//! The benchmarks' settings, from the `BENCH_*` environment variables, read alike by
//! `scripts/bench` and `scripts/bench-ab` (what each measures with them: their binaries'
//! module docs, `tests/src/bin/`).

use crate::EngineKind;
use crate::apis::{self, Api};

pub struct Settings {
    /// `BENCH_REQUESTS`: requests per measurement (rounds, for the A/B), when set.
    pub requests: Option<usize>,
    /// `BENCH_REFUNDS_PER_SOURCE`: how many refunds each source takes before the next (20).
    pub per_source: usize,
    /// `BENCH_SPIN_ENGINE=1`: wasmtime set up as Spin 4.0.2 sets it up.
    pub engine: EngineKind,
    /// `BENCH_REUSE`: requests an instance serves; none: a new instance for each request.
    pub reuse: Option<usize>,
}

impl Settings {
    pub fn from_env() -> Settings {
        let number = |name: &str| std::env::var(name).ok().and_then(|v| v.parse().ok());
        Settings {
            requests: number("BENCH_REQUESTS"),
            per_source: number("BENCH_REFUNDS_PER_SOURCE")
                .filter(|&p| p > 0)
                .unwrap_or(20),
            engine: EngineKind::from_env(),
            reuse: number("BENCH_REUSE"),
        }
    }
}

/// `BENCH_ONLY`: the APIs to measure, all or those whose component name contains it.
pub fn selected() -> Vec<Api> {
    let only = std::env::var("BENCH_ONLY").unwrap_or_default();
    apis::all()
        .into_iter()
        .filter(|a| a.component().contains(&only))
        .collect()
}
