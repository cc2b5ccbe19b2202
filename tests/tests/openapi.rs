//! The OpenAPI 3.1 documents: each API serves its own (public, GET only), it is the file in the
//! repository, its references resolve, and the checker every other test relies on
//! (`refund_host::openapi`, applied to every response `TestHost::new()` sees) does catch drift.

mod common;
use common::*;
use refund_host::openapi::Contract;

/// Where each API serves its document.
const DOCUMENTS: [(&str, &str); 5] = [
    ("invoice-refunds", "/refunds/openapi.json"),
    ("account-refunds", "/refund/openapi.json"),
    ("payment-refunds", "/v1/Refunds/openapi.json"),
    ("purchase-refunds", "/purchases/openapi.json"),
    ("order-refunds", "/orders/openapi.json"),
];

fn file(component: &str) -> Value {
    let path = refund_host::workspace_root().join(format!("functions/{component}/openapi.json"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Every `$ref` in `value`, with where it was found.
fn refs(value: &Value, at: String, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                match (k.as_str(), v.as_str()) {
                    ("$ref", Some(target)) => out.push((at.clone(), target.to_string())),
                    _ => refs(v, format!("{at}/{k}"), out),
                }
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                refs(v, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn each_api_serves_its_document_without_a_token() {
    let host = TestHost::new();
    for (component, path) in DOCUMENTS {
        let reply = host.request("GET", path, &[], "").await;
        assert_eq!(reply.status, 200, "{component}: {}", reply.text());
        assert_eq!(reply.header("content-type"), Some("application/json"));
        let served = reply.json();
        assert_eq!(
            served,
            file(component),
            "{component}: serves the repository's file"
        );
        assert_eq!(served["openapi"], "3.1.0");
        assert!(
            served["paths"][path]["get"].is_object(),
            "{component} documents {path}"
        );
        let write = host.request("POST", path, &[], "").await;
        assert_eq!(write.status, 405, "{component}: the document is read-only");
        assert_eq!(
            write.header("allow"),
            Some("GET"),
            "{component}: a 405 lists what it takes"
        );
    }
}

#[test]
fn documents_are_complete_and_their_references_resolve() {
    for (component, _) in DOCUMENTS {
        let doc = file(component);
        let mut found = Vec::new();
        refs(&doc, String::new(), &mut found);
        assert!(!found.is_empty());
        for (at, target) in found {
            let pointer = target
                .strip_prefix('#')
                .unwrap_or_else(|| panic!("{component}: non-local $ref {target}"));
            assert!(
                doc.pointer(pointer).is_some(),
                "{component}: {at} refers to missing {target}"
            );
        }
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, operation) in item.as_object().unwrap() {
                let responses = operation["responses"].as_object().unwrap();
                assert!(
                    responses.keys().any(|s| s.starts_with('2')),
                    "{component}: {method} {path} documents no success"
                );
                let secured = operation
                    .get("security")
                    .is_none_or(|s| s.as_array().is_some_and(|a| !a.is_empty()));
                if secured && !path.starts_with("/admin/") {
                    assert!(
                        responses.contains_key("401"),
                        "{component}: {method} {path} documents no 401"
                    );
                }
            }
        }
    }
}

#[test]
fn the_checker_catches_drift() {
    let path = refund_host::workspace_root().join("functions/invoice-refunds/openapi.json");
    let contract = Contract::load(&path).unwrap();
    let good = json!({"id": 50000001, "invoiceId": 50, "customerId": 1, "billRunType": "NORMAL",
        "thirdPartyRefundStatus": "CREATED", "description": null, "errorInfo": null,
        "paymentMethod": "BACS", "amountInMajorCurrency": 1});
    let check = |method, path, status, body: &Value| {
        contract.check(
            method,
            path,
            status,
            Some("application/json"),
            body.to_string().as_bytes(),
        )
    };
    assert_eq!(check("POST", "/refunds", 201, &good), Ok(()));
    assert_eq!(check("GET", "/refunds/50000001", 200, &good), Ok(()));
    let mut missing = good.clone();
    missing.as_object_mut().unwrap().remove("id");
    assert!(
        check("POST", "/refunds", 201, &missing).is_err(),
        "a field dropped"
    );
    let mut renamed = good.clone();
    renamed["thirdPartyRefundStatus"] = json!("DONE");
    assert!(
        check("GET", "/refunds/1", 200, &renamed).is_err(),
        "a status outside the enum"
    );
    assert!(
        check("GET", "/nowhere", 200, &good).is_err(),
        "an undocumented route"
    );
    assert!(
        check("DELETE", "/refunds/1", 200, &good).is_err(),
        "an undocumented method"
    );
    let error = json!({"status": 400, "error": "validation_error", "message": "m", "fields": []});
    assert_eq!(check("POST", "/refunds", 400, &error), Ok(()));
    assert!(
        check("POST", "/refunds", 400, &good).is_err(),
        "an error in another shape"
    );
    let xml = contract.check("POST", "/refunds", 201, Some("application/xml"), b"<x/>");
    assert!(xml.is_err(), "an undocumented content type");
}
