//! The benchmarks' settings, from the `BENCH_*` environment variables, read alike by
//! `scripts/bench` and `scripts/bench-ab` (what each measures with them: their binaries'
//! module docs, `tests/src/bin/`).

use crate::apis::{self, Api};
use crate::{EngineKind, TestHost};

/// The benchmarks' sources are numbered from here (the tests use 50).
pub const FIRST_SOURCE: u32 = 1000;

#[derive(Clone)]
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

    /// The source the `i`th POST goes to, as production spreads them: each source takes
    /// `per_source` refunds, then the next; source k is `source_id(FIRST_SOURCE + k)`.
    pub fn source_of(&self, api: &Api, i: usize) -> String {
        (api.source_id)(FIRST_SOURCE + (i / self.per_source) as u32)
    }

    /// `host`, keeping its instances as `BENCH_REUSE` asks.
    pub fn keeping_instances(&self, host: TestHost) -> TestHost {
        match self.reuse {
            Some(max) => host.reusing_instances(max),
            None => host,
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
