//! How the host sets up wasmtime: wasmtime's defaults (the tests), or the way Spin 4.0.2 sets it
//! up for `spin up` (`BENCH_SPIN_ENGINE=1 scripts/bench`), which is what a deployment runs.

use wasmtime::{Config, InstanceAllocationStrategy, PoolingAllocationConfig};

/// Which wasmtime configuration an [`crate::App`] compiles and instantiates with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EngineKind {
    /// wasmtime's defaults: memories and stacks mapped for each instance and unmapped after.
    /// Many test processes can run side by side, each reserving little address space.
    #[default]
    Default,
    /// As Spin 4.0.2's `crates/core` configures wasmtime where the pooling allocator fits in
    /// the address space (x86_64 Linux): instances reuse pooled memories, tables and stacks,
    /// a memory's first 2 MiB kept resident and reset between requests, and compiled code
    /// checks an epoch counter, which Spin uses to time requests out.
    Spin,
}

impl EngineKind {
    /// `BENCH_SPIN_ENGINE=1` selects [`EngineKind::Spin`].
    pub fn from_env() -> EngineKind {
        match std::env::var("BENCH_SPIN_ENGINE").as_deref() {
            Ok("1") => EngineKind::Spin,
            _ => EngineKind::Default,
        }
    }

    pub fn configure(self, config: &mut Config) {
        if self == EngineKind::Default {
            return;
        }
        config.epoch_interruption(true);
        // Spin sizes its pools for 1,000 concurrent instances; a benchmark runs at most 8 at a
        // time, so a smaller pool reserves less address space. The limits per instance are
        // Spin's, since they decide how each instance is laid out and reset.
        const INSTANCES: u32 = 64;
        let mut pool = PoolingAllocationConfig::default();
        pool.total_component_instances(INSTANCES)
            .total_memories(INSTANCES)
            .total_tables(2 * INSTANCES)
            .total_stacks(INSTANCES)
            .total_core_instances(4 * INSTANCES)
            .table_elements(100_000)
            .max_component_instance_size(10 << 20)
            .max_core_instance_size(10 << 20)
            .max_core_instances_per_component(200)
            .max_tables_per_component(64)
            .max_memories_per_component(32)
            .max_tables_per_module(2)
            .max_memories_per_module(2)
            .max_memory_size(4 << 30)
            .linear_memory_keep_resident(2 << 20)
            .table_keep_resident(1 << 19);
        config.allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
    }

    /// The epoch deadline a request's store gets. Nothing advances the epoch here (the host's
    /// own timeout ends slow requests), so the checks run and never fire.
    pub fn epoch_deadline(self) -> Option<u64> {
        (self == EngineKind::Spin).then_some(1 << 32)
    }
}
