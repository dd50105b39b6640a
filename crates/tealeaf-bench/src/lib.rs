//! tealeaf-bench: corpora and measurements for tealeaf's performance targets.
pub mod generator;
