//! HTML pages: metadata from the head, the article text from the body.
//!
//! Metadata, first found wins:
//!
//! * title: `og:title`, `twitter:title`, `<title>`, the first `<h1>`, JSON-LD
//!   `headline`;
//! * published: `article:published_time`, `og:published_time`, `date`,
//!   `pubdate`, `publish-date`, `itemprop=datePublished`, a few common
//!   vendor keys (`parsely-pub-date`, `dc.date`, `dcterms.date`,
//!   `sailthru.date`), a `<time datetime>` inside `<article>`, JSON-LD
//!   `datePublished`;
//! * outlet: `og:site_name`, `application-name`, JSON-LD `publisher.name`;
//! * author: `name=author`, `article:author`, JSON-LD `author` names;
//! * url: `<link rel=canonical>`, `og:url`;
//! * language: `<html lang>`, `http-equiv=content-language`;
//! * extra: `description`, `keywords`, `section`, `modified`.
//!
//! Main text: the `<article>` with the most text, else `<main>`, else the
//! element whose `<p>` children hold the most text, else `<body>`. Inside it,
//! scripts, styles, navigation, headers, footers, asides, forms, iframes,
//! SVG, templates, buttons, media and `hidden` / `aria-hidden` elements are
//! dropped. Every block element (p, h1–h6, li, blockquote, pre, td, a div's
//! own text, …) becomes one paragraph with its whitespace collapsed to
//! single spaces; list items start with `- `; paragraphs are joined with a
//! blank line.

use std::collections::HashMap;

use scraper::{ElementRef, Html, Node};
use serde_json::Value;

use super::{DocumentError, Meta};

/// Elements dropped with everything inside them.
const DROP: &[&str] = &[
    "script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe", "svg",
    "template", "button", "select", "textarea", "input", "object", "embed", "canvas", "video",
    "audio", "map", "dialog", "head", "title", "meta", "link",
];

/// Elements whose start and end break the text into paragraphs.
const BLOCKS: &[&str] = &[
    "address",
    "article",
    "blockquote",
    "body",
    "caption",
    "center",
    "dd",
    "details",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hgroup",
    "hr",
    "html",
    "legend",
    "li",
    "main",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
];

/// Extracts the article text and metadata of an HTML page.
pub fn extract(source: &str, text: &str) -> Result<(String, Meta), DocumentError> {
    let doc = Html::parse_document(text);
    let meta = metadata(&doc);
    let body = main_text(&doc);
    if body.is_empty() {
        return Err(DocumentError::NoText {
            source_name: source.to_string(),
            reason: "the HTML page has no visible text".to_string(),
        });
    }
    Ok((body, meta))
}

fn name_of<'a>(el: &ElementRef<'a>) -> &'a str {
    el.value().name()
}

fn is_dropped(el: &ElementRef<'_>) -> bool {
    let v = el.value();
    DROP.contains(&v.name())
        || v.attr("hidden").is_some()
        || v.attr("aria-hidden")
            .is_some_and(|a| a.trim().eq_ignore_ascii_case("true"))
}

fn has_ancestor(el: &ElementRef<'_>, name: &str) -> bool {
    el.ancestors()
        .filter_map(ElementRef::wrap)
        .any(|a| name_of(&a) == name)
}

/// Whitespace runs collapsed to one space, ends trimmed.
fn collapse(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

fn element_text(el: &ElementRef<'_>) -> String {
    collapse(&el.text().collect::<String>())
}

fn non_empty(s: impl AsRef<str>) -> Option<String> {
    let s = collapse(s.as_ref());
    (!s.is_empty()).then_some(s)
}

/// One walk over the page's elements collecting what the metadata needs.
#[derive(Default)]
struct Head {
    /// `<meta>` content by lower-cased property / name / itemprop.
    metas: HashMap<String, String>,
    http_equiv: HashMap<String, String>,
    title: Option<String>,
    h1: Option<String>,
    canonical: Option<String>,
    lang: Option<String>,
    item_published: Option<String>,
    article_time: Option<String>,
    json_ld: Vec<Value>,
}

fn collect_head(doc: &Html) -> Head {
    let mut head = Head::default();
    let root = doc.root_element();
    head.lang = root.value().attr("lang").and_then(non_empty);
    for el in root.descendent_elements() {
        let v = el.value();
        match v.name() {
            "meta" => {
                let Some(content) = v.attr("content").and_then(non_empty) else {
                    continue;
                };
                for key in ["property", "name", "itemprop"] {
                    if let Some(k) = v.attr(key) {
                        let k = k.trim().to_ascii_lowercase();
                        if !k.is_empty() {
                            head.metas.entry(k).or_insert_with(|| content.clone());
                        }
                    }
                }
                if let Some(k) = v.attr("http-equiv") {
                    head.http_equiv
                        .entry(k.trim().to_ascii_lowercase())
                        .or_insert(content);
                }
            }
            "title" if head.title.is_none() && !has_ancestor(&el, "svg") => {
                head.title = non_empty(element_text(&el));
            }
            "h1" if head.h1.is_none() => head.h1 = non_empty(element_text(&el)),
            "link" if head.canonical.is_none() => {
                let canonical = v.attr("rel").is_some_and(|rel| {
                    rel.split_whitespace()
                        .any(|r| r.eq_ignore_ascii_case("canonical"))
                });
                if canonical {
                    head.canonical = v.attr("href").and_then(non_empty);
                }
            }
            "time" if head.article_time.is_none() && has_ancestor(&el, "article") => {
                head.article_time = v.attr("datetime").and_then(non_empty);
            }
            "script" => {
                let is_ld = v
                    .attr("type")
                    .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/ld+json"));
                if is_ld {
                    let raw: String = el.text().collect();
                    let raw = raw.trim().trim_end_matches(';');
                    if let Ok(value) = serde_json::from_str::<Value>(raw) {
                        head.json_ld.push(value);
                    }
                }
            }
            _ => {}
        }
        // itemprop=datePublished on any element but <meta> (handled above).
        if head.item_published.is_none()
            && v.name() != "meta"
            && v.attr("itemprop")
                .is_some_and(|p| p.trim().eq_ignore_ascii_case("datepublished"))
        {
            head.item_published = v
                .attr("content")
                .or_else(|| v.attr("datetime"))
                .and_then(non_empty)
                .or_else(|| non_empty(element_text(&el)));
        }
    }
    head
}

/// The JSON-LD object describing the article: the first object (depth
/// first) with a `datePublished` or `headline`.
fn json_ld_article(values: &[Value]) -> Option<&serde_json::Map<String, Value>> {
    let mut stack: Vec<&Value> = values.iter().rev().collect();
    while let Some(v) = stack.pop() {
        match v {
            Value::Object(map) => {
                if map.contains_key("datePublished") || map.contains_key("headline") {
                    return Some(map);
                }
                // `@graph` and nested objects, in document order.
                let mut kids: Vec<&Value> = map.values().collect();
                kids.reverse();
                stack.extend(kids);
            }
            Value::Array(items) => stack.extend(items.iter().rev()),
            _ => {}
        }
    }
    None
}

/// A JSON-LD string, or the `name` of an object, or those of an array.
fn json_ld_names(v: &Value) -> Option<String> {
    let names: Vec<String> = match v {
        Value::String(s) => vec![s.clone()],
        Value::Object(m) => m
            .get("name")
            .and_then(Value::as_str)
            .map(str::to_string)
            .into_iter()
            .collect(),
        Value::Array(items) => items.iter().filter_map(json_ld_names).collect(),
        _ => Vec::new(),
    };
    non_empty(names.join(", "))
}

fn metadata(doc: &Html) -> Meta {
    let head = collect_head(doc);
    let meta_of = |keys: &[&str]| keys.iter().find_map(|k| head.metas.get(*k).cloned());
    let article = json_ld_article(&head.json_ld);
    let ld = |key: &str| article.and_then(|a| a.get(key));

    let mut meta = Meta {
        title: meta_of(&["og:title", "twitter:title"])
            .or_else(|| head.title.clone())
            .or_else(|| head.h1.clone())
            .or_else(|| ld("headline").and_then(Value::as_str).and_then(non_empty)),
        outlet: meta_of(&["og:site_name", "application-name"])
            .or_else(|| ld("publisher").and_then(json_ld_names)),
        author: meta_of(&["author", "article:author"])
            .or_else(|| ld("author").and_then(json_ld_names)),
        url: head.canonical.clone().or_else(|| meta_of(&["og:url"])),
        language: head
            .lang
            .clone()
            .or_else(|| head.http_equiv.get("content-language").cloned()),
        ..Meta::default()
    };
    let published = meta_of(&[
        "article:published_time",
        "og:published_time",
        "date",
        "pubdate",
        "publish-date",
        "datepublished",
    ])
    .or_else(|| head.item_published.clone())
    .or_else(|| {
        meta_of(&[
            "parsely-pub-date",
            "dc.date",
            "dc.date.issued",
            "dcterms.date",
            "dcterms.created",
            "sailthru.date",
        ])
    })
    .or_else(|| head.article_time.clone())
    .or_else(|| {
        ld("datePublished")
            .and_then(Value::as_str)
            .and_then(non_empty)
    });
    if let Some(raw) = published {
        meta.set_published(raw);
    }
    let extras = [
        ("description", &["description", "og:description"][..]),
        ("keywords", &["keywords", "news_keywords"][..]),
        ("section", &["article:section"][..]),
        (
            "modified",
            &["article:modified_time", "og:updated_time"][..],
        ),
    ];
    for (name, keys) in extras {
        if let Some(v) = meta_of(keys) {
            meta.extra.insert(name.to_string(), v);
        }
    }
    meta
}

/// Builds paragraphs from text and block boundaries.
#[derive(Default)]
struct Blocks {
    out: Vec<String>,
    cur: String,
    /// `- ` for the next paragraph, set by an open `<li>`.
    prefix: bool,
}

impl Blocks {
    fn flush(&mut self) {
        let text = collapse(&self.cur);
        self.cur.clear();
        if !text.is_empty() {
            self.out.push(if self.prefix {
                format!("- {text}")
            } else {
                text
            });
            self.prefix = false;
        }
    }
}

enum Step<'a> {
    Open(ElementRef<'a>),
    Close(&'a str),
    Text(&'a str),
}

/// The paragraphs under `root`, without the dropped elements.
fn blocks(root: ElementRef<'_>) -> Vec<String> {
    let mut b = Blocks::default();
    // An explicit stack: deeply nested pages must not overflow the call stack.
    let mut stack = vec![Step::Open(root)];
    while let Some(step) = stack.pop() {
        match step {
            Step::Text(t) => b.cur.push_str(t),
            Step::Close(name) => {
                if BLOCKS.contains(&name) {
                    b.flush();
                }
                if name == "li" {
                    b.prefix = false;
                }
            }
            Step::Open(el) => {
                if is_dropped(&el) {
                    // Keep words on either side of it apart.
                    b.cur.push(' ');
                    continue;
                }
                let name = name_of(&el);
                if name == "br" {
                    b.cur.push(' ');
                    continue;
                }
                if BLOCKS.contains(&name) {
                    b.flush();
                }
                if name == "li" {
                    b.prefix = true;
                }
                stack.push(Step::Close(name));
                let kids: Vec<_> = el.children().collect();
                for kid in kids.into_iter().rev() {
                    match kid.value() {
                        Node::Text(t) => stack.push(Step::Text(t)),
                        Node::Element(_) => {
                            if let Some(e) = ElementRef::wrap(kid) {
                                stack.push(Step::Open(e));
                            }
                        }
                        _ => {}
                    }
                }
            }
        }
    }
    b.flush();
    b.out
}

/// The largest text among `candidates`, if any has text.
fn best(candidates: impl Iterator<Item = Vec<String>>) -> Option<Vec<String>> {
    candidates
        .map(|blocks| {
            let len: usize = blocks.iter().map(String::len).sum();
            (len, blocks)
        })
        .filter(|(len, _)| *len > 0)
        // max_by_key keeps the last of equals; prefer the first.
        .fold(None, |acc: Option<(usize, Vec<String>)>, cur| match acc {
            Some(a) if a.0 >= cur.0 => Some(a),
            _ => Some(cur),
        })
        .map(|(_, blocks)| blocks)
}

/// The elements under `root` (itself included) outside dropped subtrees,
/// in document order.
fn live_elements(root: ElementRef<'_>) -> Vec<ElementRef<'_>> {
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(el) = stack.pop() {
        if is_dropped(&el) {
            continue;
        }
        out.push(el);
        let kids: Vec<_> = el.child_elements().collect();
        stack.extend(kids.into_iter().rev());
    }
    out
}

fn main_text(doc: &Html) -> String {
    let root = doc.root_element();
    let live = live_elements(root);
    let named = |name: &'static str| live.iter().filter(move |e| name_of(e) == name).copied();
    let found = best(named("article").map(blocks))
        .or_else(|| best(named("main").map(blocks)))
        .or_else(|| {
            // The element whose <p> children hold the most text; of equals,
            // the one whose first <p> comes first.
            let mut slot = HashMap::new();
            let mut parents: Vec<(ElementRef<'_>, usize)> = Vec::new();
            for p in named("p") {
                let Some(parent) = p.parent().and_then(ElementRef::wrap) else {
                    continue;
                };
                let i = *slot.entry(parent.id()).or_insert_with(|| {
                    parents.push((parent, 0));
                    parents.len() - 1
                });
                parents[i].1 += element_text(&p).len();
            }
            parents.sort_by_key(|(_, len)| std::cmp::Reverse(*len));
            parents
                .into_iter()
                .filter(|(_, len)| *len > 0)
                .map(|(e, _)| blocks(e))
                .find(|b| !b.is_empty())
        })
        .or_else(|| best(named("body").map(blocks)))
        .or_else(|| best(std::iter::once(blocks(root))));
    found.unwrap_or_default().join("\n\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn run(html: &str) -> (String, Meta) {
        extract("page.html", html).expect("extracts")
    }

    #[test]
    fn article_text_without_chrome() {
        let html = r##"<!DOCTYPE html>
<html lang="en-GB">
<head>
  <title>Fallback title | Site</title>
  <meta property="og:title" content="Envoys hold a second round">
  <meta property="og:site_name" content="The Example Post">
  <meta name="author" content="Jo Reporter">
  <meta property="article:published_time" content="2025-02-27T09:30:00+01:00">
  <meta name="description" content="A short summary.">
  <link rel="canonical" href="https://example.org/2025/envoys">
  <style>p { color: red }</style>
  <script>var x = "<p>not text</p>";</script>
</head>
<body>
  <nav><a href="/">Home</a> <a href="/world">World</a></nav>
  <header><h1>Site banner</h1></header>
  <article>
    <h1>Envoys hold a second round</h1>
    <p>The first   envoy said
       the talks were &quot;useful&quot; &amp; frank.</p>
    <script>trackView();</script>
    <iframe src="https://ads.example.org/"></iframe>
    <p>A second paragraph with <a href="#">a link</a> and <em>emphasis</em>.</p>
    <ul><li>One point</li><li><p>Another point</p></li></ul>
    <blockquote>We will meet again, she said.</blockquote>
    <div>Direct div text <span>continues</span></div>
    <aside>Related: other stories</aside>
    <form><input name="q"><button>Search</button></form>
    <noscript>Enable JavaScript</noscript>
    <svg><text>chart label</text></svg>
  </article>
  <footer>Copyright notice</footer>
</body></html>"##;
        let (body, meta) = run(html);
        assert_eq!(
            body,
            "Envoys hold a second round\n\n\
             The first envoy said the talks were \"useful\" & frank.\n\n\
             A second paragraph with a link and emphasis.\n\n\
             - One point\n\n\
             - Another point\n\n\
             We will meet again, she said.\n\n\
             Direct div text continues"
        );
        assert_eq!(meta.title.as_deref(), Some("Envoys hold a second round"));
        assert_eq!(meta.outlet.as_deref(), Some("The Example Post"));
        assert_eq!(meta.author.as_deref(), Some("Jo Reporter"));
        assert_eq!(meta.url.as_deref(), Some("https://example.org/2025/envoys"));
        assert_eq!(meta.language.as_deref(), Some("en-GB"));
        assert_eq!(meta.published, NaiveDate::from_ymd_opt(2025, 2, 27));
        assert_eq!(
            meta.published_raw.as_deref(),
            Some("2025-02-27T09:30:00+01:00")
        );
        assert_eq!(
            meta.extra.get("description").map(String::as_str),
            Some("A short summary.")
        );
    }

    #[test]
    fn entities_are_decoded() {
        let (body, meta) = run(
            "<html><head><title>Caf&eacute; &amp; co &#8211; news</title></head>\
             <body><p>Fish&nbsp;&amp;&nbsp;chips cost &pound;5 &lt;today&gt; &#x2014; yes.</p></body></html>",
        );
        assert_eq!(body, "Fish & chips cost £5 <today> — yes.");
        assert_eq!(meta.title.as_deref(), Some("Café & co – news"));
    }

    #[test]
    fn title_fallbacks() {
        let (_, meta) = run(
            r#"<meta name="twitter:title" content="Tweet title"><title>Doc title</title><p>x</p>"#,
        );
        assert_eq!(meta.title.as_deref(), Some("Tweet title"));
        let (_, meta) = run("<title>  Doc\n title </title><p>x</p>");
        assert_eq!(meta.title.as_deref(), Some("Doc title"));
        let (_, meta) = run("<body><h1>Heading <b>one</b></h1><p>x</p></body>");
        assert_eq!(meta.title.as_deref(), Some("Heading one"));
    }

    #[test]
    fn date_sources_in_order() {
        let cases = [
            (
                r#"<meta property="og:published_time" content="2024-01-02">"#,
                "2024-01-02",
            ),
            (r#"<meta name="date" content="2024/01/03">"#, "2024/01/03"),
            (r#"<meta name="pubdate" content="20240104">"#, "20240104"),
            (
                r#"<meta name="publish-date" content="5 January 2024">"#,
                "5 January 2024",
            ),
            (
                r#"<meta itemprop="datePublished" content="2024-01-06">"#,
                "2024-01-06",
            ),
            (
                r#"<span itemprop="datePublished" content="2024-01-07">7 Jan</span>"#,
                "2024-01-07",
            ),
            (
                r#"<article><time datetime="2024-01-08T12:00:00Z">Jan 8</time><p>t</p></article>"#,
                "2024-01-08T12:00:00Z",
            ),
            (
                r#"<script type="application/ld+json">
                   {"@context":"https://schema.org","@graph":[
                     {"@type":"WebSite","name":"Site"},
                     {"@type":"NewsArticle","headline":"LD headline",
                      "datePublished":"2024-01-09T08:00:00-05:00",
                      "author":[{"@type":"Person","name":"Ana"},{"name":"Ben"}],
                      "publisher":{"@type":"Organization","name":"LD Times"}}]}
                   </script>"#,
                "2024-01-09T08:00:00-05:00",
            ),
        ];
        for (i, (snippet, raw)) in cases.iter().enumerate() {
            let html = format!("<html><head></head><body>{snippet}<p>Some text.</p></body></html>");
            let (_, meta) = run(&html);
            assert_eq!(meta.published_raw.as_deref(), Some(*raw), "{snippet}");
            let day = 2 + i as u32;
            assert_eq!(
                meta.published,
                NaiveDate::from_ymd_opt(2024, 1, day),
                "{snippet}"
            );
        }
        // A <time> outside any <article> is not a publication date.
        let (_, meta) = run(r#"<p><time datetime="2024-01-01">x</time> text</p>"#);
        assert_eq!(meta.published_raw, None);
        // article:published_time beats JSON-LD.
        let (_, meta) = run(
            r#"<meta property="article:published_time" content="2023-05-06">
               <script type="application/ld+json">{"datePublished":"2020-01-01"}</script><p>x</p>"#,
        );
        assert_eq!(meta.published, NaiveDate::from_ymd_opt(2023, 5, 6));
    }

    #[test]
    fn json_ld_fills_gaps() {
        let (_, meta) = run(
            r#"<script type="application/ld+json">[{"@type":"NewsArticle","headline":"Only in LD",
               "datePublished":"Thu, 27 Feb 2025 10:00:00 +0000","author":"Solo Writer",
               "publisher":{"name":"LD Daily"}}]</script><p>Body text.</p>"#,
        );
        assert_eq!(meta.title.as_deref(), Some("Only in LD"));
        assert_eq!(meta.published, NaiveDate::from_ymd_opt(2025, 2, 27));
        assert_eq!(meta.author.as_deref(), Some("Solo Writer"));
        assert_eq!(meta.outlet.as_deref(), Some("LD Daily"));
        // Broken JSON-LD is ignored, not an error.
        let (body, meta) = run(
            r#"<script type="application/ld+json">{"datePublished": </script><p>Still here.</p>"#,
        );
        assert_eq!(body, "Still here.");
        assert_eq!(meta.published_raw, None);
    }

    #[test]
    fn outlet_author_url_fallbacks() {
        let (_, meta) = run(
            r#"<html lang=" fa "><meta name="application-name" content="App Outlet">
               <meta property="article:author" content="https://example.org/by/someone">
               <meta property="og:url" content="https://example.org/og"><p>x</p>"#,
        );
        assert_eq!(meta.outlet.as_deref(), Some("App Outlet"));
        assert_eq!(
            meta.author.as_deref(),
            Some("https://example.org/by/someone")
        );
        assert_eq!(meta.url.as_deref(), Some("https://example.org/og"));
        assert_eq!(meta.language.as_deref(), Some("fa"));
    }

    #[test]
    fn main_then_paragraph_parent_then_body() {
        let (body, _) =
            run("<body><div>Menu text</div><main><p>Main one.</p><p>Main two.</p></main></body>");
        assert_eq!(body, "Main one.\n\nMain two.");

        let (body, _) = run("<body><div class=side><p>Short.</p></div>\
             <div class=story><h2>Sub</h2><p>A longer paragraph of text.</p><p>And more text here.</p></div>\
             <div>Trailing widget</div></body>");
        assert_eq!(
            body,
            "Sub\n\nA longer paragraph of text.\n\nAnd more text here."
        );

        let (body, _) = run("<body><div>Only <b>div</b> text</div><td>cell</td></body>");
        assert_eq!(body, "Only div text\n\ncell");
    }

    #[test]
    fn largest_article_wins_and_dropped_articles_ignored() {
        let (body, _) = run(
            "<aside><article><p>A very long related-story teaser that should be ignored.</p></article></aside>\
             <article><p>Short teaser.</p></article>\
             <article><p>The main story has the most text of all.</p></article>",
        );
        assert_eq!(body, "The main story has the most text of all.");
    }

    #[test]
    fn empty_article_falls_back() {
        let (body, _) = run("<article><nav>Links</nav></article><p>Real text.</p>");
        assert_eq!(body, "Real text.");
    }

    #[test]
    fn hidden_elements_and_tables() {
        let (body, _) = run(
            "<article><p hidden>secret</p><p aria-hidden=\"true\">icon</p>\
             <table><tr><th>Name</th><td>Value one</td></tr></table>\
             <pre>  code   line\n  two</pre><p>Line<br>break</p></article>",
        );
        assert_eq!(body, "Name\n\nValue one\n\ncode line two\n\nLine break");
    }

    #[test]
    fn nested_lists() {
        let (body, _) = run("<ul><li>Outer<ul><li>Inner</li></ul></li><li></li><li>Last</li></ul>");
        assert_eq!(body, "- Outer\n\n- Inner\n\n- Last");
    }

    #[test]
    fn broken_html_does_not_panic() {
        for html in [
            "<p>Unclosed <b>bold <i>italic</p> tail",
            "<html><body><div><p>text</div></span></body></html></html>",
            "<<<>>><p>ok</p>",
            "<p>a</p><!-- comment <p>not</p> -->",
            "<table><p>stray</table>",
            "<script>never closed",
            "</p></p></div>",
        ] {
            let _ = extract("b.html", html);
        }
        let (body, _) = run("<p>Unclosed <b>bold <i>italic</p> tail");
        assert!(body.starts_with("Unclosed bold italic"), "{body}");
        let (body, _) = run("<p>a</p><!-- comment <p>not</p> -->");
        assert_eq!(body, "a");
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let depth = 5_000;
        let html = format!(
            "{}<p>deep</p>{}",
            "<div>".repeat(depth),
            "</div>".repeat(depth)
        );
        let result = extract("deep.html", &html);
        assert!(
            matches!(result, Ok((ref b, _)) if b.contains("deep")),
            "{result:?}"
        );
    }

    #[test]
    fn no_text_is_an_error() {
        for html in [
            "<html><head><title>Only a title</title></head><body></body></html>",
            "<script>only()</script><style>x{}</style>",
            "<nav>menu</nav><footer>foot</footer>",
        ] {
            let err = extract("blank.html", html).unwrap_err();
            assert!(
                matches!(err, DocumentError::NoText { .. }),
                "{html}: {err:?}"
            );
            assert!(err.to_string().contains("blank.html"));
        }
    }
}
