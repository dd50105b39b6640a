//! Hand-built statements and a small pack for the analyses' tests.

use crate::Statement;
use crate::coding::Coding;
use crate::pack::Pack;
use crate::statements::Kind;

/// A statement on `us-talks` by `speaker` (a pack id when it has no
/// space, else a name as written), on `date`, with `stance`.
pub fn st(doc: &str, date: &str, speaker: &str, stance: &str) -> Statement {
    let is_id = !speaker.contains(' ');
    let name = NAMES
        .iter()
        .find(|(id, _)| *id == speaker)
        .map_or(speaker, |(_, n)| n);
    Statement {
        doc: doc.to_string(),
        span: [0, 10],
        text: format!("{speaker} on {date}: {stance}"),
        quote_span: [0, 10],
        attribution: 0,
        kind: Kind::Indirect,
        direct: false,
        speaker: Some(name.to_string()),
        speaker_mention: None,
        speaker_span: None,
        speaker_role: None,
        speaker_id: is_id.then(|| speaker.to_string()),
        faction: None,
        outlet: None,
        outlet_id: None,
        outlet_affiliation: None,
        date: (!date.is_empty()).then(|| date.to_string()),
        date_precision: Some("day".to_string()),
        cue: Some("said".to_string()),
        confidence: 0.9,
        rule: "test; speaker:pack-name; date:test".to_string(),
        coding: Coding {
            topic: Some("us-talks".to_string()),
            stance: Some(stance.to_string()),
            ..Coding::default()
        },
    }
}

/// Builder-style tweaks on a test statement.
pub trait With {
    fn at(self, span: usize, attribution: usize) -> Self;
    fn conditions(self, c: &[&str]) -> Self;
    fn mediators(self, m: &[&str]) -> Self;
    fn probability(self, p: f64) -> Self;
    fn topic(self, t: &str) -> Self;
    fn faction(self, f: &str) -> Self;
    /// The outlet carrying the statement.
    fn via(self, outlet_id: &str, outlet: &str) -> Self;
    /// The outlet speaking in its own voice.
    fn editorial(self, outlet_id: &str, outlet: &str) -> Self;
}

impl With for Statement {
    fn at(mut self, span: usize, attribution: usize) -> Self {
        self.span = [span, span + 10];
        self.attribution = attribution;
        self
    }
    fn conditions(mut self, c: &[&str]) -> Self {
        self.coding.conditions = c.iter().map(|s| s.to_string()).collect();
        self
    }
    fn mediators(mut self, m: &[&str]) -> Self {
        self.coding.mediators = m.iter().map(|s| s.to_string()).collect();
        self
    }
    fn probability(mut self, p: f64) -> Self {
        self.coding.probability = Some(p);
        self
    }
    fn topic(mut self, t: &str) -> Self {
        self.coding.topic = Some(t.to_string());
        self
    }
    fn faction(mut self, f: &str) -> Self {
        self.faction = Some(f.to_string());
        self
    }
    fn via(mut self, outlet_id: &str, outlet: &str) -> Self {
        self.outlet_id = Some(outlet_id.to_string());
        self.outlet = Some(outlet.to_string());
        self
    }
    fn editorial(mut self, outlet_id: &str, outlet: &str) -> Self {
        self.speaker_id = None;
        self.speaker = Some(outlet.to_string());
        self.rule = "test; speaker:outlet; date:test".to_string();
        self.via(outlet_id, outlet)
    }
}

/// The names of the test pack's actors, as extraction would give them.
const NAMES: &[(&str, &str)] = &[
    ("rouhani", "Hassan Rouhani"),
    ("zarif", "Mohammad Javad Zarif"),
    ("mousavi", "Abbas Mousavi"),
    ("khamenei", "Ali Khamenei"),
    ("leader-office", "Office of the Leader"),
    ("trump", "Donald Trump"),
];

const PACK: &str = r#"
[pack]
id = "test"
name = "Test pack"

[[actors]]
id = "rouhani"
name = "Hassan Rouhani"
country = "Iran"
  [[actors.roles]]
  title = "President"
  institution = "Presidency"
  from = "2013-08-03"
  to = "2021-08-03"

[[actors]]
id = "zarif"
name = "Mohammad Javad Zarif"
country = "Iran"
  [[actors.roles]]
  title = "Foreign Minister"
  institution = "Ministry of Foreign Affairs"
  from = "2013-08-15"
  to = "2021-08-25"

[[actors]]
id = "mousavi"
name = "Abbas Mousavi"
country = "Iran"
  [[actors.roles]]
  title = "Foreign Ministry Spokesman"
  institution = "Ministry of Foreign Affairs"
  from = "2019-01-01"
  to = "2021-01-01"

[[actors]]
id = "khamenei"
name = "Ali Khamenei"
country = "Iran"
  [[actors.roles]]
  title = "Supreme Leader"
  institution = "Office of the Leader"
  from = "1989-06-04"

[[actors]]
id = "leader-office"
name = "Office of the Leader"
kind = "organisation"
country = "Iran"

[[actors]]
id = "trump"
name = "Donald Trump"
country = "United States"
  [[actors.roles]]
  title = "President"
  institution = "White House"
  from = "2017-01-20"
  to = "2021-01-20"

[[outlets]]
id = "javan"
name = "Javan"
affiliation = "IRGC-affiliated"
country = "Iran"

[[outlets]]
id = "reuters"
name = "Reuters"
country = "United Kingdom"

[[issues]]
id = "us-talks"
label = "Talks"
topic_cues = ["talks"]

  [[issues.conditions]]
  id = "sanctions-relief"
  label = "Lifting of sanctions"
  side = "Iran"
  cues = ["lift the sanctions"]

  [[issues.conditions]]
  id = "us-returns-to-jcpoa"
  label = "US returns to the deal"
  side = "Iran"
  cues = ["return to the deal"]

  [[issues.conditions]]
  id = "no-nuclear-weapon"
  label = "No nuclear weapon"
  side = "United States"
  cues = ["nuclear weapon"]
"#;

pub fn pack() -> Pack {
    Pack::from_toml("test.toml", PACK).expect("the test pack is valid")
}
