//! Import a TABARI/PETRARCH actor dictionary as a pack (see docs/packs.md,
//! "Bringing your own dictionaries: TABARI/PETRARCH").
//!
//! The dictionary format, as TABARI 0.8 and PETRARCH read it:
//!
//! ```text
//! NAME_OF_ENTRY  [CODE]            # primary phrase, optional default code
//! +SYNONYM_PHRASE                  # synonyms of the entry
//!     [CODE <YYYYMMDD]             # date restrictions, one per indented line:
//!     [CODE >YYYYMMDD]             #   before / after a date (inclusive),
//!     [CODE YYYYMMDD-YYYYMMDD]     #   or between two dates; YYMMDD also works
//!     [CODE]                       # another default code
//! ```
//!
//! Words are separated by `_` or blanks; a final `_` (TABARI's "no stemming")
//! is dropped. Comments are `#` and `;` (to the end of the line), lines that
//! begin with `<`, and `<!-- … -->` (also across lines). `---STOP---` ends the
//! dictionary. Codes are CAMEO-style: a three-letter country or group code
//! followed by three-letter role codes (`USAGOV`); `A/B` names two codes;
//! `---` (and codes without letters, such as `+++` or `###`) are null codes.
//!
//! Each entry becomes an actor; each code, a role titled with the code. The
//! mapping is described in the docs section named above. Malformed lines are
//! skipped with their line number and a reason; the importer never panics on
//! its input.

use std::collections::HashSet;
use std::fmt::Write as _;

use chrono::{Datelike, NaiveDate};

/// Options of `tealeaf pack import-tabari`.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Pack id; default: the file name without its extension, slugified.
    pub id: Option<String>,
    /// Pack name; default: "Actors from FILE".
    pub name: Option<String>,
}

/// A line (or part of a line) the importer did not use, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedLine {
    /// 1-based line number in the dictionary.
    pub line: usize,
    pub reason: String,
}

/// The generated pack and what went into it.
#[derive(Debug, Clone)]
pub struct ImportResult {
    /// The pack, as TOML text; loads with `Pack::from_toml`.
    pub toml: String,
    /// Dictionary entries imported, one actor each.
    pub actors: usize,
    /// Aliases written (synonyms and name variants, without the canonical names).
    pub aliases: usize,
    /// Roles written (one per code).
    pub roles: usize,
    /// Of those, roles with a date restriction.
    pub dated_roles: usize,
    /// Lines or codes not imported, in line order.
    pub skipped: Vec<SkippedLine>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TabariError {
    #[error(
        "{file}: no actor entries found ({skipped} line(s) skipped); is this a TABARI/PETRARCH actor dictionary?"
    )]
    NoActors { file: String, skipped: usize },
    #[error("pack {what} is empty")]
    EmptyOption { what: &'static str },
}

/// Reads the actor dictionary `source` (named `file_name` in messages and
/// comments) and returns the pack TOML with its counts.
pub fn import(
    file_name: &str,
    source: &str,
    options: &ImportOptions,
) -> Result<ImportResult, TabariError> {
    let base = std::path::Path::new(file_name)
        .file_name()
        .and_then(|f| f.to_str())
        .unwrap_or(file_name);
    let pack_id = match &options.id {
        Some(id) if id.trim().is_empty() => return Err(TabariError::EmptyOption { what: "id" }),
        Some(id) => id.trim().to_string(),
        None => {
            let stem = base.rsplit_once('.').map_or(base, |(s, _)| s);
            let slug = slugify(&stem.replace('.', " "));
            if slug.is_empty() {
                "tabari-import".to_string()
            } else {
                slug
            }
        }
    };
    let pack_name = match &options.name {
        Some(n) if n.trim().is_empty() => {
            return Err(TabariError::EmptyOption { what: "name" });
        }
        Some(n) => n.trim().to_string(),
        None => format!("Actors from {base}"),
    };

    let (entries, skipped) = parse(source);
    if entries.is_empty() {
        return Err(TabariError::NoActors {
            file: file_name.to_string(),
            skipped: skipped.len(),
        });
    }
    let actors = build_actors(&entries);

    let mut result = ImportResult {
        toml: String::new(),
        actors: actors.len(),
        aliases: actors.iter().map(|a| a.aliases.len()).sum(),
        roles: actors.iter().map(|a| a.roles.len()).sum(),
        dated_roles: actors
            .iter()
            .flat_map(|a| &a.roles)
            .filter(|r| r.from.is_some() || r.to.is_some())
            .count(),
        skipped,
    };
    result.toml = write_toml(base, &pack_id, &pack_name, &actors, &result);
    Ok(result)
}

// ───────────────────────────── parsing ─────────────────────────────

/// One dictionary entry: its primary phrase, synonyms and codes.
#[derive(Debug, Clone)]
struct Entry {
    line: usize,
    name: String,
    synonyms: Vec<String>,
    codes: Vec<Code>,
}

/// One code of an entry, with its date restriction.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Code {
    code: String,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
}

/// Where the lines that follow a primary phrase go.
enum Current {
    /// Before the first entry.
    None,
    /// The entry at this index of the list.
    Entry(usize),
    /// The entry on this line was skipped; its synonyms and codes go too.
    Skipped(usize),
}

fn parse(source: &str) -> (Vec<Entry>, Vec<SkippedLine>) {
    let mut entries: Vec<Entry> = Vec::new();
    let mut skipped: Vec<SkippedLine> = Vec::new();
    let mut current = Current::None;
    // Line on which an unterminated `<!--` opened.
    let mut in_comment: Option<usize> = None;

    for (i, raw) in source.lines().enumerate() {
        let n = i + 1;
        let raw = if n == 1 {
            raw.trim_start_matches('\u{feff}')
        } else {
            raw
        };
        let mut skip = |reason: String| skipped.push(SkippedLine { line: n, reason });

        if in_comment.is_some() {
            if raw.contains("-->") {
                in_comment = None;
            }
            continue;
        }
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if trimmed.starts_with('<') {
            // A comment line; `<!--` without `-->` opens a block comment.
            if let Some(open) = trimmed.find("<!--")
                && !trimmed[open + 4..].contains("-->")
            {
                in_comment = Some(n);
            }
            continue;
        }
        let (line, opens_comment) = strip_comments(raw);
        if opens_comment {
            in_comment = Some(n);
        }
        if line.contains("---STOP---") {
            break;
        }
        let text = line.trim();
        if text.is_empty() {
            continue;
        }
        let indented = line.starts_with([' ', '\t']);

        if let Some(rest) = text.strip_prefix('+') {
            // A synonym of the current entry.
            let target = match current {
                Current::Entry(e) => e,
                Current::None => {
                    skip("synonym ('+' line) before any entry".into());
                    continue;
                }
                Current::Skipped(at) => {
                    skip(format!("synonym of the entry skipped on line {at}"));
                    continue;
                }
            };
            let (phrase, groups) = match split_codes(rest) {
                Ok(split) => split,
                Err(reason) => {
                    skip(reason);
                    continue;
                }
            };
            match clean_phrase(&phrase) {
                Ok(Some(p)) => entries[target].synonyms.push(p),
                Ok(None) => skip("synonym is empty".into()),
                Err(reason) => skip(format!("synonym skipped: {reason}")),
            }
            // A code on a synonym line applies to the entry.
            for group in groups {
                add_codes(&mut entries[target].codes, &group, &mut skip);
            }
        } else if text.starts_with('[') {
            // A date restriction (or another default code) of the current entry.
            let target = match current {
                Current::Entry(e) => e,
                Current::None => {
                    skip("code line before any entry".into());
                    continue;
                }
                Current::Skipped(at) => {
                    skip(format!("code of the entry skipped on line {at}"));
                    continue;
                }
            };
            match split_codes(text) {
                Ok((junk, groups)) => {
                    if !junk.trim().is_empty() {
                        skip(format!("text outside [...] ignored: {:?}", junk.trim()));
                    }
                    for group in groups {
                        add_codes(&mut entries[target].codes, &group, &mut skip);
                    }
                }
                Err(reason) => skip(reason),
            }
        } else if indented {
            skip("indented line is neither a [code] nor a +synonym".into());
        } else {
            // A primary phrase: a new entry.
            let (phrase, groups) = match split_codes(text) {
                Ok(split) => split,
                Err(reason) => {
                    skip(format!("entry skipped: {reason}"));
                    current = Current::Skipped(n);
                    continue;
                }
            };
            if let Some(agent) = groups.iter().find(|g| g.contains('~')) {
                skip(format!(
                    "entry skipped: [{}] is an agent code; this is an agents-dictionary line",
                    agent.trim()
                ));
                current = Current::Skipped(n);
                continue;
            }
            let name = match clean_phrase(&phrase) {
                Ok(Some(name)) => name,
                Ok(None) => {
                    skip("entry has a code but no name".into());
                    current = Current::Skipped(n);
                    continue;
                }
                Err(reason) => {
                    skip(format!("entry skipped: {reason}"));
                    current = Current::Skipped(n);
                    continue;
                }
            };
            let mut codes = Vec::new();
            for group in groups {
                add_codes(&mut codes, &group, &mut skip);
            }
            entries.push(Entry {
                line: n,
                name,
                synonyms: Vec::new(),
                codes,
            });
            current = Current::Entry(entries.len() - 1);
        }
    }
    if let Some(at) = in_comment {
        skipped.push(SkippedLine {
            line: at,
            reason: "'<!--' comment never closed: the rest of the file was ignored".into(),
        });
    }
    skipped.sort_by_key(|s| s.line);
    (entries, skipped)
}

/// The line without its comments (`<!-- … -->`, `#`, `;`), and whether it
/// opens a `<!--` comment that continues on the next lines.
fn strip_comments(line: &str) -> (String, bool) {
    let mut out = line.to_string();
    let mut opens = false;
    while let Some(open) = out.find("<!--") {
        match out[open + 4..].find("-->") {
            Some(close) => out.replace_range(open..open + 4 + close + 3, " "),
            None => {
                out.truncate(open);
                opens = true;
                break;
            }
        }
    }
    if let Some(cut) = out.find(['#', ';']) {
        out.truncate(cut);
    }
    (out, opens)
}

/// Splits "PHRASE [CODE …] [CODE …]" into the text outside brackets and
/// the inside of each bracket group.
fn split_codes(text: &str) -> Result<(String, Vec<String>), String> {
    let mut outside = String::new();
    let mut groups = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        let before = &rest[..open];
        if before.contains(']') {
            return Err("']' without '['".into());
        }
        if !groups.is_empty() && !before.trim().is_empty() {
            return Err(format!("text between codes: {:?}", before.trim()));
        }
        outside.push_str(before);
        let after = &rest[open + 1..];
        let Some(close) = after.find(']') else {
            return Err("'[' without ']'".into());
        };
        let inner = &after[..close];
        if inner.contains('[') {
            return Err("nested '['".into());
        }
        groups.push(inner.to_string());
        rest = &after[close + 1..];
    }
    if rest.contains(']') {
        return Err("']' without '['".into());
    }
    if !groups.is_empty() && !rest.trim().is_empty() {
        return Err(format!("text after the code: {:?}", rest.trim()));
    }
    outside.push_str(rest);
    Ok((outside, groups))
}

/// A phrase with `_` as blanks, blanks collapsed, a final `_` dropped.
/// `Ok(None)` when nothing is left.
fn clean_phrase(phrase: &str) -> Result<Option<String>, String> {
    if phrase.contains(['{', '}', '!', '~']) {
        return Err(format!(
            "{:?} uses agents-dictionary syntax ({{plural}}, !MARKER!, ~); import the actors dictionary",
            phrase.trim()
        ));
    }
    if phrase.chars().any(|c| c.is_control() && c != '\t') {
        return Err("control character in the phrase".into());
    }
    let words: Vec<&str> = phrase
        .split(|c: char| c == '_' || c.is_whitespace())
        .filter(|w| !w.is_empty())
        .collect();
    if words.is_empty() {
        return Ok(None);
    }
    let joined = words.join(" ");
    if alnum_count(&joined) < 2 {
        return Err(format!("{joined:?} is too short to match"));
    }
    Ok(Some(joined))
}

fn alnum_count(s: &str) -> usize {
    s.chars().filter(|c| c.is_alphanumeric()).count()
}

/// Parses one bracket group ("USAGOV >20090120") and appends its codes.
fn add_codes(codes: &mut Vec<Code>, group: &str, skip: &mut impl FnMut(String)) {
    match parse_group(group) {
        Ok(parsed) => {
            for c in parsed {
                if c.code.chars().any(|ch| ch.is_ascii_alphabetic()) {
                    if !codes.contains(&c) {
                        codes.push(c);
                    }
                } else {
                    skip(format!(
                        "[{}]: null code '{}', no role",
                        group.trim(),
                        c.code
                    ));
                }
            }
        }
        Err(reason) => skip(format!("[{}]: {reason}", group.trim())),
    }
}

/// "CODE", "CODE <D", "CODE >D", "CODE D1-D2"; "A/B" gives two codes.
fn parse_group(group: &str) -> Result<Vec<Code>, String> {
    let s = group.trim();
    if s.is_empty() {
        return Err("empty code".into());
    }
    let end = s
        .find(|c: char| c.is_whitespace() || c == '<' || c == '>')
        .unwrap_or(s.len());
    let (code, rest) = (&s[..end], s[end..].trim());
    if code.is_empty() || code.starts_with(|c: char| c.is_ascii_digit()) {
        return Err("date restriction without a code".into());
    }
    if code.contains('~') {
        return Err("agent code ('~'): this is an agents-dictionary line".into());
    }
    let parts: Vec<&str> = code.split('/').collect();
    for part in &parts {
        if !valid_code(part) {
            return Err(format!(
                "{part:?} is not a code (letters, after an optional '---'; dates go after a blank)"
            ));
        }
    }
    let (from, to) = if rest.is_empty() {
        (None, None)
    } else if let Some(d) = rest.strip_prefix('<') {
        (None, Some(parse_date(d)?))
    } else if let Some(d) = rest.strip_prefix('>') {
        (Some(parse_date(d)?), None)
    } else if let Some((a, b)) = rest.split_once('-') {
        let (from, to) = (parse_date(a)?, parse_date(b)?);
        if to < from {
            return Err(format!("ends ({to}) before it starts ({from})"));
        }
        (Some(from), Some(to))
    } else {
        return Err(format!(
            "unreadable date restriction {rest:?} (use <DATE, >DATE or DATE-DATE)"
        ));
    };
    Ok(parts
        .into_iter()
        .map(|p| Code {
            code: p.to_ascii_uppercase(),
            from,
            to,
        })
        .collect())
}

/// A CAMEO-style code: letters and digits after an optional `---` (unknown
/// country), or a null code made of `-`, `+` or `#` only.
fn valid_code(code: &str) -> bool {
    if !code.is_empty() && code.chars().all(|c| matches!(c, '-' | '+' | '#')) {
        return true;
    }
    let body = code.strip_prefix("---").unwrap_or(code);
    !body.is_empty()
        && body.chars().all(|c| c.is_ascii_alphanumeric())
        && body.chars().any(|c| c.is_ascii_alphabetic())
}

/// YYYYMMDD, or YYMMDD with 00–30 read as 20YY and 31–99 as 19YY (the
/// KEDS/TABARI rule).
fn parse_date(s: &str) -> Result<NaiveDate, String> {
    let s = s.trim();
    if !s.chars().all(|c| c.is_ascii_digit()) || !(s.len() == 6 || s.len() == 8) {
        return Err(format!("{s:?} is not a date (YYYYMMDD or YYMMDD)"));
    }
    let num = |r: std::ops::Range<usize>| s[r].parse::<u32>().unwrap_or(0);
    let (year, rest) = if s.len() == 8 {
        (num(0..4) as i32, 4)
    } else {
        let yy = num(0..2) as i32;
        (if yy <= 30 { 2000 + yy } else { 1900 + yy }, 2)
    };
    let (month, day) = (num(rest..rest + 2), num(rest + 2..rest + 4));
    NaiveDate::from_ymd_opt(year, month, day).ok_or_else(|| format!("{s:?} is not a calendar date"))
}

// ───────────────────────────── mapping ─────────────────────────────

#[derive(Debug, Clone)]
struct OutActor {
    line: usize,
    id: String,
    name: String,
    kind: &'static str,
    country: Option<String>,
    aliases: Vec<String>,
    roles: Vec<OutRole>,
}

#[derive(Debug, Clone)]
struct OutRole {
    title: String,
    institution: Option<String>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
}

fn build_actors(entries: &[Entry]) -> Vec<OutActor> {
    let mut ids: HashSet<String> = HashSet::new();
    entries
        .iter()
        .map(|e| {
            let name = display_name(&e.name);
            let base = match slugify(&name) {
                s if s.is_empty() => "actor".to_string(),
                s => s,
            };
            let mut id = base.clone();
            let mut k = 2;
            while !ids.insert(id.clone()) {
                id = format!("{base}-{k}");
                k += 1;
            }

            // Aliases: the synonyms, and dotless forms ("U.N." → "UN").
            let mut seen: HashSet<String> = HashSet::from([name.to_lowercase()]);
            let mut aliases = Vec::new();
            let mut push = |a: String| {
                if alnum_count(&a) >= 2 && seen.insert(a.to_lowercase()) {
                    aliases.push(a);
                }
            };
            for phrase in std::iter::once(&e.name).chain(&e.synonyms) {
                let shown = display_name(phrase);
                if let Some(dotless) = dotless(&shown) {
                    push(shown.clone());
                    push(dotless);
                } else {
                    push(shown);
                }
            }

            // Default (undated) codes first: `role_on` prefers the latest
            // start among active roles, and ties go to the later role.
            let mut codes: Vec<&Code> = e
                .codes
                .iter()
                .filter(|c| c.from.is_none() && c.to.is_none())
                .collect();
            codes.extend(
                e.codes
                    .iter()
                    .filter(|c| c.from.is_some() || c.to.is_some()),
            );
            let roles: Vec<OutRole> = codes
                .iter()
                .map(|c| OutRole {
                    title: c.code.clone(),
                    institution: institution(&c.code),
                    from: c.from,
                    to: c.to,
                })
                .collect();
            let country = codes.first().and_then(|c| country_of(&c.code));
            let kind = guess_kind(&name, &codes);
            OutActor {
                line: e.line,
                id,
                name,
                kind,
                country,
                aliases,
                roles,
            }
        })
        .collect()
}

/// A guess: person when the name starts with a personal title ("President
/// …"); state when every code is a bare three-letter code (a country, even
/// if dated); person when a code is dated (officeholders) or there is no
/// code; organisation otherwise.
fn guess_kind(name: &str, codes: &[&Code]) -> &'static str {
    let words: Vec<String> = name
        .split_whitespace()
        .map(|w| w.trim_end_matches('.').to_lowercase())
        .collect();
    let titled = words.len() >= 2 && PERSONAL_TITLES.contains(&words[0].as_str());
    if titled {
        "person"
    } else if !codes.is_empty()
        && codes
            .iter()
            .all(|c| c.code.len() == 3 && !NON_STATE.contains(&c.code.as_str()))
    {
        "state"
    } else if codes.is_empty() || codes.iter().any(|c| c.from.is_some() || c.to.is_some()) {
        "person"
    } else {
        "organisation"
    }
}

/// First words that make an entry a person ("PRESIDENT_JANE_DOE").
const PERSONAL_TITLES: &[&str] = &[
    "admiral",
    "ambassador",
    "archbishop",
    "ayatollah",
    "bishop",
    "cardinal",
    "chancellor",
    "col",
    "colonel",
    "dr",
    "emir",
    "gen",
    "governor",
    "imam",
    "king",
    "mayor",
    "minister",
    "mr",
    "mrs",
    "ms",
    "pope",
    "premier",
    "president",
    "prime",
    "prince",
    "princess",
    "queen",
    "rabbi",
    "rep",
    "secretary",
    "sen",
    "senator",
    "sheik",
    "sheikh",
    "sultan",
];

/// Words of a phrase in title case, as written: "PRESIDENT_JANE_Q._DOE" →
/// "President Jane Q. Doe". Words already in mixed case stay as written;
/// a one-word name of three letters or fewer ("UN", "PLO") and words without
/// vowels ("BBC") stay upper case; "of", "the", "bin"… are lower case after
/// the first word.
fn display_name(phrase: &str) -> String {
    let words: Vec<&str> = phrase.split_whitespace().collect();
    let single = words.len() == 1;
    words
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let letters: Vec<char> = w.chars().filter(|c| c.is_alphabetic()).collect();
            let all_upper = letters.iter().all(|c| !c.is_lowercase());
            if !all_upper {
                return w.to_string();
            }
            let acronym = letters.len() >= 2
                && !w.ends_with('.')
                && !letters
                    .iter()
                    .any(|c| "AEIOUY".contains(c.to_ascii_uppercase()));
            if (single && letters.len() <= 3) || acronym {
                return w.to_string();
            }
            let lower = w.to_lowercase();
            if i > 0 && SMALL_WORDS.contains(&lower.as_str()) {
                return lower;
            }
            title_word(w)
        })
        .collect::<Vec<_>>()
        .join(" ")
}

const SMALL_WORDS: &[&str] = &[
    "of", "the", "and", "for", "on", "in", "at", "to", "de", "del", "der", "des", "du", "la", "le",
    "van", "von", "bin", "ibn",
];

/// "AL-QAEDA" → "Al-Qaeda", "O'NEILL" → "O'Neill", "U.S." → "U.S.".
fn title_word(w: &str) -> String {
    let chars: Vec<char> = w.chars().collect();
    let mut out = String::with_capacity(w.len());
    for (i, &c) in chars.iter().enumerate() {
        let start = match i {
            0 => true,
            _ => {
                let prev = chars[i - 1];
                match prev {
                    '-' | '.' | '/' => true,
                    // O'Neill, D'Alema: an apostrophe after one letter.
                    '\'' | '\u{2019}' => i == 2,
                    _ => !prev.is_alphanumeric() && prev != '\'',
                }
            }
        };
        if start {
            out.extend(c.to_uppercase());
        } else {
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// "U.N." → "UN", "Jane Q. Doe" → "Jane Q Doe"; None without dots.
fn dotless(name: &str) -> Option<String> {
    if !name.contains('.') {
        return None;
    }
    let s = name
        .replace('.', "")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    (alnum_count(&s) >= 2 && s != name).then_some(s)
}

/// Lower case ASCII letters and digits, dashes between words.
fn slugify(s: &str) -> String {
    let folded = super::lexicon::fold_accents(s);
    let mut out = String::new();
    for c in folded.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if c == '\'' || c == '\u{2019}' || c == '.' {
            // "O'Neill" → "oneill", "U.S." → "us"
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// CAMEO first-level codes that are not states.
const NON_STATE: &[&str] = &["IGO", "NGO", "NGM", "MNC", "IMG", "UIS"];

/// The country of a code's first three letters: a name for the common
/// ISO-3 codes, the three letters otherwise; None for the non-state codes
/// (IGO, NGO, NGM, MNC, IMG, UIS) and unknown `---`.
fn country_of(code: &str) -> Option<String> {
    let head = code.get(..3)?;
    if NON_STATE.contains(&head) || !head.chars().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    Some(country_name(head).unwrap_or(head).to_string())
}

fn country_name(iso3: &str) -> Option<&'static str> {
    COUNTRIES
        .binary_search_by(|(code, _)| code.cmp(&iso3))
        .ok()
        .map(|i| COUNTRIES[i].1)
}

/// Common ISO 3166-1 alpha-3 codes (CAMEO uses them for states), sorted.
const COUNTRIES: &[(&str, &str)] = &[
    ("AFG", "Afghanistan"),
    ("AGO", "Angola"),
    ("ALB", "Albania"),
    ("ARE", "United Arab Emirates"),
    ("ARG", "Argentina"),
    ("ARM", "Armenia"),
    ("AUS", "Australia"),
    ("AUT", "Austria"),
    ("AZE", "Azerbaijan"),
    ("BEL", "Belgium"),
    ("BGD", "Bangladesh"),
    ("BGR", "Bulgaria"),
    ("BHR", "Bahrain"),
    ("BLR", "Belarus"),
    ("BRA", "Brazil"),
    ("CAN", "Canada"),
    ("CHE", "Switzerland"),
    ("CHL", "Chile"),
    ("CHN", "China"),
    ("COD", "Democratic Republic of the Congo"),
    ("COL", "Colombia"),
    ("CUB", "Cuba"),
    ("CYP", "Cyprus"),
    ("CZE", "Czech Republic"),
    ("DEU", "Germany"),
    ("DNK", "Denmark"),
    ("DZA", "Algeria"),
    ("EGY", "Egypt"),
    ("ESP", "Spain"),
    ("ETH", "Ethiopia"),
    ("FIN", "Finland"),
    ("FRA", "France"),
    ("GBR", "United Kingdom"),
    ("GEO", "Georgia"),
    ("GRC", "Greece"),
    ("HUN", "Hungary"),
    ("IDN", "Indonesia"),
    ("IND", "India"),
    ("IRL", "Ireland"),
    ("IRN", "Iran"),
    ("IRQ", "Iraq"),
    ("ISR", "Israel"),
    ("ITA", "Italy"),
    ("JOR", "Jordan"),
    ("JPN", "Japan"),
    ("KAZ", "Kazakhstan"),
    ("KEN", "Kenya"),
    ("KOR", "South Korea"),
    ("KWT", "Kuwait"),
    ("LBN", "Lebanon"),
    ("LBY", "Libya"),
    ("MAR", "Morocco"),
    ("MEX", "Mexico"),
    ("MMR", "Myanmar"),
    ("NGA", "Nigeria"),
    ("NLD", "Netherlands"),
    ("NOR", "Norway"),
    ("NZL", "New Zealand"),
    ("OMN", "Oman"),
    ("PAK", "Pakistan"),
    ("PER", "Peru"),
    ("PHL", "Philippines"),
    ("POL", "Poland"),
    ("PRK", "North Korea"),
    ("PRT", "Portugal"),
    ("PSE", "Palestine"),
    ("QAT", "Qatar"),
    ("ROU", "Romania"),
    ("RUS", "Russia"),
    ("SAU", "Saudi Arabia"),
    ("SDN", "Sudan"),
    ("SOM", "Somalia"),
    ("SRB", "Serbia"),
    ("SWE", "Sweden"),
    ("SYR", "Syria"),
    ("THA", "Thailand"),
    ("TUN", "Tunisia"),
    ("TUR", "Turkey"),
    ("TWN", "Taiwan"),
    ("UKR", "Ukraine"),
    ("USA", "United States"),
    ("UZB", "Uzbekistan"),
    ("VEN", "Venezuela"),
    ("VNM", "Vietnam"),
    ("YEM", "Yemen"),
    ("ZAF", "South Africa"),
    ("ZWE", "Zimbabwe"),
];

/// CAMEO role codes with a readable expansion.
const ROLE_CODES: &[(&str, &str)] = &[
    ("BUS", "business"),
    ("COP", "police"),
    ("CVL", "civilians"),
    ("EDU", "education"),
    ("ELI", "elite"),
    ("GOV", "government"),
    ("JUD", "judiciary"),
    ("LEG", "legislature"),
    ("MED", "media"),
    ("MIL", "military"),
    ("OPP", "opposition"),
    ("PTY", "political party"),
    ("REB", "rebels"),
    ("SPY", "intelligence"),
];

/// "USAGOV" → "United States government": only when the code is a known
/// country followed by known role codes, three letters each.
fn institution(code: &str) -> Option<String> {
    if code.len() < 6 || !code.len().is_multiple_of(3) || !code.is_ascii() {
        return None;
    }
    let country = country_name(&code[..3])?;
    let mut words = vec![country.to_string()];
    for k in (3..code.len()).step_by(3) {
        let part = &code[k..k + 3];
        let (_, role) = ROLE_CODES.iter().find(|(c, _)| *c == part)?;
        words.push(role.to_string());
    }
    Some(words.join(" "))
}

// ───────────────────────────── output ─────────────────────────────

/// A TOML basic string, escaped.
fn q(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// Text safe inside a TOML comment.
fn comment_safe(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() && c != '\t' { ' ' } else { c })
        .collect()
}

fn pack_date(d: NaiveDate) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

fn write_toml(
    file: &str,
    id: &str,
    name: &str,
    actors: &[OutActor],
    counts: &ImportResult,
) -> String {
    let file_c = comment_safe(file);
    let mut t = String::new();
    // Writing to a String cannot fail.
    let _ = writeln!(
        t,
        "# Generated by `tealeaf pack import-tabari` from the TABARI/PETRARCH actor dictionary {file_c}."
    );
    let _ = writeln!(
        t,
        "# {} actors, {} aliases, {} roles ({} dated); {} line(s) skipped (listed at the end).",
        counts.actors,
        counts.aliases,
        counts.roles,
        counts.dated_roles,
        counts.skipped.len()
    );
    let _ = writeln!(
        t,
        "# Role titles are the dictionary's codes; `kind`, `country` and `institution` are guesses: review them.\n"
    );
    let _ = writeln!(t, "[pack]");
    let _ = writeln!(t, "id = {}", q(id));
    let _ = writeln!(t, "name = {}", q(name));
    let _ = writeln!(t, "version = \"1\"");
    let _ = writeln!(
        t,
        "description = {}",
        q(&format!(
            "Actors imported from the TABARI/PETRARCH actor dictionary {file}"
        ))
    );
    for a in actors {
        let _ = writeln!(t, "\n# {file_c}:{}", a.line);
        let _ = writeln!(t, "[[actors]]");
        let _ = writeln!(t, "id = {}", q(&a.id));
        let _ = writeln!(t, "name = {}", q(&a.name));
        let _ = writeln!(t, "kind = \"{}\"", a.kind);
        if let Some(c) = &a.country {
            let _ = writeln!(t, "country = {}", q(c));
        }
        if !a.aliases.is_empty() {
            let list: Vec<String> = a.aliases.iter().map(|s| q(s)).collect();
            let _ = writeln!(t, "aliases = [{}]", list.join(", "));
        }
        for r in &a.roles {
            let _ = writeln!(t, "\n  [[actors.roles]]");
            let _ = writeln!(t, "  title = {}", q(&r.title));
            if let Some(i) = &r.institution {
                let _ = writeln!(t, "  institution = {}", q(i));
            }
            if let Some(d) = r.from {
                let _ = writeln!(t, "  from = \"{}\"", pack_date(d));
            }
            if let Some(d) = r.to {
                let _ = writeln!(t, "  to = \"{}\"", pack_date(d));
            }
        }
    }
    if !counts.skipped.is_empty() {
        let _ = writeln!(t, "\n# Skipped:");
        for s in &counts.skipped {
            let _ = writeln!(t, "# {file_c}:{}: {}", s.line, comment_safe(&s.reason));
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pack::Pack;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    /// An invented dictionary in the TABARI/PETRARCH layout.
    const DICT: &str = "<!-- invented test dictionary -->\n\
<!-- a comment\n\
     over two lines -->\n\
# a hash comment\n\
NORLAND_  [NRL]\n\
+NORLANDIC\n\
+THE_NORTH_REALM  # trailing comment\n\
\n\
DANA_Q._PLACEHOLDER_ ; legacy comment\n\
+PRESIDENT_PLACEHOLDER\n\
\t[USAELI <20090120]\n\
\t[USAGOV >20090120]\n\
\n\
ROBIN_EXAMPLE  [IRNGOV]\n\
\t[IRNMIL 050803-130803]\n\
\t[IRNLEG 19990101 - 20040101]\n\
\n\
WIDGET_MAKERS_UNION [NGOLAB/USABUS]\n\
U.N. [IGOUNO]\n\
NOBODY_IN_PARTICULAR [---]\n\
";

    #[test]
    fn entries_become_actors_with_aliases_and_dated_roles() {
        let r = import("test.actors.txt", DICT, &ImportOptions::default()).unwrap();
        assert_eq!(r.actors, 6, "{}", r.toml);
        assert!(
            r.skipped
                .iter()
                .any(|s| s.line == 20 && s.reason.contains("null code"))
        );
        let pack = Pack::from_toml("imported.toml", &r.toml).expect(&r.toml);
        assert_eq!(pack.info.id, "test-actors");
        assert_eq!(pack.info.name, "Actors from test.actors.txt");

        let norland = &pack.actors[pack.actor_index("norland").unwrap()];
        assert_eq!(norland.name, "Norland");
        assert_eq!(norland.aliases, ["Norlandic", "The North Realm"]);
        assert_eq!(norland.kind, crate::pack::ActorKind::State);
        assert_eq!(norland.country.as_deref(), Some("NRL"));

        let idx = pack.actor_index("dana-q-placeholder").unwrap();
        let dana = &pack.actors[idx];
        assert_eq!(dana.name, "Dana Q. Placeholder");
        assert_eq!(
            dana.aliases,
            ["Dana Q Placeholder", "President Placeholder"]
        );
        assert_eq!(dana.kind, crate::pack::ActorKind::Person);
        assert_eq!(dana.country.as_deref(), Some("United States"));
        assert_eq!(dana.roles.len(), 2);
        assert_eq!(dana.roles[0].title, "USAELI");
        assert_eq!(
            dana.roles[0].institution.as_deref(),
            Some("United States elite")
        );
        assert_eq!(dana.roles[0].from, None);
        assert_eq!(
            dana.roles[0].to.map(|d| d.first_day()),
            Some(day("2009-01-20"))
        );
        assert_eq!(
            dana.roles[1].institution.as_deref(),
            Some("United States government")
        );
        assert_eq!(
            dana.roles[1].from.map(|d| d.first_day()),
            Some(day("2009-01-20"))
        );
        assert_eq!(
            pack.role_on(idx, Some(day("2005-06-01"))).as_deref(),
            Some("USAELI")
        );
        assert_eq!(
            pack.role_on(idx, Some(day("2012-06-01"))).as_deref(),
            Some("USAGOV")
        );

        // The default code comes first; the dated roles win while active.
        let idx = pack.actor_index("robin-example").unwrap();
        let robin = &pack.actors[idx];
        let titles: Vec<&str> = robin.roles.iter().map(|r| r.title.as_str()).collect();
        assert_eq!(titles, ["IRNGOV", "IRNMIL", "IRNLEG"]);
        assert_eq!(
            robin.roles[1].from.map(|d| d.first_day()),
            Some(day("2005-08-03"))
        );
        assert_eq!(
            robin.roles[1].to.map(|d| d.last_day()),
            Some(day("2013-08-03"))
        );
        assert_eq!(robin.roles[1].institution.as_deref(), Some("Iran military"));
        assert_eq!(
            pack.role_on(idx, Some(day("2010-01-01"))).as_deref(),
            Some("IRNMIL")
        );
        assert_eq!(
            pack.role_on(idx, Some(day("2001-01-01"))).as_deref(),
            Some("IRNLEG")
        );
        assert_eq!(
            pack.role_on(idx, Some(day("2020-01-01"))).as_deref(),
            Some("IRNGOV")
        );

        let union = &pack.actors[pack.actor_index("widget-makers-union").unwrap()];
        let titles: Vec<&str> = union.roles.iter().map(|r| r.title.as_str()).collect();
        assert_eq!(titles, ["NGOLAB", "USABUS"]);
        assert_eq!(union.country, None);
        assert_eq!(union.kind, crate::pack::ActorKind::Organisation);
        assert_eq!(
            union.roles[1].institution.as_deref(),
            Some("United States business")
        );

        let un = &pack.actors[pack.actor_index("un").unwrap()];
        assert_eq!(un.name, "U.N.");
        assert_eq!(un.aliases, ["UN"]);

        let nobody = &pack.actors[pack.actor_index("nobody-in-particular").unwrap()];
        assert!(nobody.roles.is_empty());

        assert_eq!(r.roles, 1 + 2 + 3 + 2 + 1);
        assert_eq!(r.dated_roles, 4);
        assert_eq!(r.aliases, 2 + 2 + 1);
    }

    #[test]
    fn malformed_lines_are_skipped_with_reasons() {
        let dict = "+ORPHAN_SYNONYM\n\
\t[ABC]\n\
GOOD_ENTRY [GDE]\n\
\t[GDEGOV 2009-01-20]\n\
\t[GDEMIL 20100101-20090101]\n\
\t[GDELEG 20091340-20100101]\n\
\t[~GOV]\n\
\t[950601-990815]\n\
\t[AAA950601-990815]\n\
\t[GDEOPP >20120101\n\
\tstray indented words\n\
+X\n\
BROKEN [XYZ\n\
+SYNONYM_OF_BROKEN\n\
\t[XYZGOV]\n\
Q [QQQ]\n\
CONGRESS!PERSON! [~LEG]\n\
ANOTHER_ENTRY [ANO] trailing words\n\
LAST_ENTRY [LST] <!-- open\n\
never closed\n";
        let r = import("bad.txt", dict, &ImportOptions::default()).unwrap();
        let lines: Vec<usize> = r.skipped.iter().map(|s| s.line).collect();
        assert_eq!(
            lines,
            [
                1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19
            ],
            "{:#?}",
            r.skipped
        );
        let reason = |line: usize| {
            r.skipped
                .iter()
                .find(|s| s.line == line)
                .map(|s| s.reason.clone())
                .unwrap()
        };
        assert!(reason(1).contains("before any entry"));
        assert!(reason(4).contains("not a date"));
        assert!(reason(5).contains("before it starts"));
        assert!(reason(6).contains("not a calendar date"));
        assert!(reason(7).contains("agent code"));
        assert!(reason(8).contains("without a code"));
        assert!(reason(9).contains("not a code"));
        assert!(reason(10).contains("without ']'"));
        assert!(reason(14).contains("skipped on line 13"));
        assert!(reason(19).contains("never closed"));
        // Good entries survive, and the pack loads.
        assert_eq!(r.actors, 2, "{}", r.toml);
        let pack = Pack::from_toml("bad.toml", &r.toml).expect(&r.toml);
        let good = &pack.actors[pack.actor_index("good-entry").unwrap()];
        assert_eq!(good.roles.len(), 1);
        assert!(pack.actor_index("last-entry").is_some());
    }

    #[test]
    fn two_digit_years_and_names() {
        assert_eq!(parse_date("950601"), Ok(day("1995-06-01")));
        assert_eq!(parse_date("300101"), Ok(day("2030-01-01")));
        assert_eq!(parse_date("310101"), Ok(day("1931-01-01")));
        assert!(parse_date("2009").is_err());
        assert_eq!(display_name("PRINCE OF THE NORTH"), "Prince of the North");
        assert_eq!(display_name("AL-EXAMPLE O'SAMPLE"), "Al-Example O'Sample");
        assert_eq!(display_name("ABC"), "ABC");
        assert_eq!(display_name("BBC WORLD"), "BBC World");
        assert_eq!(display_name("DR. McSample"), "Dr. McSample");
        assert_eq!(display_name("K.U."), "K.U.");
        assert_eq!(slugify("Dana Q. Placeholder"), "dana-q-placeholder");
        assert_eq!(slugify("Rohanī O'Neill"), "rohani-oneill");
        assert_eq!(
            institution("USAGOV").as_deref(),
            Some("United States government")
        );
        assert_eq!(institution("USAXYZ"), None);
        assert_eq!(institution("NRLGOV"), None);
        assert_eq!(country_of("---GOV"), None);
        assert_eq!(country_of("IGOUNO"), None);
        assert_eq!(country_of("PSEGOV").as_deref(), Some("Palestine"));
        assert!(COUNTRIES.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn kinds_are_guessed_and_agents_files_refused() {
        let dict = "PRESIDENT_SAM_SAMPLE [NRL]\n\
OLD_NORLAND\n\t[ONR <19800101]\n\t[NRL]\n\
PAT_SAMPLE [NRLGOV]\n\t[NRLELI >20200101]\n\
NORLAND_MINISTRY [NRLGOV]\n\
GENERAL_ASSEMBLY [IGOUNO]\n\
NO_CODE_AT_ALL\n";
        let r = import("k.txt", dict, &ImportOptions::default()).unwrap();
        let pack = Pack::from_toml("k.toml", &r.toml).expect(&r.toml);
        let kinds: Vec<_> = pack.actors.iter().map(|a| a.kind).collect();
        use crate::pack::ActorKind::*;
        assert_eq!(
            kinds,
            [Person, State, Person, Organisation, Organisation, Person]
        );

        let agents = "!PERSON! = MAN, WOMAN\nAMBASSADOR [~GOV]\nHUMAN_RIGHTS_BODY {} [NGO~]\n";
        let err = import("a.txt", agents, &ImportOptions::default()).unwrap_err();
        assert_eq!(
            err,
            TabariError::NoActors {
                file: "a.txt".into(),
                skipped: 3
            }
        );
    }

    #[test]
    fn ids_are_unique_and_strings_escaped() {
        let dict = "SAME NAME [AAA]\nSAME_NAME [BBB]\n+QUOTE\"D \\ BACKSLASH\n";
        let r = import("x.txt", dict, &ImportOptions::default()).unwrap();
        let pack = Pack::from_toml("x.toml", &r.toml).expect(&r.toml);
        let ids: Vec<&str> = pack.actors.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["same-name", "same-name-2"]);
        assert_eq!(pack.actors[1].aliases, ["Quote\"D \\ Backslash"]);
    }

    #[test]
    fn options_and_empty_input() {
        let opts = ImportOptions {
            id: Some("my-pack".into()),
            name: Some("My \"pack\"".into()),
        };
        let r = import("/some/dir/x.txt", "ENTRY [AAA]\n", &opts).unwrap();
        let pack = Pack::from_toml("x.toml", &r.toml).unwrap();
        assert_eq!(pack.info.id, "my-pack");
        assert_eq!(pack.info.name, "My \"pack\"");
        assert!(!r.toml.contains("/some/dir"));
        assert!(matches!(
            import("x.txt", "# nothing\n\n", &ImportOptions::default()),
            Err(TabariError::NoActors { .. })
        ));
        let bad = ImportOptions {
            id: Some(" ".into()),
            name: None,
        };
        assert!(import("x.txt", "ENTRY [AAA]\n", &bad).is_err());
    }

    #[test]
    fn never_panics_on_odd_input() {
        for s in [
            "",
            "[",
            "]",
            "+",
            "\t[",
            "<!--",
            "-->",
            "[]",
            "A [ ]",
            "AB [A/]",
            "AB [/]",
            "ÉTÉ [ÉÉÉ]",
            "AB [ABC <]",
            "AB [ABC >x]",
            "AB [ABC -]",
            "\u{feff}AB [ABC]",
            "AB\r\n+CD\r\n\t[ABC]\r\n",
            "AB [ABC 99999999-99999999]",
        ] {
            let _ = import("odd.txt", s, &ImportOptions::default());
        }
    }
}
