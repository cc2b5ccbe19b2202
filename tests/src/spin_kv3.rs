//! `spin:key-value/key-value@3.0.0` (async functions) over the same store as `wasi:keyvalue`:
//! in Spin both interfaces reach one store per label, so they do here.

use crate::bindings::spin::key_value::key_value as kv3;
use crate::kv::{KvStore, Op};
use crate::spin_kv::Bucket;
use crate::state::HostState;
use std::sync::Arc;
use wasmtime::component::{Accessor, FutureReader, HasSelf, Resource, StreamReader};

type Kv3Result<T> = Result<T, kv3::Error>;

/// Counts (and delays, under injected latency) one operation, then runs `f` on the store.
async fn op<T: Send, R>(
    accessor: &Accessor<T, HasSelf<HostState>>,
    op: Op,
    bucket: Option<&Resource<Bucket>>,
    f: impl FnOnce(&KvStore, &str) -> R,
) -> Kv3Result<R> {
    let (kv, ops, label) = accessor.with(|mut access| {
        let state: &mut HostState = access.get();
        let label = match bucket {
            Some(b) => state
                .table
                .get(b)
                .map(|b| b.label.clone())
                .map_err(|e| kv3::Error::Other(e.to_string()))?,
            None => String::new(),
        };
        Ok::<_, kv3::Error>((state.kv.clone(), state.ops.clone(), label))
    })?;
    let kv: Arc<KvStore> = kv;
    kv.begin(op, &ops).await.map_err(kv3::Error::Other)?;
    Ok(f(&kv, &label))
}

impl kv3::HostStoreWithStore for HasSelf<HostState> {
    async fn open<T: Send>(accessor: &Accessor<T, Self>, label: String) -> Kv3Result<Resource<Bucket>> {
        let allowed = accessor.with(|mut access| access.get().allowed_stores.contains(&label));
        if !allowed {
            return Err(kv3::Error::NoSuchStore);
        }
        op(accessor, Op::Open, None, |kv, _| kv.open()).await?;
        accessor.with(|mut access| {
            let state: &mut HostState = access.get();
            state
                .table
                .push(Bucket { label })
                .map_err(|_| kv3::Error::StoreTableFull)
        })
    }

    async fn get<T: Send>(
        accessor: &Accessor<T, Self>,
        store: Resource<Bucket>,
        key: String,
    ) -> Kv3Result<Option<Vec<u8>>> {
        op(accessor, Op::Read, Some(&store), |kv, label| kv.get(label, &key)).await
    }

    async fn set<T: Send>(
        accessor: &Accessor<T, Self>,
        store: Resource<Bucket>,
        key: String,
        value: Vec<u8>,
    ) -> Kv3Result<()> {
        op(accessor, Op::Write, Some(&store), |kv, label| {
            kv.set(label, &key, value)
        })
        .await
    }

    async fn delete<T: Send>(
        accessor: &Accessor<T, Self>,
        store: Resource<Bucket>,
        key: String,
    ) -> Kv3Result<()> {
        op(accessor, Op::Write, Some(&store), |kv, label| {
            kv.delete(label, &key)
        })
        .await
    }

    async fn exists<T: Send>(
        accessor: &Accessor<T, Self>,
        store: Resource<Bucket>,
        key: String,
    ) -> Kv3Result<bool> {
        op(accessor, Op::Read, Some(&store), |kv, label| {
            kv.get(label, &key).is_some()
        })
        .await
    }

    async fn get_keys<T: Send>(
        accessor: &Accessor<T, Self>,
        store: Resource<Bucket>,
    ) -> wasmtime::Result<(StreamReader<String>, FutureReader<Result<(), kv3::Error>>)> {
        let keys = op(accessor, Op::Read, Some(&store), |kv, label| kv.keys(label)).await;
        accessor.with(|mut access| {
            let (keys, outcome) = match keys {
                Ok(keys) => (keys, Ok(())),
                Err(e) => (Vec::new(), Err(e)),
            };
            let stream = StreamReader::new(&mut access, keys)?;
            let done = FutureReader::new(&mut access, async move { wasmtime::error::Ok(outcome) })?;
            Ok((stream, done))
        })
    }
}

impl kv3::HostStore for HostState {
    async fn drop(&mut self, store: Resource<Bucket>) -> wasmtime::Result<()> {
        self.table.delete(store)?;
        Ok(())
    }
}

impl kv3::Host for HostState {
    fn convert_error(&mut self, err: kv3::Error) -> wasmtime::Result<kv3::Error> {
        Ok(err)
    }
}
