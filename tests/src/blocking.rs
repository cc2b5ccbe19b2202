//! Host work that Spin 4.0.2 runs as blocking work, run here the same way, so that a request
//! pays what it pays under `spin up`: opening a SQLite store and each of its statements
//! (`crates/key-value-spin/src/store.rs`), and reading a variable, which Spin asks its
//! environment provider first (`crates/variables-env`). Spin wraps each in
//! `tokio::task::block_in_place`: the worker thread hands its place in the runtime to another
//! thread, and the rest of the request runs on a thread that has none. That hand-off costs time
//! and decides which task runs next (the keep-alive stall in BENCHMARKS.md).

/// Runs `f` under `block_in_place` on a multi-threaded runtime, as Spin does; inline on any
/// other (a current-thread runtime has no thread to hand over, and `block_in_place` panics
/// there).
pub fn as_spin_does<R>(f: impl FnOnce() -> R) -> R {
    match tokio::runtime::Handle::try_current() {
        Ok(h) if h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => {
            tokio::task::block_in_place(f)
        }
        _ => f(),
    }
}

#[cfg(test)]
mod tests {
    use super::as_spin_does;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::{Duration, Instant};

    #[tokio::test]
    async fn runs_inline_on_a_current_thread_runtime() {
        assert_eq!(as_spin_does(|| 7), 7);
    }

    /// On the one worker, a task spawned just before the blocking work can only run meanwhile
    /// if the worker's place was handed to another thread.
    #[tokio::test(flavor = "multi_thread", worker_threads = 1)]
    async fn hands_the_thread_over_on_a_multi_threaded_runtime() {
        let on_the_worker = tokio::spawn(async {
            let ran = Arc::new(AtomicBool::new(false));
            let flag = ran.clone();
            tokio::spawn(async move { flag.store(true, Ordering::SeqCst) });
            as_spin_does(|| {
                let until = Instant::now() + Duration::from_secs(10);
                while !ran.load(Ordering::SeqCst) && Instant::now() < until {
                    std::thread::yield_now();
                }
                ran.load(Ordering::SeqCst)
            })
        });
        let seen = on_the_worker.await.unwrap();
        assert!(seen, "the spawned task did not run while the thread was blocked");
    }
}
