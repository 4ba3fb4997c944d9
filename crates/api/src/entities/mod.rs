//! Database rows, one module per table. These are persistence types only: they hold strings
//! where the domain has enums, and services convert at the boundary.

pub mod alerts;
pub mod api_key_scopes;
pub mod api_keys;
pub mod assessments;
pub mod audit_events;
pub mod case_notes;
pub mod delegations;
pub mod designations;
pub mod idempotency_keys;
pub mod import_progress;
pub mod login_failures;
pub mod login_throttles;
pub mod occupation_details;
pub mod organizations;
pub mod periodic_jobs;
pub mod plan_targets;
pub mod posting_codes;
pub mod posting_outbox;
pub mod postings;
pub mod program_occupations;
pub mod program_profiles;
pub mod projects;
pub mod proposal_events;
pub mod proposals;
pub mod rounds;
pub mod school_reports;
pub mod sessions;
pub mod slot_bookings;
pub mod training_slots;
pub mod users;
