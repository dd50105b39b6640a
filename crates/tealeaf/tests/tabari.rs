//! `tealeaf pack import-tabari` end to end: an invented actor dictionary
//! becomes a pack that `pack check` accepts and `extract --pack` uses.

use std::process::{Command, Output};

fn tealeaf(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tealeaf"))
        .args(args)
        .output()
        .expect("binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Invented entries in the TABARI/PETRARCH layout, with one bad line.
const DICTIONARY: &str = "<!-- invented dictionary for the CLI test -->\n\
NORLAND_  [NRL]\n\
+NORLANDIC\n\
\n\
DANA_PLACEHOLDER_  # a person with dated codes\n\
+PRESIDENT_PLACEHOLDER\n\
\t[NRLELI <20090120]\n\
\t[NRLGOV >20090120]\n\
\t[NRLMIL 2009-01-20]\n\
\n\
ROBIN_EXAMPLE [USAGOV]\n";

#[test]
fn imported_dictionary_checks_and_resolves_speakers() {
    let dir = tempfile::tempdir().unwrap();
    let dict = dir.path().join("invented.actors.txt");
    std::fs::write(&dict, DICTIONARY).unwrap();
    let pack = dir.path().join("invented.toml");

    let o = tealeaf(&[
        "pack",
        "import-tabari",
        dict.to_str().unwrap(),
        "--out",
        pack.to_str().unwrap(),
        "--id",
        "invented",
        "--name",
        "Invented actors",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).is_empty(), "the pack goes to --out");
    let summary = stderr(&o);
    assert!(
        summary.contains("3 actors") && summary.contains("1 line(s) skipped"),
        "{summary}"
    );
    assert!(
        summary.contains("invented.actors.txt:9: skipped"),
        "{summary}"
    );

    let o = tealeaf(&["pack", "check", pack.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("pack 'invented'"), "{}", stdout(&o));
    assert!(stdout(&o).contains("3 actors"), "{}", stdout(&o));

    let article = dir.path().join("article.txt");
    std::fs::write(
        &article,
        "published: 2012-03-02\n\nPresident Placeholder said that the talks would continue next week.\n",
    )
    .unwrap();
    let o = tealeaf(&[
        "extract",
        "--pack",
        pack.to_str().unwrap(),
        article.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let s: serde_json::Value =
        serde_json::from_str(stdout(&o).lines().next().expect("one statement")).unwrap();
    assert_eq!(s["speaker"], "Dana Placeholder", "{s}");
    assert_eq!(s["speaker_id"], "dana-placeholder", "{s}");
    assert_eq!(s["speaker_role"], "NRLGOV", "{s}");
}

#[test]
fn pack_goes_to_stdout_without_out_and_bad_input_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let dict = dir.path().join("small.txt");
    std::fs::write(&dict, "ROBIN_EXAMPLE [USAGOV]\n").unwrap();
    let o = tealeaf(&["pack", "import-tabari", dict.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let toml = stdout(&o);
    assert!(toml.contains("id = \"small\""), "{toml}");
    assert!(toml.contains("name = \"Robin Example\""), "{toml}");
    assert!(
        toml.contains("institution = \"United States government\""),
        "{toml}"
    );

    let empty = dir.path().join("empty.txt");
    std::fs::write(&empty, "# nothing here\n").unwrap();
    let o = tealeaf(&["pack", "import-tabari", empty.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("no actor entries"), "{}", stderr(&o));

    let o = tealeaf(&[
        "pack",
        "import-tabari",
        dir.path().join("nope.txt").to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("nope.txt"), "{}", stderr(&o));
}
