//! Each API's OpenAPI document (`functions/<component>/openapi.json`) held against every
//! response the end-to-end tests receive: the route and method must be documented (or the answer
//! is a 404/405 in the API's error shape), the status must be documented, and a JSON body must
//! match the documented schema. So the documents and the code cannot drift apart.

use anyhow::{Context, Result};
use serde_json::Value;
use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};

/// The documents of every component that has one.
#[derive(Default)]
pub struct Contracts {
    by_component: HashMap<String, Contract>,
}

impl Contracts {
    /// The workspace's documents, read once.
    pub fn workspace() -> Arc<Contracts> {
        static CONTRACTS: OnceLock<Arc<Contracts>> = OnceLock::new();
        CONTRACTS
            .get_or_init(|| {
                let root = crate::workspace_root();
                Arc::new(Contracts::load(&root).unwrap_or_else(|e| panic!("{e:#}")))
            })
            .clone()
    }

    fn load(root: &Path) -> Result<Contracts> {
        let mut by_component = HashMap::new();
        for entry in std::fs::read_dir(root.join("functions"))? {
            let dir = entry?.path();
            let path = dir.join("openapi.json");
            if path.exists() {
                let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or_default();
                by_component.insert(name.to_string(), Contract::load(&path)?);
            }
        }
        Ok(Contracts { by_component })
    }

    pub fn get(&self, component: &str) -> Option<&Contract> {
        self.by_component.get(component)
    }
}

pub struct Contract {
    doc: Value,
    validators: Mutex<HashMap<String, Arc<jsonschema::Validator>>>,
}

impl Contract {
    pub fn load(path: &Path) -> Result<Contract> {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let doc: Value =
            serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
        Ok(Contract {
            doc,
            validators: Mutex::default(),
        })
    }

    pub fn document(&self) -> &Value {
        &self.doc
    }

    /// Whether a response to `method path` agrees with the document.
    pub fn check(
        &self,
        method: &str,
        path: &str,
        status: u16,
        content_type: Option<&str>,
        body: &[u8],
    ) -> Result<(), String> {
        let operation = self
            .route(path)
            .and_then(|(template, item)| Some((template, item.get(method.to_ascii_lowercase())?)));
        let Some((template, operation)) = operation else {
            // Unknown routes and methods are refused in the API's own error shape.
            if !matches!(status, 404 | 405) {
                return Err(format!(
                    "{method} {path} is not documented, yet answered {status}"
                ));
            }
            let error = self.resolve(&self.doc["components"]["responses"]["Error"]);
            return self.check_body(&format!("error {status}"), error, content_type, body);
        };
        let responses = &operation["responses"];
        let response = responses
            .get(status.to_string())
            .or_else(|| responses.get("default"))
            .ok_or_else(|| format!("{method} {template}: status {status} is not documented"))?;
        let response = self.resolve(response);
        self.check_body(
            &format!("{method} {template} {status}"),
            response,
            content_type,
            body,
        )
    }

    fn check_body(
        &self,
        key: &str,
        response: &Value,
        content_type: Option<&str>,
        body: &[u8],
    ) -> Result<(), String> {
        if body.is_empty() {
            return Ok(());
        }
        let media = content_type
            .unwrap_or("")
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        let content = &response["content"];
        let Some(documented) = content.get(&media) else {
            return Err(format!("{key}: content type {media:?} is not documented"));
        };
        if !(media == "application/json" || media.ends_with("+json")) {
            return Ok(()); // XML and the like: documented, not schema-checked here
        }
        let value: Value =
            serde_json::from_slice(body).map_err(|e| format!("{key}: the body is not JSON: {e}"))?;
        let validator = self.validator(&format!("{key} {media}"), &documented["schema"])?;
        let problems: Vec<String> = validator
            .iter_errors(&value)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        if problems.is_empty() {
            Ok(())
        } else {
            Err(format!(
                "{key}: the body does not match the schema: {}\nbody: {value}",
                problems.join("; ")
            ))
        }
    }

    /// The documented path template a concrete path matches, the most literal one first.
    fn route(&self, path: &str) -> Option<(&str, &Value)> {
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        let paths = self.doc["paths"].as_object()?;
        paths
            .iter()
            .filter_map(|(template, item)| {
                let parts: Vec<&str> = template.split('/').filter(|s| !s.is_empty()).collect();
                if parts.len() != segments.len() {
                    return None;
                }
                let mut literal = 0;
                for (part, segment) in parts.iter().zip(&segments) {
                    if part.starts_with('{') {
                        continue;
                    }
                    // Case-insensitively: the payment API matches its routes in any case.
                    if !part.eq_ignore_ascii_case(segment) {
                        return None;
                    }
                    literal += 1;
                }
                Some((literal, template.as_str(), item))
            })
            .max_by_key(|(literal, _, _)| *literal)
            .map(|(_, template, item)| (template, item))
    }

    /// Follows local `$ref`s (`#/components/responses/E400`, which may itself refer to
    /// `#/components/responses/Error` with its own description) to what they name.
    fn resolve<'a>(&'a self, mut value: &'a Value) -> &'a Value {
        // A document that refers in a circle is broken; a few hops are all a real one uses.
        for _ in 0..8 {
            let Some(pointer) = value.get("$ref").and_then(Value::as_str) else {
                return value;
            };
            value = self
                .doc
                .pointer(pointer.trim_start_matches('#'))
                .unwrap_or(&Value::Null);
        }
        &Value::Null
    }

    fn validator(&self, key: &str, schema: &Value) -> Result<Arc<jsonschema::Validator>, String> {
        let mut cache = self.validators.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(v) = cache.get(key) {
            return Ok(v.clone());
        }
        // The schema's `#/components/...` references resolve against a root that carries the
        // document's components next to the schema itself.
        let mut root = schema.clone();
        if let Some(object) = root.as_object_mut() {
            object.insert("components".into(), self.doc["components"].clone());
        }
        let validator = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .build(&root)
            .map_err(|e| format!("{key}: the documented schema does not compile: {e}"))?;
        let validator = Arc::new(validator);
        cache.insert(key.to_string(), validator.clone());
        Ok(validator)
    }
}
