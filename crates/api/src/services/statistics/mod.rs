//! City statistics served from the database: the talent-demand outlook and early warning per
//! program class (task 7 of the city plan). The formulas and methods are the domain's
//! (`chanjiao_domain::statistics`); this module only aggregates the recorded history.

pub mod cells;
pub mod facts;
pub mod filter;
pub mod indicators;
pub mod open_data;
pub mod outlook;
pub mod reports;
pub mod supply_demand;
pub mod supply_demand_postings;
pub mod supply_demand_section;
pub mod targets;
