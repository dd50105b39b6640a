//! Embeds the demo corpus (`demo/*.txt`, `demo/*.md`, `demo/gold.jsonl`) in
//! the binary: writes a list of `(name, include_str!(…))` pairs to OUT_DIR.

use std::{env, fs, path::Path};

fn main() {
    let dir = Path::new(&env::var("CARGO_MANIFEST_DIR").expect("cargo sets it")).join("demo");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut names: Vec<String> = fs::read_dir(&dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".txt") || n.ends_with(".md"))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    let mut code = String::from(
        "/// The embedded demo corpus: (file name, contents).\npub const DEMO_FILES: &[(&str, &str)] = &[\n",
    );
    for n in &names {
        let path = dir.join(n);
        println!("cargo:rerun-if-changed={}", path.display());
        code.push_str(&format!(
            "    ({n:?}, include_str!({:?})),\n",
            path.display().to_string()
        ));
    }
    code.push_str("];\n");
    let gold = dir.join("gold.jsonl");
    println!("cargo:rerun-if-changed={}", gold.display());
    code.push_str(&format!("/// Hand-coded statements of the demo corpus.\npub const DEMO_GOLD: &str = include_str!({:?});\n", gold.display().to_string()));
    let out = Path::new(&env::var("OUT_DIR").expect("cargo sets it")).join("demo_files.rs");
    fs::write(out, code).expect("OUT_DIR is writable");
}
