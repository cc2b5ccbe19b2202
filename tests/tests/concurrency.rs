//! Concurrency, for every API: concurrent refunds never exceed what is refundable, and
//! concurrent retries with one Idempotency-Key take exactly one refund.

mod common;
use common::*;

const CAPACITY: usize = 50;
const REQUESTS: usize = 64;
const RUNS: usize = 3;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixty_four_concurrent_unit_refunds_take_exactly_fifty() {
    for api in apis::all().into_iter().map(std::sync::Arc::new) {
        for run in 0..RUNS {
            let host = TestHost::new();
            api.load(&host).await;
            let tasks: Vec<_> = (0..REQUESTS)
                .map(|_| {
                    let (host, api) = (host.clone(), api.clone());
                    tokio::spawn(async move { api.refund(&host, None).await })
                })
                .collect();
            let mut succeeded = 0;
            for task in tasks {
                let reply = task.await.unwrap();
                match reply.status {
                    200 | 201 => succeeded += 1,
                    status => {
                        assert_eq!(
                            status,
                            api.refusal_status,
                            "{} run {run}: {}",
                            api.name,
                            reply.text()
                        );
                        assert!(
                            (api.is_error_shape)(&reply.json()),
                            "{}: {}",
                            api.name,
                            reply.text()
                        );
                    }
                }
            }
            assert_eq!(succeeded, CAPACITY, "{} run {run}", api.name);
            let state = api.source_state(&host).await;
            assert_eq!(state["refundable"], json!(0), "{} run {run}: {state}", api.name);
            assert_eq!(
                state["refundIds"].as_array().unwrap().len(),
                CAPACITY,
                "{} run {run}",
                api.name
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_retries_with_one_key_take_one_refund() {
    for api in apis::all() {
        let host = TestHost::new();
        api.load(&host).await;
        let api = std::sync::Arc::new(api);
        let tasks: Vec<_> = (0..16)
            .map(|_| {
                let (host, api) = (host.clone(), api.clone());
                tokio::spawn(async move { api.refund(&host, Some("one-key")).await })
            })
            .collect();
        let mut ids = Vec::new();
        for task in tasks {
            let reply = task.await.unwrap();
            api.assert_taken(&reply);
            ids.push((api.refund_id)(&reply.json()));
        }
        assert!(
            ids.iter().all(|id| id == &ids[0] && !id.is_empty()),
            "{}: {ids:?}",
            api.name
        );
        let state = api.source_state(&host).await;
        assert_eq!(state["refundIds"].as_array().unwrap().len(), 1, "{}", api.name);
    }
}
