//! The API and pages, through the router (no socket): filters, pagination,
//! full-text search, escaping, security headers, limits, ingest with and
//! without a token, and the OpenAPI document against the routes.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tealeaf_core::document::{Format, parse};
use tealeaf_core::{Pack, extract};
use tealeaf_serve::{App, CSP, router};
use tealeaf_store::Store;
use tower::ServiceExt;

/// Articles written for these tests.
const DOCS: &[(&str, &str)] = &[
    (
        "khamenei-feb.txt",
        "title: Leader rejects talks\npublished: 2025-02-07\noutlet: IRNA\n\n\
         Supreme Leader Ayatollah Ali Khamenei said on Friday: \"Negotiating with America is not \
         smart, wise or honourable.\" He added that negotiations with the United States would not \
         solve any of the country's problems.\n",
    ),
    (
        "araghchi-jan.txt",
        "title: Araghchi on conditions\npublished: 2025-01-20\noutlet: Tasnim\n\n\
         Foreign Minister Abbas Araghchi said on Monday that Iran was ready for talks with the \
         United States if Washington ended its maximum pressure campaign.\n",
    ),
    (
        "hostile.txt",
        "title: A <script>alert('title')</script> headline\npublished: 2019-08-26\noutlet: Etemad\n\n\
         Mohammad Javad Zarif said: \"We will negotiate <script>alert('x')</script> with \
         America when sanctions are lifted.\" The remarks came at Biarritz.\n",
    ),
    (
        "salami.txt",
        "title: Guards commander on talks\npublished: 2025-02-09\noutlet: Tasnim\n\n\
         IRGC commander Hossein Salami told Tasnim News Agency on Sunday that negotiations with \
         America were a trap and would never serve the nation.\n\n\
         \"We will not negotiate under pressure,\" Foreign Minister Abbas Araghchi told the \
         reformist daily Etemad on Sunday.\n",
    ),
    (
        "pezeshkian.txt",
        "title: President on diplomacy\npublished: 2025-02-10\noutlet: Etemad\n\n\
         President Masoud Pezeshkian said on Monday that he supported negotiations with the United \
         States, because diplomacy serves the nation.\n",
    ),
];

fn app_with(token: Option<&str>) -> App {
    let pack = Pack::default_pack().unwrap();
    let mut store = Store::open_in_memory().unwrap();
    for (name, text) in DOCS {
        let doc = parse(name, text.as_bytes(), Format::Text)
            .remove(0)
            .unwrap();
        let statements = extract(&doc, &pack);
        store
            .ingest_document(&doc, &statements, &pack.info)
            .unwrap();
    }
    App::new(store, pack, token.map(str::to_string))
}

struct Answer {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

async fn send(app: &App, req: Request<Body>) -> Answer {
    let res = router(app.clone()).oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    Answer {
        status,
        headers,
        body: String::from_utf8(bytes.to_vec()).unwrap(),
    }
}

async fn get(app: &App, uri: &str) -> Answer {
    send(app, Request::get(uri).body(Body::empty()).unwrap()).await
}

fn texts(v: &Value) -> Vec<String> {
    v["statements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["text"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn statements_paginate_with_total() {
    let app = app_with(None);
    let all = get(&app, "/api/v1/statements?limit=500").await;
    assert_eq!(all.status, StatusCode::OK, "{}", all.body);
    let all = all.json();
    let total = all["total"].as_u64().unwrap() as usize;
    assert!(total >= 5, "{all}");
    assert_eq!(texts(&all).len(), total);
    // Newest first.
    let dates: Vec<&str> = all["statements"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["date"].as_str())
        .collect();
    let mut sorted = dates.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(dates, sorted);
    // Pages of two cover everything once, in order.
    let mut paged = Vec::new();
    let mut offset = 0;
    while offset < total {
        let page = get(&app, &format!("/api/v1/statements?limit=2&offset={offset}"))
            .await
            .json();
        assert_eq!(page["total"].as_u64().unwrap() as usize, total);
        assert_eq!(page["limit"], 2);
        assert_eq!(page["offset"].as_u64().unwrap() as usize, offset);
        let t = texts(&page);
        assert!(!t.is_empty() && t.len() <= 2);
        paged.extend(t);
        offset += 2;
    }
    assert_eq!(paged, texts(&all));
    // Past the end: empty, same total.
    let past = get(&app, "/api/v1/statements?offset=1000").await.json();
    assert_eq!(past["total"].as_u64().unwrap() as usize, total);
    assert!(texts(&past).is_empty());
    // Stable field names.
    let s = &all["statements"][0];
    for key in [
        "id",
        "document_id",
        "document_title",
        "published",
        "doc",
        "span",
        "text",
        "speaker",
        "speaker_id",
        "speaker_role",
        "faction",
        "outlet",
        "outlet_affiliation",
        "date",
        "topic",
        "stance",
        "conditions",
        "rule",
    ] {
        assert!(s.get(key).is_some(), "field {key} missing: {s}");
    }
}

#[tokio::test]
async fn statements_filter_on_every_field() {
    let app = app_with(None);
    let all = get(&app, "/api/v1/statements?limit=500").await.json();
    let statements = all["statements"].as_array().unwrap().clone();
    // For each filter, the value of the first statement that has one: the
    // answer holds exactly the statements with that value.
    for (param, field) in [
        ("speaker_id", "speaker_id"),
        ("actor", "speaker_id"),
        ("issue", "topic"),
        ("topic", "topic"),
        ("stance", "stance"),
        ("faction", "faction"),
        ("outlet", "outlet_id"),
        ("affiliation", "outlet_affiliation"),
    ] {
        let Some(value) = statements.iter().find_map(|s| s[field].as_str()) else {
            panic!("no statement has {field}: {all}");
        };
        let want: Vec<i64> = statements
            .iter()
            .filter(|s| s[field].as_str() == Some(value))
            .map(|s| s["id"].as_i64().unwrap())
            .collect();
        let uri = format!(
            "/api/v1/statements?limit=500&{param}={}",
            value.replace(' ', "+")
        );
        let got = get(&app, &uri).await;
        assert_eq!(got.status, StatusCode::OK, "{uri}: {}", got.body);
        let got: Vec<i64> = got.json()["statements"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["id"].as_i64().unwrap())
            .collect();
        assert_eq!(got, want, "{uri}");
        assert!(got.len() < statements.len() || param == "issue" || param == "topic");
    }
    // An outlet by name or by id.
    let by_id = get(&app, "/api/v1/statements?outlet=etemad").await.json();
    let by_name = get(&app, "/api/v1/statements?outlet=Etemad").await.json();
    assert!(by_id["total"].as_u64().unwrap() >= 1);
    assert_eq!(by_id["statements"], by_name["statements"]);
    // A value no statement has: nothing.
    let none = get(&app, "/api/v1/statements?speaker_id=nobody-at-all")
        .await
        .json();
    assert_eq!(none["total"], 0);
    // Dates: inclusive range.
    let feb = get(
        &app,
        "/api/v1/statements?from=2025-02-01&to=2025-02-28&limit=500",
    )
    .await
    .json();
    assert!(feb["total"].as_u64().unwrap() > 0);
    for s in feb["statements"].as_array().unwrap() {
        let d = s["date"].as_str().unwrap();
        assert!(d.starts_with("2025-02"), "{d}");
    }
    let day = get(&app, "/api/v1/statements?from=2025-02-07&to=2025-02-07")
        .await
        .json();
    assert!(day["total"].as_u64().unwrap() > 0);
    // Filters combine.
    let both = get(
        &app,
        "/api/v1/statements?speaker_id=ali-khamenei&stance=oppose&from=2025-01-01",
    )
    .await
    .json();
    assert!(both["total"].as_u64().unwrap() >= 1, "{both}");
    for s in both["statements"].as_array().unwrap() {
        assert_eq!(s["speaker_id"], "ali-khamenei");
        assert_eq!(s["stance"], "oppose");
    }
    // Empty values count as absent (forms send every field).
    let empty = get(&app, "/api/v1/statements?issue=&stance=&q=&limit=500")
        .await
        .json();
    assert_eq!(empty["total"], all["total"]);
    // Bad values are 400s with a reason.
    let bad = get(&app, "/api/v1/statements?from=last-week").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.json()["error"].as_str().unwrap().contains("from"));
    let bad = get(&app, "/api/v1/statements?limit=many").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn full_text_search() {
    let app = app_with(None);
    let hits = get(&app, "/api/v1/statements?q=honourable").await.json();
    assert_eq!(hits["total"], 1, "{hits}");
    assert!(texts(&hits)[0].contains("honourable"));
    assert_eq!(hits["statements"][0]["speaker_id"], "ali-khamenei");
    // Every word must match; case and diacritics do not matter.
    let hits = get(&app, "/api/v1/statements?q=SMART+Wise").await.json();
    assert_eq!(hits["total"], 1);
    let none = get(&app, "/api/v1/statements?q=honourable+biarritz")
        .await
        .json();
    assert_eq!(none["total"], 0);
    // Speaker names are searchable too.
    let by_name = get(&app, "/api/v1/statements?q=Pezeshkian").await.json();
    assert!(by_name["total"].as_u64().unwrap() >= 1);
    // FTS5 syntax is plain text, never an error.
    for q in [
        "NEAR(a", "%22", "a*+OR+b", "text:foo", "-", "AND", "%5Ex", "%27%3B",
    ] {
        let r = get(&app, &format!("/api/v1/statements?q={q}")).await;
        assert_eq!(r.status, StatusCode::OK, "q={q}: {}", r.body);
    }
    // Search with a filter.
    let r = get(&app, "/api/v1/statements?q=negotiations&stance=support")
        .await
        .json();
    for s in r["statements"].as_array().unwrap() {
        assert_eq!(s["stance"], "support");
    }
}

#[tokio::test]
async fn article_text_is_escaped_in_pages() {
    let app = app_with(None);
    // The search page shows the quote in context.
    let page = get(&app, "/search?q=negotiate+sanctions").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("<script>alert"));
    assert!(page.body.contains("<mark>"));
    // The document title too.
    assert!(
        page.body
            .contains("A &lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt; headline")
    );
    // The statement page, with the whole document.
    let id = get(&app, "/api/v1/statements?q=negotiate+sanctions")
        .await
        .json()["statements"][0]["id"]
        .as_i64()
        .unwrap();
    let page = get(&app, &format!("/statements/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("&lt;script&gt;"));
    assert!(!page.body.contains("<script>alert"));
    assert!(page.body.contains("<mark id=\"quote\">"));
    // Query parameters echoed back.
    let page = get(&app, "/search?q=%3Cscript%3Ealert(1)%3C/script%3E").await;
    assert!(!page.body.contains("<script>alert(1)"));
    assert!(page.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    // Every page: no script but the embedded asset.
    for uri in ["/", "/search", "/actors", "/brief", "/network"] {
        let p = get(&app, uri).await;
        assert_eq!(p.status, StatusCode::OK, "{uri}");
        assert_eq!(
            p.body.matches("<script").count(),
            1,
            "{uri}: only app.js may be a script"
        );
        assert!(
            p.body
                .contains("<script src=\"/assets/app.js\" defer></script>")
        );
    }
    // The brief as HTML and Markdown.
    let b = get(&app, "/api/v1/brief?format=html").await;
    assert_eq!(b.status, StatusCode::OK);
    assert!(!b.body.contains("<script>alert"));
}

#[tokio::test]
async fn security_headers_on_every_response() {
    let app = app_with(None);
    for uri in [
        "/",
        "/search?q=talks",
        "/actors",
        "/actors/ali-khamenei",
        "/brief",
        "/network",
        "/statements/1",
        "/no-such-page",
        "/assets/app.css",
        "/assets/app.js",
        "/api/v1/statements",
        "/api/v1/openapi.json",
        "/api/v1/nothing",
    ] {
        let r = get(&app, uri).await;
        assert_eq!(
            r.headers.get(header::CONTENT_SECURITY_POLICY).unwrap(),
            CSP,
            "{uri}"
        );
        assert!(CSP.contains(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:"
        ));
        assert_eq!(
            r.headers.get(header::X_CONTENT_TYPE_OPTIONS).unwrap(),
            "nosniff",
            "{uri}"
        );
    }
    assert_eq!(
        get(&app, "/no-such-page").await.status,
        StatusCode::NOT_FOUND
    );
    let css = get(&app, "/assets/app.css").await;
    assert!(
        css.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/css")
    );
    let js = get(&app, "/assets/app.js").await;
    assert!(
        js.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/javascript")
    );
}

#[tokio::test]
async fn limits_on_queries_and_bodies() {
    let app = app_with(Some("s3cret"));
    let long = "a".repeat(tealeaf_serve::MAX_QUERY_BYTES + 10);
    let r = get(&app, &format!("/api/v1/statements?q={long}")).await;
    assert_eq!(r.status, StatusCode::URI_TOO_LONG);
    let r = get(&app, &format!("/search?q={long}")).await;
    assert_eq!(r.status, StatusCode::URI_TOO_LONG);
    let big = json!({"text": "x".repeat(tealeaf_serve::MAX_BODY_BYTES + 1)}).to_string();
    let r = send(
        &app,
        Request::post("/api/v1/documents")
            .header(header::AUTHORIZATION, "Bearer s3cret")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(big))
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
}

fn post(token: Option<&str>, body: &Value) -> Request<Body> {
    let mut r = Request::post("/api/v1/documents").header(header::CONTENT_TYPE, "application/json");
    if let Some(t) = token {
        r = r.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    r.body(Body::from(body.to_string())).unwrap()
}

#[tokio::test]
async fn ingest_needs_the_token() {
    let doc = json!({
        "text": "Foreign Minister Abbas Araghchi said on Tuesday that Oman would carry Iran's message \
                 to Washington, and that indirect talks through the Omani mediator were the only path.",
        "title": "Araghchi on Oman",
        "published": "2025-04-08",
        "outlet": "IRNA",
        "url": "https://example.org/a",
    });
    // Read-only server: refused whatever the token.
    let ro = app_with(None);
    for t in [None, Some("anything")] {
        let r = send(&ro, post(t, &doc)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
        assert!(r.json()["error"].as_str().unwrap().contains("read-only"));
    }
    // With a token: refused without it or with another.
    let app = app_with(Some("s3cret"));
    let before = get(&app, "/api/v1/statements?q=Oman").await.json()["total"].clone();
    assert_eq!(before, 0);
    for t in [None, Some("wrong"), Some("s3cre"), Some("s3cret2")] {
        let r = send(&app, post(t, &doc)).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{t:?}");
        assert_eq!(r.headers[header::WWW_AUTHENTICATE], "Bearer");
    }
    // Basic auth is not a bearer token.
    let r = send(
        &app,
        Request::post("/api/v1/documents")
            .header(header::AUTHORIZATION, "Basic s3cret")
            .body(Body::from(doc.to_string()))
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    // Accepted with it, then searchable, and in the analyses' corpus.
    let _ = get(&app, "/api/v1/shifts").await; // cache the corpus first
    let r = send(&app, post(Some("s3cret"), &doc)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let v = r.json();
    assert_eq!(v["status"], "new");
    assert!(v["statements"].as_u64().unwrap() >= 1);
    let found = get(&app, "/api/v1/statements?q=Oman").await.json();
    assert!(found["total"].as_u64().unwrap() >= 1, "{found}");
    assert_eq!(found["statements"][0]["document_title"], "Araghchi on Oman");
    assert_eq!(found["statements"][0]["published"], "2025-04-08");
    let channels = get(&app, "/api/v1/channels?from=2025-04-01").await.json();
    assert!(
        channels["channels"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["mediator"] == "Oman"),
        "the cached corpus was refreshed: {channels}"
    );
    // The same document again: unchanged.
    let r = send(&app, post(Some("s3cret"), &doc)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["status"], "unchanged");
    // Bad bodies.
    for body in [
        json!({"title": "no text"}),
        json!({"text": "  "}),
        json!([1]),
    ] {
        let r = send(&app, post(Some("s3cret"), &body)).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{body}");
    }
}

#[tokio::test]
async fn openapi_describes_every_route() {
    let app = app_with(None);
    let r = get(&app, "/api/v1/openapi.json").await;
    assert_eq!(r.status, StatusCode::OK);
    let doc = r.json();
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().unwrap();
    for (route, methods) in tealeaf_serve::api::ROUTES {
        let p = paths
            .get(*route)
            .unwrap_or_else(|| panic!("openapi.json lacks {route}"));
        for m in *methods {
            assert!(p.get(*m).is_some(), "openapi.json lacks {m} {route}");
        }
    }
    for (path, item) in paths {
        let listed = tealeaf_serve::api::ROUTES
            .iter()
            .find(|(r, _)| r == path)
            .unwrap_or_else(|| panic!("openapi.json describes {path}, not a route"));
        for m in item.as_object().unwrap().keys() {
            assert!(listed.1.contains(&m.as_str()), "{m} {path} is not served");
        }
    }
    // Every $ref resolves.
    let text = r.body.clone();
    for part in text.split("\"$ref\": \"#/components/schemas/").skip(1) {
        let name = &part[..part.find('"').unwrap()];
        assert!(
            doc["components"]["schemas"].get(name).is_some(),
            "dangling $ref {name}"
        );
    }
    // And every GET route answers (no 404 from the router).
    for (route, methods) in tealeaf_serve::api::ROUTES {
        if !methods.contains(&"get") {
            continue;
        }
        let uri = format!(
            "/api/v1{}",
            route.replace(
                "{id}",
                if route.contains("actors") {
                    "ali-khamenei"
                } else {
                    "1"
                }
            )
        );
        let r = get(&app, &uri).await;
        assert_eq!(r.status, StatusCode::OK, "{uri}: {}", r.body);
    }
}

/// `limit` and `offset` page timeline, shifts and divergence: a page is
/// that slice of the whole answer, with the total and the next offset.
#[tokio::test]
async fn analyses_come_in_pages() {
    let app = app_with(None);
    for (route, key) in [
        ("timeline?window=day", "points"),
        ("shifts?from=2019-01-01", "shifts"),
        ("divergence?window=day", "windows"),
    ] {
        let whole = get(&app, &format!("/api/v1/{route}&limit=all"))
            .await
            .json();
        let items = whole[key].as_array().unwrap().clone();
        let n = items.len();
        assert!(n >= 1, "{route}: {n}");
        assert_eq!(
            (
                &whole["total"],
                &whole["offset"],
                &whole["limit"],
                &whole["next_offset"]
            ),
            (&Value::from(n), &Value::from(0), &Value::Null, &Value::Null)
        );
        // The default page is 200 items: everything here.
        let default = get(&app, &format!("/api/v1/{route}")).await.json();
        assert_eq!(default[key].as_array().unwrap(), &items);
        assert_eq!(default["limit"], 200);
        let page = get(&app, &format!("/api/v1/{route}&limit=1&offset=0"))
            .await
            .json();
        assert_eq!(page[key].as_array().unwrap(), &items[..1], "{route}");
        let next = if n > 1 { Value::from(1) } else { Value::Null };
        assert_eq!(
            (&page["total"], &page["next_offset"]),
            (&Value::from(n), &next)
        );
        let last = get(&app, &format!("/api/v1/{route}&limit=5&offset={}", n - 1))
            .await
            .json();
        assert_eq!(last[key].as_array().unwrap(), &items[n - 1..], "{route}");
        assert_eq!(last["next_offset"], Value::Null);
        let past = get(&app, &format!("/api/v1/{route}&limit=0&offset={n}"))
            .await
            .json();
        assert!(past[key].as_array().unwrap().is_empty());
        assert_eq!(past["next_offset"], Value::Null);
    }
}

#[tokio::test]
async fn analyses_answer_json() {
    let app = app_with(None);
    let t = get(
        &app,
        "/api/v1/timeline?issue=us-talks&by=actor&window=month",
    )
    .await;
    assert_eq!(t.status, StatusCode::OK, "{}", t.body);
    let t = t.json();
    let points = t["points"].as_array().unwrap();
    let k = points
        .iter()
        .find(|p| p["group"] == "ali-khamenei")
        .unwrap_or_else(|| panic!("{t}"));
    let ids = k["statement_ids"].as_array().unwrap();
    assert_eq!(ids.len(), k["statements"].as_array().unwrap().len());
    assert!(!ids.is_empty());
    for by in ["faction", "outlet", "country", "institution"] {
        let r = get(&app, &format!("/api/v1/timeline?by={by}")).await;
        assert_eq!(r.status, StatusCode::OK, "{by}");
    }
    let sh = get(&app, "/api/v1/shifts").await.json();
    for s in sh["shifts"].as_array().unwrap() {
        for side in ["from", "to"] {
            let id = s[side]["id"]
                .as_i64()
                .expect("cited statements carry store ids");
            let one = get(&app, &format!("/api/v1/statements/{id}")).await.json();
            assert_eq!(one["text"], s[side]["text"]);
        }
    }
    let d = get(&app, "/api/v1/divergence?window=month").await.json();
    assert!(
        d["formula"]
            .as_str()
            .unwrap()
            .contains("weighted standard deviation")
    );
    assert!(d["windows"].as_array().is_some());
    let c = get(&app, "/api/v1/conditions").await.json();
    assert!(c["conditions"].as_array().is_some());
    let ch = get(&app, "/api/v1/channels").await.json();
    assert!(ch["channels"].as_array().is_some());
    let n = get(&app, "/api/v1/network").await.json();
    assert!(n["nodes"].as_array().is_some());
    // The brief: every line with the store id of its statement.
    let b = get(&app, "/api/v1/brief?from=2025-01-01").await.json();
    let lines: Vec<&Value> = b["days"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|d| d["entries"].as_array().unwrap())
        .flat_map(|e| e["lines"].as_array().unwrap())
        .collect();
    assert!(!lines.is_empty(), "{b}");
    for l in lines {
        let id = l["statement_id"].as_i64().expect("a store id");
        let s = get(&app, &format!("/api/v1/statements/{id}")).await.json();
        assert_eq!(s["text"], l["text"]);
    }
    // The standalone HTML brief: its own inline style, and no script at all.
    let page = get(&app, "/api/v1/brief?format=html").await;
    assert_eq!(page.status, StatusCode::OK);
    let csp = page.headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap();
    assert!(csp.starts_with("default-src 'none'"), "{csp}");
    assert!(!csp.contains("script-src"));
    for kind in ["congruence", "conflict", "two-mode"] {
        let n = get(&app, &format!("/api/v1/network?kind={kind}")).await;
        assert_eq!(n.status, StatusCode::OK, "{kind}");
        assert!(n.json()["nodes"].as_array().is_some());
    }
    assert_eq!(
        get(&app, "/api/v1/network?kind=hairball").await.status,
        StatusCode::BAD_REQUEST
    );
    let md = get(&app, "/api/v1/brief?format=md&from=2025-01-01").await;
    assert_eq!(md.status, StatusCode::OK);
    assert!(
        md.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/markdown")
    );
    assert!(md.body.starts_with("# Brief"));
    for bad in [
        "/api/v1/timeline?by=planet",
        "/api/v1/divergence?window=decade",
        "/api/v1/brief?format=pdf",
        "/api/v1/shifts?from=soon",
        "/api/v1/shifts?limit=many",
        "/api/v1/timeline?offset=-1",
        "/api/v1/conditions?issue=weather",
    ] {
        assert_eq!(
            get(&app, bad).await.status,
            StatusCode::BAD_REQUEST,
            "{bad}"
        );
    }
    let a = get(&app, "/api/v1/actors").await.json();
    assert!(
        a["actors"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["id"] == "ali-khamenei")
    );
    let all = get(&app, "/api/v1/actors?all=true").await.json();
    assert!(all["total"].as_u64() > a["total"].as_u64());
    let one = get(&app, "/api/v1/actors/ali-khamenei").await.json();
    assert!(!one["roles"].as_array().unwrap().is_empty());
    assert!(one["statements"].as_u64().unwrap() >= 1);
    assert_eq!(
        get(&app, "/api/v1/actors/nobody").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(&app, "/api/v1/statements/99999").await.status,
        StatusCode::NOT_FOUND
    );
    let s = get(&app, "/api/v1/statements/1").await.json();
    assert_eq!(s["context"]["quote"], s["text"]);
    let o = get(&app, "/api/v1/outlets").await.json();
    assert!(o["outlets"].as_array().is_some());
    let docs = get(&app, "/api/v1/documents").await.json();
    assert_eq!(docs["total"], DOCS.len());
    let d = get(&app, "/api/v1/documents/1").await.json();
    assert!(d["body"].as_str().unwrap().contains("Khamenei"));
}

#[tokio::test]
async fn pages_show_quotes_actors_and_charts() {
    let app = app_with(None);
    let home = get(&app, "/").await;
    assert!(home.body.contains("Mixed-signals index"));
    assert!(home.body.contains("<svg class=\"chart\""));
    assert!(home.body.contains("Conditions ledger"));
    let actor = get(&app, "/actors/ali-khamenei").await;
    assert_eq!(actor.status, StatusCode::OK);
    assert!(
        actor.body.contains("<h1>Ali Khamenei</h1>"),
        "{}",
        actor.body
    );
    assert!(actor.body.contains("Roles over time"));
    assert!(actor.body.contains("Stance timeline"));
    assert!(actor.body.contains("class=\"dot oppose\""));
    assert!(actor.body.contains("<mark>"));
    assert_eq!(
        get(&app, "/actors/nobody").await.status,
        StatusCode::NOT_FOUND
    );
    let search = get(&app, "/search?q=honourable&issue=us-talks").await;
    assert!(search.body.contains("1 statement(s)"), "{}", search.body);
    assert!(search.body.contains("<mark>"));
    assert!(search.body.contains("honourable"));
    // The form keeps the chosen filters.
    assert!(search.body.contains("value=\"us-talks\" selected"));
    let bad = get(&app, "/search?from=not-a-date").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("<!doctype html>"));
    let net = get(&app, "/network").await;
    assert!(net.body.contains("Congruence and conflict network"));
    let brief = get(&app, "/brief").await;
    assert!(brief.body.contains("Entries"));
}
