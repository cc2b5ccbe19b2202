//! What every component's .wasm imports and exports, and the budgets CI holds them to.

mod common;
use common::*;
use wasmtime::component::Component;

const HANDLER: &str = "wasi:http/handler@0.3.0-rc-2026-03-15";
const KEY_VALUE: [&str; 2] = [
    "wasi:keyvalue/store@0.2.0-draft2",
    "spin:key-value/key-value@3.0.0",
];

#[test]
fn components_export_the_p3_handler_and_import_spins_store() {
    let host = TestHost::new();
    let app = host.app();
    for (id, spec) in &app.manifest().components {
        let bytes = std::fs::read(&spec.wasm).unwrap();
        let component = Component::new(app.engine(), &bytes).unwrap();
        let ty = component.component_type();
        let imports: Vec<String> = ty
            .imports(app.engine())
            .map(|(name, _)| name.to_string())
            .collect();
        let exports: Vec<String> = ty
            .exports(app.engine())
            .map(|(name, _)| name.to_string())
            .collect();
        assert!(exports.iter().any(|e| e == HANDLER), "{id} exports {exports:?}");
        assert!(
            imports.iter().any(|i| KEY_VALUE.contains(&i.as_str())),
            "{id} imports {imports:?}"
        );
    }
}
