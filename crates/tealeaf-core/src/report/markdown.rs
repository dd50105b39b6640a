//! The brief as Markdown (CommonMark). Text from the sources is escaped so
//! it shows as written: `<script>` in a quotation is `\<script\>`, never
//! markup.

use std::fmt::Write;

use super::{Brief, Entry, Line, Part, human_date};

/// Backslash-escapes the characters Markdown would read as markup.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '&' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

/// The period as "2025-01-20 to 2025-03-31" ("from …", "until …", "all dates").
pub(crate) fn period(b: &Brief) -> String {
    match (b.from, b.to) {
        (Some(f), Some(t)) => format!("{f} to {t}"),
        (Some(f), None) => format!("from {f}"),
        (None, Some(t)) => format!("until {t}"),
        (None, None) => "all dates".to_string(),
    }
}

/// "Kayhan (hardline)"
fn with_affiliation(name: &str, aff: Option<&str>) -> String {
    match aff {
        Some(a) if !a.is_empty() => format!("{name} ({a})"),
        _ => name.to_string(),
    }
}

/// The words before an entry's lines, as plain text: "Islamic Republic
/// News Agency (official) — Abbas Araghchi, Foreign Minister, said:";
/// "Reuters (international wire), citing Tasnim News Agency
/// (IRGC-affiliated) — …"; "Kayhan (hardline), in its own voice, said:".
pub(crate) fn entry_head(e: &Entry) -> String {
    let verb = if e.direct {
        "said:"
    } else {
        "said (reported speech):"
    };
    let publication = e
        .publication
        .as_deref()
        .map(|p| with_affiliation(p, e.publication_affiliation.as_deref()));
    if e.outlet_voice {
        // The outlet speaks: name it with its affiliation; the publication
        // carrying it, when another, comes first.
        let voice = match (&e.outlet, &e.publication) {
            (Some(o), _) => with_affiliation(o, e.outlet_affiliation.as_deref()),
            (None, Some(_)) => publication.clone().unwrap_or_default(),
            (None, None) => e
                .speaker
                .clone()
                .unwrap_or_else(|| "The outlet".to_string()),
        };
        return match (&e.outlet, publication) {
            (Some(_), Some(p)) => format!("{p} — {voice}, in its own voice, {verb}"),
            _ => format!("{voice}, in its own voice, {verb}"),
        };
    }
    let mut head = String::new();
    if let Some(p) = publication {
        head.push_str(&p);
        if let Some(o) = &e.outlet {
            let _ = write!(
                head,
                ", citing {}",
                with_affiliation(o, e.outlet_affiliation.as_deref())
            );
        }
        head.push_str(" — ");
    }
    head.push_str(e.speaker.as_deref().unwrap_or("unattributed"));
    if let Some(r) = &e.speaker_role {
        let _ = write!(head, ", {r},");
    }
    let _ = write!(head, " {verb}");
    head
}

/// Stance and coding of a line as plain text: "conditional · conditions:
/// end-maximum-pressure · likelihood 70%".
pub(crate) fn tags(l: &Line) -> Vec<String> {
    let mut t = Vec::new();
    if let Some(s) = &l.stance {
        t.push(s.clone());
    }
    if !l.conditions.is_empty() {
        t.push(format!("conditions: {}", l.conditions.join(", ")));
    }
    if !l.mediators.is_empty() {
        t.push(format!("channels: {}", l.mediators.join(", ")));
    }
    if let Some(p) = l.probability {
        t.push(format!("likelihood {}%", (p * 1000.0).round() / 10.0));
    }
    if let Some(a) = &l.about {
        t.push(format!("about: {a}"));
    }
    t
}

/// The quotation as shown: direct words in quotation marks.
pub(crate) fn quoted(text: &str, direct: bool) -> String {
    let t = text.trim();
    if direct {
        format!("“{t}”")
    } else {
        t.to_string()
    }
}

/// The brief as Markdown.
pub fn to_markdown(b: &Brief) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Brief: {}\n", escape(&b.issue_label));
    let _ = writeln!(
        out,
        "Issue `{}` · {} · {} statement(s) from {} document(s), {} speaker(s).\n",
        b.issue.replace('`', "'"),
        period(b),
        b.statements,
        b.documents,
        b.speakers
    );
    out.push_str("## Summary\n\n");
    // One paragraph per kind of finding, in the order given.
    let mut last = None;
    for s in &b.summary {
        if last.is_some() && last != Some(s.finding) {
            out.push_str("\n\n");
        } else if last.is_some() {
            out.push(' ');
        }
        last = Some(s.finding);
        for p in &s.parts {
            match p {
                Part::Text(t) => out.push_str(&escape(t)),
                Part::Ref(r) => {
                    let _ = write!(out, "[{r}](#{r})");
                }
            }
        }
    }
    out.push_str("\n\n## Entries\n");
    for day in &b.days {
        let _ = writeln!(out, "\n### {}\n", escape(&day.label));
        for e in &day.entries {
            let published = if e.date_precision.as_deref() == Some("published") {
                " (publication date)"
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "- **{}**{published}: {}",
                escape(&e.date_label),
                escape(&entry_head(e))
            );
            for l in &e.lines {
                let tags = tags(l);
                let _ = write!(
                    out,
                    "  - <a id=\"{id}\"></a>[{id}] {}",
                    escape(&quoted(&l.text, e.direct)),
                    id = l.id
                );
                if !tags.is_empty() {
                    let _ = write!(out, " — *{}*", escape(&tags.join(" · ")));
                }
                let _ = writeln!(
                    out,
                    " — source: `{}` chars {}–{}",
                    l.doc.replace('`', "'"),
                    l.span[0],
                    l.span[1]
                );
            }
        }
    }
    if !b.sources.is_empty() {
        out.push_str("\n## Sources\n\n");
        for d in &b.sources {
            let mut line = format!("- `{}`", d.id.replace('`', "'"));
            if let Some(t) = &d.title {
                let _ = write!(line, ": {}", escape(t));
            }
            let mut meta = Vec::new();
            if let Some(o) = &d.outlet {
                meta.push(escape(o));
            }
            if let Some(p) = d.published {
                meta.push(human_date(&p.to_string(), true));
            }
            if !meta.is_empty() {
                let _ = write!(line, " — {}", meta.join(", "));
            }
            if let Some(u) = d.url.as_deref().filter(|u| super::html::safe_url(u)) {
                let _ = write!(line, " — <{}>", u.replace(['<', '>', ' '], ""));
            }
            let _ = writeln!(out, "{line}");
        }
    }
    out
}
