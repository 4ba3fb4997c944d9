//! The rows of allocation rounds: the round, its places, students, preferences, enterprises'
//! rankings, results and the access log.

pub mod access_log;
pub mod places;
pub mod preferences;
pub mod rankings;
pub mod results;
pub mod round;
pub mod students;
