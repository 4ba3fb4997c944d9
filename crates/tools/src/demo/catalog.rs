//! The content of the demo: organizations of 绍兴市 and their postings of every kind, as plain
//! data, deterministic, with nothing stored. `demo::seed` writes them to the database.
//!
//! [`organizations`] lists 49 fictional enterprises over the city's twelve industry clusters and
//! six districts and counties, and 15 schools of all four levels. Its first nine entries are the
//! organizations the demo has always had, in the same order (indices 0–5 enterprises, 6–8
//! schools), so accounts attached to them keep working.
//!
//! [`postings`] writes about 380 published postings, a few paused and draft ones, and about 80
//! closed, filled and expired ones from 2021–2025 of the kinds the statistics do not count (the
//! history that they count is planned class by class in `catalog_outlook`). Titles and descriptions are
//! put together from hand-written sentence banks per cluster (`texts_*`) and per kind, with a
//! fixed-seed generator, so every posting reads differently and every run gives the same ones.

use std::collections::HashSet;

use chanjiao_domain::{PostingInput, PostingKind, PostingStatus, SchoolLevel, Side};
use chrono::NaiveDate;

use super::catalog_orgs::{ORGS, OrgRow, RowKind};
use super::catalog_subjects::fits;
use super::compose::{Ctx, Subject, days, role_for};
use super::texts::{self, ClusterText};
use super::{compose_enterprise as enterprise, compose_school as school};

/// How an organization identifies itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DemoIdentity {
    /// 17 characters, completed by `chanjiao_domain::CreditCode::complete`.
    Enterprise {
        credit_prefix: String,
    },
    School {
        level: SchoolLevel,
    },
}

/// A demo organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoOrg {
    pub name: &'static str,
    /// A county of 绍兴市, or a township in one.
    pub region: &'static str,
    pub identity: DemoIdentity,
    /// The industry clusters of an enterprise, or those a school's programs serve.
    pub clusters: Vec<&'static str>,
    /// The catalogue codes of a school's programs; empty for enterprises.
    pub programs: Vec<&'static str>,
}

/// A demo posting of one of the [`organizations`].
#[derive(Debug, Clone, PartialEq)]
pub struct DemoPosting {
    /// Index into [`organizations`].
    pub org: usize,
    pub input: PostingInput,
    pub status: PostingStatus,
    pub created_on: NaiveDate,
}

/// How many organizations come from the original demo, at the start of [`organizations`].
pub const ORIGINAL_ORGANIZATIONS: usize = 9;

/// Every demo organization, always in the same order.
pub fn organizations() -> Vec<DemoOrg> {
    ORGS.iter()
        .map(|row| {
            let (identity, clusters) = match row.kind {
                RowKind::Enterprise(prefix) => {
                    (DemoIdentity::Enterprise { credit_prefix: prefix.to_owned() }, row.clusters.to_vec())
                }
                RowKind::School(level) => {
                    let mut clusters: Vec<&'static str> = Vec::new();
                    for (_, cluster) in row.programs {
                        if !clusters.contains(cluster) {
                            clusters.push(cluster);
                        }
                    }
                    (DemoIdentity::School { level }, clusters)
                }
            };
            let programs = row.programs.iter().map(|(code, _)| *code).collect();
            DemoOrg { name: row.name, region: row.region, identity, clusters, programs }
        })
        .collect()
}

/// Published postings per kind.
const PUBLISHED: &[(PostingKind, usize)] = &[
    (PostingKind::Job, 44),
    (PostingKind::Apprenticeship, 26),
    (PostingKind::OrderClass, 24),
    (PostingKind::TrainingBaseHosted, 26),
    (PostingKind::TeacherPracticePost, 22),
    (PostingKind::TechnicianToCampus, 22),
    (PostingKind::EmployeeTraining, 24),
    (PostingKind::RndCooperation, 22),
    (PostingKind::ProgramOffering, 44),
    (PostingKind::PracticePlaceNeed, 22),
    (PostingKind::TeacherPracticeNeed, 18),
    (PostingKind::TeachingNeed, 20),
    (PostingKind::TrainingCourse, 22),
    (PostingKind::ResearchCapability, 14),
    (PostingKind::SharedTrainingBase, 16),
    (PostingKind::K12CareerBase, 14),
];

/// Postings an organization has put on hold.
const PAUSED: &[PostingKind] = &[
    PostingKind::Job,
    PostingKind::Apprenticeship,
    PostingKind::TrainingBaseHosted,
    PostingKind::EmployeeTraining,
    PostingKind::ProgramOffering,
    PostingKind::PracticePlaceNeed,
    PostingKind::TeachingNeed,
    PostingKind::SharedTrainingBase,
];

/// Postings still being written.
const DRAFTS: &[PostingKind] = &[
    PostingKind::Job,
    PostingKind::OrderClass,
    PostingKind::RndCooperation,
    PostingKind::TrainingCourse,
    PostingKind::ResearchCapability,
    PostingKind::K12CareerBase,
];

/// Closed, filled and expired postings of past years.
const HISTORY: usize = 84;

/// Every demo posting for `today`: published ones start around it and end after it, history lies
/// before it. The same day always gives the same postings.
pub fn postings(today: NaiveDate) -> Vec<DemoPosting> {
    let mut writer = Writer::new(today);
    for &(kind, count) in PUBLISHED {
        writer.current(kind, count, PostingStatus::Published);
    }
    for &kind in PAUSED {
        writer.current(kind, 1, PostingStatus::Paused);
    }
    for &kind in DRAFTS {
        writer.current(kind, 1, PostingStatus::Draft);
    }
    writer.history(HISTORY);
    writer.postings
}

/// Where a posting can come from: an enterprise in one of its clusters, or a school's program.
#[derive(Debug, Clone, Copy)]
struct Slot {
    org: usize,
    cluster: &'static str,
    program: Option<&'static str>,
}

fn slots(kind: PostingKind) -> Vec<Slot> {
    let mut slots = Vec::new();
    for (org, row) in ORGS.iter().enumerate() {
        match row.kind {
            RowKind::Enterprise(_) if kind.side() == Side::Enterprise => {
                slots.extend(row.clusters.iter().map(|cluster| Slot { org, cluster, program: None }));
            }
            RowKind::School(level) if kind.side() == Side::School => {
                // Research platforms are a matter for colleges and universities.
                if kind == PostingKind::ResearchCapability && level == SchoolLevel::Zhongzhi {
                    continue;
                }
                slots.extend(row.programs.iter().map(|(code, cluster)| Slot { org, cluster, program: Some(code) }));
            }
            _ => {}
        }
    }
    slots
}

/// What a posting of `kind` by `org` in `cluster` (about `program`) can be about.
fn subjects(kind: PostingKind, org: &OrgRow, cluster: &'static ClusterText, program: Option<&str>) -> Vec<Subject> {
    use PostingKind::*;
    let mut subjects: Vec<Subject> = match kind {
        Job | Apprenticeship | OrderClass | TrainingBaseHosted | TeacherPracticePost | TechnicianToCampus => {
            cluster.roles.iter().map(Subject::Role).collect()
        }
        EmployeeTraining | TrainingCourse => cluster.training.iter().map(Subject::Topic).collect(),
        RndCooperation | ResearchCapability => cluster.research.iter().map(Subject::Topic).collect(),
        ProgramOffering | PracticePlaceNeed | TeacherPracticeNeed | TeachingNeed => {
            vec![Subject::Role(role_for(cluster, program))]
        }
        SharedTrainingBase => cluster.bases.iter().map(Subject::Base).collect(),
        K12CareerBase => cluster.k12.iter().map(Subject::Topic).collect(),
    };
    if kind.side() == Side::Enterprise {
        subjects.retain(|subject| fits(org.short, subject.key()));
    }
    subjects
}

pub(super) fn compose(kind: PostingKind, ctx: &mut Ctx) -> PostingInput {
    use PostingKind::*;
    match kind {
        Job => enterprise::job(ctx),
        Apprenticeship => enterprise::apprenticeship(ctx),
        OrderClass => enterprise::order_class(ctx),
        TrainingBaseHosted => enterprise::training_base_hosted(ctx),
        TeacherPracticePost => enterprise::teacher_practice_post(ctx),
        TechnicianToCampus => enterprise::technician_to_campus(ctx),
        EmployeeTraining => enterprise::employee_training(ctx),
        RndCooperation => enterprise::rnd_cooperation(ctx),
        ProgramOffering => school::program_offering(ctx),
        PracticePlaceNeed => school::practice_place_need(ctx),
        TeacherPracticeNeed => school::teacher_practice_need(ctx),
        TeachingNeed => school::teaching_need(ctx),
        TrainingCourse => school::training_course(ctx),
        ResearchCapability => school::research_capability(ctx),
        SharedTrainingBase => school::shared_training_base(ctx),
        K12CareerBase => school::k12_career_base(ctx),
    }
}

/// Whether postings of `kind` count in the statistics' demand or supply (jobs, apprenticeships,
/// order classes and program offerings).
pub fn counts_in_outlook(kind: PostingKind) -> bool {
    use chanjiao_api::services::statistics::facts::{DEMAND, SUPPLY};
    DEMAND.contains(&kind) || kind == SUPPLY
}

/// The first sentence of a description, up to and including its first full stop.
pub(super) fn first_sentence(description: &str) -> &str {
    description.find('。').map_or(description, |end| &description[..end + '。'.len_utf8()])
}

/// Writes postings and remembers what it wrote, so that nothing is written twice.
struct Writer {
    today: NaiveDate,
    /// (organization, kind, subject) of postings in circulation or being written.
    subjects: HashSet<(usize, PostingKind, &'static str)>,
    /// Title and description of every posting.
    texts: HashSet<String>,
    /// First sentences of postings in circulation or being written.
    openings: HashSet<String>,
    postings: Vec<DemoPosting>,
}

impl Writer {
    fn new(today: NaiveDate) -> Self {
        Writer {
            today,
            subjects: HashSet::new(),
            texts: HashSet::new(),
            openings: HashSet::new(),
            postings: Vec::new(),
        }
    }

    /// `count` postings of `kind` in `status`, dated around today.
    fn current(&mut self, kind: PostingKind, count: usize, status: PostingStatus) {
        let kind_index = PostingKind::ALL.iter().position(|k| *k == kind).unwrap_or(0) as u64;
        let mut rng = Prng::new(kind_index * 97 + status as u64 * 7919 + 1);
        let mut slots = slots(kind);
        rng.shuffle(&mut slots);
        let mut made = 0;
        for slot in slots.iter().cycle().take(slots.len() * 3) {
            if made == count {
                break;
            }
            let age = match status {
                PostingStatus::Draft => rng.range(0, 10),
                PostingStatus::Paused => rng.range(20, 90),
                _ => rng.range(0, 75),
            };
            let created_on = days(self.today, -age);
            if let Some(input) = self.write(kind, *slot, self.today, created_on, &mut rng, true) {
                self.postings.push(DemoPosting { org: slot.org, input, status, created_on });
                made += 1;
            }
        }
    }

    /// `count` closed, filled or expired postings of every kind, written on days of 2021–2025
    /// and over before today.
    fn history(&mut self, count: usize) {
        let mut rng = Prng::new(2021);
        let first = NaiveDate::from_ymd_opt(2021, 1, 4).unwrap_or(self.today);
        let last = NaiveDate::from_ymd_opt(2025, 12, 20).unwrap_or(self.today).min(days(self.today, -180));
        let span = (last - first).num_days().max(1);
        // The kinds the outlook counts have their own history, planned class by class
        // (`catalog_outlook`); these would only blur it.
        let kinds: Vec<PostingKind> = PostingKind::ALL.iter().copied().filter(|k| !counts_in_outlook(*k)).collect();
        for index in 0..count {
            let kind = kinds[index % kinds.len()];
            let slots = slots(kind);
            for _ in 0..10 {
                let slot = *rng.pick(&slots);
                let on = days(first, rng.range(0, span));
                if let Some(input) = self.write(kind, slot, on, on, &mut rng, false) {
                    let status = match index % 3 {
                        0 if kind.spec().quantity == chanjiao_domain::Rule::Required => PostingStatus::Filled,
                        0 | 1 => PostingStatus::Closed,
                        _ => PostingStatus::Expired,
                    };
                    self.postings.push(DemoPosting { org: slot.org, input, status, created_on: on });
                    break;
                }
            }
        }
    }

    /// A posting of `kind` from `slot` written on `on`, unless every subject of the slot is
    /// taken or its text repeats another. Current postings also keep subjects and first sentences
    /// unique; past ones must end before today.
    fn write(
        &mut self,
        kind: PostingKind,
        slot: Slot,
        on: NaiveDate,
        created_on: NaiveDate,
        rng: &mut Prng,
        current: bool,
    ) -> Option<PostingInput> {
        let org: &'static OrgRow = ORGS[slot.org];
        let cluster = texts::cluster(slot.cluster);
        let candidates = subjects(kind, org, cluster, slot.program);
        let offset = rng.below(candidates.len());
        for turn in 0..candidates.len() {
            let subject = candidates[(offset + turn) % candidates.len()];
            let key = slot.program.filter(|_| matches!(subject, Subject::Role(_)) && kind.side() == Side::School);
            let key = (slot.org, kind, key.unwrap_or(subject.key()));
            if current && self.subjects.contains(&key) {
                continue;
            }
            for _ in 0..4 {
                let mut ctx = Ctx::new(kind, org, cluster, slot.program, subject, on, created_on, rng);
                let input = compose(kind, &mut ctx);
                let text = format!("{}\n{}", input.title, input.description);
                let opening = first_sentence(&input.description).to_owned();
                let ends_on = input.ends_on.as_deref().and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
                let over = ends_on.is_some_and(|end| end < self.today);
                if self.texts.contains(&text) || (current && self.openings.contains(&opening)) || (!current && !over) {
                    continue;
                }
                self.texts.insert(text);
                if current {
                    self.openings.insert(opening);
                    self.subjects.insert(key);
                }
                return Some(input);
            }
        }
        None
    }
}

/// A small deterministic pseudo-random generator (SplitMix64): the demo must be the same on
/// every run, and needs no better randomness than this.
pub(super) struct Prng(u64);

impl Prng {
    pub fn new(seed: u64) -> Self {
        Prng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`; 0 when `n` is 0.
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 { 0 } else { (self.next() % n as u64) as usize }
    }

    /// A number from `low` to `high`, both included.
    pub fn range(&mut self, low: i64, high: i64) -> i64 {
        low + self.below((high - low + 1).max(1) as usize) as i64
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    /// One of `items`, which must not be empty.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}
