//! The `tealeaf` binary end to end: demo, extract over a batch with broken
//! files, pack check, and both evaluation commands on data written here.

use std::path::Path;
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

#[test]
fn demo_prints_statements_from_the_embedded_corpus() {
    let o = tealeaf(&["demo", "--format", "jsonl"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let lines: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(lines.len() > 80, "{} statements", lines.len());
    assert!(lines.iter().any(
        |s| s["speaker"] == "Abbas Araghchi" && s["speaker_role"] == "Deputy Foreign Minister"
    ));
    assert!(
        lines
            .iter()
            .any(|s| s["speaker"] == "Abbas Araghchi" && s["speaker_role"] == "Foreign Minister")
    );
    let table = tealeaf(&["demo"]);
    assert!(stdout(&table).contains("speaker (role)"));
}

#[test]
fn demo_corpus_scores_well_against_its_gold() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("demo");
    let gold = dir.join("gold.jsonl");
    let o = tealeaf(&[
        "eval",
        "--gold",
        gold.to_str().unwrap(),
        "--docs",
        dir.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let line = stdout(&o);
    let metric = |name: &str| -> f64 {
        let field = line
            .split_whitespace()
            .find(|f| f.starts_with(&format!("{name}=")))
            .unwrap();
        field.split('=').nth(1).unwrap().parse().unwrap()
    };
    assert!(metric("recall") >= 0.8, "{line}");
    assert!(metric("speaker_acc") >= 0.85, "{line}");
    assert!(metric("date_acc") >= 0.7, "{line}");
    assert!(metric("outlet_acc") >= 0.7, "{line}");
}

#[test]
fn broken_files_are_named_and_the_batch_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(p.join("good.txt"), "title: Good\npublished: 2019-08-28\n\nZarif said that the door to diplomacy remained open.\n").unwrap();
    std::fs::write(
        p.join("bad-utf8.txt"),
        b"Rouhani said \xff\xfe that talks were off.\n",
    )
    .unwrap();
    std::fs::write(p.join("binary.txt"), b"\x00\x01\x02\x03ELF\x00\x00").unwrap();
    std::fs::write(p.join("empty.md"), b"").unwrap();
    std::fs::write(p.join("broken-header.txt"), "---\ntitle: never closed\n").unwrap();
    std::fs::write(
        p.join("lines.jsonl"),
        "{\"id\": \"a\", \"text\": \"Araghchi said that the talks were useful.\"}\nnot json\n",
    )
    .unwrap();
    let o = tealeaf(&["extract", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "a failure shows in the exit code");
    let err = stderr(&o);
    for name in [
        "bad-utf8.txt",
        "binary.txt",
        "empty.md",
        "broken-header.txt",
        "lines.jsonl",
    ] {
        assert!(err.contains(name), "error names {name}: {err}");
    }
    assert!(
        err.contains("line 2"),
        "the broken JSON line is located: {err}"
    );
    let out = stdout(&o);
    assert!(
        out.contains("door to diplomacy"),
        "good file still extracted: {out}"
    );
    assert!(
        out.contains("talks were useful"),
        "good JSON line still extracted: {out}"
    );
    let missing = tealeaf(&["extract", p.join("nope.txt").to_str().unwrap()]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(stderr(&missing).contains("nope.txt"));
}

#[test]
fn pack_check_reports_lines_and_a_custom_pack_is_used() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "[pack]\nid = \"x\"\nname = \"X\"\n\n[[actors]]\nid = \"a\"\nname = \"A\"\nalises = [\"B\"]\n").unwrap();
    let o = tealeaf(&["pack", "check", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("bad.toml:8:"), "{}", stderr(&o));

    let good = dir.path().join("venezuela.toml");
    std::fs::write(
        &good,
        "[pack]\nid = \"ve\"\nname = \"Venezuela\"\n\n[[actors]]\nid = \"m\"\nname = \"Maria Ortega\"\ngender = \"f\"\naliases = [\"Ortega\"]\n\n  [[actors.roles]]\n  title = \"Foreign Minister\"\n  from = \"2020\"\n  mentions = [\"the foreign minister\"]\n",
    )
    .unwrap();
    let o = tealeaf(&["pack", "check", good.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let article = dir.path().join("a.txt");
    std::fs::write(&article, "published: 2021-03-02\n\nThe foreign minister said on Monday that dialogue would continue.\n").unwrap();
    let o = tealeaf(&[
        "extract",
        "--pack",
        good.to_str().unwrap(),
        article.to_str().unwrap(),
    ]);
    let s: serde_json::Value = serde_json::from_str(stdout(&o).lines().next().unwrap()).unwrap();
    assert_eq!(s["speaker"], "Maria Ortega");
    assert_eq!(s["date"], "2021-03-01");
}

#[test]
fn eval_quotes_reads_polnear_format_and_writes_predictions() {
    let dir = tempfile::tempdir().unwrap();
    let text = "“We will not talk under pressure,” the minister said. Officials said that a reply was being drafted.";
    let start = text.find('“').unwrap();
    let end_byte = text.find('”').unwrap() + '”'.len_utf8();
    let c = |b: usize| text[..b].chars().count();
    let gold = serde_json::json!({"id": "a1", "text": text, "quotes": [
        {"speaker": "the minister", "speaker_span": [c(text.find("the minister").unwrap()), c(text.find("the minister").unwrap()) + 12],
         "content_span": [c(start), c(end_byte)], "cue": "said", "kind": "direct"}]});
    let gold_path = dir.path().join("gold.jsonl");
    std::fs::write(&gold_path, format!("{gold}\n")).unwrap();
    let pred_path = dir.path().join("pred.jsonl");
    let o = tealeaf(&[
        "eval-quotes",
        "--gold",
        gold_path.to_str().unwrap(),
        "--pred-out",
        pred_path.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("content / direct"), "{out}");
    let direct_line = out
        .lines()
        .find(|l| l.starts_with("content / direct"))
        .unwrap();
    assert!(
        direct_line.trim_end().ends_with("1.000"),
        "perfect on one quote: {direct_line}"
    );
    let pred: serde_json::Value = serde_json::from_str(
        std::fs::read_to_string(&pred_path)
            .unwrap()
            .lines()
            .next()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(pred["id"], "a1");
    assert!(
        pred["quotes"].as_array().unwrap().len() >= 2,
        "direct and indirect predicted: {pred}"
    );
}

#[test]
fn explain_shows_the_rule_and_cue_behind_each_field() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("a.txt");
    std::fs::write(&f, "published: 2019-08-28\n\nZarif dismissed any meeting with U.S. officials unless Washington returns to the JCPOA.\n").unwrap();
    let o = tealeaf(&["explain", f.to_str().unwrap(), "--grep", "unless"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    for needle in [
        "speaker      Mohammad Javad Zarif",
        "by pack-name",
        "stance       conditional",
        "cue \"unless\"",
        "us-returns-to-jcpoa",
        "CAMEO 105",
    ] {
        assert!(out.contains(needle), "missing {needle:?} in\n{out}");
    }
}
