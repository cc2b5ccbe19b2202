//! The product's performance budgets (issue #9), named once: the tests hold every component to
//! the size and store-operation budgets, and `scripts/bench` prints where each component stands
//! against all of them, the throughput ones included (timing is never asserted in a test).

use crate::OpCounts;

/// A component's .wasm, release, after scripts/build's wasm-opt pass.
pub const WASM_BYTES: u64 = 400 * 1024;

/// What an uncontended POST refund may cost: the store opened once, the source read and
/// swapped (plus at most one id-sequence or index write and one more read).
pub const POST_OPS: OpCounts = OpCounts {
    opens: 1,
    reads: 2,
    writes: 2,
};

/// What a GET may cost: one open, at most two reads, no write.
pub const GET_OPS: OpCounts = OpCounts {
    opens: 1,
    reads: 2,
    writes: 0,
};

/// A POST refund's throughput, at least this share of the one-CAS floor's in the same run.
pub const POST_OF_ONE_CAS: f64 = 0.7;

/// A GET's throughput, at least this share of the open-only floor's in the same run.
pub const GET_OF_OPEN_ONLY: f64 = 0.8;

/// Whether `ops` stays within `budget` on every count.
pub fn within(ops: OpCounts, budget: OpCounts) -> bool {
    ops.opens <= budget.opens && ops.reads <= budget.reads && ops.writes <= budget.writes
}
