//! Placeholder: the TABARI importer is being written.
