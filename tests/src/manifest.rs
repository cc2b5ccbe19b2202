//! Reads what the host needs from `spin.toml`: routes, components, their `.wasm` files, stores
//! and variables.

use anyhow::{Context, Result, bail};
use serde::Deserialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

#[derive(Deserialize)]
struct RawManifest {
    spin_manifest_version: u32,
    #[serde(default)]
    variables: HashMap<String, RawVariable>,
    trigger: RawTriggers,
    component: HashMap<String, RawComponent>,
}

#[derive(Deserialize)]
struct RawVariable {
    default: Option<String>,
}

#[derive(Deserialize)]
struct RawTriggers {
    http: Vec<RawHttpTrigger>,
}

#[derive(Deserialize)]
struct RawHttpTrigger {
    route: String,
    component: String,
}

#[derive(Deserialize)]
struct RawComponent {
    source: String,
    #[serde(default)]
    key_value_stores: Vec<String>,
    #[serde(default)]
    variables: HashMap<String, String>,
    #[serde(default)]
    allowed_outbound_hosts: Vec<String>,
}

/// One component of the app.
#[derive(Debug, Clone)]
pub struct Component {
    pub id: String,
    pub wasm: PathBuf,
    pub key_value_stores: Vec<String>,
    /// Component variable name -> template (`"{{ admin_token }}"` or a literal).
    pub variables: HashMap<String, String>,
    /// Where it may send HTTP requests: `scheme://host:port` templates, as Spin reads them.
    pub allowed_outbound_hosts: Vec<String>,
}

/// A route as Spin writes it: `/refunds` (exact) or `/refunds/...` (the prefix and below).
#[derive(Debug, Clone)]
pub struct Route {
    pub pattern: String,
    pub component: String,
}

impl Route {
    /// How specifically this route matches `path`: `None` when it does not; longer prefixes
    /// and exact routes win, as in Spin.
    pub fn specificity(&self, path: &str) -> Option<usize> {
        // Compared in place: every request is routed, and a `format!` per route was an
        // allocation each.
        let rest = |prefix: &str| path.strip_prefix(prefix);
        match self.pattern.strip_suffix("/...") {
            Some(prefix) => {
                let matches =
                    prefix.is_empty() || rest(prefix).is_some_and(|r| r.is_empty() || r.starts_with('/'));
                matches.then_some(prefix.len() * 2)
            }
            None => matches!(rest(&self.pattern), Some("" | "/")).then_some(self.pattern.len() * 2 + 1),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Manifest {
    pub dir: PathBuf,
    pub routes: Vec<Route>,
    pub components: HashMap<String, Component>,
    /// Application variables with their defaults.
    pub variables: HashMap<String, Option<String>>,
}

impl Manifest {
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let raw: RawManifest =
            toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
        if raw.spin_manifest_version != 2 {
            bail!("only spin_manifest_version = 2 is supported");
        }
        let dir = path.parent().unwrap_or(Path::new(".")).to_path_buf();
        let components = raw
            .component
            .into_iter()
            .map(|(id, c)| {
                let component = Component {
                    id: id.clone(),
                    wasm: dir.join(c.source),
                    key_value_stores: c.key_value_stores,
                    variables: c.variables,
                    allowed_outbound_hosts: c.allowed_outbound_hosts,
                };
                (id, component)
            })
            .collect::<HashMap<_, _>>();
        let routes = raw
            .trigger
            .http
            .into_iter()
            .map(|t| Route {
                pattern: t.route,
                component: t.component,
            })
            .collect::<Vec<_>>();
        for route in &routes {
            if !components.contains_key(&route.component) {
                bail!(
                    "route {} names unknown component {}",
                    route.pattern,
                    route.component
                );
            }
        }
        let variables = raw.variables.into_iter().map(|(k, v)| (k, v.default)).collect();
        Ok(Manifest {
            dir,
            routes,
            components,
            variables,
        })
    }

    /// The component serving `path`, by Spin's most-specific-route rule.
    pub fn route(&self, path: &str) -> Option<&Route> {
        self.routes
            .iter()
            .filter_map(|r| r.specificity(path).map(|s| (s, r)))
            .max_by_key(|(s, _)| *s)
            .map(|(_, r)| r)
    }
}

/// Resolves a component variable's template against the application variables.
pub fn resolve(template: &str, app: &HashMap<String, Option<String>>) -> Option<String> {
    let mut out = String::new();
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let end = rest[start..].find("}}")? + start;
        let name = rest[start + 2..end].trim();
        out.push_str(app.get(name)?.as_deref()?);
        rest = &rest[end + 2..];
    }
    out.push_str(rest);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_pick_the_most_specific() {
        let routes = vec![
            Route {
                pattern: "/admin/...".into(),
                component: "admin".into(),
            },
            Route {
                pattern: "/admin/v1/refunds/invoice/...".into(),
                component: "invoice".into(),
            },
            Route {
                pattern: "/refunds".into(),
                component: "exact".into(),
            },
        ];
        let m = Manifest {
            dir: ".".into(),
            routes,
            components: HashMap::new(),
            variables: HashMap::new(),
        };
        assert_eq!(m.route("/admin/v1/health").unwrap().component, "admin");
        assert_eq!(
            m.route("/admin/v1/refunds/invoice/1/status").unwrap().component,
            "invoice"
        );
        assert_eq!(m.route("/refunds").unwrap().component, "exact");
        assert_eq!(m.route("/refunds/").unwrap().component, "exact");
        assert_eq!(m.route("/admin").unwrap().component, "admin");
        assert!(m.route("/refundsx").is_none());
        assert!(m.route("/refunds/1").is_none());
        assert!(m.route("/adminx/v1").is_none());
        assert!(m.route("/other").is_none());
    }

    #[test]
    fn templates() {
        let app = HashMap::from([("a".to_string(), Some("x".to_string())), ("b".to_string(), None)]);
        assert_eq!(resolve("{{ a }}", &app).as_deref(), Some("x"));
        assert_eq!(resolve("pre-{{a}}-post", &app).as_deref(), Some("pre-x-post"));
        assert_eq!(resolve("{{ b }}", &app), None);
        assert_eq!(resolve("literal", &app).as_deref(), Some("literal"));
    }
}
