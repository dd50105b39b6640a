//! The end-to-end browser test of `tealeaf serve`: runs
//! `scripts/browser_test.sh` (headless Chromium against `tealeaf serve
//! --demo`, installing Debian's chromium when missing) with this build's
//! binary, and asserts it passes. Screenshots land in target/screenshots/.

use std::path::Path;
use std::process::Command;

#[test]
fn browser_end_to_end() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let script = root.join("scripts/browser_test.sh");
    let out = Command::new("bash")
        .arg(&script)
        .env("TEALEAF_BIN", env!("CARGO_BIN_EXE_tealeaf"))
        .current_dir(&root)
        .output()
        .expect("bash runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{stdout}");
    eprintln!("{stderr}");
    assert!(
        out.status.success(),
        "{} failed ({}):\n{stdout}\n{stderr}",
        script.display(),
        out.status
    );
    assert!(
        stdout.contains("checks passed") || stdout.contains("SKIP"),
        "{stdout}"
    );
}
