//! Serves the app on a local port for curl, load generators and API fuzzers on machines without
//! Spin: `cargo run --release -p refund-host -- serve --listen 127.0.0.1:3000`.
//! Users run the real thing with `spin up`.

use anyhow::{Context, Result, bail};
use refund_host::serve::Delivery;
use refund_host::{App, TestHost};
use std::path::PathBuf;
use std::sync::Arc;

#[tokio::main]
async fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut listen = "127.0.0.1:3000".to_string();
    let mut manifest = refund_host::workspace_root().join("spin.toml");
    let mut rest = args.iter();
    match rest.next().map(String::as_str) {
        Some("serve") => {}
        _ => bail!("usage: refund-host serve [--listen ADDR] [--manifest spin.toml] [--like-spin]"),
    }
    let mut delivery = Delivery::Whole;
    while let Some(flag) = rest.next() {
        if flag == "--like-spin" {
            delivery = Delivery::LikeSpin;
            continue;
        }
        let value = rest.next().with_context(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--listen" => listen = value.clone(),
            "--manifest" => manifest = PathBuf::from(value),
            other => bail!("unknown flag {other}"),
        }
    }
    let host = TestHost::of(Arc::new(App::load(&manifest)?));
    let listener = tokio::net::TcpListener::bind(&listen).await?;
    println!("serving {} on http://{listen}", manifest.display());
    refund_host::serve::serve(host, listener, delivery).await?;
    Ok(())
}
