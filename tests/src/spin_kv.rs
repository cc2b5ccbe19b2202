//! `wasi:keyvalue` (store, atomics, batch) as the host provides it to a component: one store
//! per label ([`crate::kv`]), shared by all requests; every operation counted.

use crate::bindings::wasi::keyvalue::{atomics, batch, store};
use crate::kv::Op;
use crate::state::HostState;
use wasmtime::component::Resource;

pub struct Bucket {
    pub label: String,
}

pub struct CasHandle {
    pub label: String,
    pub key: String,
    /// What `current` read; the swap compares against it (as Spin's SQLite store does).
    pub seen: Option<Vec<u8>>,
}

type KvResult<T> = Result<T, store::Error>;

impl HostState {
    /// Counts and delays an operation; owns what it needs so the future is `Send`.
    fn op(&self, op: Op) -> impl Future<Output = KvResult<()>> + Send + 'static {
        let (kv, ops) = (self.kv.clone(), self.ops.clone());
        async move { kv.begin(op, &ops).await.map_err(store::Error::Other) }
    }

    fn label(&self, bucket: &Resource<Bucket>) -> KvResult<String> {
        self.table
            .get(bucket)
            .map(|b| b.label.clone())
            .map_err(|e| store::Error::Other(e.to_string()))
    }
}

impl store::Host for HostState {
    async fn open(&mut self, identifier: String) -> KvResult<Resource<Bucket>> {
        if !self.allowed_stores.contains(&identifier) {
            return Err(store::Error::NoSuchStore);
        }
        self.op(Op::Open).await?;
        self.kv.open();
        self.table
            .push(Bucket { label: identifier })
            .map_err(|e| store::Error::Other(e.to_string()))
    }

    fn convert_error(&mut self, err: store::Error) -> wasmtime::Result<store::Error> {
        Ok(err)
    }
}

impl store::HostBucket for HostState {
    async fn get(&mut self, bucket: Resource<Bucket>, key: String) -> KvResult<Option<Vec<u8>>> {
        let label = self.label(&bucket)?;
        self.op(Op::Read).await?;
        Ok(self.kv.get(&label, &key))
    }

    async fn set(&mut self, bucket: Resource<Bucket>, key: String, value: Vec<u8>) -> KvResult<()> {
        let label = self.label(&bucket)?;
        self.op(Op::Write).await?;
        self.kv.set(&label, &key, value);
        Ok(())
    }

    async fn delete(&mut self, bucket: Resource<Bucket>, key: String) -> KvResult<()> {
        let label = self.label(&bucket)?;
        self.op(Op::Write).await?;
        self.kv.delete(&label, &key);
        Ok(())
    }

    async fn exists(&mut self, bucket: Resource<Bucket>, key: String) -> KvResult<bool> {
        let label = self.label(&bucket)?;
        self.op(Op::Read).await?;
        Ok(self.kv.get(&label, &key).is_some())
    }

    async fn list_keys(
        &mut self,
        bucket: Resource<Bucket>,
        _cursor: Option<String>,
    ) -> KvResult<store::KeyResponse> {
        let label = self.label(&bucket)?;
        self.op(Op::Read).await?;
        Ok(store::KeyResponse {
            keys: self.kv.keys(&label),
            cursor: None,
        })
    }

    async fn drop(&mut self, bucket: Resource<Bucket>) -> wasmtime::Result<()> {
        self.table.delete(bucket)?;
        Ok(())
    }
}

impl atomics::Host for HostState {
    async fn increment(&mut self, bucket: Resource<Bucket>, key: String, delta: i64) -> KvResult<i64> {
        let label = self.label(&bucket)?;
        self.op(Op::Write).await?;
        self.kv
            .increment(&label, &key, delta)
            .map_err(store::Error::Other)
    }

    async fn swap(&mut self, cas: Resource<CasHandle>, value: Vec<u8>) -> Result<(), atomics::CasError> {
        let handle = self
            .table
            .delete(cas)
            .map_err(|e| atomics::CasError::StoreError(store::Error::Other(e.to_string())))?;
        self.op(Op::Write).await.map_err(atomics::CasError::StoreError)?;
        let lost = |handle: CasHandle, this: &mut HostState| {
            let cas = this
                .table
                .push(handle)
                .map_err(|e| atomics::CasError::StoreError(store::Error::Other(e.to_string())))?;
            Err(atomics::CasError::CasFailed(cas))
        };
        match self.kv.swap_fault() {
            Some(Err(message)) => return Err(atomics::CasError::StoreError(store::Error::Other(message))),
            Some(Ok(())) => return lost(handle, self),
            None => {}
        }
        if self
            .kv
            .compare_and_swap(&handle.label, &handle.key, handle.seen.as_deref(), value)
        {
            Ok(())
        } else {
            lost(handle, self)
        }
    }

    fn convert_cas_error(&mut self, err: atomics::CasError) -> wasmtime::Result<atomics::CasError> {
        Ok(err)
    }
}

impl atomics::HostCas for HostState {
    /// Creating a CAS handle touches no data (as in Spin); `current` is the read.
    async fn new(&mut self, bucket: Resource<Bucket>, key: String) -> KvResult<Resource<CasHandle>> {
        let label = self.label(&bucket)?;
        self.table
            .push(CasHandle {
                label,
                key,
                seen: None,
            })
            .map_err(|e| store::Error::Other(e.to_string()))
    }

    async fn current(&mut self, cas: Resource<CasHandle>) -> KvResult<Option<Vec<u8>>> {
        self.op(Op::Read).await?;
        let handle = self
            .table
            .get_mut(&cas)
            .map_err(|e| store::Error::Other(e.to_string()))?;
        handle.seen = self.kv.get(&handle.label, &handle.key);
        Ok(handle.seen.clone())
    }

    async fn drop(&mut self, cas: Resource<CasHandle>) -> wasmtime::Result<()> {
        self.table.delete(cas)?;
        Ok(())
    }
}

impl batch::Host for HostState {
    async fn get_many(
        &mut self,
        bucket: Resource<Bucket>,
        keys: Vec<String>,
    ) -> KvResult<Vec<(String, Option<Vec<u8>>)>> {
        let label = self.label(&bucket)?;
        self.op(Op::Read).await?;
        Ok(keys
            .into_iter()
            .map(|k| {
                let v = self.kv.get(&label, &k);
                (k, v)
            })
            .collect())
    }

    async fn set_many(
        &mut self,
        bucket: Resource<Bucket>,
        key_values: Vec<(String, Vec<u8>)>,
    ) -> KvResult<()> {
        let label = self.label(&bucket)?;
        self.op(Op::Write).await?;
        for (k, v) in key_values {
            self.kv.set(&label, &k, v);
        }
        Ok(())
    }

    async fn delete_many(&mut self, bucket: Resource<Bucket>, keys: Vec<String>) -> KvResult<()> {
        let label = self.label(&bucket)?;
        self.op(Op::Write).await?;
        for k in keys {
            self.kv.delete(&label, &k);
        }
        Ok(())
    }
}
