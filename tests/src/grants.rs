//! What each component's instances are given from the app's variables: the values of its own
//! variables and the origins it may call. Worked out when a host is made and again when a
//! variable changes, as Spin works them out when it loads an app. (They were worked out for
//! every instance, that is every request: templates resolved and URLs parsed, host work of
//! ~5 µs a request that the floors, which have neither, did not pay.)

use crate::manifest::{Component, Manifest, resolve};
use std::collections::HashMap;
use std::sync::Arc;

/// One component's share of the app's variables.
#[derive(Clone)]
pub struct Grants {
    /// Its variables, templates resolved; a variable whose template cannot be is left out.
    pub variables: Arc<HashMap<String, String>>,
    /// Its `allowed_outbound_hosts`, templates resolved, as `scheme://host:port` origins.
    pub allowed_outbound: Arc<[String]>,
}

/// Every component's grants, by component id.
pub fn of_app(
    manifest: &Manifest,
    app_variables: &HashMap<String, Option<String>>,
) -> HashMap<String, Grants> {
    manifest
        .components
        .iter()
        .map(|(id, spec)| (id.clone(), of_component(spec, app_variables)))
        .collect()
}

fn of_component(spec: &Component, app_variables: &HashMap<String, Option<String>>) -> Grants {
    let variables = spec
        .variables
        .iter()
        .filter_map(|(name, template)| Some((name.clone(), resolve(template, app_variables)?)))
        .collect();
    let allowed_outbound = spec
        .allowed_outbound_hosts
        .iter()
        .filter_map(|template| resolve(template, app_variables))
        .filter_map(|allowed| {
            let uri: http::Uri = allowed.parse().ok()?;
            Some(crate::state::origin(
                uri.scheme_str()?,
                uri.host()?,
                uri.port_u16(),
            ))
        })
        .collect();
    Grants {
        variables: Arc::new(variables),
        allowed_outbound,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_are_resolved_and_origins_get_their_port() {
        let spec = Component {
            id: "c".into(),
            wasm: "c.wasm".into(),
            key_value_stores: vec![],
            variables: HashMap::from([
                ("token".into(), "{{ api_token }}".into()),
                ("missing".into(), "{{ nowhere }}".into()),
            ]),
            allowed_outbound_hosts: vec!["{{ origin }}".into(), "https://pay.example".into()],
        };
        let app = HashMap::from([
            ("api_token".to_string(), Some("s3cret".to_string())),
            ("origin".to_string(), Some("http://127.0.0.1:9000".to_string())),
        ]);
        let grants = of_component(&spec, &app);
        assert_eq!(
            *grants.variables,
            HashMap::from([("token".to_string(), "s3cret".to_string())])
        );
        assert_eq!(
            &*grants.allowed_outbound,
            ["http://127.0.0.1:9000", "https://pay.example:443"]
        );
    }
}
