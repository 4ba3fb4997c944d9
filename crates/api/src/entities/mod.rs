//! Database rows, one module per table. These are persistence types only: they hold strings
//! where the domain has enums, and services convert at the boundary.

pub mod login_failures;
pub mod organizations;
pub mod sessions;
pub mod users;
