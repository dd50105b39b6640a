//! HTML building: escaping, the page layout, the quote in its context.
//!
//! Every piece of stored text (article bodies, quotes, names, titles, query
//! parameters echoed back) goes through [`escape`] before it reaches a
//! page; the only markup on a page is the markup written in this crate.

use std::fmt::Write as _;

/// Escapes text for HTML element content and quoted attribute values:
/// `&`, `<`, `>`, `"` and `'`.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    push_escaped(&mut out, text);
    out
}

/// [`escape`], appending to `out`.
pub fn push_escaped(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

/// Percent-encodes a query parameter value.
pub fn url_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => {
                let _ = write!(out, "%{b:02X}");
            }
        }
    }
    out
}

/// A query string from pairs, skipping empty values: `?a=1&b=x+y`, or ""
/// when nothing is left.
pub fn query_string<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let parts: Vec<String> = pairs
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", url_encode(v)))
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}

/// The pages of the navigation bar: (path, label).
const NAV: &[(&str, &str)] = &[
    ("/", "Dashboard"),
    ("/search", "Statements"),
    ("/actors", "Actors"),
    ("/brief", "Brief"),
    ("/network", "Network"),
];

/// A whole page: head (CSS and JS from `/assets/`), navigation with
/// `active` marked, the title as `<h1>`, then `body` (already HTML).
pub fn page(title: &str, active: &str, body: &str) -> String {
    let mut out = String::with_capacity(body.len() + 2048);
    out.push_str(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
    );
    push_escaped(&mut out, title);
    out.push_str(
        " · tealeaf</title>\n<link rel=\"stylesheet\" href=\"/assets/app.css\">\n\
         <link rel=\"icon\" href=\"/assets/favicon.svg\" type=\"image/svg+xml\">\n\
         <script src=\"/assets/app.js\" defer></script>\n</head>\n<body>\n\
         <header class=\"top\"><a class=\"brand\" href=\"/\">tealeaf</a>\
         <button class=\"nav-toggle\" type=\"button\" aria-expanded=\"false\" \
         aria-controls=\"nav\">Menu</button><nav id=\"nav\">",
    );
    for (path, label) in NAV {
        let current = if *path == active {
            " aria-current=\"page\""
        } else {
            ""
        };
        let _ = write!(out, "<a href=\"{path}\"{current}>{label}</a>");
    }
    out.push_str("</nav></header>\n<main>\n<h1>");
    push_escaped(&mut out, title);
    out.push_str("</h1>\n");
    out.push_str(body);
    out.push_str(
        "\n</main>\n<footer>tealeaf — every statement traced to the characters it came from. \
         <a href=\"/api/v1/openapi.json\">API</a></footer>\n</body>\n</html>\n",
    );
    out
}

/// How many chars of the document to show either side of a quote.
pub const CONTEXT_CHARS: usize = 280;

/// The quote `span` (char offsets) in its context: up to `window` chars of
/// `body` either side, cut at word boundaries, with `…` where cut, the
/// quote in `<mark>`, and everything escaped. Paragraph breaks show as ¶.
pub fn context_html(body: &str, span: [usize; 2], window: usize) -> String {
    let chars: Vec<char> = body.chars().collect();
    let n = chars.len();
    let start = span[0].min(n);
    let end = span[1].clamp(start, n);
    let mut from = start.saturating_sub(window);
    let mut to = (end + window).min(n);
    // Cut at a word boundary, inside the window.
    if from > 0 {
        while from < start && !chars[from - 1].is_whitespace() {
            from += 1;
        }
    }
    if to < n {
        while to > end && !chars[to].is_whitespace() {
            to -= 1;
        }
    }
    let piece = |a: usize, b: usize| -> String {
        let s: String = chars[a..b].iter().collect();
        let s = s.replace("\r\n", "\n");
        let mut out = String::new();
        let mut first = true;
        for para in s.split("\n\n") {
            if !first {
                out.push_str(" <span class=\"para\">¶</span> ");
            }
            first = false;
            push_escaped(&mut out, &para.replace('\n', " "));
        }
        out
    };
    let mut out = String::new();
    if from > 0 {
        out.push('…');
    }
    out.push_str(&piece(from, start));
    out.push_str("<mark>");
    out.push_str(&piece(start, end));
    out.push_str("</mark>");
    out.push_str(&piece(end, to));
    if to < n {
        out.push('…');
    }
    out
}

/// The whole document body as paragraphs, with `span` in `<mark id="quote">`.
pub fn document_html(body: &str, span: Option<[usize; 2]>) -> String {
    let chars: Vec<char> = body.chars().collect();
    let n = chars.len();
    let (start, end) = match span {
        Some([a, b]) => (a.min(n), b.clamp(a.min(n), n)),
        None => (n, n),
    };
    let text = |a: usize, b: usize| -> String { chars[a..b].iter().collect() };
    // Mark first, then split into paragraphs on the escaped text: markers
    // are private-use chars that cannot come from `escape`.
    let mut marked = text(0, start);
    if span.is_some() {
        marked.push('\u{E000}');
        marked.push_str(&text(start, end));
        marked.push('\u{E001}');
    }
    marked.push_str(&text(end, n));
    let marked = marked.replace("\r\n", "\n");
    let mut out = String::new();
    for para in marked.split("\n\n").filter(|p| !p.trim().is_empty()) {
        out.push_str("<p>");
        let escaped = escape(para.trim_matches('\n'))
            .replace('\n', "<br>")
            .replace('\u{E000}', "<mark id=\"quote\">")
            .replace('\u{E001}', "</mark>");
        out.push_str(&escaped);
        out.push_str("</p>\n");
    }
    // A quote running over paragraphs: close and reopen the mark at each.
    fix_marks_across_paragraphs(&out)
}

fn fix_marks_across_paragraphs(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut open = false;
    for line in html.split_inclusive('\n') {
        let mut l = line.to_string();
        if open && l.starts_with("<p>") {
            l = l.replacen("<p>", "<p><mark>", 1);
        }
        let opens = l.matches("<mark").count();
        let closes = l.matches("</mark>").count();
        if opens > closes {
            l = l.replacen("</p>", "</mark></p>", 1);
            open = true;
        } else if opens == closes {
            // Balanced on this line; state unchanged.
        } else {
            open = false;
        }
        out.push_str(&l);
    }
    out
}

/// A stance as a small coloured label.
pub fn stance_badge(stance: Option<&str>) -> String {
    match stance {
        Some(s) => {
            let class = match s {
                "support" | "oppose" | "conditional" | "neutral" => s,
                _ => "other",
            };
            format!("<span class=\"badge {class}\">{}</span>", escape(s))
        }
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_neutralises_markup() {
        assert_eq!(
            escape("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
        assert_eq!(escape("plain – ünïcode"), "plain – ünïcode");
        assert_eq!(escape(""), "");
        assert!(!escape("<img src=x onerror=alert(1)>").contains('<'));
    }

    #[test]
    fn context_marks_the_span_and_escapes() {
        let body = "Before <b>bold</b>. \"We <script>x</script> talk,\" he said. After.";
        let start = body.find("We").unwrap();
        let end = body.find(",\"").unwrap();
        let start = body[..start].chars().count();
        let end = body[..end].chars().count();
        let html = context_html(body, [start, end], 1000);
        assert!(html.contains("<mark>We &lt;script&gt;x&lt;/script&gt; talk</mark>"));
        assert!(html.contains("&lt;b&gt;bold&lt;/b&gt;"));
        assert!(!html.contains("<script>"));
        assert!(!html.contains("<b>"));
    }

    #[test]
    fn context_cuts_at_words_with_ellipses() {
        let body = "one two three four five six seven eight nine ten";
        let s = body.find("five").unwrap();
        let html = context_html(body, [s, s + 4], 6);
        assert!(html.starts_with('…'));
        assert!(html.ends_with('…'));
        assert!(html.contains("<mark>five</mark>"));
        // No partial words at the edges.
        assert!(html.contains("four"));
        assert!(!html.contains("hree"));
    }

    #[test]
    fn context_counts_chars_not_bytes() {
        let body = "Zarif – «قال» said: “No talks.”";
        let start = body.chars().position(|c| c == 'N').unwrap();
        let html = context_html(body, [start, start + 8], 100);
        assert!(html.contains("<mark>No talks</mark>"), "{html}");
    }

    #[test]
    fn document_marks_across_paragraphs() {
        let body = "First para.\n\n\"Quote starts\n\nand ends.\" He said.\n\nLast <i>.";
        let s = body.find("Quote").unwrap();
        let e = body.find("ends.").unwrap() + 4;
        let html = document_html(body, Some([s, e]));
        assert_eq!(
            html.matches("<mark").count(),
            html.matches("</mark>").count()
        );
        assert!(html.contains("<mark id=\"quote\">Quote starts</mark></p>"));
        assert!(html.contains("<p><mark>and ends</mark>"));
        assert!(html.contains("Last &lt;i&gt;."));
    }

    #[test]
    fn query_strings_encode() {
        assert_eq!(
            query_string([
                ("q", "no talks & <x>"),
                ("stance", ""),
                ("issue", "us-talks")
            ]),
            "?q=no+talks+%26+%3Cx%3E&issue=us-talks"
        );
        assert_eq!(query_string([("q", "")]), "");
    }
}
