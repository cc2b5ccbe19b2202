//! `shrink-wasm FILE.wasm...`: makes each component smaller in place with Binaryen's
//! `wasm-opt -Oz` (and two more options, [`PASSES`]).
//!
//! `wasm-opt` reads core modules, not components, and `cargo build --target wasm32-wasip2`
//! writes a component: one big core module (the program) and a few small shims, wrapped in the
//! component's types and imports. So this takes the largest core module out, optimizes it and
//! puts it back in its section. Nothing else refers to a module by its byte offset, and the
//! optimized module keeps every import and export name the component wires up, so the result
//! is the same component, validated before it is written. About 20% off every refund component.

use anyhow::{Context, Result, bail, ensure};
use std::path::Path;
use std::process::Command;

/// The component-model binary's top-level section id for a core module.
const CORE_MODULE_SECTION: u8 = 1;

/// Binaryen's size-first optimization, with two additions (payment-refunds, measured with
/// wasm-opt 108):
/// - `--converge` runs the passes again until the module stops shrinking: -0.6 KB.
/// - `--low-memory-unused` lets a constant added to an address become the load's or store's
///   offset (which, unlike the add, cannot wrap around): -2.6 KB. Its promise, that nothing
///   lives in the first 1 KiB of memory, holds because rustc puts the stack first: 256 KiB
///   that grows down towards address 0 (`.cargo/config.toml`), with the data above it, so
///   only a stack within 1 KiB of overflowing reaches there.
const PASSES: &[&str] = &["-Oz", "--converge", "--low-memory-unused"];

/// What rustc's wasm32-wasip2 target emits; wasm-opt needs to be told (the build strips the
/// `target_features` section it could read them from).
const FEATURES: &[&str] = &[
    "--enable-bulk-memory",
    "--enable-multivalue",
    "--enable-mutable-globals",
    "--enable-nontrapping-float-to-int",
    "--enable-reference-types",
    "--enable-sign-ext",
];

fn main() -> Result<()> {
    let files: Vec<String> = std::env::args().skip(1).collect();
    ensure!(!files.is_empty(), "usage: shrink-wasm FILE.wasm...");
    for file in files {
        let before = std::fs::metadata(&file)?.len();
        shrink(Path::new(&file)).with_context(|| format!("shrinking {file}"))?;
        let after = std::fs::metadata(&file)?.len();
        println!("{file}: {before} -> {after} bytes");
    }
    Ok(())
}

fn shrink(path: &Path) -> Result<()> {
    let component = std::fs::read(path)?;
    let sections = top_level_sections(&component)?;
    let Some(program) = sections
        .iter()
        .filter(|s| s.id == CORE_MODULE_SECTION)
        .max_by_key(|s| s.body.len())
    else {
        bail!("no core module inside: is this a component?");
    };
    let optimized = wasm_opt(&component[program.body.clone()], path)?;
    if optimized.len() >= program.body.len() {
        return Ok(()); // already optimized (a second build of unchanged code)
    }
    let mut out = Vec::with_capacity(component.len());
    out.extend_from_slice(&component[..program.header_start]);
    out.push(CORE_MODULE_SECTION);
    leb128(&mut out, optimized.len());
    out.extend_from_slice(&optimized);
    out.extend_from_slice(&component[program.body.end..]);
    wasmparser::Validator::new_with_features(wasmparser::WasmFeatures::all())
        .validate_all(&out)
        .context("the shrunk component does not validate")?;
    let tmp = path.with_extension("wasm.shrunk");
    std::fs::write(&tmp, &out)?;
    std::fs::rename(&tmp, path)?;
    Ok(())
}

struct Section {
    id: u8,
    header_start: usize,
    body: std::ops::Range<usize>,
}

/// The component's top-level sections: an id byte and a LEB128 length before each body.
fn top_level_sections(bytes: &[u8]) -> Result<Vec<Section>> {
    ensure!(
        bytes.len() >= 8 && &bytes[..4] == b"\0asm",
        "not a WebAssembly binary"
    );
    let mut sections = Vec::new();
    let mut at = 8;
    while at < bytes.len() {
        let header_start = at;
        let id = bytes[at];
        at += 1;
        let (len, used) = read_leb128(&bytes[at..])?;
        at += used;
        let end = at.checked_add(len).filter(|&e| e <= bytes.len());
        let end = end.context("a section runs past the end of the file")?;
        sections.push(Section {
            id,
            header_start,
            body: at..end,
        });
        at = end;
    }
    Ok(sections)
}

fn read_leb128(bytes: &[u8]) -> Result<(usize, usize)> {
    let mut value = 0usize;
    for (i, byte) in bytes.iter().take(5).enumerate() {
        value |= usize::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            return Ok((value, i + 1));
        }
    }
    bail!("a section length is not a valid LEB128 u32")
}

fn leb128(out: &mut Vec<u8>, mut value: usize) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

fn wasm_opt(module: &[u8], component: &Path) -> Result<Vec<u8>> {
    let dir = std::env::temp_dir();
    let stem = component.file_stem().and_then(|s| s.to_str()).unwrap_or("module");
    let input = dir.join(format!("{stem}.{}.core.wasm", std::process::id()));
    let output = input.with_extension("opt.wasm");
    std::fs::write(&input, module)?;
    let status = Command::new("wasm-opt")
        .args(PASSES)
        .args(FEATURES)
        .arg(&input)
        .arg("-o")
        .arg(&output)
        .status()
        .context("running wasm-opt (Binaryen: `apt-get install binaryen`)")?;
    let optimized = std::fs::read(&output);
    let _ = std::fs::remove_file(&input);
    let _ = std::fs::remove_file(&output);
    ensure!(status.success(), "wasm-opt failed: {status}");
    Ok(optimized?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leb128_round_trips() {
        for value in [0, 1, 127, 128, 300, 16_383, 16_384, 523_611, u32::MAX as usize] {
            let mut out = Vec::new();
            leb128(&mut out, value);
            assert_eq!(read_leb128(&out).unwrap(), (value, out.len()));
        }
    }

    #[test]
    fn sections_of_a_truncated_file_are_an_error() {
        let mut bytes = b"\0asm\x0d\0\x01\0".to_vec();
        bytes.extend_from_slice(&[CORE_MODULE_SECTION, 0x10, 0, 0]);
        assert!(top_level_sections(&bytes).is_err());
    }
}
