//! The analyses commands end to end on the demo corpus: the findings the
//! workbench issue asks for (Khamenei's January 28 → February 7 reversal,
//! the 2019 reversal, the government vs hardliners divergence, the
//! conditions of both episodes, Russia's low-likelihood channel), the
//! tables, the store path (`--db`) and the errors.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn tealeaf(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tealeaf"))
        .args(args)
        .output()
        .expect("binary runs")
}

fn demo_files() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("demo");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    assert!(files.len() >= 12, "{files:?}");
    files.iter().map(|p| p.display().to_string()).collect()
}

/// Runs an analysis on the demo corpus with `--input` and gives its JSON.
fn analysis(args: &[&str]) -> Value {
    let files = demo_files();
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--format", "json", "--input"]);
    all.extend(files.iter().map(String::as_str));
    let o = tealeaf(&all);
    assert!(
        o.status.success(),
        "tealeaf {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).expect("JSON output")
}

fn s<'a>(v: &'a Value, path: &[&str]) -> &'a str {
    let mut v = v;
    for k in path {
        v = &v[*k];
    }
    v.as_str().unwrap_or("")
}

fn summary(shifts: &[&Value]) -> Vec<String> {
    shifts
        .iter()
        .map(|x| {
            format!(
                "{} {} {} → {} {} reversal={} {:?}",
                s(x, &["actor"]),
                s(x, &["from", "date"]),
                s(x, &["from", "stance"]),
                s(x, &["to", "date"]),
                s(x, &["to", "stance"]),
                x["reversal"],
                s(x, &["to", "text"])
            )
        })
        .collect()
}

#[test]
fn shifts_show_khameneis_january_28_to_february_7_reversal() {
    let v = analysis(&["shifts", "--issue", "us-talks"]);
    let all = v["shifts"].as_array().unwrap();
    let khamenei: Vec<&Value> = all
        .iter()
        .filter(|x| x["actor"] == "ali-khamenei")
        .collect();
    let found = khamenei.iter().any(|x| {
        x["from"]["date"] == "2025-01-28"
            && x["to"]["date"] == "2025-02-07"
            && x["reversal"] == true
    });
    assert!(
        found,
        "no reversal of Khamenei from 2025-01-28 to 2025-02-07; his shifts:\n{}",
        summary(&khamenei).join("\n")
    );
}

#[test]
fn shifts_show_the_2019_reversal_from_openness() {
    let v = analysis(&["shifts", "--issue", "us-talks"]);
    let all = v["shifts"].as_array().unwrap();
    let rouhani: Vec<&Value> = all
        .iter()
        .filter(|x| x["actor"] == "hassan-rouhani")
        .collect();
    // Openness on August 25–26, then preconditions (support → conditional
    // with conditions raised) or rejection (a reversal) by August 29.
    let found = rouhani.iter().any(|x| {
        let from = s(x, &["from", "date"]);
        let to = s(x, &["to", "date"]);
        let preconditions = x["from"]["stance"] == "support"
            && x["to"]["stance"] == "conditional"
            && !x["conditions_added"].as_array().unwrap().is_empty();
        ("2019-08-25"..="2019-08-26").contains(&from)
            && ("2019-08-27"..="2019-08-29").contains(&to)
            && (x["reversal"] == true || preconditions)
    });
    assert!(
        found,
        "no shift of Rouhani from openness (Aug 25–26) to preconditions or rejection \
         (Aug 27–29, 2019); his shifts:\n{}",
        summary(&rouhani).join("\n")
    );
}

#[test]
fn divergence_sets_the_government_against_the_leaders_office_or_irgc_media() {
    let government = [
        "Ministry of Foreign Affairs",
        "Presidency of the Islamic Republic of Iran",
    ];
    let hardline =
        |label: &str| label == "Office of the Supreme Leader" || label.contains("IRGC-affiliated");
    let mut seen = Vec::new();
    let mut found = false;
    for window in ["week", "month"] {
        let v = analysis(&[
            "divergence",
            "--issue",
            "us-talks",
            "--government",
            "Iran",
            "--window",
            window,
        ]);
        for w in v["windows"].as_array().unwrap() {
            let index = w["index"].as_f64();
            if let Some(i) = index {
                assert!((0.0..=1.0).contains(&i), "index out of range: {w}");
            }
            for p in w["pairs"].as_array().unwrap() {
                let (open, closed) = (s(p, &["open"]), s(p, &["closed"]));
                seen.push(format!("{} {open} vs {closed}", s(w, &["period", "label"])));
                assert!(p["gap"].as_f64().unwrap() >= 1.0);
                assert!(!s(p, &["open_statement", "text"]).is_empty());
                assert!(!s(p, &["closed_statement", "text"]).is_empty());
                if (government.contains(&open) && hardline(closed))
                    || (government.contains(&closed) && hardline(open))
                {
                    found = true;
                    assert!(index.is_some_and(|i| i > 0.0), "{w}");
                }
            }
        }
    }
    assert!(
        found,
        "no window sets the foreign ministry or presidency against the Leader's office or \
         IRGC-aligned media; pairs:\n{}",
        seen.join("\n")
    );
}

#[test]
fn the_ledger_holds_the_conditions_of_both_episodes() {
    let v = analysis(&["conditions", "--issue", "us-talks", "--bucket", "month"]);
    let ledger = &v["ledger"];
    let entries = ledger["conditions"].as_array().unwrap();
    let listed: Vec<String> = entries
        .iter()
        .map(|e| format!("{} {}", s(e, &["condition"]), s(e, &["first_seen", "date"])))
        .collect();
    for (condition, year) in [
        ("end-maximum-pressure", "2025"),
        ("sanctions-relief", "2019"),
        ("us-returns-to-jcpoa", "2019"),
    ] {
        let e = entries
            .iter()
            .find(|e| e["condition"] == condition)
            .unwrap_or_else(|| panic!("{condition} not in the ledger: {listed:?}"));
        assert!(
            s(e, &["first_seen", "date"]).starts_with(year),
            "{condition} first seen {:?}, not in {year}",
            s(e, &["first_seen", "date"])
        );
        assert!(!e["setters"].as_array().unwrap().is_empty());
        assert!(!s(e, &["first_seen", "text"]).is_empty());
    }
    let end = entries
        .iter()
        .find(|e| e["condition"] == "end-maximum-pressure")
        .unwrap();
    assert_eq!(end["setters"][0]["speaker_id"], "abbas-araghchi");
    // Iran's threshold rises at least once.
    let evolution = ledger["evolution"].as_array().unwrap();
    assert!(
        evolution
            .iter()
            .any(|p| p["side"] == "Iran" && p["raised"] == true),
        "{evolution:#?}"
    );
}

#[test]
fn channels_show_russia_with_a_low_likelihood() {
    let v = analysis(&["channels"]);
    let entries = v["channels"].as_array().unwrap();
    let russia = entries
        .iter()
        .find(|e| e["mediator"] == "Russia")
        .expect("Russia among the channels");
    assert!(russia["count"].as_u64().unwrap() >= 3);
    for m in ["Oman", "Qatar", "France"] {
        assert!(entries.iter().any(|e| e["mediator"] == m), "{m} missing");
    }
    let lowest = russia["lowest_probability"].as_f64();
    assert!(
        lowest.is_some_and(|p| p <= 0.1),
        "Russia's lowest likelihood is {lowest:?}; its messages:\n{}",
        russia["messages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| format!(
                "{} {}: {:?} probability={}",
                s(m, &["date"]),
                s(m, &["speaker"]),
                s(m, &["statement", "text"]),
                m["probability"]
            ))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn timeline_groups_and_tables() {
    let v = analysis(&[
        "timeline",
        "--issue",
        "us-talks",
        "--by",
        "institution",
        "--bucket",
        "month",
    ]);
    let points = v["points"].as_array().unwrap();
    let statements = v["statements"].as_array().unwrap();
    let mfa: Vec<&Value> = points
        .iter()
        .filter(|p| p["label"] == "Ministry of Foreign Affairs")
        .collect();
    assert!(
        mfa.iter().any(|p| p["period"]["label"] == "2019-08"),
        "{mfa:?}"
    );
    assert!(mfa.iter().any(|p| p["period"]["label"] == "2025-02"));
    for p in points {
        let net = p["net"].as_f64().unwrap();
        assert!((-1.0..=1.0).contains(&net));
        let counts: u64 = ["support", "conditional", "neutral", "oppose"]
            .iter()
            .map(|k| p[*k].as_u64().unwrap())
            .sum();
        assert_eq!(counts, p["total"].as_u64().unwrap());
        // Evidence indices are those of statements listed.
        for i in p["statements"].as_array().unwrap() {
            let st = statements
                .iter()
                .find(|st| st["index"] == *i)
                .unwrap_or_else(|| panic!("statement {i} is not listed"));
            assert!(!s(st, &["text"]).is_empty());
        }
    }

    let files = demo_files();
    for args in [
        vec!["timeline", "--issue", "us-talks", "--by", "country"],
        vec!["shifts", "--issue", "us-talks", "--reversals"],
        vec!["divergence", "--issue", "us-talks", "--window", "month"],
        vec!["conditions", "--issue", "us-talks"],
        vec!["channels", "--mediator", "oman"],
    ] {
        let mut all = args.clone();
        all.push("--input");
        all.extend(files.iter().map(String::as_str));
        let o = tealeaf(&all);
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(
            o.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let expected = match args[0] {
            "timeline" => "United States",
            "shifts" => "REVERSAL",
            "divergence" => "mixed-signals index",
            "conditions" => "raising the threshold",
            _ => "Oman",
        };
        assert!(out.contains(expected), "{args:?}:\n{out}");
        if args[0] == "channels" {
            assert!(!out.contains("Russia"), "{out}");
        }
    }
}

#[test]
fn the_store_gives_the_same_analyses_as_the_files() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let db = db.to_str().unwrap();
    let files = demo_files();
    let mut ingest = vec!["ingest", "--db", db];
    ingest.extend(files.iter().map(String::as_str));
    let o = tealeaf(&ingest);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    let from_db = |args: &[&str]| -> Value {
        let mut all = args.to_vec();
        all.extend(["--format", "json", "--db", db]);
        let o = tealeaf(&all);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        serde_json::from_slice(&o.stdout).unwrap()
    };
    let key = |v: &Value| -> Vec<String> {
        v["ledger"]["conditions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                format!(
                    "{} {} {}",
                    e["condition"], e["count"], e["first_seen"]["date"]
                )
            })
            .collect()
    };
    let args = ["conditions", "--issue", "us-talks"];
    assert_eq!(key(&from_db(&args)), key(&analysis(&args)));
    let count = |v: &Value, k: &str| v[k].as_array().unwrap().len();
    let args = ["shifts", "--issue", "us-talks"];
    assert_eq!(
        count(&from_db(&args), "shifts"),
        count(&analysis(&args), "shifts")
    );
    // Pages from the stored facts: same total, the page's size.
    let args = [
        "shifts", "--issue", "us-talks", "--limit", "2", "--offset", "1",
    ];
    let (db, files) = (from_db(&args), analysis(&args));
    assert_eq!(db["total"], files["total"]);
    assert_eq!(
        (count(&db, "shifts"), &db["next_offset"]),
        (2, &Value::from(3))
    );
    let v = from_db(&["timeline", "--issue", "us-talks", "--limit", "3"]);
    assert_eq!(count(&v, "points"), 3);
    for p in v["points"].as_array().unwrap() {
        for i in p["statements"].as_array().unwrap() {
            assert!(
                v["statements"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|s| s["index"] == *i)
            );
        }
    }
    let args = ["channels"];
    assert_eq!(
        count(&from_db(&args), "channels"),
        count(&analysis(&args), "channels")
    );
}

#[test]
fn errors_name_the_problem() {
    let files = demo_files();
    let o = tealeaf(&["shifts", "--issue", "no-such-issue", "--input", &files[0]]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("unknown issue 'no-such-issue'") && err.contains("us-talks"),
        "{err}"
    );

    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.db");
    let o = tealeaf(&["channels", "--db", missing.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no such store"));
    assert!(!missing.exists(), "reading must not create a store");

    let o = tealeaf(&[
        "timeline", "--issue", "us-talks", "--by", "party", "--input", &files[0],
    ]);
    assert!(!o.status.success());
    assert!(
        String::from_utf8_lossy(&o.stderr)
            .contains("actor, faction, institution, country or outlet")
    );

    // A missing input file is reported; the analysis still runs on the rest.
    let o = tealeaf(&["channels", "--input", &files[9], "/no/such/file.txt"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("/no/such/file.txt"));
    assert!(String::from_utf8_lossy(&o.stdout).contains("Russia"));
}

/// `--limit` and `--offset` page through the answer: the pages are slices
/// of the whole, with the total and the next offset; tables say what they
/// show.
#[test]
fn pages_are_slices_of_the_whole_answer() {
    for (args, key) in [
        (
            vec!["timeline", "--issue", "us-talks", "--by", "institution"],
            "points",
        ),
        (vec!["shifts", "--issue", "us-talks"], "shifts"),
        (
            vec!["divergence", "--issue", "us-talks", "--window", "day"],
            "windows",
        ),
    ] {
        let with = |extra: &[&str]| {
            let mut a = args.clone();
            a.extend(extra);
            analysis(&a)
        };
        let whole = with(&["--limit", "all"]);
        let items = whole[key].as_array().unwrap().clone();
        let n = items.len();
        assert!(n >= 4, "{args:?}: {n}");
        assert_eq!(whole["total"], n);
        assert_eq!(whole["limit"], Value::Null);
        assert_eq!(whole["next_offset"], Value::Null);
        // The default page holds everything on a corpus this small.
        assert_eq!(analysis(&args)[key].as_array().unwrap(), &items);
        let page = with(&["--limit", "2", "--offset", "1"]);
        assert_eq!(page[key].as_array().unwrap(), &items[1..3], "{args:?}");
        assert_eq!(
            (&page["total"], &page["offset"], &page["limit"]),
            (&Value::from(n), &Value::from(1), &Value::from(2))
        );
        assert_eq!(page["next_offset"], 3);
        let last = with(&["--limit", "0", "--offset", &(n - 1).to_string()]);
        assert_eq!(last[key].as_array().unwrap(), &items[n - 1..]);
        assert_eq!(last["next_offset"], Value::Null);
        // Cited statements: those of the page, each with its index.
        if key != "shifts" {
            let listed = page["statements"].as_array().unwrap();
            assert!(
                !listed.is_empty() && listed.len() < whole["statements"].as_array().unwrap().len()
            );
        }

        let mut table = args.clone();
        table.extend(["--limit", "2", "--input"]);
        let files = demo_files();
        table.extend(files.iter().map(String::as_str));
        let o = tealeaf(&table);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(
            out.contains(&format!("(1–2 of {n} {key} shown; next: --offset 2")),
            "{out}"
        );
    }
    let files = demo_files();
    let o = tealeaf(&[
        "shifts", "--issue", "us-talks", "--limit", "few", "--input", &files[0],
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("a number, 0 or all"));
}

/// `--actor` keeps one actor's shifts, before paging.
#[test]
fn shifts_of_one_actor() {
    let whole = analysis(&["shifts", "--issue", "us-talks", "--limit", "all"]);
    let all = whole["shifts"].as_array().unwrap();
    let actor = all[0]["actor"].as_str().unwrap();
    let theirs: Vec<&Value> = all.iter().filter(|s| s["actor"] == actor).collect();
    let v = analysis(&["shifts", "--issue", "us-talks", "--actor", actor]);
    let got: Vec<&Value> = v["shifts"].as_array().unwrap().iter().collect();
    assert_eq!(got, theirs);
    assert_eq!(v["total"], theirs.len());
}
