//! Charts drawn on the server as SVG: no script, no external library.
//! Every label is escaped; colours come from classes styled in `app.css`
//! (the Content-Security-Policy forbids inline styles), so the charts
//! follow the page's theme.

use std::fmt::Write as _;

use chrono::NaiveDate;

use crate::html::escape;

/// Drawing widths: the wide layout, and the narrow one (phones), where
/// the same text sizes stay legible because the drawing is not scaled down.
pub const WIDE: f64 = 960.0;
pub const NARROW: f64 = 360.0;

/// A chart drawn twice, for wide and narrow windows; the stylesheet shows
/// one of them.
pub fn responsive(draw: impl Fn(f64) -> String) -> String {
    format!(
        "<div class=\"chart-box wide\">{}</div><div class=\"chart-box narrow\">{}</div>",
        draw(WIDE),
        draw(NARROW)
    )
}

fn open(width: f64, height: f64, label: &str) -> String {
    format!(
        "<svg class=\"chart\" viewBox=\"0 0 {width} {height}\" role=\"img\" \
         aria-label=\"{}\" xmlns=\"http://www.w3.org/2000/svg\"><title>{}</title>",
        escape(label),
        escape(label)
    )
}

/// `text` cut to `n` chars, with an ellipsis.
fn clip(text: &str, n: usize) -> String {
    if text.chars().count() <= n {
        text.to_string()
    } else {
        let mut t: String = text.chars().take(n.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// Evenly spaced x positions for `n` categories between `left` and `right`.
fn xs(n: usize, left: f64, right: f64) -> Vec<f64> {
    if n == 1 {
        return vec![(left + right) / 2.0];
    }
    (0..n)
        .map(|i| left + (right - left) * i as f64 / (n - 1) as f64)
        .collect()
}

/// Which of `n` category labels to print so they do not overlap.
fn label_every(n: usize, room: f64, label_width: f64) -> usize {
    let fit = (room / label_width).floor().max(1.0) as usize;
    n.div_ceil(fit).max(1)
}

/// One point of the mixed-signals chart.
pub struct IndexPoint {
    pub period: String,
    pub index: f64,
    pub voices: usize,
    /// Where a click on the point goes.
    pub href: String,
}

/// The mixed-signals index over time: a line over the windows (evenly
/// spaced: the corpus may hold episodes years apart), 0…1.
pub fn index_chart(points: &[IndexPoint], w: f64) -> String {
    let h = if w < WIDE { 240.0 } else { 300.0 };
    let (left, right, top, bottom) = (48.0, w - 24.0, 20.0, h - 56.0);
    let mut out = open(w, h, "Mixed-signals index over time");
    if points.is_empty() {
        let _ = write!(
            out,
            "<text class=\"empty\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">No dated positions yet</text></svg>",
            w / 2.0,
            h / 2.0
        );
        return out;
    }
    let y = |v: f64| bottom - (bottom - top) * v.clamp(0.0, 1.0);
    for t in [0.0, 0.25, 0.5, 0.75, 1.0] {
        let _ = write!(
            out,
            "<line class=\"grid\" x1=\"{left}\" x2=\"{right}\" y1=\"{0:.1}\" y2=\"{0:.1}\"/>\
             <text class=\"tick\" x=\"{1}\" y=\"{2:.1}\" text-anchor=\"end\">{t:.2}</text>",
            y(t),
            left - 8.0,
            y(t) + 4.0
        );
    }
    let x = xs(points.len(), left + 12.0, right - 12.0);
    let path: Vec<String> = points
        .iter()
        .zip(&x)
        .map(|(p, x)| format!("{x:.1},{:.1}", y(p.index)))
        .collect();
    let _ = write!(
        out,
        "<polyline class=\"line\" fill=\"none\" points=\"{}\"/>",
        path.join(" ")
    );
    let every = label_every(points.len(), right - left, 84.0);
    for (i, (p, x)) in points.iter().zip(&x).enumerate() {
        let _ = write!(
            out,
            "<a href=\"{}\"><circle class=\"dot\" cx=\"{x:.1}\" cy=\"{:.1}\" r=\"5\">\
             <title>{}: index {:.2}, {} voice(s)</title></circle></a>",
            escape(&p.href),
            y(p.index),
            escape(&p.period),
            p.index,
            p.voices
        );
        if i % every == 0 || i + 1 == points.len() && points.len() <= 2 {
            let _ = write!(
                out,
                "<text class=\"tick\" x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
                bottom + 20.0,
                escape(&p.period)
            );
        }
    }
    let _ = write!(
        out,
        "<text class=\"axis\" x=\"{left}\" y=\"{:.1}\">{}</text></svg>",
        h - 10.0,
        if w < WIDE {
            "windows, evenly spaced"
        } else {
            "windows with two or more voices, evenly spaced"
        }
    );
    out
}

/// One statement on an actor's stance timeline.
pub struct StancePoint {
    pub date: NaiveDate,
    pub stance: String,
    pub label: String,
    pub href: String,
}

const LANES: [&str; 4] = ["support", "conditional", "neutral", "oppose"];

/// An actor's stances over time: one lane per stance, one column per day
/// the actor spoke (evenly spaced), a dot per statement linking to it.
pub fn stance_chart(points: &[StancePoint], w: f64) -> String {
    let h = 260.0;
    let (left, right, top, bottom) = (96.0, w - 24.0, 16.0, h - 48.0);
    let mut out = open(w, h, "Stance timeline");
    let lane_y = |i: usize| top + (bottom - top) * (i as f64 + 0.5) / LANES.len() as f64;
    for (i, lane) in LANES.iter().enumerate() {
        let _ = write!(
            out,
            "<line class=\"grid\" x1=\"{left}\" x2=\"{right}\" y1=\"{0:.1}\" y2=\"{0:.1}\"/>\
             <text class=\"tick lane {lane}\" x=\"{1}\" y=\"{2:.1}\" text-anchor=\"end\">{lane}</text>",
            lane_y(i),
            left - 10.0,
            lane_y(i) + 4.0
        );
    }
    let mut days: Vec<NaiveDate> = points.iter().map(|p| p.date).collect();
    days.sort();
    days.dedup();
    if days.is_empty() {
        let _ = write!(
            out,
            "<text class=\"empty\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">No dated stances</text></svg>",
            (left + right) / 2.0,
            h / 2.0
        );
        return out;
    }
    let x = xs(days.len(), left + 16.0, right - 16.0);
    let every = label_every(days.len(), right - left, 92.0);
    for (i, (d, x)) in days.iter().zip(&x).enumerate() {
        if i % every == 0 {
            let _ = write!(
                out,
                "<text class=\"tick\" x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{d}</text>",
                bottom + 22.0
            );
        }
    }
    // Several statements on one day and stance: spread them a little.
    let mut seen: std::collections::HashMap<(NaiveDate, usize), usize> = Default::default();
    for p in points {
        let Some(lane) = LANES.iter().position(|l| *l == p.stance) else {
            continue;
        };
        let Ok(col) = days.binary_search(&p.date) else {
            continue;
        };
        let k = seen.entry((p.date, lane)).or_default();
        let dx = (*k as f64 % 5.0 - 2.0) * 5.0;
        let dy = ((*k / 5) as f64) * 6.0 - 3.0 * f64::from(u8::from(*k >= 5));
        *k += 1;
        let _ = write!(
            out,
            "<a href=\"{}\"><circle class=\"dot {}\" cx=\"{:.1}\" cy=\"{:.1}\" r=\"6\">\
             <title>{}</title></circle></a>",
            escape(&p.href),
            LANES[lane],
            x[col] + dx,
            lane_y(lane) + dy,
            escape(&p.label)
        );
    }
    out.push_str("</svg>");
    out
}

/// One actor's row of the brief's timeline.
pub struct ActorRow {
    pub label: String,
    pub points: Vec<StancePoint>,
}

/// The brief's timeline: a row per actor, a column per day with
/// statements (evenly spaced), a dot per statement coloured by stance.
pub fn actors_chart(rows: &[ActorRow], w: f64) -> String {
    let narrow = w < WIDE;
    let row_h = 26.0;
    let (left, right, top) = (if narrow { 104.0 } else { 176.0 }, w - 16.0, 8.0);
    let bottom = top + row_h * rows.len() as f64;
    let h = bottom + 40.0;
    let mut out = open(w, h, "Stance per speaker over time");
    let mut days: Vec<NaiveDate> = rows
        .iter()
        .flat_map(|r| r.points.iter().map(|p| p.date))
        .collect();
    days.sort();
    days.dedup();
    if days.is_empty() {
        let _ = write!(
            out,
            "<text class=\"empty\" x=\"{}\" y=\"24\" text-anchor=\"middle\">No dated statements</text></svg>",
            w / 2.0
        );
        return out;
    }
    let x = xs(days.len(), left + 10.0, right - 10.0);
    let every = label_every(days.len(), right - left, 92.0);
    for (i, (d, x)) in days.iter().zip(&x).enumerate() {
        if i % every == 0 {
            let _ = write!(
                out,
                "<line class=\"grid\" x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"{top}\" y2=\"{bottom}\"/>\
                 <text class=\"tick\" x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{d}</text>",
                bottom + 20.0
            );
        }
    }
    let max_label = if narrow { 13 } else { 24 };
    for (i, row) in rows.iter().enumerate() {
        let y = top + row_h * (i as f64 + 0.5);
        let _ = write!(
            out,
            "<line class=\"grid\" x1=\"{left}\" x2=\"{right}\" y1=\"{y:.1}\" y2=\"{y:.1}\"/>\
             <text class=\"tick\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            left - 8.0,
            y + 4.0,
            escape(&clip(&row.label, max_label))
        );
        let mut seen: std::collections::HashMap<NaiveDate, usize> = Default::default();
        for p in &row.points {
            let Ok(col) = days.binary_search(&p.date) else {
                continue;
            };
            let k = seen.entry(p.date).or_default();
            let dx = (*k as f64 % 3.0 - 1.0) * 5.0;
            *k += 1;
            let class = match p.stance.as_str() {
                "support" | "conditional" | "oppose" | "neutral" => p.stance.as_str(),
                _ => "neutral",
            };
            let dot = format!(
                "<circle class=\"dot {class}\" cx=\"{:.1}\" cy=\"{y:.1}\" r=\"5\"><title>{}</title></circle>",
                x[col] + dx,
                escape(&p.label)
            );
            if p.href.is_empty() {
                out.push_str(&dot);
            } else {
                let _ = write!(out, "<a href=\"{}\">{dot}</a>", escape(&p.href));
            }
        }
    }
    out.push_str("</svg>");
    out
}

/// A role or faction held over a period.
pub struct Span {
    pub label: String,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// `role` or `faction` (its colour).
    pub class: &'static str,
}

/// Roles and factions over time: a bar per role on a date axis, its label
/// above it; an open start or end runs to the edge.
pub fn roles_chart(spans: &[Span], today: NaiveDate, w: f64) -> String {
    let row = 42.0;
    let h = 40.0 + row * spans.len().max(1) as f64;
    let (left, right, top) = (12.0, w - 12.0, 6.0);
    let mut out = open(w, h, "Roles and factions over time");
    let dates: Vec<NaiveDate> = spans
        .iter()
        .flat_map(|s| [s.from, s.to])
        .flatten()
        .collect();
    let (Some(&min), Some(&max)) = (dates.iter().min(), dates.iter().max()) else {
        let _ = write!(
            out,
            "<text class=\"empty\" x=\"{}\" y=\"30\" text-anchor=\"middle\">No dated roles in the pack</text></svg>",
            w / 2.0
        );
        return out;
    };
    let max = max.max(today.min(max + chrono::Days::new(3 * 365)));
    let min = min - chrono::Days::new(180);
    let span_days = (max - min).num_days().max(1) as f64;
    let x = |d: NaiveDate| left + (right - left) * ((d - min).num_days() as f64 / span_days);
    let bottom = top + row * spans.len() as f64;
    // Year ticks, at most one per 70 px.
    let (y0, y1) = (chrono::Datelike::year(&min), chrono::Datelike::year(&max));
    let fit = (((right - left) / 70.0).floor() as i32).max(1);
    let step = ((y1 - y0) / fit).max(1);
    let mut y = y0 + 1;
    while y <= y1 {
        if let Some(d) = NaiveDate::from_ymd_opt(y, 1, 1) {
            let _ = write!(
                out,
                "<line class=\"grid\" x1=\"{0:.1}\" x2=\"{0:.1}\" y1=\"{top}\" y2=\"{bottom}\"/>\
                 <text class=\"tick\" x=\"{0:.1}\" y=\"{1:.1}\" text-anchor=\"middle\">{y}</text>",
                x(d),
                bottom + 20.0
            );
        }
        y += step;
    }
    let max_chars = ((right - left) / 7.6) as usize;
    for (i, s) in spans.iter().enumerate() {
        let a = s.from.map_or(left, x);
        let b = s.to.map_or(right, x).max(a + 4.0);
        let yy = top + row * i as f64;
        let period = format!(
            "{} – {}",
            s.from.map(|d| d.to_string()).unwrap_or_else(|| "…".into()),
            s.to.map(|d| d.to_string()).unwrap_or_else(|| "…".into())
        );
        // The label above the bar, starting where the bar starts unless
        // that would run off the right edge.
        let label = clip(&s.label, max_chars);
        let est = label.chars().count() as f64 * 7.6;
        let (tx, anchor) = if a + est <= right {
            (a, "start")
        } else {
            (right, "end")
        };
        let _ = write!(
            out,
            "<text class=\"bar-label\" x=\"{tx:.1}\" y=\"{:.1}\" text-anchor=\"{anchor}\">{}</text>\
             <rect class=\"bar {}\" x=\"{a:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"14\" rx=\"3\">\
             <title>{}: {}</title></rect>",
            yy + 14.0,
            escape(&label),
            s.class,
            yy + 20.0,
            b - a,
            escape(&s.label),
            escape(&period)
        );
    }
    out.push_str("</svg>");
    out
}

/// A node of the network drawing.
pub struct Node {
    pub id: String,
    pub label: String,
    pub weight: usize,
    pub score: f64,
    pub href: String,
}

/// An edge: `conflict` or `congruence`.
pub struct Edge {
    pub a: usize,
    pub b: usize,
    pub conflict: bool,
    pub weight: usize,
}

/// The congruence/conflict network, actors on a circle.
pub fn network_chart(nodes: &[Node], edges: &[Edge], w: f64) -> String {
    // Narrow windows: a drawing 480 wide scaled down a little, so the
    // circle keeps room for the names around it.
    let narrow = w < WIDE;
    let w = if narrow { 480.0 } else { w };
    let h = if narrow { 440.0 } else { 620.0 };
    let (cx, cy) = (w / 2.0, h / 2.0);
    let r = if narrow {
        w / 2.0 - 118.0
    } else {
        h / 2.0 - 72.0
    };
    let max_label = if narrow { 12 } else { 30 };
    let mut out = open(w, h, "Congruence and conflict network");
    if nodes.is_empty() {
        let _ = write!(
            out,
            "<text class=\"empty\" x=\"{cx}\" y=\"{cy}\" text-anchor=\"middle\">No actors with positions</text></svg>"
        );
        return out;
    }
    let n = nodes.len();
    let pos: Vec<(f64, f64, f64)> = (0..n)
        .map(|i| {
            let a = std::f64::consts::TAU * i as f64 / n as f64 - std::f64::consts::FRAC_PI_2;
            (cx + r * a.cos(), cy + r * a.sin(), a)
        })
        .collect();
    let max_w = edges.iter().map(|e| e.weight).max().unwrap_or(1).max(1) as f64;
    for e in edges {
        let (p, q) = (pos[e.a], pos[e.b]);
        let _ = write!(
            out,
            "<line class=\"edge {}\" x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke-width=\"{:.1}\">\
             <title>{} — {}: {} ({})</title></line>",
            if e.conflict { "conflict" } else { "congruence" },
            p.0,
            p.1,
            q.0,
            q.1,
            1.0 + 4.0 * e.weight as f64 / max_w,
            escape(&nodes[e.a].label),
            escape(&nodes[e.b].label),
            if e.conflict { "conflict" } else { "congruence" },
            e.weight
        );
    }
    let max_n = nodes.iter().map(|n| n.weight).max().unwrap_or(1).max(1) as f64;
    for (node, (x, y, a)) in nodes.iter().zip(&pos) {
        let class = if node.score > 0.2 {
            "support"
        } else if node.score < -0.2 {
            "oppose"
        } else {
            "neutral"
        };
        let radius = if narrow { 5.0 } else { 6.0 }
            + if narrow { 8.0 } else { 12.0 } * (node.weight as f64 / max_n).sqrt();
        let (lx, ly) = (
            x + (radius + 8.0) * a.cos(),
            y + (radius + 8.0) * a.sin() + 4.0,
        );
        let anchor = if a.cos() > 0.05 {
            "start"
        } else if a.cos() < -0.05 {
            "end"
        } else {
            "middle"
        };
        let _ = write!(
            out,
            "<a href=\"{}\"><circle class=\"node {class}\" cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"{radius:.1}\">\
             <title>{}: {} statement(s), mean stance {:.2}</title></circle>\
             <text class=\"node-label\" x=\"{lx:.1}\" y=\"{ly:.1}\" text-anchor=\"{anchor}\">{}</text></a>",
            escape(&node.href),
            escape(&node.label),
            node.weight,
            node.score,
            escape(&clip(&node.label, max_label))
        );
        let _ = &node.id;
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charts_escape_labels() {
        let evil = "<script>alert(1)</script>";
        let svg = index_chart(
            &[IndexPoint {
                period: evil.into(),
                index: 0.5,
                voices: 2,
                href: "/x?a=1&b=2".into(),
            }],
            WIDE,
        );
        assert!(!svg.contains("<script>"));
        assert!(svg.contains("&amp;b=2"));
        let svg = stance_chart(
            &[StancePoint {
                date: NaiveDate::from_ymd_opt(2025, 2, 7).unwrap(),
                stance: "oppose".into(),
                label: evil.into(),
                href: "/statements/1".into(),
            }],
            NARROW,
        );
        assert!(!svg.contains("<script>"));
        assert!(svg.contains("class=\"dot oppose\""));
        let svg = network_chart(
            &[Node {
                id: "a".into(),
                label: evil.into(),
                weight: 1,
                score: 1.0,
                href: "/actors/a".into(),
            }],
            &[],
            NARROW,
        );
        assert!(!svg.contains("<script>"));
    }

    #[test]
    fn empty_charts_say_so() {
        assert!(index_chart(&[], WIDE).contains("No dated positions"));
        assert!(stance_chart(&[], WIDE).contains("No dated stances"));
        assert!(roles_chart(&[], NaiveDate::MIN, WIDE).contains("No dated roles"));
        let both = responsive(|w| stance_chart(&[], w));
        assert!(both.contains("viewBox=\"0 0 960 ") && both.contains("viewBox=\"0 0 360 "));
    }
}
