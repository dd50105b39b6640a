//! The JSON API under `/api/v1`, described by `openapi.json` (served at
//! `/api/v1/openapi.json`). Field names are snake_case and stable: a
//! statement carries every field of `tealeaf extract`'s output (coding
//! fields flattened) plus `id`, `document_id`, `document_title` and
//! `published`.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};
use tealeaf_core::document::jsonl;
use tealeaf_store::IngestOutcome;

use crate::analysis::{self, AnalysisParams};
use crate::query::{self, SearchParams};
use crate::{App, AppError};

/// The OpenAPI 3.1 description of this API.
pub const OPENAPI: &str = include_str!("openapi.json");

/// Every route of the API, relative to `/api/v1`, with its methods: the
/// OpenAPI document must describe each (a test checks).
pub const ROUTES: &[(&str, &[&str])] = &[
    ("/openapi.json", &["get"]),
    ("/statements", &["get"]),
    ("/statements/{id}", &["get"]),
    ("/documents", &["get", "post"]),
    ("/documents/{id}", &["get"]),
    ("/actors", &["get"]),
    ("/actors/{id}", &["get"]),
    ("/outlets", &["get"]),
    ("/timeline", &["get"]),
    ("/shifts", &["get"]),
    ("/divergence", &["get"]),
    ("/conditions", &["get"]),
    ("/channels", &["get"]),
    ("/network", &["get"]),
    ("/brief", &["get"]),
];

pub fn routes() -> Router<App> {
    Router::new()
        .route("/openapi.json", get(openapi))
        .route("/statements", get(statements))
        .route("/statements/{id}", get(statement))
        .route("/documents", get(documents).post(post_document))
        .route("/documents/{id}", get(document))
        .route("/actors", get(actors))
        .route("/actors/{id}", get(actor))
        .route("/outlets", get(outlets))
        .route("/timeline", get(timeline))
        .route("/shifts", get(shifts))
        .route("/divergence", get(divergence))
        .route("/conditions", get(conditions))
        .route("/channels", get(channels))
        .route("/network", get(network))
        .route("/brief", get(brief))
        .fallback(|| async { AppError::not_found("no such API route") })
}

async fn openapi() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        OPENAPI,
    )
        .into_response()
}

/// Query strings that do not parse answer 400 with the reason.
fn params<T: serde::de::DeserializeOwned>(q: Option<&str>) -> Result<T, AppError> {
    serde_urlencoded_like(q.unwrap_or(""))
}

fn serde_urlencoded_like<T: serde::de::DeserializeOwned>(q: &str) -> Result<T, AppError> {
    Query::<T>::try_from_uri(
        &format!("/?{q}")
            .parse()
            .map_err(|_| AppError::bad_request("bad query string"))?,
    )
    .map(|Query(t)| t)
    .map_err(|e| AppError::bad_request(e.body_text()))
}

/// `GET /statements`: filters, full-text search, pagination.
async fn statements(State(app): State<App>, uri: axum::http::Uri) -> Result<Json<Value>, AppError> {
    let p: SearchParams = params(uri.query())?;
    let result = app
        .blocking(move |app| app.search(&p))
        .await??
        .map_err(|e| AppError::bad_request(e.0))?;
    Ok(Json(json!({
        "total": result.total,
        "limit": result.limit,
        "offset": result.offset,
        "statements": result.hits.iter().map(query::Hit::to_json).collect::<Vec<_>>(),
    })))
}

/// How many chars of context `GET /statements/{id}` gives either side.
const API_CONTEXT_CHARS: usize = 400;

/// `GET /statements/{id}`: the statement and its context in the document.
async fn statement(State(app): State<App>, Path(id): Path<i64>) -> Result<Json<Value>, AppError> {
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
    let Some((hit, body)) = found else {
        return Err(AppError::not_found(format!("no statement {id}")));
    };
    let [s, e] = hit.span();
    let chars: Vec<char> = body.chars().collect();
    let (s, e) = (
        s.min(chars.len()),
        e.min(chars.len()).max(s.min(chars.len())),
    );
    let from = s.saturating_sub(API_CONTEXT_CHARS);
    let to = (e + API_CONTEXT_CHARS).min(chars.len());
    let text = |a: usize, b: usize| chars[a..b].iter().collect::<String>();
    let mut v = hit.to_json();
    if let Value::Object(m) = &mut v {
        m.insert(
            "context".into(),
            json!({
                "start": from,
                "end": to,
                "before": text(from, s),
                "quote": text(s, e),
                "after": text(e, to),
            }),
        );
    }
    Ok(Json(v))
}

/// `GET /documents`: every stored document, without bodies.
async fn documents(State(app): State<App>) -> Result<Json<Value>, AppError> {
    let docs = app.blocking(|app| app.store().documents()).await??;
    let list: Vec<Value> = docs
        .iter()
        .map(|d| {
            json!({
                "id": d.id,
                "doc_key": d.doc_key,
                "title": d.title,
                "published": d.published,
                "outlet": d.outlet,
                "url": d.url,
                "author": d.author,
                "language": d.language,
                "source": d.source,
                "content_hash": d.content_hash,
                "pack_id": d.pack_id,
                "pack_version": d.pack_version,
                "ingested_at": d.ingested_at,
                "statements": d.statements,
            })
        })
        .collect();
    Ok(Json(json!({"total": list.len(), "documents": list})))
}

/// `GET /documents/{id}`: a document with its body.
async fn document(State(app): State<App>, Path(id): Path<i64>) -> Result<Json<Value>, AppError> {
    let doc = app.blocking(move |app| app.store().document(id)).await??;
    let Some(d) = doc else {
        return Err(AppError::not_found(format!("no document {id}")));
    };
    Ok(Json(json!({
        "id": id,
        "doc_key": d.id,
        "source": d.source,
        "title": d.meta.title,
        "published": d.meta.published.map(|p| p.to_string()),
        "outlet": d.meta.outlet,
        "url": d.meta.url,
        "author": d.meta.author,
        "language": d.meta.language,
        "body": d.body,
    })))
}

/// What `POST /documents` accepts.
#[derive(Debug, Deserialize)]
struct PostedDocument {
    text: String,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    published: Option<String>,
    #[serde(default)]
    outlet: Option<String>,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    author: Option<String>,
    #[serde(default)]
    language: Option<String>,
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = v.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// `POST /documents`: ingests a document (JSON `{text, title, published,
/// outlet, url}`) when the server was started with an ingest token and the
/// request bears it.
async fn post_document(
    State(app): State<App>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, AppError> {
    if !app.ingest_enabled() {
        return Err(AppError::new(
            StatusCode::FORBIDDEN,
            "this server is read-only: start it with --allow-ingest --token TOKEN to accept documents",
        ));
    }
    if !bearer(&headers).is_some_and(|t| app.token_matches(t)) {
        let mut r = AppError::new(
            StatusCode::UNAUTHORIZED,
            "missing or wrong token: send Authorization: Bearer TOKEN",
        )
        .into_response();
        r.headers_mut()
            .insert(header::WWW_AUTHENTICATE, "Bearer".parse().expect("static"));
        return Ok(r);
    }
    let posted: PostedDocument = serde_json::from_slice(&body)
        .map_err(|e| AppError::bad_request(format!("the body is not a document: {e}")))?;
    if posted.text.trim().is_empty() {
        return Err(AppError::bad_request("text: empty"));
    }
    // One JSON line, read the way `tealeaf ingest` reads JSON lines, so
    // metadata means the same here as there.
    let mut line = serde_json::Map::new();
    line.insert("text".into(), posted.text.into());
    for (k, v) in [
        ("title", posted.title),
        ("published", posted.published),
        ("outlet", posted.outlet),
        ("url", posted.url),
        ("id", posted.id),
        ("author", posted.author),
        ("language", posted.language),
    ] {
        if let Some(v) = v.filter(|v| !v.trim().is_empty()) {
            line.insert(k.into(), v.into());
        }
    }
    let line = Value::Object(line).to_string();
    let mut docs = jsonl::parse("api", line.as_bytes());
    let doc = match docs.pop() {
        Some(Ok(d)) if docs.is_empty() => d,
        Some(Err(e)) => return Err(AppError::bad_request(e.to_string())),
        _ => return Err(AppError::bad_request("the body is not one document")),
    };
    let outcome = app
        .blocking(move |app| {
            let statements = tealeaf_core::extract(&doc, app.pack());
            let outcome = app
                .store()
                .ingest_document(&doc, &statements, &app.pack().info);
            if matches!(outcome, Ok(IngestOutcome::New { .. })) {
                app.bump();
                crate::optimize(&app.store());
            }
            outcome
        })
        .await??;
    Ok(match outcome {
        IngestOutcome::New {
            document_id,
            statements,
        } => (
            StatusCode::CREATED,
            Json(json!({"status": "new", "document_id": document_id, "statements": statements})),
        )
            .into_response(),
        IngestOutcome::Unchanged { document_id } => (
            StatusCode::OK,
            Json(json!({"status": "unchanged", "document_id": document_id, "statements": Value::Null})),
        )
            .into_response(),
    })
}

#[derive(Debug, Deserialize, Default)]
#[serde(default)]
struct ActorsParams {
    /// Every pack actor, not only those with statements.
    all: Option<bool>,
}

/// `GET /actors`: pack actors with their statement counts.
async fn actors(State(app): State<App>, uri: axum::http::Uri) -> Result<Json<Value>, AppError> {
    let p: ActorsParams = params(uri.query())?;
    let counts = app
        .blocking(|app| query::counts_by(&app.store(), "speaker_id"))
        .await??;
    let counts: HashMap<String, usize> = counts.into_iter().collect();
    let pack = app.pack();
    let mut list: Vec<Value> = pack
        .actors
        .iter()
        .filter(|a| p.all.unwrap_or(false) || counts.contains_key(&a.id))
        .map(|a| actor_json(a, counts.get(&a.id).copied().unwrap_or(0)))
        .collect();
    list.sort_by(|a, b| {
        b["statements"]
            .as_u64()
            .cmp(&a["statements"].as_u64())
            .then_with(|| a["name"].as_str().cmp(&b["name"].as_str()))
    });
    Ok(Json(json!({"total": list.len(), "actors": list})))
}

fn date_str(d: Option<tealeaf_core::pack::PackDate>) -> Value {
    match d {
        None => Value::Null,
        Some(tealeaf_core::pack::PackDate::Day(d)) => d.to_string().into(),
        Some(tealeaf_core::pack::PackDate::Month(y, m)) => format!("{y}-{m:02}").into(),
        Some(tealeaf_core::pack::PackDate::Year(y)) => y.to_string().into(),
    }
}

pub(crate) fn actor_json(a: &tealeaf_core::pack::Actor, statements: usize) -> Value {
    json!({
        "id": a.id,
        "name": a.name,
        "kind": format!("{:?}", a.kind).to_lowercase(),
        "country": a.country,
        "aliases": a.aliases,
        "roles": a.roles.iter().map(|r| json!({
            "title": r.title,
            "institution": r.institution,
            "from": date_str(r.from),
            "to": date_str(r.to),
        })).collect::<Vec<_>>(),
        "factions": a.factions.iter().map(|f| json!({
            "name": f.name,
            "from": date_str(f.from),
            "to": date_str(f.to),
        })).collect::<Vec<_>>(),
        "statements": statements,
    })
}

/// `GET /actors/{id}`: one actor, its roles and factions, and its
/// statements' stances.
async fn actor(State(app): State<App>, Path(id): Path<String>) -> Result<Json<Value>, AppError> {
    let Some(i) = app.pack().actor_index(&id) else {
        return Err(AppError::not_found(format!("no actor {id:?} in the pack")));
    };
    let p = SearchParams {
        speaker_id: Some(id.clone()),
        limit: Some(1),
        ..Default::default()
    };
    let total = app
        .blocking(move |app| app.search(&p))
        .await??
        .map_err(|e| AppError::bad_request(e.0))?
        .total;
    let stances = {
        let id = id.clone();
        app.blocking(move |app| -> anyhow::Result<Vec<(String, usize)>> {
            let store = app.store();
            let mut st = store.conn().prepare_cached(
                "SELECT coalesce(stance, 'none'), count(*) FROM statements \
                 WHERE speaker_id = ?1 GROUP BY 1 ORDER BY 1",
            )?;
            let rows = st
                .query_map([&id], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
        .await??
    };
    let mut v = actor_json(&app.pack().actors[i], total);
    if let Value::Object(m) = &mut v {
        m.insert(
            "stances".into(),
            stances
                .into_iter()
                .map(|(k, n)| (k, Value::from(n)))
                .collect::<serde_json::Map<_, _>>()
                .into(),
        );
    }
    Ok(Json(v))
}

/// `GET /outlets`: pack outlets and outlets met in statements, with counts.
async fn outlets(State(app): State<App>) -> Result<Json<Value>, AppError> {
    let counts = app
        .blocking(|app| query::counts_by(&app.store(), "outlet_id"))
        .await??;
    let pack = app.pack();
    let list: Vec<Value> = counts
        .iter()
        .map(|(id, n)| {
            let o = pack.outlets.iter().find(|o| &o.id == id);
            json!({
                "id": id,
                "name": o.map(|o| o.name.clone()),
                "affiliation": o.and_then(|o| o.affiliation.clone()),
                "kind": o.and_then(|o| o.kind.clone()),
                "country": o.and_then(|o| o.country.clone()),
                "speaks_for": o.and_then(|o| o.speaks_for.clone()),
                "statements": n,
            })
        })
        .collect();
    Ok(Json(json!({"total": list.len(), "outlets": list})))
}

/// Runs an analysis on the cached corpus with the request's parameters.
async fn analyse(
    app: App,
    uri: &axum::http::Uri,
    f: impl FnOnce(&analysis::Corpus, &App, &analysis::Resolved, &AnalysisParams) -> Value
    + Send
    + 'static,
) -> Result<Json<Value>, AppError> {
    let p: AnalysisParams = params(uri.query())?;
    let r = p.resolve(app.pack()).map_err(AppError::bad_request)?;
    let v = app
        .blocking(move |app| -> anyhow::Result<Value> {
            let corpus = app.corpus()?;
            Ok(f(&corpus, app, &r, &p))
        })
        .await??;
    Ok(Json(v))
}

/// Runs timeline, shifts or divergence on the stored facts
/// (`fast`), or on the corpus when the store needs it: same answer.
async fn analyse_fast(
    app: App,
    uri: &axum::http::Uri,
    quick: impl FnOnce(&crate::fast::Slice<'_>, &App, &analysis::Resolved) -> Vec<u8> + Send + 'static,
    slow: impl FnOnce(&analysis::Corpus, &App, &analysis::Resolved) -> Value + Send + 'static,
) -> Result<Response, AppError> {
    let p: AnalysisParams = params(uri.query())?;
    let r = p.resolve(app.pack()).map_err(AppError::bad_request)?;
    let body = app
        .blocking(move |app| -> anyhow::Result<Vec<u8>> {
            if let Some(v) = app.with_slice(&r, |s| quick(s, app, &r))? {
                return Ok(v);
            }
            let corpus = app.corpus()?;
            Ok(serde_json::to_vec(&slow(&corpus, app, &r))?)
        })
        .await??;
    // The bytes are JSON already: what `Json` would send.
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

async fn timeline(State(app): State<App>, uri: axum::http::Uri) -> Result<Response, AppError> {
    analyse_fast(
        app,
        &uri,
        |s, app, r| s.timeline(app.pack(), r),
        |c, app, r| analysis::timeline(c, app.pack(), r),
    )
    .await
}

async fn shifts(State(app): State<App>, uri: axum::http::Uri) -> Result<Response, AppError> {
    analyse_fast(
        app,
        &uri,
        |s, _, r| s.shifts(r),
        |c, _, r| analysis::shifts(c, r),
    )
    .await
}

async fn divergence(State(app): State<App>, uri: axum::http::Uri) -> Result<Response, AppError> {
    analyse_fast(
        app,
        &uri,
        |s, app, r| s.divergence(app.pack(), r),
        |c, app, r| analysis::divergence(c, app.pack(), r),
    )
    .await
}

async fn conditions(State(app): State<App>, uri: axum::http::Uri) -> Result<Json<Value>, AppError> {
    analyse(app, &uri, |c, app, r, _| {
        analysis::conditions(c, app.pack(), r)
    })
    .await
}

async fn channels(State(app): State<App>, uri: axum::http::Uri) -> Result<Json<Value>, AppError> {
    analyse(app, &uri, |c, _, r, _| analysis::channels(c, r)).await
}

async fn network(State(app): State<App>, uri: axum::http::Uri) -> Result<Json<Value>, AppError> {
    analyse(app, &uri, |c, app, r, _| {
        serde_json::to_value(analysis::network(c, app.pack(), r, r.kind)).unwrap_or_default()
    })
    .await
}

/// The Content-Security-Policy of the brief as a standalone HTML page: its
/// own inline stylesheet, and nothing else (no script at all).
pub const STANDALONE_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; \
     base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// `GET /brief?format=json|md|html`.
async fn brief(State(app): State<App>, uri: axum::http::Uri) -> Result<Response, AppError> {
    let p: AnalysisParams = params(uri.query())?;
    let format = p.format.clone().unwrap_or_else(|| "json".into());
    if !["json", "md", "html"].contains(&format.as_str()) {
        return Err(AppError::bad_request(format!(
            "format: {format:?} is not json, md or html"
        )));
    }
    let r = p.resolve(app.pack()).map_err(AppError::bad_request)?;
    let (brief, json) = app
        .blocking(move |app| -> anyhow::Result<_> {
            let corpus = app.corpus()?;
            let b = analysis::brief(&corpus, app.pack(), &r);
            let json = analysis::brief_json(&corpus, &b);
            Ok((b, json))
        })
        .await??;
    Ok(match format.as_str() {
        "md" => (
            [(header::CONTENT_TYPE, "text/markdown; charset=utf-8")],
            tealeaf_core::report::to_markdown(&brief),
        )
            .into_response(),
        "html" => (
            [
                (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                (header::CONTENT_SECURITY_POLICY, STANDALONE_CSP),
            ],
            tealeaf_core::report::to_html(&brief),
        )
            .into_response(),
        _ => Json(json).into_response(),
    })
}
