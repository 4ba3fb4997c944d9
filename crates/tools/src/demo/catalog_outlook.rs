//! The history behind the demo's outlook (展望/预测): for program classes that a demo school
//! teaches and a demo enterprise recruits for, the last [`YEARS`] complete years of demand (jobs,
//! apprenticeships and order classes, closed, filled or expired by now) and of supply (program
//! offerings' graduates), shaped so the city's outlook has something to say, each verdict
//! traceable to its yearly numbers:
//!
//! - classes of the clusters the plan grows ([`SHORTAGE_CLUSTERS`]: 集成电路, 生物医药, 新材料)
//!   see demand rise about a fifth a year while graduates stay flat: a lasting shortage, listed
//!   under 建议扩大的专业类;
//! - classes of the clusters that consolidate ([`OVERSUPPLY_CLUSTERS`]: 印染, 黄酒) keep their
//!   graduates while demand falls: persistent oversupply, listed under 预警;
//! - the others have demand and supply within a few people of each other: balanced.
//!
//! These are the only postings of the demo that count in the outlook (the other history is of
//! kinds that do not), so the page's numbers are exactly these. Every quantity is planned first
//! and then written into the posting's text by its composer. Plain data, deterministic, dated
//! relative to today like the rest of the catalogue.

use std::collections::BTreeMap;

use chanjiao_domain::{PostingKind, PostingStatus};
use chrono::{Datelike, NaiveDate};

use super::catalog::{DemoPosting, Prng, compose};
use super::catalog_orgs::{ORGS, RowKind};
use super::catalog_subjects::fits;
use super::compose::{Ctx, Subject, program_level, role_for};
use super::texts::{self, Role};

/// Complete years of history before today's year.
pub const YEARS: i32 = 4;
/// Clusters whose classes are in growing shortage.
pub const SHORTAGE_CLUSTERS: &[&str] = &["ic", "biomed", "new_materials"];
/// Clusters whose classes are oversupplied with falling demand.
pub const OVERSUPPLY_CLUSTERS: &[&str] = &["dyeing", "huangjiu"];
/// At most this many classes of each profile, so the lists stay readable and seeding fast.
const MAX_CLASSES: usize = 7;
/// The largest headcount one demand posting asks for; more is spread over several postings.
const MAX_PER_POSTING: i64 = 45;
/// The kinds whose quantity is demand, tried in turn.
const DEMAND_KINDS: [PostingKind; 3] = [PostingKind::Job, PostingKind::OrderClass, PostingKind::Apprenticeship];

/// How a class's demand and supply move over the years.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Profile {
    Shortage,
    Oversupply,
    Balanced,
}

impl Profile {
    fn of_cluster(cluster: &str) -> Profile {
        if SHORTAGE_CLUSTERS.contains(&cluster) {
            Profile::Shortage
        } else if OVERSUPPLY_CLUSTERS.contains(&cluster) {
            Profile::Oversupply
        } else {
            Profile::Balanced
        }
    }

    /// A base headcount for the class, and (demand, supply) in the `i`th year of the history as
    /// multiples of it. The shortage's last fill rate is about 0.3 with a gap of 50+ people; the
    /// oversupply's about 2.5 with a surplus of 50+, and already over 1.25 (and 20 people) in
    /// every year; the balance's within 0.9–1.1 and a few people.
    fn shape(self, rng: &mut Prng) -> (i64, [(f64, f64); YEARS as usize]) {
        match self {
            Profile::Shortage => (rng.range(45, 60), [(1.0, 0.55), (1.22, 0.56), (1.48, 0.55), (1.8, 0.57)]),
            Profile::Oversupply => (rng.range(80, 110), [(0.68, 1.0), (0.58, 1.03), (0.48, 1.0), (0.4, 0.98)]),
            Profile::Balanced => (rng.range(25, 45), [(1.0, 1.02), (1.04, 1.04), (1.07, 1.05), (1.1, 1.08)]),
        }
    }
}

/// One planned class: where its graduates and its demand come from.
struct Plan {
    class: String,
    profile: Profile,
    /// (school, program) pairs teaching the class, with the program's cluster.
    supply: Vec<(usize, &'static str, &'static str)>,
    /// (enterprise, cluster, role) triples recruiting for it.
    demand: Vec<(usize, &'static str, &'static Role)>,
}

/// The classes of the history, by profile then code.
fn plans() -> Vec<Plan> {
    let mut by_class: BTreeMap<String, Plan> = BTreeMap::new();
    for (org, row) in ORGS.iter().enumerate() {
        if let RowKind::School(_) = row.kind {
            for (program, cluster) in row.programs {
                let class = program[..4].to_owned();
                let plan = by_class.entry(class.clone()).or_insert_with(|| Plan {
                    class,
                    profile: Profile::of_cluster(cluster),
                    supply: Vec::new(),
                    demand: Vec::new(),
                });
                plan.supply.push((org, program, cluster));
            }
        }
    }
    for (org, row) in ORGS.iter().enumerate() {
        let RowKind::Enterprise(_) = row.kind else { continue };
        for cluster in row.clusters {
            for role in texts::cluster(cluster).roles {
                if !fits(row.short, role.name) {
                    continue;
                }
                for plan in by_class.values_mut() {
                    if role.programs.iter().any(|p| p.starts_with(plan.class.as_str())) {
                        plan.demand.push((org, cluster, role));
                    }
                }
            }
        }
    }
    let mut plans: Vec<Plan> = by_class.into_values().filter(|p| !p.demand.is_empty()).collect();
    // The classes most schools teach first: the ones a city official would look for.
    plans.sort_by(|a, b| {
        (a.profile, std::cmp::Reverse(a.supply.len()), &a.class).cmp(&(
            b.profile,
            std::cmp::Reverse(b.supply.len()),
            &b.class,
        ))
    });
    let mut kept = Vec::new();
    for profile in [Profile::Shortage, Profile::Oversupply, Profile::Balanced] {
        kept.extend(plans.extract_if(.., |p| p.profile == profile).take(MAX_CLASSES));
    }
    kept
}

/// The planned classes with their profiles, as (class code, profile).
pub fn classes() -> Vec<(String, Profile)> {
    plans().into_iter().map(|p| (p.class, p.profile)).collect()
}

/// Every posting of the outlook's history as of `today`.
pub fn postings(today: NaiveDate) -> Vec<DemoPosting> {
    let last = today.year() - 1;
    let mut out = Vec::new();
    for plan in plans() {
        let seed = plan.class.bytes().fold(17u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)));
        let mut rng = Prng::new(seed);
        let (base, shape) = plan.profile.shape(&mut rng);
        for (i, (demand_factor, supply_factor)) in shape.iter().enumerate() {
            let year = last - (YEARS - 1) + i as i32;
            // A little noise, so no two classes share a curve.
            let jitter =
                |rng: &mut Prng, factor: f64| (base as f64 * factor * rng.range(96, 104) as f64 / 100.0).round();
            let demand = jitter(&mut rng, *demand_factor) as i64;
            let supply = jitter(&mut rng, *supply_factor) as i64;
            let (school, program, cluster) = plan.supply[i % plan.supply.len()];
            if let Some(posting) = supply_posting(school, program, cluster, year, supply, today, &mut rng) {
                out.push(posting);
            }
            let parts = (demand + MAX_PER_POSTING - 1) / MAX_PER_POSTING;
            for part in 0..parts {
                let quantity = demand / parts + i64::from(part < demand % parts);
                let turn = i * 3 + part as usize;
                if let Some(posting) = demand_posting(&plan, turn, year, quantity, today, &mut rng) {
                    out.push(posting);
                }
            }
        }
    }
    out
}

/// A day of `year` in the months given, and at least 200 days before today (so that what was
/// posted then is over by now).
fn day_in(year: i32, months: (i64, i64), rng: &mut Prng, today: NaiveDate) -> NaiveDate {
    let month = rng.range(months.0, months.1) as u32;
    let day = rng.range(1, 28) as u32;
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or(today).min(today - chrono::Days::new(200))
}

fn status(turn: usize, kind: PostingKind) -> PostingStatus {
    match turn % 3 {
        0 if kind.spec().quantity == chanjiao_domain::Rule::Required => PostingStatus::Filled,
        0 | 1 => PostingStatus::Closed,
        _ => PostingStatus::Expired,
    }
}

fn supply_posting(
    school: usize,
    program: &'static str,
    cluster: &'static str,
    year: i32,
    graduates: i64,
    today: NaiveDate,
    rng: &mut Prng,
) -> Option<DemoPosting> {
    let text = texts::cluster(cluster);
    let subject = Subject::Role(role_for(text, Some(program)));
    for _ in 0..12 {
        // Schools announce next summer's graduates in spring.
        let on = day_in(year, (2, 5), rng, today);
        let mut ctx = Ctx::new(PostingKind::ProgramOffering, ORGS[school], text, Some(program), subject, on, on, rng);
        ctx.plan_quantity(graduates);
        let input = compose(PostingKind::ProgramOffering, &mut ctx);
        if ends_before(&input.ends_on, today) {
            return Some(DemoPosting { org: school, input, status: PostingStatus::Closed, created_on: on });
        }
    }
    None
}

/// A demand posting of `quantity` people for the plan's class, by one of its recruiters: the
/// first kind and role whose composed posting names a program of the class (a role recruits
/// at several levels; the class is of one) and is over by today.
fn demand_posting(
    plan: &Plan,
    turn: usize,
    year: i32,
    quantity: i64,
    today: NaiveDate,
    rng: &mut Prng,
) -> Option<DemoPosting> {
    for attempt in 0..plan.demand.len().max(1) * 9 {
        let (org, cluster, role) = plan.demand[(turn + attempt / 3) % plan.demand.len()];
        let kind = DEMAND_KINDS[(turn + attempt) % DEMAND_KINDS.len()];
        let on = day_in(year, (2, 10), rng, today);
        let mut ctx = Ctx::new(kind, ORGS[org], texts::cluster(cluster), None, Subject::Role(role), on, on, rng);
        ctx.plan_quantity(quantity);
        if let Some(level) = plan.supply.first().and_then(|(_, program, _)| program_level(program)) {
            ctx.plan_level(level);
        }
        let mut input = compose(kind, &mut ctx);
        input.program_codes.retain(|code| code.starts_with(plan.class.as_str()));
        if !input.program_codes.is_empty() && ends_before(&input.ends_on, today) {
            return Some(DemoPosting { org, input, status: status(turn, kind), created_on: on });
        }
    }
    None
}

fn ends_before(ends_on: &Option<String>, today: NaiveDate) -> bool {
    let end = ends_on.as_deref().and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
    end.is_some_and(|end| end < today)
}
