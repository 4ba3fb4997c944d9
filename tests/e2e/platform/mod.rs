//! The platform as a whole: the command line, the demo city, several nodes, the OpenAPI document, metrics and the pages shared by every feature.

pub(crate) mod audit;
pub(crate) mod backup;
pub(crate) mod cli;
pub(crate) mod cluster_imports;
pub(crate) mod cluster_jobs;
pub(crate) mod conventions;
pub(crate) mod crawl;
pub(crate) mod demo;
pub(crate) mod demo_story;
pub(crate) mod doctor;
pub(crate) mod draining;
pub(crate) mod integration_docs;
pub(crate) mod metrics;
pub(crate) mod nodes;
pub(crate) mod openapi;
pub(crate) mod openapi_live;
pub(crate) mod pages;
pub(crate) mod phone;
pub(crate) mod progress;
pub(crate) mod retries;
pub(crate) mod screenshots;
