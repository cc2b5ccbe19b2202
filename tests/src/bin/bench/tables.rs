//! The benchmark's rows (as `target/bench.json` holds them) and its tables on stdout, in
//! BENCHMARKS.md's Markdown.

use crate::at_once::AT_ONCE;
use crate::measure::{Stats, TURN};
use crate::{COUNTED, us};
use refund_host::serve::Delivery;
use serde_json::{Value, json};
use std::time::Duration;

pub fn row(
    name: &str,
    s: Stats,
    floor: Option<Stats>,
    native: Option<Duration>,
    size: u64,
    compile: Duration,
    ops: Option<refund_host::OpCounts>,
) -> Value {
    json!({
        "operation": name,
        "median_us": us(s.median),
        "p99_us": us(s.p99),
        "rps_c1": s.rps1,
        "rps_c8": s.rps8,
        "floor_median_us": floor.map(|f| us(f.median)),
        "floor_ratio_c1": floor.map(|f| s.rps1 / f.rps1),
        "floor_ratio_c8": floor.map(|f| s.rps8 / f.rps8),
        "native_median_us": native.map(us),
        "sandbox_cost": native.map(|d| us(s.median) / us(d).max(0.001)),
        "wasm_bytes": size,
        "compile_ms": compile.as_secs_f64() * 1e3,
        "store_ops_per_post": ops,
    })
}

pub fn print_table(rows: &[Value], n: usize) {
    println!(
        "{n} requests per measurement; each operation takes turns of {TURN} requests with its floor, sent the same request (POST: one-cas, GET and list: open-store, refused: noop): `floor µs` is that floor's median, ÷floor the rps ratio to it\n"
    );
    let opt = |v: &Value, digits: usize| v.as_f64().map_or("-".to_string(), |x| format!("{x:.digits$}"));
    let num = |v: &Value, digits: usize| format!("{:.digits$}", v.as_f64().unwrap_or(0.0));
    let cells = rows.iter().map(|r| {
        let ops = match &r["store_ops_per_post"] {
            Value::Null => "-".to_string(),
            o => figure(o),
        };
        vec![
            r["operation"].as_str().unwrap_or("").to_string(),
            num(&r["median_us"], 0),
            num(&r["p99_us"], 0),
            num(&r["rps_c1"], 0),
            num(&r["rps_c8"], 0),
            opt(&r["floor_median_us"], 0),
            opt(&r["floor_ratio_c1"], 2),
            opt(&r["floor_ratio_c8"], 2),
            opt(&r["native_median_us"], 1),
            opt(&r["sandbox_cost"], 1),
            format!("{:.0}", r["wasm_bytes"].as_f64().unwrap_or(0.0) / 1024.0),
            num(&r["compile_ms"], 0),
            ops,
        ]
    });
    print_markdown(
        &[
            "operation",
            "median µs",
            "p99 µs",
            "rps c1",
            "rps c8",
            "floor µs",
            "÷floor1",
            "÷floor8",
            "native µs",
            "wasm÷nat",
            "wasm KiB",
            "compile ms",
            "POST ops",
        ],
        cells,
    );
}

pub fn print_breakdown_table(rows: &[Value]) {
    println!(
        "\nWhere one request's time goes ({COUNTED} requests one at a time, call hook on; µs are means)\n"
    );
    let cells = rows.iter().map(|r| {
        let b = |field: &str, digits: usize| {
            format!("{:.digits$}", r["breakdown"][field].as_f64().unwrap_or(0.0))
        };
        vec![
            r["operation"].as_str().unwrap_or("").to_string(),
            b("total_us", 0),
            b("guest_us", 0),
            b("host_calls_us", 0),
            b("other_us", 0),
            b("host_calls", 1),
            b("guest_entries", 1),
            b("memory_grows", 1),
            b("page_faults", 1),
        ]
    });
    print_markdown(
        &[
            "operation",
            "total µs",
            "guest µs",
            "host fns µs",
            "other µs",
            "host calls",
            "guest entries",
            "memory grows",
            "page faults",
        ],
        cells,
    );
}

/// An operation's requests per second sent [`AT_ONCE`] at once, with its floor's.
pub fn at_once_row((rps, floor_rps): (f64, f64)) -> Value {
    json!({"rps": rps, "floor_rps": floor_rps, "floor_ratio": rps / floor_rps})
}

pub fn print_at_once_table(rows: &[Value]) {
    println!(
        "\n{AT_ONCE} at once to one new instance, each batch in turn with one of its floor (rps over all batches)\n"
    );
    let cells = rows.iter().filter(|r| r["at_once"].is_object()).map(|r| {
        let a =
            |field: &str, digits: usize| format!("{:.digits$}", r["at_once"][field].as_f64().unwrap_or(0.0));
        vec![
            r["operation"].as_str().unwrap_or("").to_string(),
            a("rps", 0),
            a("floor_rps", 0),
            a("floor_ratio", 2),
        ]
    });
    print_markdown(&["operation", "rps, 16 at once", "floor rps", "÷floor"], cells);
}

pub fn print_tcp_table(rows: &[Value]) {
    println!(
        "\nOver TCP (serve mode), latency at concurrency 1, each answer in one write and as Spin \
         4.0.2's server delivers it; `over 20 ms`: answers that waited for a delayed ACK\n"
    );
    let us = |v: &Value| format!("{:.0}", v.as_f64().unwrap_or(0.0));
    let cells = rows.iter().map(|r| {
        let mut cells = vec![r["operation"].as_str().unwrap_or("").to_string()];
        for delivery in [Delivery::Whole, Delivery::LikeSpin] {
            let d = &r[delivery.label()];
            cells.extend([
                us(&d["keep_alive"]["median_us"]),
                us(&d["keep_alive"]["p99_us"]),
                d["keep_alive"]["stalled"].to_string(),
                us(&d["close"]["median_us"]),
                us(&d["close"]["p99_us"]),
            ]);
        }
        cells
    });
    let mut headers = vec!["operation".to_string()];
    for way in ["one write", "as Spin"] {
        headers.extend([
            format!("{way}: keep-alive med µs"),
            "p99".to_string(),
            "over 20 ms".to_string(),
            "close med µs".to_string(),
            "p99".to_string(),
        ]);
    }
    let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
    print_markdown(&headers, cells);
}

/// Each component's standing against every budget (rows of [`crate::verdicts::of`]): the
/// figure, and `ok` or `MISSED`; the headers give the limits.
pub fn print_budget_table<'a>(verdicts: &'a [Value]) {
    let components = components_of(verdicts);
    let Some(first) = components.first() else {
        return;
    };
    let of = |c: &'a str| verdicts.iter().filter(move |v| v["component"] == c);
    let headers: Vec<String> = std::iter::once("component".to_string())
        .chain(of(first).map(|v| {
            let sign = if v["rule"] == crate::verdicts::AT_LEAST {
                "≥"
            } else {
                "≤"
            };
            format!(
                "{} {sign} {}",
                v["budget"].as_str().unwrap_or(""),
                figure(&v["limit"])
            )
        }))
        .collect();
    println!("\nBudgets (refund_host::budgets), each figure from the tables above\n");
    let cells = components.iter().map(|c| {
        std::iter::once(c.to_string())
            .chain(of(c).map(|v| {
                let mark = if v["met"] == true { "ok" } else { "MISSED" };
                format!("{} {mark}", verdict_figure(&v["value"], &v["limit"]))
            }))
            .collect()
    });
    print_markdown(&headers.iter().map(String::as_str).collect::<Vec<_>>(), cells);
    let met = verdicts.iter().filter(|v| v["met"] == true).count();
    println!("\n{met} of {} budgets met", verdicts.len());
}

/// Each component's GET and POST over its references' (rows of
/// [`crate::verdicts::of_references`]), one column per operation, reference and concurrency.
pub fn print_reference_table(standing: &[Value]) {
    let least = crate::verdicts::LEAST_GET;
    let columns = [
        ("GET", "ceiling", "c1"),
        ("GET", "ceiling", "c8"),
        ("POST", "ceiling", "c1"),
        ("POST", "ceiling", "c8"),
        ("GET", least, "c1"),
        ("GET", least, "c8"),
    ];
    let components = components_of(standing);
    if components.is_empty() {
        return;
    }
    println!("\nAgainst the references (÷floor over the reference's ÷floor; no budget judges these)\n");
    let headers: Vec<String> = std::iter::once("component".to_string())
        .chain(columns.iter().map(|(op, of, c)| format!("{op} ÷{of} {c}")))
        .collect();
    let cells = components.iter().map(|component| {
        std::iter::once(component.to_string())
            .chain(columns.iter().map(|(op, of, c)| {
                standing
                    .iter()
                    .find(|s| {
                        s["component"] == *component
                            && s["operation"] == *op
                            && s["reference"] == *of
                            && s["concurrency"] == *c
                    })
                    .map_or("-".to_string(), |s| figure(&s["of_reference"]))
            }))
            .collect()
    });
    print_markdown(&headers.iter().map(String::as_str).collect::<Vec<_>>(), cells);
}

/// The components these rows are about, each once, in the order they first come.
fn components_of(rows: &[Value]) -> Vec<&str> {
    let mut components: Vec<&str> = Vec::new();
    for c in rows.iter().filter_map(|r| r["component"].as_str()) {
        if !components.contains(&c) {
            components.push(c);
        }
    }
    components
}

/// A budget's figure as the table shows it: a ratio to two places, store operations as
/// opens/reads/writes.
fn figure(value: &Value) -> String {
    match value {
        Value::Object(o) => format!("{}/{}/{}", o["opens"], o["reads"], o["writes"]),
        Value::Number(n) if n.is_f64() => format!("{:.2}", n.as_f64().unwrap_or(0.0)),
        other => other.to_string(),
    }
}

/// A budget's figure beside its verdict: as [`figure`], but where two places would show the
/// limit itself, three, cut rather than rounded (the throughput budgets are all "at least"), so
/// that 0.697 and 0.6996 read "0.697 MISSED" and "0.699 MISSED", never "0.70 MISSED".
fn verdict_figure(value: &Value, limit: &Value) -> String {
    let shown = figure(value);
    match value.as_f64() {
        Some(x) if value.is_f64() && shown == figure(limit) => {
            format!("{:.3}", (x * 1000.0).floor() / 1000.0)
        }
        _ => shown,
    }
}

/// A Markdown table as BENCHMARKS.md holds them: the operation left-aligned in 26 columns (or as
/// many as the longest name needs), every figure right-aligned under its header.
fn print_markdown(headers: &[&str], rows: impl Iterator<Item = Vec<String>>) {
    let rows: Vec<Vec<String>> = rows.collect();
    let first = rows
        .iter()
        .map(|r| r[0].chars().count())
        .max()
        .unwrap_or(0)
        .max(26);
    let line = |cells: &[String]| {
        let padded: Vec<String> = cells
            .iter()
            .zip(headers)
            .enumerate()
            .map(|(i, (cell, header))| match i {
                0 => format!("{cell:<first$}"),
                _ => format!("{cell:>width$}", width = header.chars().count()),
            })
            .collect();
        println!("| {} |", padded.join(" | "));
    };
    line(&headers.iter().map(|h| h.to_string()).collect::<Vec<_>>());
    println!("|{}|", vec!["---"; headers.len()].join("|"));
    for row in rows {
        line(&row);
    }
}

#[cfg(test)]
mod tests {
    use super::verdict_figure;
    use serde_json::json;

    #[test]
    fn a_ratio_on_its_limit_shows_which_side_it_is() {
        assert_eq!(verdict_figure(&json!(0.697), &json!(0.7)), "0.697");
        assert_eq!(verdict_figure(&json!(0.6996), &json!(0.7)), "0.699");
        assert_eq!(verdict_figure(&json!(0.7004), &json!(0.7)), "0.700");
        assert_eq!(verdict_figure(&json!(0.68), &json!(0.7)), "0.68");
        assert_eq!(verdict_figure(&json!(0.81), &json!(0.8)), "0.81");
        let ops = json!({"opens": 1, "reads": 1, "writes": 1});
        assert_eq!(verdict_figure(&ops, &ops), "1/1/1");
    }
}
