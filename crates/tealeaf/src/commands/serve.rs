//! `tealeaf serve`: the web workbench and JSON API over a store
//! (see the `tealeaf-serve` crate).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use tealeaf_store::Store;

/// The environment variable that may hold the ingest token (safer than a
/// command-line argument, which other users can see in `ps`).
pub const TOKEN_ENV: &str = "TEALEAF_INGEST_TOKEN";

/// What `tealeaf serve` was asked for.
pub struct Options<'a> {
    pub db: &'a Path,
    pub addr: &'a str,
    pub demo: bool,
    pub allow_ingest: bool,
    pub token: Option<String>,
    pub pack: Option<&'a Path>,
}

/// A temporary directory removed when dropped.
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A store in a fresh temporary directory holding the demo corpus.
fn demo_store(pack: &tealeaf_core::Pack) -> anyhow::Result<(Store, TempDir)> {
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let dir = std::env::temp_dir().join(format!("tealeaf-demo-{}-{stamp}", std::process::id()));
    std::fs::create_dir_all(&dir)
        .with_context(|| format!("{}: cannot create the demo directory", dir.display()))?;
    let dir = TempDir(dir);
    let mut store = Store::open(dir.0.join("demo.db"))?;
    let mut statements = 0;
    let docs = crate::demo::documents();
    for doc in &docs {
        let found = tealeaf_core::extract(doc, pack);
        statements += found.len();
        store.ingest_document(doc, &found, &pack.info)?;
    }
    eprintln!(
        "tealeaf serve: demo store with {} document(s), {statements} statement(s)",
        docs.len()
    );
    Ok((store, dir))
}

pub fn run(o: Options) -> anyhow::Result<ExitCode> {
    let addr: SocketAddr = o
        .addr
        .parse()
        .with_context(|| format!("--addr {}: expected IP:PORT, e.g. 127.0.0.1:8080", o.addr))?;
    let token = o
        .token
        .or_else(|| std::env::var(TOKEN_ENV).ok())
        .filter(|t| !t.trim().is_empty());
    let token = match (o.allow_ingest, token) {
        (true, Some(t)) if t.len() >= 8 => Some(t),
        (true, Some(_)) => anyhow::bail!("--token: use at least 8 characters"),
        (true, None) => {
            anyhow::bail!("--allow-ingest needs a token: --token TOKEN or {TOKEN_ENV}")
        }
        (false, _) => None,
    };
    if !addr.ip().is_loopback() {
        eprintln!(
            "tealeaf serve: warning: listening on {addr}, reachable from other machines; \
             the server has no TLS and no login"
        );
    }
    let pack = super::load_pack(o.pack)?;
    let (store, _tempdir) = if o.demo {
        let (s, d) = demo_store(&pack)?;
        (s, Some(d))
    } else {
        (Store::open(o.db)?, None)
    };
    let app = tealeaf_serve::App::new(store, pack, token);
    let writable = app.ingest_enabled();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(tealeaf_serve::serve(app, addr, |bound| {
        eprintln!(
            "tealeaf serve: http://{bound}/ ({}; Ctrl-C stops)",
            if writable {
                "ingest allowed with the token: POST /api/v1/documents"
            } else {
                "read-only"
            }
        );
    }))?;
    Ok(ExitCode::SUCCESS)
}
