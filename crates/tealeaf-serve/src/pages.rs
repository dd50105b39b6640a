//! The web pages, rendered on the server: dashboard, statement search,
//! actors, an actor, a statement in its document, the brief, the network.
//!
//! Every value from the store or the request is escaped with
//! [`crate::html::escape`] (or percent-encoded into links); charts come
//! from [`crate::svg`].

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use chrono::NaiveDate;
use serde_json::Value;
use tealeaf_core::Pack;

use crate::analysis::{self, AnalysisParams, Corpus, Resolved};
use crate::html::{self, escape, query_string, stance_badge, url_encode};
use crate::query::{self, Hit, SearchParams};
use crate::svg;
use crate::{App, AppError};
use tealeaf_core::analyses;
use tealeaf_core::report::{self, NetworkKind};

pub fn routes() -> Router<App> {
    Router::new()
        .route("/", get(dashboard))
        .route("/search", get(search))
        .route("/actors", get(actors))
        .route("/actors/{id}", get(actor))
        .route("/statements/{id}", get(statement))
        .route("/brief", get(brief))
        .route("/network", get(network))
        .fallback(not_found)
}

/// An error shown as a page.
pub struct PageError(AppError);

impl From<AppError> for PageError {
    fn from(e: AppError) -> PageError {
        PageError(e)
    }
}

impl<E: std::fmt::Display> From<E> for PageError {
    fn from(e: E) -> PageError {
        PageError(AppError::internal(e.to_string()))
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let body = format!(
            "<p class=\"error\">{}</p><p><a href=\"/\">Back to the dashboard</a></p>",
            escape(&self.0.message)
        );
        let title = if self.0.status == StatusCode::NOT_FOUND {
            "Not found"
        } else if self.0.status.is_client_error() {
            "Bad request"
        } else {
            "Error"
        };
        (self.0.status, Html(html::page(title, "", &body))).into_response()
    }
}

type PageResult = Result<Html<String>, PageError>;

async fn not_found(uri: Uri) -> PageError {
    PageError(AppError::not_found(format!("No page at {}", uri.path())))
}

fn parse<T: serde::de::DeserializeOwned>(uri: &Uri) -> Result<T, PageError> {
    axum::extract::Query::<T>::try_from_uri(uri)
        .map(|q| q.0)
        .map_err(|e| PageError(AppError::bad_request(e.body_text())))
}

/// `<option>`s for a select, `selected` marked; values and labels escaped.
fn options(choices: &[(String, String)], selected: Option<&str>, any: &str) -> String {
    let mut out = format!("<option value=\"\">{}</option>", escape(any));
    for (value, label) in choices {
        let sel = if Some(value.as_str()) == selected {
            " selected"
        } else {
            ""
        };
        let _ = write!(
            out,
            "<option value=\"{}\"{sel}>{}</option>",
            escape(value),
            escape(label)
        );
    }
    out
}

fn issue_choices(pack: &Pack) -> Vec<(String, String)> {
    pack.issues
        .iter()
        .map(|i| {
            let label = if i.def.label.is_empty() {
                i.def.id.clone()
            } else {
                i.def.label.clone()
            };
            (i.def.id.clone(), label)
        })
        .collect()
}

fn actor_name(pack: &Pack, id: &str) -> String {
    pack.actor_index(id)
        .map(|i| pack.actors[i].name.clone())
        .unwrap_or_else(|| id.to_string())
}

/// Who said it, when, through which outlet: the line above a quote.
fn byline(v: &Value, pack: &Pack) -> String {
    let s = |k: &str| v.get(k).and_then(Value::as_str);
    let mut out = String::new();
    let _ = write!(
        out,
        "<span class=\"date\">{}</span> ",
        escape(s("date").unwrap_or("undated"))
    );
    out.push_str("<span class=\"who\">");
    match (s("speaker_id"), s("speaker")) {
        (Some(id), name) => {
            let name = name.map_or_else(|| actor_name(pack, id), str::to_string);
            let _ = write!(
                out,
                "<a class=\"speaker\" href=\"/actors/{}\">{}</a>",
                url_encode(id),
                escape(&name)
            );
        }
        (None, Some(name)) => {
            let _ = write!(out, "<span class=\"speaker\">{}</span>", escape(name));
        }
        (None, None) => out.push_str("<span class=\"speaker muted\">unattributed</span>"),
    }
    if let Some(r) = s("speaker_role") {
        let _ = write!(out, "<span class=\"role\">, {}</span>", escape(r));
    }
    out.push_str("</span>");
    if let Some(f) = s("faction") {
        let _ = write!(out, " <span class=\"faction\">{}</span>", escape(f));
    }
    if let Some(o) = s("outlet") {
        let _ = write!(out, " <span class=\"outlet\">· {}", escape(o));
        if let Some(a) = s("outlet_affiliation") {
            let _ = write!(out, " <span class=\"affiliation\">({})</span>", escape(a));
        }
        out.push_str("</span>");
    }
    out.push(' ');
    out.push_str(&stance_badge(s("stance")));
    if let Some(t) = s("topic").filter(|t| *t != "other") {
        let _ = write!(out, " <span class=\"topic\">{}</span>", escape(t));
    }
    out
}

/// A statement as a card: byline, the quote highlighted in its context,
/// and where it comes from.
fn hit_card(hit: &Hit, body: Option<&str>, pack: &Pack) -> String {
    let context = match body {
        Some(b) => html::context_html(b, hit.span(), html::CONTEXT_CHARS),
        None => format!(
            "<mark>{}</mark>",
            escape(hit.str_field("text").unwrap_or(""))
        ),
    };
    let mut out = String::from("<article class=\"hit\">");
    let _ = write!(
        out,
        "<div class=\"byline\">{}</div>",
        byline(&hit.coded, pack)
    );
    let _ = write!(out, "<blockquote class=\"context\">{context}</blockquote>");
    let _ = write!(
        out,
        "<div class=\"source\"><a href=\"/statements/{id}#quote\">In the article</a>: {} \
         <span class=\"muted\">{}</span> <a class=\"ref\" href=\"/api/v1/statements/{id}\">json</a></div>",
        escape(hit.document_title.as_deref().unwrap_or("(untitled)")),
        escape(hit.published.as_deref().unwrap_or("")),
        id = hit.id,
    );
    out.push_str("</article>");
    out
}

/// The bodies of the documents of `hits`.
fn bodies(store: &tealeaf_store::Store, hits: &[Hit]) -> anyhow::Result<HashMap<i64, String>> {
    let ids: HashSet<i64> = hits.iter().map(|h| h.document_id).collect();
    let mut out = HashMap::new();
    for id in ids {
        if let Some(b) = query::body(store, id)? {
            out.insert(id, b);
        }
    }
    Ok(out)
}

fn cards(hits: &[Hit], bodies: &HashMap<i64, String>, pack: &Pack) -> String {
    hits.iter()
        .map(|h| hit_card(h, bodies.get(&h.document_id).map(String::as_str), pack))
        .collect()
}

/// A statement by corpus index, as a short cited quote.
fn short_quote(c: &Corpus, i: usize) -> String {
    let s = &c.statements[i];
    let mut text: String = s.text.chars().take(180).collect();
    if s.text.chars().count() > 180 {
        text.push('…');
    }
    format!(
        "<q>{}</q> <a class=\"ref\" href=\"/statements/{}#quote\">#{}</a>",
        escape(&text),
        c.ids[i],
        c.ids[i]
    )
}

fn actor_link(id: &str, label: &str, pack: &Pack) -> String {
    if pack.actor_index(id).is_none() {
        return format!("<span class=\"speaker\">{}</span>", escape(label));
    }
    format!(
        "<a class=\"speaker\" href=\"/actors/{}\">{}</a>",
        url_encode(id),
        escape(label)
    )
}

/// The issue picker shown on analysis pages, `issue` selected.
fn issue_form(pack: &Pack, action: &str, issue: &str, extra: &str) -> String {
    let mut opts = String::new();
    for (value, label) in issue_choices(pack) {
        let sel = if value == issue { " selected" } else { "" };
        let _ = write!(
            opts,
            "<option value=\"{}\"{sel}>{}</option>",
            escape(&value),
            escape(&label)
        );
    }
    format!(
        "<form class=\"filters inline\" method=\"get\" action=\"{action}\">\
         <label>Issue <select name=\"issue\" class=\"autosubmit\">{opts}</select></label>{extra}\
         <button type=\"submit\">Show</button></form>"
    )
}

/// `/`: the dashboard.
async fn dashboard(State(app): State<App>, uri: Uri) -> PageResult {
    let p: AnalysisParams = parse(&uri)?;
    let r = p.resolve(app.pack()).map_err(AppError::bad_request)?;
    let page = app
        .blocking(move |app| -> anyhow::Result<String> { dashboard_html(app, &r) })
        .await??;
    Ok(Html(page))
}

fn dashboard_html(app: &App, r: &Resolved) -> anyhow::Result<String> {
    let pack = app.pack();
    let (documents, statements) = app.store().counts()?;
    let c = app.corpus()?;
    let mut body = String::new();
    let _ = write!(
        body,
        "<p class=\"lede\">{} document(s), {} statement(s). Pack: {} {}.</p>",
        documents,
        statements,
        escape(&pack.info.name),
        escape(&pack.info.version)
    );
    body.push_str(&issue_form(pack, "/", &r.issue, ""));
    if statements == 0 {
        body.push_str(
            "<p class=\"card\">The store is empty: ingest documents with <code>tealeaf ingest</code>, \
             or start with <code>tealeaf serve --demo</code>.</p>",
        );
    }
    body.push_str("<div class=\"grid\">");
    // Latest reversals.
    let (shifts, off) = analysis::shift_list(&c, r);
    let reversals: Vec<&analyses::Shift> =
        shifts.iter().rev().filter(|s| s.reversal).take(6).collect();
    body.push_str("<section class=\"card\"><h2>Latest reversals</h2>");
    if reversals.is_empty() {
        body.push_str("<p class=\"muted\">No support ↔ opposition reversal found.</p>");
    } else {
        body.push_str("<ul class=\"events\">");
        for s in reversals {
            let _ = write!(
                body,
                "<li><div>{} <span class=\"date\">{}</span> {} → <span class=\"date\">{}</span> {}</div>\
                 <div class=\"pair\"><span>{}</span><span>{}</span></div></li>",
                actor_link(&s.actor, &s.speaker, pack),
                escape(s.from.date.as_deref().unwrap_or("undated")),
                stance_badge(s.from.stance.as_deref()),
                escape(s.to.date.as_deref().unwrap_or("undated")),
                stance_badge(s.to.stance.as_deref()),
                short_quote(&c, off + s.from.index),
                short_quote(&c, off + s.to.index),
            );
        }
        body.push_str("</ul>");
    }
    let changes: Vec<&analyses::Shift> = shifts
        .iter()
        .rev()
        .filter(|s| !s.reversal)
        .take(5)
        .collect();
    if !changes.is_empty() {
        body.push_str("<h3>Other shifts</h3><ul class=\"compact\">");
        for s in changes {
            let mut what = String::new();
            if s.stance_changed {
                let _ = write!(
                    what,
                    "{} → {}",
                    stance_badge(s.from.stance.as_deref()),
                    stance_badge(s.to.stance.as_deref())
                );
            }
            if !s.conditions_added.is_empty() {
                let _ = write!(what, " adds {}", escape(&s.conditions_added.join(", ")));
            }
            if !s.conditions_dropped.is_empty() {
                let _ = write!(what, " drops {}", escape(&s.conditions_dropped.join(", ")));
            }
            let id = c.ids[off + s.to.index];
            let _ = write!(
                body,
                "<li><span class=\"date\">{}</span> {}: {} <a class=\"ref\" href=\"/statements/{id}#quote\">#{id}</a></li>",
                escape(s.to.date.as_deref().unwrap_or("undated")),
                actor_link(&s.actor, &s.speaker, pack),
                what,
            );
        }
        body.push_str("</ul>");
    }
    body.push_str("</section>");
    // Contradictions.
    let (windows, off) = analysis::divergence_windows(&c, pack, r);
    body.push_str("<section class=\"card\"><h2>Contradictions</h2>");
    let pairs: Vec<(&analyses::DivergenceWindow, &analyses::ContradictingPair)> = windows
        .iter()
        .rev()
        .flat_map(|w| w.pairs.iter().map(move |x| (w, x)))
        .take(6)
        .collect();
    if pairs.is_empty() {
        body.push_str(
            "<p class=\"muted\">No two voices of one government took opposite positions in one window.</p>",
        );
    } else {
        body.push_str("<ul class=\"events\">");
        for (w, x) in pairs {
            let _ = write!(
                body,
                "<li><div><span class=\"date\">{}</span> <span class=\"speaker\">{}</span> \
                 <span class=\"score\">{:+.2}</span> vs <span class=\"speaker\">{}</span> \
                 <span class=\"score\">{:+.2}</span></div>\
                 <div class=\"pair\"><span>{}</span><span>{}</span></div></li>",
                escape(&w.period.label),
                escape(&x.open),
                x.open_score,
                escape(&x.closed),
                x.closed_score,
                short_quote(&c, off + x.open_statement.index),
                short_quote(&c, off + x.closed_statement.index),
            );
        }
        body.push_str("</ul>");
    }
    body.push_str("</section></div>");
    // The mixed-signals index over time.
    let points: Vec<svg::IndexPoint> = windows
        .iter()
        .filter_map(|w| {
            let index = w.index?;
            Some(svg::IndexPoint {
                period: w.period.label.clone(),
                index,
                voices: w.voices.len(),
                href: format!(
                    "/search{}",
                    query_string([
                        ("issue", r.issue.as_str()),
                        ("from", w.period.start.to_string().as_str()),
                        ("to", w.period.end.to_string().as_str())
                    ])
                ),
            })
        })
        .collect();
    let _ = write!(
        body,
        "<section class=\"card wide\" id=\"mixed-signals\"><h2>Mixed-signals index</h2>\
         <p class=\"muted\">How far the voices of {} disagree on {}, per {}: 0 when they agree, 1 when evenly \
         split between support and opposition (weighted standard deviation of the voices' positions). \
         Click a point for its statements.</p>{}</section>",
        escape(r.government.as_deref().unwrap_or("the government")),
        escape(&r.issue),
        r.window,
        svg::responsive(|w| svg::index_chart(&points, w))
    );
    // The conditions ledger.
    let (l, off) = analysis::ledger(&c, pack, r);
    body.push_str("<section class=\"card wide\" id=\"conditions\"><h2>Conditions ledger</h2>");
    if l.conditions.is_empty() {
        body.push_str("<p class=\"muted\">No conditions stated.</p>");
    } else {
        body.push_str(
            "<div class=\"table-wrap\"><table class=\"stack\"><thead><tr><th>Condition</th><th>Side</th><th>Set by</th>\
             <th>First seen</th><th>Last seen</th><th>Statements</th></tr></thead><tbody>",
        );
        let seen = |x: &Option<analyses::StatementRef>| match x {
            Some(s) => format!(
                "<span class=\"date\">{}</span> <a class=\"ref\" href=\"/statements/{1}#quote\">#{1}</a>",
                escape(s.date.as_deref().unwrap_or("undated")),
                c.ids[off + s.index]
            ),
            None => "—".to_string(),
        };
        for e in &l.conditions {
            let setters: Vec<String> = e
                .setters
                .iter()
                .take(5)
                .map(|s| match &s.speaker_id {
                    Some(id) => actor_link(id, &s.speaker, pack),
                    None => escape(&s.speaker),
                })
                .collect();
            let _ = write!(
                body,
                "<tr><td class=\"head\"><strong>{}</strong>{}</td><td data-label=\"Side\">{}</td>\
                 <td data-label=\"Set by\">{}</td><td data-label=\"First seen\">{}</td>\
                 <td data-label=\"Last seen\">{}</td><td data-label=\"Statements\">{}</td></tr>",
                escape(e.label.as_deref().unwrap_or(&e.condition)),
                if e.label.is_some() {
                    format!(" <span class=\"muted\">{}</span>", escape(&e.condition))
                } else {
                    String::new()
                },
                escape(e.side.as_deref().unwrap_or("")),
                setters.join(", "),
                seen(&e.first_seen),
                seen(&e.last_seen),
                e.count,
            );
        }
        body.push_str("</tbody></table></div>");
        let raised: Vec<&analyses::LedgerPeriod> =
            l.evolution.iter().filter(|p| p.raised).collect();
        if !raised.is_empty() {
            body.push_str("<h3>Raising the threshold</h3><ul class=\"compact\">");
            for p in raised.iter().rev().take(6) {
                let refs: String = p
                    .statements
                    .iter()
                    .take(3)
                    .map(|&i| {
                        format!(
                            " <a class=\"ref\" href=\"/statements/{0}#quote\">#{0}</a>",
                            c.ids[off + i]
                        )
                    })
                    .collect();
                let _ = write!(
                    body,
                    "<li><span class=\"date\">{}</span> {}adds {}{refs}</li>",
                    escape(&p.period.label),
                    p.side
                        .as_deref()
                        .map(|s| format!("{}: ", escape(s)))
                        .unwrap_or_default(),
                    escape(&p.added.join(", ")),
                );
            }
            body.push_str("</ul>");
        }
    }
    body.push_str("</section>");
    // Channels.
    let (channels, ids) = analysis::channel_list(&c, r);
    if !channels.is_empty() {
        body.push_str(
            "<section class=\"card wide\"><h2>Channels</h2><div class=\"table-wrap\"><table class=\"stack\"><thead><tr>\
             <th>Mediator</th><th>Statements</th><th>First seen</th><th>Last seen</th><th>Likelihood voiced</th>\
             </tr></thead><tbody>",
        );
        for ch in channels.iter().take(10) {
            let likely = if ch.probabilities.is_empty() {
                "—".to_string()
            } else {
                ch.probabilities
                    .iter()
                    .map(|l| {
                        let id = ids.get(l.statement.index).copied().unwrap_or_default();
                        format!(
                            "{:.2} <a class=\"ref\" href=\"/statements/{id}#quote\">#{id}</a>",
                            l.value
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let _ = write!(
                body,
                "<tr><td class=\"head\"><strong>{}</strong></td><td data-label=\"Statements\">{}</td>\
                 <td data-label=\"First seen\">{}</td><td data-label=\"Last seen\">{}</td>\
                 <td data-label=\"Likelihood\">{}</td></tr>",
                escape(&ch.mediator),
                ch.count,
                escape(ch.first_seen.as_deref().unwrap_or("")),
                escape(ch.last_seen.as_deref().unwrap_or("")),
                likely
            );
        }
        body.push_str("</tbody></table></div></section>");
    }
    Ok(html::page("Dashboard", "/", &body))
}

/// `/search`: statements with filters, each quote in its context.
async fn search(State(app): State<App>, uri: Uri) -> PageResult {
    let p: SearchParams = parse(&uri)?;
    let page = app
        .blocking(move |app| -> anyhow::Result<Result<String, String>> { search_html(app, &p) })
        .await??
        .map_err(AppError::bad_request)?;
    Ok(Html(page))
}

fn search_html(app: &App, p: &SearchParams) -> anyhow::Result<Result<String, String>> {
    let pack = app.pack();
    let result = match app.search(p)? {
        Ok(r) => r,
        Err(e) => return Ok(Err(e.0)),
    };
    let store = app.store();
    let bodies = bodies(&store, &result.hits)?;
    let actors: Vec<(String, String)> = {
        let mut v: Vec<(String, String)> = query::distinct(&store, "speaker_id")?
            .into_iter()
            .map(|id| {
                let name = actor_name(pack, &id);
                (id, name)
            })
            .collect();
        v.sort_by(|a, b| a.1.cmp(&b.1));
        v
    };
    let plain = |v: Vec<String>| -> Vec<(String, String)> {
        v.into_iter().map(|x| (x.clone(), x)).collect()
    };
    let factions = plain(query::distinct(&store, "faction")?);
    let affiliations = plain(query::distinct(&store, "outlet_affiliation")?);
    let outlets: Vec<(String, String)> = {
        let mut v: Vec<(String, String)> = query::distinct(&store, "outlet_id")?
            .into_iter()
            .map(|id| {
                let name = pack
                    .outlets
                    .iter()
                    .find(|o| o.id == id)
                    .map(|o| o.name.clone())
                    .unwrap_or_else(|| id.clone());
                (id, name)
            })
            .collect();
        v.sort_by(|a, b| a.1.cmp(&b.1));
        v
    };
    drop(store);
    let stances = plain(
        ["support", "conditional", "neutral", "oppose"]
            .iter()
            .map(|s| s.to_string())
            .collect(),
    );
    let mut body = String::new();
    let _ = write!(
        body,
        "<form class=\"filters\" method=\"get\" action=\"/search\" role=\"search\">\
         <label class=\"q\">Words <input type=\"search\" name=\"q\" value=\"{}\" placeholder=\"e.g. negotiation America\" maxlength=\"200\"></label>\
         <label>Issue <select name=\"issue\">{}</select></label>\
         <label>Stance <select name=\"stance\">{}</select></label>\
         <label>Actor <select name=\"actor\">{}</select></label>\
         <label>Faction <select name=\"faction\">{}</select></label>\
         <label>Outlet <select name=\"outlet\">{}</select></label>\
         <label>Affiliation <select name=\"affiliation\">{}</select></label>\
         <label>From <input type=\"date\" name=\"from\" value=\"{}\"></label>\
         <label>To <input type=\"date\" name=\"to\" value=\"{}\"></label>\
         <div class=\"buttons\"><button type=\"submit\">Search</button> <a class=\"button secondary\" href=\"/search\">Clear</a></div>\
         </form>",
        escape(p.q().unwrap_or("")),
        options(&issue_choices(pack), p.issue(), "any issue"),
        options(&stances, p.stance(), "any stance"),
        options(&actors, p.speaker_id(), "anyone"),
        options(&factions, p.faction(), "any faction"),
        options(&outlets, p.outlet(), "any outlet"),
        options(&affiliations, p.affiliation(), "any affiliation"),
        escape(p.from_date().unwrap_or("")),
        escape(p.to_date().unwrap_or("")),
    );
    let shown_to = (result.offset + result.hits.len()).min(result.total);
    let _ = write!(
        body,
        "<p class=\"count\" id=\"count\">{} statement(s){}</p>",
        result.total,
        if result.total > 0 {
            format!(", {}–{} shown, newest first", result.offset + 1, shown_to)
        } else {
            String::new()
        }
    );
    body.push_str(&cards(&result.hits, &bodies, pack));
    // Pagination links keep every filter.
    let keep = |offset: usize| -> String {
        let offset = offset.to_string();
        let limit = result.limit.to_string();
        let document = p.document_id.map(|d| d.to_string()).unwrap_or_default();
        format!(
            "/search{}",
            query_string([
                ("q", p.q().unwrap_or("")),
                ("issue", p.issue().unwrap_or("")),
                ("stance", p.stance().unwrap_or("")),
                ("actor", p.speaker_id().unwrap_or("")),
                ("faction", p.faction().unwrap_or("")),
                ("outlet", p.outlet().unwrap_or("")),
                ("affiliation", p.affiliation().unwrap_or("")),
                ("from", p.from_date().unwrap_or("")),
                ("to", p.to_date().unwrap_or("")),
                ("document_id", document.as_str()),
                (
                    "limit",
                    if result.limit == query::DEFAULT_LIMIT {
                        ""
                    } else {
                        limit.as_str()
                    }
                ),
                ("offset", if offset == "0" { "" } else { offset.as_str() }),
            ])
        )
    };
    body.push_str("<nav class=\"pages\">");
    if result.offset > 0 {
        let _ = write!(
            body,
            "<a rel=\"prev\" href=\"{}\">← Newer</a>",
            escape(&keep(result.offset.saturating_sub(result.limit)))
        );
    }
    if shown_to < result.total {
        let _ = write!(
            body,
            "<a rel=\"next\" href=\"{}\">Older →</a>",
            escape(&keep(result.offset + result.limit))
        );
    }
    body.push_str("</nav>");
    Ok(Ok(html::page("Statements", "/search", &body)))
}

/// `/actors`: actors with statements.
async fn actors(State(app): State<App>) -> PageResult {
    let counts = app
        .blocking(|app| query::counts_by(&app.store(), "speaker_id"))
        .await??;
    let pack = app.pack();
    let today = chrono::Utc::now().date_naive();
    let mut body = String::from(
        "<p class=\"lede\">Pack actors quoted in the store, most quoted first.</p>\
         <div class=\"table-wrap\"><table class=\"stack\"><thead><tr><th>Actor</th><th>Country</th>\
         <th>Latest role</th><th>Faction</th><th>Statements</th></tr></thead><tbody>",
    );
    for (id, n) in &counts {
        let Some(i) = pack.actor_index(id) else {
            continue;
        };
        let a = &pack.actors[i];
        let role = pack
            .role_on(i, Some(today))
            .or_else(|| a.roles.last().map(|r| r.title.clone()))
            .unwrap_or_default();
        let faction = pack
            .faction_on(i, Some(today))
            .or_else(|| a.factions.last().map(|f| f.name.clone()))
            .unwrap_or_default();
        let _ = write!(
            body,
            "<tr><td class=\"head\">{}</td><td data-label=\"Country\">{}</td>\
             <td data-label=\"Role\">{}</td><td data-label=\"Faction\">{}</td>\
             <td data-label=\"Statements\"><a href=\"/search?actor={}\">{n}</a></td></tr>",
            actor_link(id, &a.name, pack),
            escape(a.country.as_deref().unwrap_or("")),
            escape(&role),
            escape(&faction),
            url_encode(id)
        );
    }
    body.push_str("</tbody></table></div>");
    Ok(Html(html::page("Actors", "/actors", &body)))
}

fn pack_day(d: Option<tealeaf_core::pack::PackDate>, end: bool) -> Option<NaiveDate> {
    d.map(|d| if end { d.last_day() } else { d.first_day() })
}

/// `/actors/{id}`: roles over time, stance timeline, statements.
async fn actor(State(app): State<App>, Path(id): Path<String>, uri: Uri) -> PageResult {
    let Some(i) = app.pack().actor_index(&id) else {
        return Err(AppError::not_found(format!("No actor {id:?} in the pack")).into());
    };
    let p: SearchParams = parse(&uri)?;
    let page = app
        .blocking(move |app| -> anyhow::Result<String> { actor_html(app, i, &id, &p) })
        .await??;
    Ok(Html(page))
}

fn actor_html(app: &App, i: usize, id: &str, p: &SearchParams) -> anyhow::Result<String> {
    let pack = app.pack();
    let a = &pack.actors[i];
    let mut body = String::new();
    let mut facts = Vec::new();
    if let Some(c) = &a.country {
        facts.push(escape(c));
    }
    facts.push(escape(&format!("{:?}", a.kind).to_lowercase()));
    if !a.aliases.is_empty() {
        let mut shown: Vec<&str> = a.aliases.iter().take(4).map(String::as_str).collect();
        if a.aliases.len() > 4 {
            shown.push("…");
        }
        facts.push(format!("also written {}", escape(&shown.join(", "))));
    }
    let _ = write!(body, "<p class=\"lede\">{}</p>", facts.join(" · "));
    // Roles over time.
    let mut spans: Vec<svg::Span> = a
        .roles
        .iter()
        .map(|r| svg::Span {
            label: match &r.institution {
                Some(inst) if !r.title.contains(inst.as_str()) => format!("{} ({inst})", r.title),
                _ => r.title.clone(),
            },
            from: pack_day(r.from, false),
            to: pack_day(r.to, true),
            class: "role",
        })
        .collect();
    spans.extend(a.factions.iter().map(|f| svg::Span {
        label: format!("faction: {}", f.name),
        from: pack_day(f.from, false),
        to: pack_day(f.to, true),
        class: "faction",
    }));
    let today = chrono::Utc::now().date_naive();
    let _ = write!(
        body,
        "<section class=\"card wide\"><h2>Roles over time</h2>{}</section>",
        svg::responsive(|w| svg::roles_chart(&spans, today, w))
    );
    // Stance timeline.
    let c = app.corpus()?;
    let points: Vec<svg::StancePoint> = c
        .statements
        .iter()
        .enumerate()
        .filter(|(_, s)| s.speaker_id.as_deref() == Some(id))
        .filter(|(_, s)| s.coding.topic.as_deref().is_some_and(|t| t != "other"))
        .filter_map(|(k, s)| {
            Some(svg::StancePoint {
                date: c.day(k)?,
                stance: s.coding.stance.clone()?,
                label: format!(
                    "{} · {}: {}",
                    s.date.as_deref().unwrap_or(""),
                    s.coding.stance.as_deref().unwrap_or(""),
                    s.text.chars().take(160).collect::<String>()
                ),
                href: format!("/statements/{}#quote", c.ids[k]),
            })
        })
        .collect();
    let _ = write!(
        body,
        "<section class=\"card wide\" id=\"stance\"><h2>Stance timeline</h2>\
         <p class=\"muted\">Each dot is a statement on an issue; days with statements are evenly spaced.</p>{}</section>",
        svg::responsive(|w| svg::stance_chart(&points, w))
    );
    // Statements.
    let search = SearchParams {
        speaker_id: Some(id.to_string()),
        limit: Some(p.limit.unwrap_or(20)),
        offset: p.offset,
        ..Default::default()
    };
    let result = app.search(&search)?.map_err(|e| anyhow::anyhow!(e.0))?;
    let store = app.store();
    let bodies = bodies(&store, &result.hits)?;
    drop(store);
    let _ = write!(
        body,
        "<section class=\"wide\"><h2>Statements <span class=\"muted\">({})</span></h2>{}\
         <p><a href=\"/search?actor={}\">All of {}'s statements, with filters →</a></p></section>",
        result.total,
        cards(&result.hits, &bodies, pack),
        url_encode(id),
        escape(&a.name)
    );
    Ok(html::page(&a.name, "/actors", &body))
}

/// `/statements/{id}`: every field, and the quote in the whole document.
async fn statement(State(app): State<App>, Path(id): Path<i64>) -> PageResult {
    let found = app
        .blocking(move |app| -> anyhow::Result<_> {
            let store = app.store();
            let Some(hit) = query::statement(&store, id)? else {
                return Ok(None);
            };
            let body = query::body(&store, hit.document_id)?.unwrap_or_default();
            Ok(Some((hit, body)))
        })
        .await??;
    let Some((hit, doc)) = found else {
        return Err(AppError::not_found(format!("No statement {id}")).into());
    };
    let pack = app.pack();
    let mut body = String::new();
    let _ = write!(
        body,
        "<div class=\"byline big\">{}</div>",
        byline(&hit.coded, pack)
    );
    body.push_str("<details class=\"card\"><summary>Every field, with the rules that decided</summary><dl class=\"fields\">");
    if let Value::Object(m) = &hit.coded {
        for (k, v) in m {
            if k == "evidence" {
                continue;
            }
            let shown = match v {
                Value::String(s) => s.clone(),
                Value::Null => "—".into(),
                other => other.to_string(),
            };
            let _ = write!(body, "<dt>{}</dt><dd>{}</dd>", escape(k), escape(&shown));
        }
        if let Some(Value::Array(ev)) = m.get("evidence") {
            for e in ev {
                let s = |k: &str| e.get(k).and_then(Value::as_str).unwrap_or("");
                let _ = write!(
                    body,
                    "<dt>evidence: {}</dt><dd>{} — cue {} ({})</dd>",
                    escape(s("field")),
                    escape(s("value")),
                    escape(if s("cue").is_empty() {
                        "none"
                    } else {
                        s("cue")
                    }),
                    escape(s("rule"))
                );
            }
        }
    }
    body.push_str("</dl></details>");
    let _ = write!(
        body,
        "<section class=\"card document\"><h2>{}</h2><p class=\"muted\">{}</p>{}</section>",
        escape(hit.document_title.as_deref().unwrap_or("(untitled)")),
        escape(hit.published.as_deref().unwrap_or("")),
        html::document_html(&doc, Some(hit.span()))
    );
    Ok(Html(html::page(
        &format!("Statement #{id}"),
        "/search",
        &body,
    )))
}

/// `/brief`: the brief of a period (the core's `report::brief`), with its
/// timeline, every cited statement linked to its page.
async fn brief(State(app): State<App>, uri: Uri) -> PageResult {
    let p: AnalysisParams = parse(&uri)?;
    let r = p.resolve(app.pack()).map_err(AppError::bad_request)?;
    let page = app
        .blocking(move |app| -> anyhow::Result<String> {
            let c = app.corpus()?;
            let b = analysis::brief(&c, app.pack(), &r);
            let ids = analysis::brief_ids(&c, &b);
            let link = |sid: &str| match ids.get(sid) {
                Some(id) => format!(
                    "<a class=\"ref\" href=\"/statements/{id}#quote\">{}</a>",
                    escape(sid)
                ),
                None => format!("<span class=\"ref\">{}</span>", escape(sid)),
            };
            let extra = format!(
                "<label>From <input type=\"date\" name=\"from\" value=\"{}\"></label>\
                 <label>To <input type=\"date\" name=\"to\" value=\"{}\"></label>",
                escape(p.from.as_deref().unwrap_or("")),
                escape(p.to.as_deref().unwrap_or(""))
            );
            let q = |format: &str| {
                format!(
                    "/api/v1/brief{}",
                    query_string([
                        ("issue", r.issue.as_str()),
                        ("from", p.from.as_deref().unwrap_or("")),
                        ("to", p.to.as_deref().unwrap_or("")),
                        ("format", format),
                    ])
                )
            };
            let mut body = issue_form(app.pack(), "/brief", &r.issue, &extra);
            let period = match (b.from, b.to) {
                (None, None) => "all dates".to_string(),
                (f, t) => format!(
                    "{} to {}",
                    f.map_or("the start".to_string(), |d| d.to_string()),
                    t.map_or("the end".to_string(), |d| d.to_string())
                ),
            };
            let _ = write!(
                body,
                "<h2 class=\"brief-title\">Brief: {}</h2><p class=\"lede\">{}: {} statement(s) from {} \
                 document(s), {} speaker(s). Also as <a href=\"{}\">Markdown</a> · \
                 <a href=\"{}\">a standalone page</a> · <a href=\"{}\">JSON</a>.</p>",
                escape(&b.issue_label),
                escape(&period),
                b.statements,
                b.documents,
                b.speakers,
                escape(&q("md")),
                escape(&q("html")),
                escape(&q("json")),
            );
            body.push_str("<section class=\"card\"><h2>Summary</h2>");
            for sentence in &b.summary {
                body.push_str("<p class=\"claim\">");
                for part in &sentence.parts {
                    match part {
                        tealeaf_core::report::Part::Text(t) => body.push_str(&escape(t)),
                        tealeaf_core::report::Part::Ref(sid) => body.push_str(&link(sid)),
                    }
                }
                body.push_str("</p>");
            }
            body.push_str("</section>");
            // The timeline: one row per actor.
            let rows: Vec<svg::ActorRow> = b
                .timeline
                .iter()
                .map(|row| svg::ActorRow {
                    label: row.label.clone(),
                    points: row
                        .dots
                        .iter()
                        .map(|d| svg::StancePoint {
                            date: d.date,
                            stance: d.stance.clone(),
                            label: format!("{} {}: {}", d.id, d.date, d.text),
                            href: ids
                                .get(&d.id)
                                .map_or_else(String::new, |id| format!("/statements/{id}#quote")),
                        })
                        .collect(),
                })
                .collect();
            if !rows.is_empty() {
                let _ = write!(
                    body,
                    "<section class=\"card wide\"><h2>Timeline</h2>{}</section>",
                    svg::responsive(|w| svg::actors_chart(&rows, w))
                );
            }
            body.push_str("<section class=\"card\"><h2>Entries</h2>");
            for day in &b.days {
                let _ = write!(
                    body,
                    "<h3 class=\"day\">{}</h3><ul class=\"entries\">",
                    escape(if day.label.is_empty() { "Undated" } else { &day.label })
                );
                for e in &day.entries {
                    let mut head = String::new();
                    if let Some(p) = &e.publication {
                        let _ = write!(head, "<span class=\"outlet\">{}", escape(p));
                        if let Some(a) = &e.publication_affiliation {
                            let _ = write!(head, " <span class=\"affiliation\">({})</span>", escape(a));
                        }
                        head.push_str("</span>: ");
                    }
                    let _ = write!(
                        head,
                        "<span class=\"speaker\">{}</span>",
                        escape(e.speaker.as_deref().unwrap_or("unattributed"))
                    );
                    if let Some(role) = &e.speaker_role {
                        let _ = write!(head, "<span class=\"role\">, {}</span>", escape(role));
                    }
                    if let Some(o) = &e.outlet {
                        let _ = write!(head, " <span class=\"muted\">via {}", escape(o));
                        if let Some(a) = &e.outlet_affiliation {
                            let _ = write!(head, " ({})", escape(a));
                        }
                        head.push_str("</span>");
                    }
                    let _ = write!(body, "<li><div class=\"byline\">{head}</div><ul class=\"lines\">");
                    for l in &e.lines {
                        let _ = write!(
                            body,
                            "<li>{} <q>{}</q> {}</li>",
                            stance_badge(l.stance.as_deref()),
                            escape(&l.text),
                            link(&l.id)
                        );
                    }
                    body.push_str("</ul></li>");
                }
                body.push_str("</ul>");
            }
            if b.days.is_empty() {
                body.push_str("<p class=\"muted\">No statements in this period.</p>");
            }
            body.push_str("</section>");
            Ok(html::page("Brief", "/brief", &body))
        })
        .await??;
    Ok(Html(page))
}

/// Actors considered, edges and actors drawn on the network page.
const MAX_NODES: usize = 60;
const MAX_EDGES: usize = 80;
const MAX_DRAWN: usize = 26;

/// `/network`: the congruence and conflict networks of actors (the core's
/// `report::build_network`), drawn as one: an edge shows whether a pair
/// agrees on more concepts than it clashes on, or the reverse.
async fn network(State(app): State<App>, uri: Uri) -> PageResult {
    let p: AnalysisParams = parse(&uri)?;
    let r = p.resolve(app.pack()).map_err(AppError::bad_request)?;
    let page = app
        .blocking(move |app| -> anyhow::Result<String> {
            let c = app.corpus()?;
            let pack = app.pack();
            let congruence = analysis::network(&c, pack, &r, NetworkKind::Congruence);
            let conflict = analysis::network(&c, pack, &r, NetworkKind::Conflict);
            // Nodes: the actors of either network, most statements first.
            let mut nodes: Vec<&report::network::Node> = Vec::new();
            for n in congruence.nodes.iter().chain(&conflict.nodes) {
                if !nodes.iter().any(|m| m.id == n.id) {
                    nodes.push(n);
                }
            }
            nodes.sort_by(|a, b| b.statements.cmp(&a.statements).then_with(|| a.label.cmp(&b.label)));
            nodes.truncate(MAX_NODES);
            let index: HashMap<&str, usize> =
                nodes.iter().enumerate().map(|(i, n)| (n.id.as_str(), i)).collect();
            // Mean stance of each actor on the issue in the period.
            let range = c.period(r.from, r.to);
            let mut scores: HashMap<String, (f64, usize)> = HashMap::new();
            for s in &c.statements[range] {
                if s.coding.topic.as_deref() != Some(r.issue.as_str()) {
                    continue;
                }
                let (Some(key), Some(x)) = (
                    Corpus::actor_key(s),
                    analyses::stance_score(s.coding.stance.as_deref()),
                ) else {
                    continue;
                };
                let e = scores.entry(format!("actor:{key}")).or_default();
                e.0 += x;
                e.1 += 1;
            }
            let svg_nodes: Vec<svg::Node> = nodes
                .iter()
                .map(|n| {
                    let key = n.id.strip_prefix("actor:").unwrap_or(&n.id);
                    let (sum, count) = scores.get(&n.id).copied().unwrap_or_default();
                    svg::Node {
                        id: n.id.clone(),
                        label: n.label.clone(),
                        weight: n.statements as usize,
                        score: if count == 0 { 0.0 } else { sum / count as f64 },
                        href: if pack.actor_index(key).is_some() {
                            format!("/actors/{}", url_encode(key))
                        } else {
                            format!("/search?q={}", url_encode(&n.label))
                        },
                    }
                })
                .collect();
            // Net weight per pair: congruent concepts minus conflicting ones.
            let mut net: HashMap<(usize, usize), (f64, f64)> = HashMap::new();
            for (edges, conflicting) in [(&congruence.edges, false), (&conflict.edges, true)] {
                for e in edges.iter() {
                    let (Some(&a), Some(&b)) =
                        (index.get(e.source.as_str()), index.get(e.target.as_str()))
                    else {
                        continue;
                    };
                    let w = net.entry((a.min(b), a.max(b))).or_default();
                    if conflicting {
                        w.1 += e.weight;
                    } else {
                        w.0 += e.weight;
                    }
                }
            }
            let mut edges: Vec<svg::Edge> = net
                .iter()
                .filter(|(_, (g, f))| (g - f).abs() > 1e-9)
                .map(|(&(a, b), &(g, f))| svg::Edge {
                    a,
                    b,
                    conflict: f > g,
                    weight: (g - f).abs().round().max(1.0) as usize,
                })
                .collect();
            edges.sort_by(|x, y| y.weight.cmp(&x.weight).then_with(|| (x.a, x.b).cmp(&(y.a, y.b))));
            edges.truncate(MAX_EDGES);
            // Only actors with an edge drawn, at most MAX_DRAWN of them (the
            // best connected), renumbered.
            let mut degree = vec![0usize; svg_nodes.len()];
            for e in &edges {
                degree[e.a] += e.weight;
                degree[e.b] += e.weight;
            }
            let mut keep: Vec<usize> = (0..svg_nodes.len()).filter(|&i| degree[i] > 0).collect();
            keep.sort_by(|&a, &b| degree[b].cmp(&degree[a]).then(a.cmp(&b)));
            keep.truncate(MAX_DRAWN);
            keep.sort_unstable();
            let renumber: HashMap<usize, usize> =
                keep.iter().enumerate().map(|(new, &old)| (old, new)).collect();
            let edges: Vec<svg::Edge> = edges
                .into_iter()
                .filter_map(|e| {
                    Some(svg::Edge {
                        a: *renumber.get(&e.a)?,
                        b: *renumber.get(&e.b)?,
                        ..e
                    })
                })
                .collect();
            let mut svg_nodes = svg_nodes;
            let mut i = 0;
            svg_nodes.retain(|_| {
                i += 1;
                renumber.contains_key(&(i - 1))
            });
            let mut body = issue_form(pack, "/network", &r.issue, "");
            body.push_str(
                "<p class=\"muted legend\"><span class=\"key congruence\"></span> congruence: the two \
                 take the same stance on more concepts (the issue, its conditions) than they clash on · \
                 <span class=\"key conflict\"></span> conflict: more concepts with opposite stances (support \
                 or conditional against opposition) · line width: by how much · dot colour: mean stance \
                 (green open, red opposed) · dot size: statements. Exports: \
                 <a href=\"/api/v1/network?kind=congruence\">congruence</a>, \
                 <a href=\"/api/v1/network?kind=conflict\">conflict</a>, \
                 <a href=\"/api/v1/network?kind=two-mode\">two-mode</a> (JSON).</p>",
            );
            let _ = write!(
                body,
                "<section class=\"card wide network\">{}</section>",
                svg::responsive(|w| svg::network_chart(&svg_nodes, &edges, w))
            );
            let mut clashes: Vec<&report::network::Edge> = conflict.edges.iter().collect();
            clashes.sort_by(|a, b| b.weight.total_cmp(&a.weight));
            if !clashes.is_empty() {
                body.push_str("<section class=\"card wide\"><h2>Conflicts</h2><ul class=\"compact\">");
                let label = |id: &str| {
                    conflict
                        .nodes
                        .iter()
                        .find(|n| n.id == id)
                        .map_or_else(|| id.to_string(), |n| n.label.clone())
                };
                let who = |id: &str| {
                    let key = id.strip_prefix("actor:").unwrap_or(id);
                    actor_link(key, &label(id), pack)
                };
                for e in clashes.iter().take(30) {
                    let _ = write!(
                        body,
                        "<li>{} ⟷ {} <span class=\"muted\">{}{}</span></li>",
                        who(&e.source),
                        who(&e.target),
                        escape(e.concepts.as_deref().unwrap_or("")),
                        match (&e.first, &e.last) {
                            (Some(f), Some(l)) if f != l => format!(", {} to {}", escape(f), escape(l)),
                            (Some(f), _) => format!(", {}", escape(f)),
                            _ => String::new(),
                        }
                    );
                }
                body.push_str("</ul></section>");
            }
            Ok(html::page("Network", "/network", &body))
        })
        .await??;
    Ok(Html(page))
}
