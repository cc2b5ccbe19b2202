//! Store faults, for every API's POST: a failure at any operation is a 5xx in the API's error
//! shape with nothing half-written, and a retry with the same Idempotency-Key then succeeds once.

mod common;
use common::*;
use std::time::Duration;

/// A refund opens the store, reads the source (compare-and-swap `current`) and swaps it.
const OPERATIONS: u64 = 3;

#[tokio::test(flavor = "multi_thread")]
async fn a_fault_at_each_operation_is_a_5xx_and_all_or_nothing() {
    for api in apis::all() {
        let host = TestHost::new();
        api.load(&host).await;
        let before = host.kv().snapshot("default");
        for nth in 1..=OPERATIONS {
            host.set_faults(Faults {
                fail_nth: Some(nth),
                ..Faults::default()
            });
            let reply = api.refund(&host, Some("retry-me")).await;
            host.kv().clear_faults();
            assert!(
                reply.status >= 500,
                "{} fault at op {nth}: {} {}",
                api.name,
                reply.status,
                reply.text()
            );
            assert!(
                (api.is_error_shape)(&reply.json()),
                "{} fault at op {nth}: {}",
                api.name,
                reply.text()
            );
            assert_eq!(
                host.kv().snapshot("default"),
                before,
                "{} fault at op {nth} wrote something",
                api.name
            );
        }
        let retry = api.refund(&host, Some("retry-me")).await;
        api.assert_taken(&retry);
        let again = api.refund(&host, Some("retry-me")).await;
        assert_eq!(
            (api.refund_id)(&again.json()),
            (api.refund_id)(&retry.json()),
            "{}",
            api.name
        );
        let state = api.source_state(&host).await;
        assert_eq!(
            state["refundIds"].as_array().unwrap().len(),
            1,
            "{}: {state}",
            api.name
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn swaps_that_keep_losing_end_in_a_bounded_503() {
    for api in apis::all() {
        let host = TestHost::new();
        api.load(&host).await;
        host.set_faults(Faults {
            lose_every_swap: true,
            ..Faults::default()
        });
        let reply = api.refund(&host, None).await;
        host.kv().clear_faults();
        assert_eq!(reply.status, 503, "{}: {}", api.name, reply.text());
        assert_eq!(reply.header("retry-after"), Some("1"), "{}", api.name);
        assert!(
            (api.is_error_shape)(&reply.json()),
            "{}: {}",
            api.name,
            reply.text()
        );
        assert_eq!(reply.ops.writes, 64, "{}: the retries are bounded", api.name);
        assert_eq!(
            api.source_state(&host).await["refundIds"],
            json!([]),
            "{}",
            api.name
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failing_swap_is_a_500_with_nothing_written() {
    for api in apis::all() {
        let host = TestHost::new();
        api.load(&host).await;
        host.set_faults(Faults {
            fail_every_swap: true,
            ..Faults::default()
        });
        let reply = api.refund(&host, None).await;
        host.kv().clear_faults();
        assert_eq!(reply.status, 500, "{}: {}", api.name, reply.text());
        assert_eq!(
            api.source_state(&host).await["refundIds"],
            json!([]),
            "{}",
            api.name
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_slow_store_is_slow_but_correct() {
    for api in apis::all() {
        let host = TestHost::new();
        api.load(&host).await;
        host.set_faults(Faults {
            latency: Some(Duration::from_millis(20)),
            ..Faults::default()
        });
        let tasks: Vec<_> = (0..4)
            .map(|_| {
                let host = host.clone();
                let api = apis::all().into_iter().find(|a| a.name == api.name).unwrap();
                tokio::spawn(async move { api.refund(&host, None).await.status })
            })
            .collect();
        for task in tasks {
            assert!(matches!(task.await.unwrap(), 200 | 201), "{}", api.name);
        }
        host.kv().clear_faults();
        assert_eq!(
            api.source_state(&host).await["refundIds"]
                .as_array()
                .unwrap()
                .len(),
            4,
            "{}",
            api.name
        );
    }
}
