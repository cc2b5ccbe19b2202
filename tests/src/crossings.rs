//! Where a request's time goes between guest and host, from wasmtime's call hook: how many
//! times the guest called the host, how many times the host entered the guest (the first call,
//! then once per async event it is woken for), and the time on each side. The rest of a
//! request's time is the host's own: instantiation, the runtime's bookkeeping, the body.
//!
//! Counted only when a [`crate::TestHost`] asks for it (the hook costs a clock read per
//! crossing, so timed runs leave it off). The counts are deterministic for a given request and
//! build, so the tests hold them to budgets; the times are for the benchmark only.

use crate::Reply;
use serde::Serialize;
use std::future::Future;
use std::time::{Duration, Instant};
use wasmtime::CallHook;

/// What one request crossed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Crossings {
    /// Calls from the guest into host functions (WASI, wasi:http, key-value, variables).
    pub host_calls: u32,
    /// Entries into the guest: the export call and each callback after an async wait.
    pub guest_entries: u32,
    /// Time running guest code (including the page faults and runtime intrinsics it triggers).
    pub guest: Duration,
    /// Time inside host functions.
    pub host: Duration,
    /// Times the guest grew its memory. A grow is a call out of the guest and an mprotect, and
    /// on Spin's pooling allocator the slot's next instance pays another to shrink it back; a
    /// request that fits in the initial memory pays neither.
    pub memory_grows: u32,
}

/// Follows the hook's events for one store.
#[derive(Debug, Default)]
pub struct CrossingClock {
    counted: Crossings,
    in_guest_since: Option<Instant>,
    in_host_since: Option<Instant>,
}

impl CrossingClock {
    pub fn on(&mut self, kind: CallHook) {
        let now = Instant::now();
        match kind {
            CallHook::CallingWasm => {
                self.counted.guest_entries += 1;
                self.in_guest_since = Some(now);
            }
            CallHook::ReturningFromWasm => self.leave_guest(now),
            CallHook::CallingHost => {
                self.counted.host_calls += 1;
                self.leave_guest(now);
                self.in_host_since = Some(now);
            }
            CallHook::ReturningFromHost => {
                if let Some(since) = self.in_host_since.take() {
                    self.counted.host += now - since;
                }
                self.in_guest_since = Some(now);
            }
        }
    }

    /// The guest asked for more memory (from the store's resource limiter).
    pub fn grew_memory(&mut self) {
        self.counted.memory_grows += 1;
    }

    fn leave_guest(&mut self, now: Instant) {
        if let Some(since) = self.in_guest_since.take() {
            self.counted.guest += now - since;
        }
    }

    pub fn finish(self) -> Crossings {
        self.counted
    }
}

/// A request's time split by side, averaged over requests run one after another with the
/// crossings counted: `other` is the host's own part (instantiation, the async runtime, the
/// body), `page_faults` the process's minor faults (first touches of fresh instance memory).
#[derive(Debug, Default, Clone, Copy, Serialize)]
pub struct Breakdown {
    pub total_us: f64,
    pub guest_us: f64,
    pub host_calls_us: f64,
    pub other_us: f64,
    pub host_calls: f64,
    pub guest_entries: f64,
    pub memory_grows: f64,
    pub page_faults: f64,
}

/// Runs `op(i)` for `i` in `0..n` one at a time on a host made with
/// [`crate::TestHost::counting_crossings`], and averages what they crossed.
pub async fn break_down<F, Fut>(n: usize, mut op: F) -> Breakdown
where
    F: FnMut(usize) -> Fut,
    Fut: Future<Output = Reply>,
{
    let (mut total, mut sum) = (Duration::ZERO, Crossings::default());
    let faults_before = minor_faults();
    for i in 0..n {
        let started = Instant::now();
        let reply = op(i).await;
        total += started.elapsed();
        let c = reply
            .crossings
            .expect("break_down needs a host counting crossings");
        sum.host_calls += c.host_calls;
        sum.guest_entries += c.guest_entries;
        sum.memory_grows += c.memory_grows;
        sum.guest += c.guest;
        sum.host += c.host;
    }
    let per = |x: f64| x / n.max(1) as f64;
    let us = |d: Duration| per(d.as_secs_f64() * 1e6);
    Breakdown {
        total_us: us(total),
        guest_us: us(sum.guest),
        host_calls_us: us(sum.host),
        other_us: us(total.saturating_sub(sum.guest + sum.host)),
        host_calls: per(f64::from(sum.host_calls)),
        guest_entries: per(f64::from(sum.guest_entries)),
        memory_grows: per(f64::from(sum.memory_grows)),
        page_faults: per(minor_faults().saturating_sub(faults_before) as f64),
    }
}

/// The process's minor page faults so far (Linux; 0 elsewhere).
fn minor_faults() -> u64 {
    std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|stat| {
            // Fields after the command name, which is in parentheses and may hold spaces;
            // minflt is the 10th field of the line, the 8th after the name.
            let rest = &stat[stat.rfind(')')? + 2..];
            rest.split(' ').nth(7)?.parse().ok()
        })
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_calls_entries_and_splits_time() {
        let mut clock = CrossingClock::default();
        clock.on(CallHook::CallingWasm);
        clock.on(CallHook::CallingHost);
        std::thread::sleep(Duration::from_millis(2));
        clock.on(CallHook::ReturningFromHost);
        clock.on(CallHook::ReturningFromWasm);
        clock.on(CallHook::CallingWasm);
        clock.on(CallHook::ReturningFromWasm);
        clock.grew_memory();
        let c = clock.finish();
        assert_eq!((c.host_calls, c.guest_entries, c.memory_grows), (1, 2, 1));
        assert!(c.host >= Duration::from_millis(2), "{c:?}");
    }

    #[test]
    fn reads_this_process_page_faults() {
        let before = minor_faults();
        let touched = vec![1u8; 8 << 20];
        assert!(touched.iter().all(|b| *b == 1));
        assert!(minor_faults() > before, "faults {before} -> {}", minor_faults());
    }
}
