//! tealeaf-core: the pure extraction core.
//!
//! Data flows one way, one module per stage:
//! `document` (bytes → documents) → `sentences` → `mentions` → `statements`.
//! `pack` holds the actors, outlets and issues; `eval` scores output against
//! hand-coded gold. Nothing here reads files, touches the network or keeps
//! global state: text and pack in, statements out.

pub mod document;
pub mod eval;
pub mod pack;
