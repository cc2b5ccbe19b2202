//! What every component's .wasm imports and exports, and the budgets CI holds them to.

mod common;
use common::*;

const HANDLER: &str = "wasi:http/handler@0.3.0-rc-2026-03-15";
const KEY_VALUE: [&str; 2] = [
    "wasi:keyvalue/store@0.2.0-draft2",
    "spin:key-value/key-value@3.0.0",
];

#[test]
fn components_export_the_p3_handler_and_import_spins_store() {
    let host = TestHost::new();
    let app = host.app();
    assert!(app.manifest().components.len() >= 2);
    for id in app.manifest().components.keys() {
        let (imports, exports) = app.component_world(id).unwrap();
        assert!(exports.iter().any(|e| e == HANDLER), "{id} exports {exports:?}");
        assert!(
            imports.iter().any(|i| KEY_VALUE.contains(&i.as_str())),
            "{id} imports {imports:?}"
        );
    }
}
