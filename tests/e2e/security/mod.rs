//! Cross-cutting security: the access policy, the authorization matrix, abuse limits and hostile inputs (docs/security.md).

pub(crate) mod abuse;
pub(crate) mod access;
pub(crate) mod actors;
pub(crate) mod anonymous_reads;
pub(crate) mod api_input;
pub(crate) mod authz_fixtures;
pub(crate) mod authz_matrix;
pub(crate) mod authz_resources;
pub(crate) mod hostile_files;
pub(crate) mod hostile_inputs;
