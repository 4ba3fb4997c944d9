//! Running the platform as an operator does: real `chanjiao serve` processes on one PostgreSQL
//! database behind nginx configured by `deploy/nginx/chanjiao.conf`, restarted one by one.

pub(crate) mod cluster;
pub(crate) mod load;
pub(crate) mod nginx;
pub(crate) mod node;
