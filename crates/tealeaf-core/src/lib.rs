//! tealeaf-core: the pure extraction core.
//!
//! Data flows one way, one module per stage:
//! `document` (bytes → documents) → `sentences` → `quotes` and `dates` →
//! `mentions` → `statements` (attribution, then resolution of speaker,
//! outlet and date). `pack` holds the actors, outlets and issues; `eval`
//! scores output against hand-coded gold. Nothing here reads files, touches
//! the network or keeps mutable global state: text and pack in, statements out.

pub mod analyses;
pub mod coding;
pub mod cues;
pub mod dates;
pub mod document;
pub mod eval;
pub mod mentions;
pub mod pack;
pub mod quotes;
pub mod report;
pub mod sentences;
pub mod statements;
pub mod text;

pub use document::Document;
pub use pack::Pack;
pub use statements::{Statement, extract};
