//! The brief as one self-contained HTML page: inline CSS, no scripts, no
//! external assets, and an SVG timeline drawn here (one row per actor, a
//! dot per statement coloured by stance, each dot linking to its entry).
//! Every piece of text is escaped; links to sources are kept only for
//! http(s) URLs.

use std::fmt::Write;

use chrono::{Datelike, Duration, NaiveDate};

use super::markdown::{entry_head, period, quoted, tags};
use super::{Brief, Part, TimelineRow, human_date, month_name};

/// Escapes text for HTML element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Only http(s) URLs become links (no `javascript:` or `data:`).
pub(crate) fn safe_url(u: &str) -> bool {
    let l = u.trim().to_ascii_lowercase();
    (l.starts_with("https://") || l.starts_with("http://")) && !u.contains(['"', '<', '>'])
}

/// The colour of a stance on the timeline.
pub(crate) fn stance_colour(stance: &str) -> &'static str {
    match stance {
        "support" => "#1a9850",
        "conditional" => "#f39c12",
        "oppose" => "#d73027",
        _ => "#9e9e9e",
    }
}

const CSS: &str = "
body{font-family:Georgia,'Times New Roman',serif;max-width:62rem;margin:2rem auto;padding:0 1rem;color:#222;line-height:1.45}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.25rem;border-bottom:1px solid #ddd;padding-bottom:.2rem;margin-top:2rem}
h3{font-size:1.05rem;margin:1.4rem 0 .4rem}
.meta{color:#555;font-size:.9rem}
.summary p{margin:.6rem 0}
a.ref{font-family:Menlo,Consolas,monospace;font-size:.8rem;text-decoration:none;color:#0b5394}
ul.entries{list-style:none;padding-left:0}ul.entries>li{margin:.5rem 0}
ul.lines{list-style:none;padding-left:1.2rem;margin:.2rem 0}ul.lines li{margin:.25rem 0}
ul.lines li:target{background:#fff6d5}
.head{font-weight:bold}.date{color:#333}
.tags{font-size:.8rem;color:#555;font-style:italic}
.src{font-family:Menlo,Consolas,monospace;font-size:.72rem;color:#777}
.st{display:inline-block;width:.65rem;height:.65rem;border-radius:50%;margin-right:.25rem;vertical-align:middle}
figure{margin:1rem 0;overflow-x:auto}figcaption{font-size:.85rem;color:#555}
";

/// The brief as a self-contained HTML page.
pub fn to_html(b: &Brief) -> String {
    let mut out = String::new();
    let title = format!("Brief: {}", b.issue_label);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n",
        escape(&title)
    );
    let _ = writeln!(out, "<h1>{}</h1>", escape(&title));
    let _ = writeln!(
        out,
        "<p class=\"meta\">Issue <code>{}</code> · {} · {} statement(s) from {} document(s), {} speaker(s).</p>",
        escape(&b.issue),
        escape(&period(b)),
        b.statements,
        b.documents,
        b.speakers
    );

    out.push_str("<h2>Summary</h2>\n<div class=\"summary\">\n<p>");
    let mut last = None;
    for s in &b.summary {
        if last.is_some() && last != Some(s.finding) {
            out.push_str("</p>\n<p>");
        } else if last.is_some() {
            out.push(' ');
        }
        last = Some(s.finding);
        for p in &s.parts {
            match p {
                Part::Text(t) => out.push_str(&escape(t)),
                Part::Ref(r) => {
                    let r = escape(r);
                    let _ = write!(out, "<a class=\"ref\" href=\"#{r}\">[{r}]</a>");
                }
            }
        }
    }
    out.push_str("</p>\n</div>\n");

    if !b.timeline.is_empty() {
        out.push_str("<h2>Timeline</h2>\n<figure>\n");
        out.push_str(&timeline_svg(&b.timeline, b.from, b.to));
        out.push_str(
            "\n<figcaption>Stance on the issue per speaker and day; each dot is a statement \
             and links to its entry.</figcaption>\n</figure>\n",
        );
    }

    out.push_str("<h2>Entries</h2>\n");
    for day in &b.days {
        let _ = writeln!(
            out,
            "<h3>{}</h3>\n<ul class=\"entries\">",
            escape(&day.label)
        );
        for e in &day.entries {
            let published = if e.date_precision.as_deref() == Some("published") {
                " <span class=\"tags\">(publication date)</span>"
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "<li><span class=\"head\"><span class=\"date\">{}</span>{published}: {}</span>\n<ul class=\"lines\">",
                escape(&e.date_label),
                escape(&entry_head(e))
            );
            for l in &e.lines {
                let id = escape(&l.id);
                let stance = l.stance.as_deref().unwrap_or("neutral");
                let _ = write!(
                    out,
                    "<li id=\"{id}\"><a class=\"ref\" href=\"#{id}\">[{id}]</a> \
                     <span class=\"st\" style=\"background:{}\" title=\"{}\"></span>{}",
                    stance_colour(stance),
                    escape(stance),
                    escape(&quoted(&l.text, e.direct))
                );
                let tags = tags(l);
                if !tags.is_empty() {
                    let _ = write!(
                        out,
                        " <span class=\"tags\">{}</span>",
                        escape(&tags.join(" · "))
                    );
                }
                let _ = writeln!(
                    out,
                    " <span class=\"src\">{} · chars {}–{}</span></li>",
                    escape(&l.doc),
                    l.span[0],
                    l.span[1]
                );
            }
            out.push_str("</ul></li>\n");
        }
        out.push_str("</ul>\n");
    }

    if !b.sources.is_empty() {
        out.push_str("<h2>Sources</h2>\n<ul>\n");
        for d in &b.sources {
            let _ = write!(out, "<li><code>{}</code>", escape(&d.id));
            if let Some(t) = &d.title {
                let _ = write!(out, ": {}", escape(t));
            }
            let mut meta = Vec::new();
            if let Some(o) = &d.outlet {
                meta.push(escape(o));
            }
            if let Some(p) = d.published {
                meta.push(escape(&human_date(&p.to_string(), true)));
            }
            if !meta.is_empty() {
                let _ = write!(out, " — {}", meta.join(", "));
            }
            if let Some(u) = d.url.as_deref().filter(|u| safe_url(u)) {
                let u = escape(u.trim());
                let _ = write!(out, " — <a href=\"{u}\" rel=\"noreferrer\">{u}</a>");
            }
            out.push_str("</li>\n");
        }
        out.push_str("</ul>\n");
    }
    out.push_str("</body>\n</html>\n");
    out
}

const LABEL_W: f64 = 230.0;
const PLOT_W: f64 = 620.0;
const RIGHT_PAD: f64 = 24.0;
const TOP: f64 = 34.0;
const ROW_H: f64 = 24.0;
const LEGEND_H: f64 = 34.0;

/// Cuts a label to `n` chars.
fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n - 1).collect();
        t.push('…');
        t
    }
}

/// The timeline as an SVG element: one row per actor, dots coloured by
/// stance at their date; the x axis runs over `[from, to]` when given,
/// else over the dates of the dots.
pub fn timeline_svg(
    rows: &[TimelineRow],
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> String {
    let dates = rows.iter().flat_map(|r| r.dots.iter().map(|d| d.date));
    let (lo, hi) = (dates.clone().min(), dates.max());
    let fallback = NaiveDate::from_ymd_opt(2000, 1, 1).expect("a valid date");
    let mut start = from.or(lo).unwrap_or(fallback);
    let mut end = to.or(hi).unwrap_or(start);
    if end < start {
        std::mem::swap(&mut start, &mut end);
    }
    if end == start {
        start = start.pred_opt().unwrap_or(start);
        end = end.succ_opt().unwrap_or(end);
    }
    let span = (end - start).num_days().max(1) as f64;
    let x = |d: NaiveDate| LABEL_W + (d - start).num_days() as f64 / span * PLOT_W;
    let width = LABEL_W + PLOT_W + RIGHT_PAD;
    let height = TOP + ROW_H * rows.len() as f64 + LEGEND_H;
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" \
         height=\"{height}\" role=\"img\" aria-label=\"Stance per speaker over time\" \
         font-family=\"Helvetica,Arial,sans-serif\" font-size=\"11\">"
    );
    // Ticks: a step giving at most ten of them.
    let step = [1, 2, 7, 14, 30, 61, 91, 182, 365, 730]
        .into_iter()
        .find(|st| span / *st as f64 <= 10.0)
        .unwrap_or(1461);
    let multi_year = start.year() != end.year();
    let mut d = start;
    let bottom = TOP + ROW_H * rows.len() as f64;
    while d <= end {
        let xx = x(d);
        let label = if multi_year {
            format!("{} {} {}", &month_name(d.month())[..3], d.day(), d.year())
        } else {
            format!("{} {}", &month_name(d.month())[..3], d.day())
        };
        let _ = write!(
            s,
            "<line x1=\"{xx:.1}\" y1=\"{}\" x2=\"{xx:.1}\" y2=\"{bottom}\" stroke=\"#e3e3e3\"/>\
             <text x=\"{xx:.1}\" y=\"{}\" text-anchor=\"middle\" fill=\"#555\">{}</text>",
            TOP - 6.0,
            TOP - 12.0,
            escape(&label)
        );
        d += Duration::days(step);
    }
    for (r, row) in rows.iter().enumerate() {
        let y = TOP + ROW_H * r as f64 + ROW_H / 2.0;
        let _ = write!(
            s,
            "<line x1=\"{LABEL_W}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" stroke=\"#f0f0f0\"/>\
             <text x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"#222\"><title>{}</title>{}</text>",
            LABEL_W + PLOT_W,
            LABEL_W - 8.0,
            y + 4.0,
            escape(&row.label),
            escape(&clip(&row.label, 34))
        );
        // Dots of one day side by side.
        for (k, dot) in row.dots.iter().enumerate() {
            let same: Vec<usize> = (0..row.dots.len())
                .filter(|&j| row.dots[j].date == dot.date)
                .collect();
            let pos = same.iter().position(|&j| j == k).unwrap_or(0) as f64;
            let cx = x(dot.date) + (pos - (same.len() as f64 - 1.0) / 2.0) * 7.0;
            let tip = format!(
                "{} · {} · {} · {}",
                dot.id,
                dot.date,
                dot.stance,
                clip(&dot.text, 140)
            );
            let _ = write!(
                s,
                "<a href=\"#{}\"><circle cx=\"{cx:.1}\" cy=\"{y}\" r=\"5.5\" fill=\"{}\" \
                 stroke=\"#fff\" stroke-width=\"1\"><title>{}</title></circle></a>",
                escape(&dot.id),
                stance_colour(&dot.stance),
                escape(&tip)
            );
        }
    }
    // Legend.
    let ly = bottom + 20.0;
    let mut lx = LABEL_W;
    for st in ["support", "conditional", "oppose", "neutral"] {
        let _ = write!(
            s,
            "<circle cx=\"{lx}\" cy=\"{}\" r=\"5.5\" fill=\"{}\"/><text x=\"{}\" y=\"{ly}\" fill=\"#333\">{st}</text>",
            ly - 4.0,
            stance_colour(st),
            lx + 9.0
        );
        lx += 100.0;
    }
    s.push_str("</svg>");
    s
}
