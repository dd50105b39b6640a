//! Packs: actors (with dated roles and factions), outlets and issues, read
//! from TOML. See docs/packs.md for the format.
//!
//! A `Pack` is plain data plus the lookup tables the extractor needs; it is
//! built once and shared read-only by every extraction.

mod dates;
pub mod issues;
mod lexicon;
pub mod tabari;
mod terms_and_cues;
pub mod word_starts;

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Deserialize;

pub use dates::PackDate;
pub use issues::{CueClass, CueHit, CueMatcher, Issue, IssueDef, IssueMatches};
pub use lexicon::{Lexicon, LexiconEntry, LexiconHit};
use word_starts::WordStarts;

/// The Iran–United States pack, compiled into the binary.
pub const DEFAULT_PACK_TOML: &str = include_str!("../../../packs/iran-us.toml");
/// Where the default pack lives in the repository, for error messages.
pub const DEFAULT_PACK_NAME: &str = "packs/iran-us.toml (embedded)";

/// A pack error, located in its file.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{file}:{line}: {message}")]
pub struct PackError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct PackFile {
    pack: PackInfo,
    #[serde(default)]
    actors: Vec<Actor>,
    #[serde(default)]
    outlets: Vec<Outlet>,
    #[serde(default)]
    issues: Vec<IssueDef>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PackInfo {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub description: String,
    /// Country whose officials untitled mentions ("the president") mean.
    #[serde(default)]
    pub home_country: Option<String>,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum ActorKind {
    #[default]
    Person,
    Organisation,
    Group,
    State,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
pub enum Gender {
    #[serde(rename = "m")]
    Male,
    #[serde(rename = "f")]
    Female,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Actor {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub kind: ActorKind,
    #[serde(default)]
    pub country: Option<String>,
    #[serde(default)]
    pub gender: Option<Gender>,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub roles: Vec<Role>,
    #[serde(default)]
    pub factions: Vec<Faction>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Role {
    pub title: String,
    #[serde(default)]
    pub institution: Option<String>,
    #[serde(default)]
    pub from: Option<PackDate>,
    #[serde(default)]
    pub to: Option<PackDate>,
    #[serde(default)]
    pub mentions: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Faction {
    pub name: String,
    #[serde(default)]
    pub from: Option<PackDate>,
    #[serde(default)]
    pub to: Option<PackDate>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Outlet {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub affiliation: Option<String>,
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub country: Option<String>,
    /// Actor id whose voice this outlet's editorials carry (an official organ).
    #[serde(default)]
    pub speaks_for: Option<String>,
    #[serde(default)]
    pub mentions: Vec<String>,
}

/// Index of an actor in `Pack::actors`.
pub type ActorIdx = usize;
/// Index of an outlet in `Pack::outlets`.
pub type OutletIdx = usize;

/// A loaded, validated pack with its lookup tables.
#[derive(Debug, Clone)]
pub struct Pack {
    pub info: PackInfo,
    pub actors: Vec<Actor>,
    pub outlets: Vec<Outlet>,
    /// Issue definitions with their compiled cue matchers.
    pub issues: Vec<Issue>,
    /// All issues' cues in one automaton, for whole documents.
    pub cues: CueMatcher,
    pub lexicon: Lexicon,
    /// The lexicon's terms and the issues' cues in one trie (every real
    /// pack), so a document's word starts are walked once for both.
    terms_and_cues: Option<terms_and_cues::TermAndCueTrie>,
    actor_by_id: HashMap<String, ActorIdx>,
}

impl Pack {
    /// The embedded Iran–United States pack.
    pub fn default_pack() -> Result<Pack, PackError> {
        Pack::from_toml(DEFAULT_PACK_NAME, DEFAULT_PACK_TOML)
    }

    /// Parses and validates a pack; `file` names it in errors.
    pub fn from_toml(file: &str, source: &str) -> Result<Pack, PackError> {
        // Parsed once: checked, then built.
        let parsed: PackFile = toml::from_str(source).map_err(|e| toml_error(file, source, &e))?;
        if let Some(first) = check_parsed(file, source, &parsed).into_iter().next() {
            return Err(first);
        }
        Ok(Pack::build(parsed))
    }

    fn build(parsed: PackFile) -> Pack {
        let actor_by_id = parsed
            .actors
            .iter()
            .enumerate()
            .map(|(i, a)| (a.id.clone(), i))
            .collect();
        let lexicon = Lexicon::build(&parsed.actors, &parsed.outlets);
        let issues = parsed
            .issues
            .into_iter()
            .map(|def| {
                // A mediator is also named by its officials: the actors it
                // lists and every actor of that country.
                let names: Vec<Vec<String>> = def
                    .mediators
                    .iter()
                    .map(|m| {
                        parsed
                            .actors
                            .iter()
                            .filter(|a| {
                                m.actors.contains(&a.id)
                                    || a.country.as_deref() == Some(m.id.as_str())
                            })
                            .filter(|a| a.kind == ActorKind::Person)
                            .flat_map(|a| {
                                std::iter::once(a.name.clone()).chain(a.aliases.iter().cloned())
                            })
                            .collect()
                    })
                    .collect();
                Issue::compile(def, &names)
            })
            .collect::<Vec<Issue>>();
        let cues = CueMatcher::build(&issues);
        let terms_and_cues = terms_and_cues::TermAndCueTrie::build(&lexicon.texts, &cues.texts);
        Pack {
            cues,
            terms_and_cues,
            info: parsed.pack,
            actors: parsed.actors,
            outlets: parsed.outlets,
            issues,
            lexicon,
            actor_by_id,
        }
    }

    /// The lexicon's hits ([`Lexicon::scan_at`]) and every issue's cue
    /// matches ([`CueMatcher::matches_at`]) in `text`, whose word starts are
    /// `starts`: one walk of each word start for both.
    pub fn terms_and_cues(
        &self,
        text: &str,
        starts: &WordStarts,
    ) -> (Vec<LexiconHit<'_>>, Vec<IssueMatches>) {
        match &self.terms_and_cues {
            Some(trie) => {
                let found = trie.find(text, starts);
                (
                    self.lexicon.hits_of(text, found.terms),
                    self.cues.matches_of(found.cues, self.issues.len()),
                )
            }
            None => (
                self.lexicon.scan_at(text, starts),
                self.cues.matches_at(text, starts, self.issues.len()),
            ),
        }
    }

    pub fn issue(&self, id: &str) -> Option<&Issue> {
        self.issues.iter().find(|i| i.def.id == id)
    }

    pub fn actor_index(&self, id: &str) -> Option<ActorIdx> {
        self.actor_by_id.get(id).copied()
    }

    /// The days on which one of an actor's roles starts or stops holding
    /// (the day after its last), sorted. [`Pack::role_on`] and
    /// `analyses::institution_on` compare a day only with the roles' first
    /// and last days, so they give the same answer on every day from one
    /// change up to the next: a caller with many days can ask once per
    /// span (`partition_point(|c| *c <= day)` numbers the span).
    pub fn role_changes(&self, actor: ActorIdx) -> Vec<NaiveDate> {
        let mut days: Vec<NaiveDate> = self.actors[actor]
            .roles
            .iter()
            .flat_map(|r| {
                [
                    r.from.map(|f| f.first_day()),
                    r.to.and_then(|t| t.last_day().succ_opt()),
                ]
            })
            .flatten()
            .collect();
        days.sort_unstable();
        days.dedup();
        days
    }

    /// The role an actor held on `date`; if none, the latest role that had
    /// ended by then, as "former TITLE". Without a date: the latest role.
    pub fn role_on(&self, actor: ActorIdx, date: Option<NaiveDate>) -> Option<String> {
        let roles = &self.actors[actor].roles;
        let Some(date) = date else {
            return roles
                .iter()
                .max_by_key(|r| r.from.map(|d| d.first_day()))
                .map(|r| r.title.clone());
        };
        if let Some(active) = roles
            .iter()
            .filter(|r| role_active(r, date))
            .max_by_key(|r| r.from.map(|d| d.first_day()))
        {
            return Some(active.title.clone());
        }
        roles
            .iter()
            .filter(|r| r.to.is_some_and(|to| to.last_day() < date))
            .max_by_key(|r| r.to.map(|d| d.last_day()))
            .map(|r| format!("former {}", r.title))
    }

    /// The faction an actor belonged to on `date` (or their latest one).
    pub fn faction_on(&self, actor: ActorIdx, date: Option<NaiveDate>) -> Option<String> {
        let factions = &self.actors[actor].factions;
        let within = |f: &&Faction| {
            date.is_none_or(|d| {
                f.from.is_none_or(|x| x.first_day() <= d) && f.to.is_none_or(|x| x.last_day() >= d)
            })
        };
        factions
            .iter()
            .filter(within)
            .max_by_key(|f| f.from.map(|d| d.first_day()))
            .or_else(|| factions.last())
            .map(|f| f.name.clone())
    }

    /// Did `actor` hold any role between `from` and `to` covering `date`?
    pub fn active_on(&self, actor: ActorIdx, date: NaiveDate) -> bool {
        self.actors[actor]
            .roles
            .iter()
            .any(|r| role_active(r, date))
    }
}

pub fn role_active(role: &Role, date: NaiveDate) -> bool {
    role.from.is_none_or(|f| f.first_day() <= date) && role.to.is_none_or(|t| t.last_day() >= date)
}

/// Every problem in a pack, each with its line. Empty when the pack is good.
pub fn check(file: &str, source: &str) -> Vec<PackError> {
    match toml::from_str::<PackFile>(source) {
        Ok(parsed) => check_parsed(file, source, &parsed),
        Err(e) => vec![toml_error(file, source, &e)],
    }
}

fn check_parsed(file: &str, source: &str, parsed: &PackFile) -> Vec<PackError> {
    let mut errors = Vec::new();
    let mut err = |needle: &str, message: String| {
        errors.push(PackError {
            file: file.to_string(),
            line: line_of(source, needle),
            message,
        })
    };
    if parsed.pack.id.trim().is_empty() {
        err("[pack]", "pack id is empty".into());
    }
    let mut seen = HashMap::new();
    for actor in &parsed.actors {
        let at = format!("id = \"{}\"", actor.id);
        if actor.id.trim().is_empty() {
            err(
                &actor.name,
                format!("actor '{}' has an empty id", actor.name),
            );
        }
        if seen.insert(actor.id.clone(), ()).is_some() {
            err(&at, format!("duplicate actor id '{}'", actor.id));
        }
        if actor.name.trim().is_empty() {
            err(&at, format!("actor '{}' has an empty name", actor.id));
        }
        for alias in &actor.aliases {
            if alias.trim().chars().filter(|c| c.is_alphanumeric()).count() < 2 {
                err(
                    &at,
                    format!("actor '{}': alias {alias:?} is too short", actor.id),
                );
            }
        }
        for role in &actor.roles {
            if role.title.trim().is_empty() {
                err(
                    &at,
                    format!("actor '{}': a role has an empty title", actor.id),
                );
            }
            if let (Some(f), Some(t)) = (role.from, role.to)
                && t.last_day() < f.first_day()
            {
                err(
                    &at,
                    format!(
                        "actor '{}': role '{}' ends before it starts",
                        actor.id, role.title
                    ),
                );
            }
        }
        for faction in &actor.factions {
            if let (Some(f), Some(t)) = (faction.from, faction.to)
                && t.last_day() < f.first_day()
            {
                err(
                    &at,
                    format!(
                        "actor '{}': faction '{}' ends before it starts",
                        actor.id, faction.name
                    ),
                );
            }
        }
    }
    let mut seen_outlets = HashMap::new();
    for outlet in &parsed.outlets {
        let at = format!("id = \"{}\"", outlet.id);
        if seen_outlets.insert(outlet.id.clone(), ()).is_some() {
            err(&at, format!("duplicate outlet id '{}'", outlet.id));
        }
        if outlet.name.trim().is_empty() {
            err(&at, format!("outlet '{}' has an empty name", outlet.id));
        }
        for alias in &outlet.aliases {
            if alias.trim().chars().filter(|c| c.is_alphanumeric()).count() < 2 {
                err(
                    &at,
                    format!("outlet '{}': alias {alias:?} is too short", outlet.id),
                );
            }
        }
        if let Some(actor) = &outlet.speaks_for
            && !actor.is_empty()
            && !seen.contains_key(actor)
        {
            err(
                &at,
                format!(
                    "outlet '{}': speaks_for names unknown actor '{actor}'",
                    outlet.id
                ),
            );
        }
    }
    let mut seen_issues = HashMap::new();
    for issue in &parsed.issues {
        let at = format!("id = \"{}\"", issue.id);
        if seen_issues.insert(issue.id.clone(), ()).is_some() {
            err(&at, format!("duplicate issue id '{}'", issue.id));
        }
        if issue.topic_cues.is_empty() {
            err(&at, format!("issue '{}' has no topic_cues", issue.id));
        }
        for m in &issue.mediators {
            for a in &m.actors {
                if !seen.contains_key(a) {
                    err(
                        &format!("\"{a}\""),
                        format!(
                            "issue '{}': mediator '{}' names unknown actor '{a}'",
                            issue.id, m.id
                        ),
                    );
                }
            }
        }
        for e in issue.conditions.iter().chain(&issue.threats) {
            if e.cues.is_empty() {
                err(
                    &format!("id = \"{}\"", e.id),
                    format!("issue '{}': '{}' has no cues", issue.id, e.id),
                );
            }
        }
    }
    errors.sort_by_key(|e| e.line);
    errors
}

fn toml_error(file: &str, source: &str, e: &toml::de::Error) -> PackError {
    let line = e
        .span()
        .map(|s| source[..s.start.min(source.len())].matches('\n').count() + 1)
        .unwrap_or(1);
    PackError {
        file: file.to_string(),
        line,
        message: e.message().trim().to_string(),
    }
}

/// 1-based line of the first occurrence of `needle`, or 1.
fn line_of(source: &str, needle: &str) -> usize {
    source
        .find(needle)
        .map(|i| source[..i].matches('\n').count() + 1)
        .unwrap_or(1)
}

#[cfg(test)]
mod tests;
