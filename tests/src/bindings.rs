//! Host bindings of the Spin interfaces the components import (see `wit/host.wit`).

wasmtime::component::bindgen!({
    path: "wit",
    world: "refund:host/host",
    imports: { default: async | trappable },
    with: {
        "wasi:keyvalue/store.bucket": crate::spin_kv::Bucket,
        "wasi:keyvalue/atomics.cas": crate::spin_kv::CasHandle,
        "spin:key-value/key-value.store": crate::spin_kv::Bucket,
    },
    trappable_error_type: {
        "wasi:keyvalue/store.error" => wasi::keyvalue::store::Error,
        "wasi:keyvalue/atomics.cas-error" => wasi::keyvalue::atomics::CasError,
        "spin:variables/variables.error" => spin::variables::variables::Error,
        "wasi:config/store.error" => wasi::config::store::Error,
        "spin:key-value/key-value.error" => spin::key_value::key_value::Error,
    },
});
