//! Where each component stands against the product's budgets (`refund_host::budgets`), from
//! the rows of one run: met or missed, with the figure it was judged on.

use refund_host::OpCounts;
use refund_host::budgets::{GET_OF_OPEN_ONLY, POST_OF_ONE_CAS, POST_OPS, WASM_BYTES, within};
use serde::Deserialize;
use serde_json::{Value, json};

const AT_MOST: &str = "at most";
/// The rule of a budget the figure must reach (the tables print it as `≥`).
pub const AT_LEAST: &str = "at least";
/// The least GET's name as a reference in [`of_references`].
pub const LEAST_GET: &str = "least GET";

/// One budget of one component: `{component, budget, value, rule, limit, met}`, `rule` being
/// `at most` or `at least`.
fn verdict(component: &str, budget: &str, value: Value, rule: &str, limit: Value, met: bool) -> Value {
    json!({"component": component, "budget": budget, "value": value, "rule": rule, "limit": limit, "met": met})
}

/// Every budget the run measured, per component, in the order of its rows.
pub fn of(rows: &[Value]) -> Vec<Value> {
    let row = |component: &str, operation: &str| {
        rows.iter()
            .find(|r| r["operation"] == format!("{component} {operation}"))
    };
    let mut verdicts = Vec::new();
    // The references' rows are no component's.
    let components = rows
        .iter()
        .filter_map(|r| r["operation"].as_str()?.strip_suffix(" POST"))
        .filter(|c| !crate::is_reference(c));
    for c in components {
        let (Some(post), Some(get)) = (row(c, "POST"), row(c, "GET")) else {
            continue;
        };
        let bytes = post["wasm_bytes"].as_u64().unwrap_or(u64::MAX);
        verdicts.push(verdict(
            c,
            "wasm bytes",
            json!(bytes),
            AT_MOST,
            json!(WASM_BYTES),
            bytes <= WASM_BYTES,
        ));
        let ops = &post["store_ops_per_post"];
        let counted = OpCounts::deserialize(ops).ok();
        verdicts.push(verdict(
            c,
            "POST store ops",
            ops.clone(),
            AT_MOST,
            json!(POST_OPS),
            counted.is_some_and(|counted| within(counted, POST_OPS)),
        ));
        let throughputs = [
            ("POST ÷one-cas", post, POST_OF_ONE_CAS),
            ("GET ÷open-store", get, GET_OF_OPEN_ONLY),
        ];
        for (name, r, least) in throughputs {
            for concurrency in ["c1", "c8"] {
                let ratio = r[format!("floor_ratio_{concurrency}")].as_f64().unwrap_or(0.0);
                let budget = format!("{name} {concurrency}");
                verdicts.push(verdict(
                    c,
                    &budget,
                    json!(ratio),
                    AT_LEAST,
                    json!(least),
                    ratio >= least,
                ));
            }
        }
    }
    verdicts
}

/// Each component's GET and POST against its references, at each concurrency: its ÷floor over
/// the ceiling's (`ceiling: <component> GET/POST`, reference `ceiling`), and its GET's over the
/// least GET's (`open-read: <component> GET`, reference `least GET`). No budget judges these;
/// they say how much of what any component could reach against the floors an API reaches, for
/// deciding what the throughput budgets should be judged against (issue #9).
pub fn of_references(rows: &[Value]) -> Vec<Value> {
    let ratio = |operation: &str, concurrency: &str| {
        rows.iter()
            .find(|r| r["operation"] == operation)
            .and_then(|r| r[format!("floor_ratio_{concurrency}")].as_f64())
    };
    let mut standing = Vec::new();
    for r in rows {
        let Some(operation) = r["operation"].as_str() else {
            continue;
        };
        let Some((component, method)) = operation.rsplit_once(' ') else {
            continue;
        };
        if crate::is_reference(component) || !["GET", "POST"].contains(&method) {
            continue;
        }
        let mut references = vec![("ceiling", crate::ceiling_row(component, method))];
        if method == "GET" {
            references.push((LEAST_GET, crate::least_get_row(component)));
        }
        for (reference, row) in references {
            for concurrency in ["c1", "c8"] {
                if let (Some(api), Some(of)) = (ratio(operation, concurrency), ratio(&row, concurrency))
                    && of > 0.0
                {
                    standing.push(json!({"component": component, "operation": method,
                        "reference": reference, "concurrency": concurrency, "of_reference": api / of}));
                }
            }
        }
    }
    standing
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_budget_is_judged_on_its_own_figure() {
        let rows = [
            json!({"operation": "floor: noop", "wasm_bytes": 1}),
            json!({"operation": "x-refunds POST", "wasm_bytes": WASM_BYTES + 1,
                   "store_ops_per_post": {"opens": 1, "reads": 2, "writes": 2},
                   "floor_ratio_c1": 0.69, "floor_ratio_c8": 0.7}),
            json!({"operation": "x-refunds GET", "floor_ratio_c1": 0.8, "floor_ratio_c8": 0.79}),
            json!({"operation": "x-refunds refused", "floor_ratio_c1": 0.1}),
        ];
        let verdicts = of(&rows);
        let met: Vec<(&str, bool)> = verdicts
            .iter()
            .map(|v| (v["budget"].as_str().unwrap(), v["met"] == true))
            .collect();
        assert_eq!(
            met,
            [
                ("wasm bytes", false),
                ("POST store ops", true),
                ("POST ÷one-cas c1", false),
                ("POST ÷one-cas c8", true),
                ("GET ÷open-store c1", true),
                ("GET ÷open-store c8", false),
            ]
        );
        assert!(verdicts.iter().all(|v| v["component"] == "x-refunds"));
        let one_more_write = json!({"operation": "y POST", "wasm_bytes": 1,
            "store_ops_per_post": {"opens": 1, "reads": 1, "writes": 3}});
        let get = json!({"operation": "y GET"});
        assert_eq!(of(&[one_more_write, get])[1]["met"], false);
    }

    #[test]
    fn an_operation_stands_against_its_own_references() {
        let rows = [
            json!({"operation": "x-refunds POST", "floor_ratio_c1": 0.6, "floor_ratio_c8": 0.7}),
            json!({"operation": "x-refunds GET", "floor_ratio_c1": 0.72}),
            json!({"operation": "x-refunds refused", "floor_ratio_c1": 0.5}),
            json!({"operation": "ceiling: x-refunds GET", "floor_ratio_c1": 0.8}),
            json!({"operation": "ceiling: x-refunds POST", "floor_ratio_c1": 0.75, "floor_ratio_c8": 0.7}),
            json!({"operation": "open-read: x-refunds GET", "floor_ratio_c1": 0.96}),
        ];
        let standing: Vec<String> = of_references(&rows)
            .iter()
            .map(|s| {
                let (op, of, c) = (&s["operation"], &s["reference"], &s["concurrency"]);
                format!(
                    "{} {} {} {:.2}",
                    op.as_str().unwrap(),
                    of.as_str().unwrap(),
                    c.as_str().unwrap(),
                    s["of_reference"].as_f64().unwrap()
                )
            })
            .collect();
        // The refused POST has no reference, a POST no least GET, and a concurrency a row lacks
        // is left out.
        assert_eq!(
            standing,
            [
                "POST ceiling c1 0.80",
                "POST ceiling c8 1.00",
                "GET ceiling c1 0.90",
                "GET least GET c1 0.75"
            ]
        );
    }
}
