//! The application's variables as a component reads them, through either interface Spin 4.0.2
//! serves them by: `spin:variables@3.0.0` (an async `get`) and `wasi:config/store` (a plain
//! call; Spin answers it from the same variables, and an undefined one is `none`). Spin asks its
//! environment provider first for each variable it resolves, under `block_in_place`, and so
//! each read here hands its thread over too ([`crate::blocking`]).

use crate::bindings::spin::variables::variables as vars;
use crate::bindings::wasi::config::store as config;
use crate::blocking::as_spin_does;
use crate::state::HostState;
use wasmtime::component::{Accessor, HasSelf};

impl vars::HostWithStore for HasSelf<HostState> {
    async fn get<T: Send>(accessor: &Accessor<T, Self>, name: String) -> Result<String, vars::Error> {
        let value = accessor.with(|mut access| {
            let state: &mut HostState = access.get();
            as_spin_does(|| state.variables.get(&name).cloned())
        });
        value.ok_or(vars::Error::Undefined(format!("no variable named {name}")))
    }
}

impl vars::Host for HostState {
    fn convert_error(&mut self, err: vars::Error) -> wasmtime::Result<vars::Error> {
        Ok(err)
    }
}

impl config::Host for HostState {
    async fn get(&mut self, key: String) -> Result<Option<String>, config::Error> {
        Ok(as_spin_does(|| self.variables.get(&key).cloned()))
    }

    async fn get_all(&mut self) -> Result<Vec<(String, String)>, config::Error> {
        let all = self.variables.iter();
        Ok(all
            .map(|(name, value)| as_spin_does(|| (name.clone(), value.clone())))
            .collect())
    }

    fn convert_error(&mut self, err: config::Error) -> wasmtime::Result<config::Error> {
        Ok(err)
    }
}
