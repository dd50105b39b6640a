//! tealeaf-serve: the web workbench and JSON API over a tealeaf store.
//!
//! * [`router`] builds the whole application (an axum `Router`) over an
//!   [`App`]: the store, the pack, and whether ingest is allowed.
//! * `/api/v1/…` ([`api`]): statements with filters, full-text search and
//!   pagination; actors, outlets; the analyses (timeline, shifts,
//!   divergence, conditions, channels, brief); `POST /api/v1/documents`
//!   when started with an ingest token. Described by the OpenAPI 3.1
//!   document `openapi.json` served at `/api/v1/openapi.json`.
//! * Pages ([`pages`]): dashboard, actors, search, brief, network, a
//!   statement in its document — HTML rendered on the server, every piece
//!   of stored text escaped with [`html::escape`], charts drawn as SVG on the
//!   server ([`svg`]); CSS and JavaScript embedded and served under
//!   `/assets/`, so the pages work offline and need no inline script.
//! * Safety ([`router`]): read-only unless an ingest token is set; request
//!   bodies up to [`MAX_BODY_BYTES`], query strings up to
//!   [`MAX_QUERY_BYTES`], a [`REQUEST_TIMEOUT`]; a Content-Security-Policy
//!   and `nosniff` on every response. [`serve`] binds loopback unless told
//!   otherwise.
//!
//! The store is one SQLite connection behind a mutex; handlers run their
//! queries on tokio's blocking pool. Views of the statements are cached
//! until the next write: the search facets ([`query::Facets`]: ids,
//! dates and filtered columns, so a search pages in memory and reads only
//! its page from SQLite); the corpus the reports, the dashboard, the
//! conditions ledger and channels run on ([`analysis::Corpus`], every
//! statement decoded); and for timeline, shifts and divergence, the corpus
//! order of every statement and each issue's stored facts in that order
//! ([`fast`]), which answer the same without decoding anything.

pub mod analysis;
pub mod api;
pub mod assets;
pub mod fast;
pub mod html;
pub mod pages;
pub mod query;
pub mod svg;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use tealeaf_core::Pack;
use tealeaf_store::Store;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;

/// Largest request body accepted (a posted document).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
/// Longest query string accepted.
pub const MAX_QUERY_BYTES: usize = 2048;
/// How long a request may take before the server answers 408.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// The Content-Security-Policy of every response: scripts and styles only
/// from `/assets/`, images only from the page itself or `data:` URLs.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; \
     form-action 'self'";

/// The state every handler shares.
#[derive(Clone)]
pub struct App {
    inner: Arc<Inner>,
}

struct Inner {
    store: Mutex<Store>,
    pack: Pack,
    /// The bearer token `POST /api/v1/documents` needs; `None`: read-only.
    ingest_token: Option<String>,
    /// Bumped by every write, so cached analyses know they are stale.
    generation: AtomicU64,
    corpus: Mutex<Option<Arc<analysis::Corpus>>>,
    order: Mutex<Option<Arc<fast::Order>>>,
    views: Mutex<HashMap<String, Arc<fast::IssueView>>>,
    facets: Mutex<Option<Arc<query::Facets>>>,
}

impl App {
    /// An application over `store`, coded with `pack`; `ingest_token`
    /// enables `POST /api/v1/documents` for requests bearing it.
    pub fn new(store: Store, pack: Pack, ingest_token: Option<String>) -> App {
        optimize(&store);
        App {
            inner: Arc::new(Inner {
                store: Mutex::new(store),
                pack,
                ingest_token: ingest_token.filter(|t| !t.is_empty()),
                generation: AtomicU64::new(0),
                corpus: Mutex::new(None),
                order: Mutex::new(None),
                views: Mutex::new(HashMap::new()),
                facets: Mutex::new(None),
            }),
        }
    }

    pub fn pack(&self) -> &Pack {
        &self.inner.pack
    }

    pub fn ingest_enabled(&self) -> bool {
        self.inner.ingest_token.is_some()
    }

    /// Whether `token` is the ingest token (compared in constant time).
    pub fn token_matches(&self, token: &str) -> bool {
        match &self.inner.ingest_token {
            None => false,
            Some(t) => {
                let (a, b) = (t.as_bytes(), token.as_bytes());
                a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
            }
        }
    }

    /// The store, locked. A handler that panicked while holding the lock
    /// does not poison it for the others: SQLite keeps its own consistency.
    pub fn store(&self) -> MutexGuard<'_, Store> {
        self.inner
            .store
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Marks cached analyses stale (after a write).
    pub fn bump(&self) {
        self.inner.generation.fetch_add(1, Ordering::SeqCst);
    }

    /// Every stored statement as the analyses read them, cached until the
    /// next write.
    pub fn corpus(&self) -> anyhow::Result<Arc<analysis::Corpus>> {
        let generation = self.inner.generation.load(Ordering::SeqCst);
        let mut cached = self
            .inner
            .corpus
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(c) = cached.as_ref()
            && c.generation == generation
        {
            return Ok(c.clone());
        }
        let corpus = Arc::new(analysis::Corpus::load(&self.store(), generation)?);
        *cached = Some(corpus.clone());
        Ok(corpus)
    }

    /// The corpus position of every statement ([`fast::Order`]), cached
    /// until the next write.
    pub fn order(&self) -> anyhow::Result<Arc<fast::Order>> {
        let generation = self.inner.generation.load(Ordering::SeqCst);
        let mut cached = self
            .inner
            .order
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(o) = cached.as_ref()
            && o.generation == generation
        {
            return Ok(o.clone());
        }
        let order = Arc::new(fast::Order::load(&self.store(), generation)?);
        *cached = Some(order.clone());
        Ok(order)
    }

    /// The issue's stored facts in corpus order ([`fast::IssueView`]),
    /// cached until the next write.
    pub fn issue_view(
        &self,
        issue: &str,
    ) -> anyhow::Result<(Arc<fast::Order>, Arc<fast::IssueView>)> {
        let order = self.order()?;
        let mut cached = self
            .inner
            .views
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        cached.retain(|_, v| v.generation == order.generation);
        if let Some(v) = cached.get(issue) {
            return Ok((order, v.clone()));
        }
        let view = Arc::new(fast::IssueView::load(&self.store(), &order, issue)?);
        cached.insert(issue.to_string(), view.clone());
        Ok((order, view))
    }

    /// Runs `f` on the issue's facts within `r`'s period ([`fast::Slice`]);
    /// `None` when the store needs the corpus (see [`fast::Slice::new`]).
    pub fn with_slice<T>(
        &self,
        r: &analysis::Resolved,
        f: impl FnOnce(&fast::Slice<'_>) -> T,
    ) -> anyhow::Result<Option<T>> {
        let (order, view) = self.issue_view(&r.issue)?;
        Ok(fast::Slice::new(&order, &view, r).map(|s| f(&s)))
    }

    /// The search facets of every statement, rebuilt after a write.
    pub fn facets(&self) -> anyhow::Result<Arc<query::Facets>> {
        let generation = self.inner.generation.load(Ordering::SeqCst);
        let mut cached = self
            .inner
            .facets
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(f) = cached.as_ref()
            && f.generation == generation
        {
            return Ok(f.clone());
        }
        let facets = Arc::new(query::Facets::load(&self.store(), generation)?);
        *cached = Some(facets.clone());
        Ok(facets)
    }

    /// Statements matching `p`: [`query::search`] on the cached facets.
    pub fn search(
        &self,
        p: &query::SearchParams,
    ) -> anyhow::Result<Result<query::SearchResult, query::BadParam>> {
        let facets = self.facets()?;
        query::search(&self.store(), &facets, p)
    }

    /// Runs `f` on tokio's blocking pool (SQLite and the analyses block).
    pub async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&App) -> T + Send + 'static,
    ) -> Result<T, AppError> {
        let app = self.clone();
        tokio::task::spawn_blocking(move || f(&app))
            .await
            .map_err(|e| AppError::internal(format!("worker failed: {e}")))
    }
}

/// Lets SQLite refresh the statistics its query planner uses (bounded
/// work: `analysis_limit`), so filtered searches pick the right index.
/// A store that cannot be written (read-only file) is served as it is.
pub fn optimize(store: &Store) {
    let _ = store
        .conn()
        .execute_batch("PRAGMA analysis_limit = 2000; PRAGMA optimize = 0x10002;");
}

/// An error answered as JSON (`{"error": …}`) with its status.
#[derive(Debug)]
pub struct AppError {
    pub status: StatusCode,
    pub message: String,
}

impl AppError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> AppError {
        AppError {
            status,
            message: message.into(),
        }
    }

    pub fn bad_request(message: impl Into<String>) -> AppError {
        AppError::new(StatusCode::BAD_REQUEST, message)
    }

    pub fn not_found(message: impl Into<String>) -> AppError {
        AppError::new(StatusCode::NOT_FOUND, message)
    }

    pub fn internal(message: impl Into<String>) -> AppError {
        AppError::new(StatusCode::INTERNAL_SERVER_ERROR, message)
    }
}

impl<E: std::fmt::Display> From<E> for AppError {
    fn from(e: E) -> AppError {
        AppError::internal(e.to_string())
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        (
            self.status,
            axum::Json(serde_json::json!({ "error": self.message })),
        )
            .into_response()
    }
}

/// Rejects a request whose query string is longer than [`MAX_QUERY_BYTES`].
async fn limit_query(req: Request, next: Next) -> Response {
    if req.uri().query().is_some_and(|q| q.len() > MAX_QUERY_BYTES) {
        return AppError::new(
            StatusCode::URI_TOO_LONG,
            format!("the query string is longer than {MAX_QUERY_BYTES} bytes"),
        )
        .into_response();
    }
    next.run(req).await
}

/// The whole application: API, pages, assets, and the safety layers.
pub fn router(app: App) -> Router {
    let security = |name: header::HeaderName, value: &'static str| {
        SetResponseHeaderLayer::overriding(name, HeaderValue::from_static(value))
    };
    Router::new()
        .nest("/api/v1", api::routes())
        .merge(pages::routes())
        .merge(assets::routes())
        .with_state(app)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .layer(middleware::from_fn(limit_query))
        .layer(CompressionLayer::new().gzip(true))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        // A handler may set a stricter policy of its own (the standalone brief).
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        ))
        .layer(security(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(security(header::X_FRAME_OPTIONS, "DENY"))
        .layer(security(header::REFERRER_POLICY, "no-referrer"))
}

/// Serves `app` on `addr` until Ctrl-C (or SIGTERM); `ready` is called with
/// the bound address once the server accepts connections.
pub async fn serve(
    app: App,
    addr: SocketAddr,
    ready: impl FnOnce(SocketAddr),
) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {addr}: {e}"))?;
    ready(listener.local_addr()?);
    axum::serve(listener, router(app))
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}
