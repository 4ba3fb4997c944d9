//! Writing one demo posting: the context a kind's composer works in ([`Ctx`]), the choices every
//! kind makes the same way (sentences, skills, certificates, codes, dates), and assembling the
//! description.

use chanjiao_domain::{NumberInput, PostingInput, PostingKind, RegionCode, SchoolLevel};
use chrono::{Datelike, Days, NaiveDate};

use super::catalog::Prng;
use super::catalog_orgs::{OrgRow, RowKind};
use super::texts::{Base, ClusterText, KindText, Role, Topic, fill, level_word};

/// Descriptions are kept within these many characters.
pub(super) const DESCRIPTION_CHARS: std::ops::RangeInclusive<usize> = 80..=400;

/// What a posting is about, beyond its kind: a role, a topic, or a training centre.
#[derive(Clone, Copy)]
pub(super) enum Subject {
    Role(&'static Role),
    Topic(&'static Topic),
    Base(&'static Base),
}

impl Subject {
    /// Names the subject, to keep an organization from posting the same thing twice.
    pub fn key(self) -> &'static str {
        match self {
            Subject::Role(role) => role.name,
            Subject::Topic(topic) => topic.name,
            Subject::Base(base) => base.name,
        }
    }
}

/// One posting being written: who posts it, about what, when, and what is written so far.
pub(super) struct Ctx<'r> {
    pub org: &'static OrgRow,
    pub cluster: &'static ClusterText,
    /// The program a school posting is about.
    pub program: Option<&'static str>,
    pub subject: Subject,
    /// The day the posting is written for: today, or a day in the past for history.
    pub on: NaiveDate,
    pub created_on: NaiveDate,
    pub rng: &'r mut Prng,
    pub input: PostingInput,
    vars: Vec<(&'static str, String)>,
    /// The amount, which decides which sentences fit: none mentions money that is not there.
    pay: Option<i64>,
    /// A quantity decided beforehand (the outlook's history), which the composer's own choice
    /// gives way to, so the text states the number that is counted.
    planned: Option<i64>,
    /// The level to recruit at, when the role recruits at it (the outlook's history plans
    /// demand for one program class, which is of one level).
    level: Option<SchoolLevel>,
}

impl<'r> Ctx<'r> {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        kind: PostingKind,
        org: &'static OrgRow,
        cluster: &'static ClusterText,
        program: Option<&'static str>,
        subject: Subject,
        on: NaiveDate,
        created_on: NaiveDate,
        rng: &'r mut Prng,
    ) -> Self {
        let county = &org.region[..6];
        let towns: Vec<&'static str> = if org.region.len() > 6 { vec![org.region] } else { org.towns.to_vec() };
        let region = if towns.is_empty() || rng.chance(55) { county } else { *rng.pick(&towns) };
        let place = RegionCode::parse(region).map(|code| code.full_name()).unwrap_or_default();
        let place = place.trim_start_matches("绍兴市").to_owned();
        let input = PostingInput {
            kind: kind.as_str().to_owned(),
            region: region.to_owned(),
            industry_clusters: vec![cluster.id.to_owned()],
            ..PostingInput::default()
        };
        let mut ctx = Ctx {
            org,
            cluster,
            program,
            subject,
            on,
            created_on,
            rng,
            input,
            vars: Vec::new(),
            pay: None,
            planned: None,
            level: None,
        };
        ctx.set("org", org.name);
        ctx.set("school", org.name);
        ctx.set("short", org.short);
        ctx.set("place", place);
        ctx.set("cluster", cluster.name);
        if let Some(program) = program {
            ctx.set("program", program_name(program));
        }
        ctx
    }

    pub fn set(&mut self, name: &'static str, value: impl ToString) {
        self.vars.retain(|(n, _)| *n != name);
        self.vars.push((name, value.to_string()));
    }

    /// The role the posting is about, or for a school posting the role its program trains for.
    pub fn role(&self) -> &'static Role {
        match self.subject {
            Subject::Role(role) => role,
            _ => role_for(self.cluster, self.program),
        }
    }

    pub fn topic(&self) -> &'static Topic {
        match self.subject {
            Subject::Topic(topic) => topic,
            _ => &self.cluster.training[0],
        }
    }

    pub fn level(&self) -> Option<SchoolLevel> {
        match self.org.kind {
            RowKind::School(level) => Some(level),
            RowKind::Enterprise(_) => None,
        }
    }

    pub fn range(&mut self, low: i64, high: i64) -> i64 {
        self.rng.range(low, high)
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.rng.chance(percent)
    }

    /// Fixes the quantity whatever the composer would choose.
    pub fn plan_quantity(&mut self, n: i64) {
        self.planned = Some(n);
    }

    /// Recruits at `level` whenever the role does.
    pub fn plan_level(&mut self, level: SchoolLevel) {
        self.level = Some(level);
    }

    pub fn planned_level(&self) -> Option<SchoolLevel> {
        self.level
    }

    /// `n`, unless a quantity was planned.
    pub fn planned_or(&self, n: i64) -> i64 {
        self.planned.unwrap_or(n)
    }

    /// Sets the quantity (the planned one, if any) and the `{n}` slot.
    pub fn quantity(&mut self, n: i64) {
        let n = self.planned_or(n);
        self.input.quantity = Some(NumberInput::Integer(n));
        self.set("n", n);
    }

    pub fn quantity_between(&mut self, low: i64, high: i64) {
        let n = self.range(low, high);
        self.quantity(n);
    }

    /// An amount between `low` and `high`, rounded down to a multiple of `step`.
    pub fn amount_between(&mut self, low: i64, high: i64, step: i64) {
        let yuan = round(self.range(low, high), step);
        self.amount(Some(yuan));
    }

    /// Sets the amount and the `{pay}` and `{wan}` slots; `None` leaves the amount out.
    pub fn amount(&mut self, yuan: Option<i64>) {
        self.pay = yuan;
        self.input.amount_yuan = yuan.map(NumberInput::Integer);
        if let Some(yuan) = yuan {
            self.set("pay", yuan);
            self.set("wan", yuan / 10_000);
        }
    }

    pub fn education(&mut self, level: SchoolLevel) {
        self.input.education_level = Some(level.as_str().to_owned());
        self.set("level", level_word(level));
    }

    /// The role's programs of `level` (all of them when there is no level), and its occupation.
    pub fn role_codes(&mut self, role: &'static Role, level: Option<SchoolLevel>) {
        self.input.program_codes = role
            .programs
            .iter()
            .filter(|code| level.is_none_or(|level| program_level(code) == Some(level)))
            .take(3)
            .map(|code| (*code).to_owned())
            .collect();
        self.input.occupation_codes = vec![role.occupation.to_owned()];
    }

    /// Three to five of `skills`, in a shuffled order.
    pub fn skills(&mut self, skills: &[&'static str]) {
        let mut chosen = skills.to_vec();
        self.rng.shuffle(&mut chosen);
        let count = self.range(3, 5) as usize;
        chosen.truncate(count);
        self.set("skill", chosen[0]);
        self.set("skills", chosen[..chosen.len().min(3)].join("、"));
        self.input.skills = chosen.into_iter().map(str::to_owned).collect();
    }

    /// One or two of the cluster's certificates, `percent` of the time; `{cert}` names one.
    pub fn certificates(&mut self, percent: u64) {
        let mut certificates = self.cluster.certificates.to_vec();
        self.rng.shuffle(&mut certificates);
        self.set("cert", certificates[0]);
        if self.chance(percent) {
            let count = self.range(1, 2) as usize;
            self.input.certificates = certificates.into_iter().take(count).map(str::to_owned).collect();
        }
    }

    /// Four to seven pieces of `equipment`, or all of it when there are fewer.
    pub fn equipment(&mut self, equipment: &[&'static str]) {
        let mut equipment = equipment.to_vec();
        self.rng.shuffle(&mut equipment);
        let count = self.range(4, 7) as usize;
        self.input.equipment = equipment.into_iter().take(count).map(str::to_owned).collect();
    }

    /// One to three open periods.
    pub fn open_periods(&mut self) {
        let mut periods = OPEN_PERIODS.to_vec();
        self.rng.shuffle(&mut periods);
        let count = self.range(1, 3) as usize;
        self.input.open_periods = periods.into_iter().take(count).map(str::to_owned).collect();
    }

    /// Sets the window and the `{start}` and `{end}` slots.
    pub fn window(&mut self, starts_on: NaiveDate, ends_on: NaiveDate) {
        self.input.starts_on = Some(starts_on.format("%Y-%m-%d").to_string());
        self.input.ends_on = Some(ends_on.format("%Y-%m-%d").to_string());
        self.set("start", month_text(starts_on));
        self.set("end", month_text(ends_on));
    }

    /// A sentence of `bank`, filled, among those that fit the amount.
    pub fn sentence(&mut self, bank: &[&'static str]) -> String {
        let fitting: Vec<&'static str> = bank
            .iter()
            .copied()
            .filter(|s| self.has_slots_of(s))
            .filter(|s| match self.pay {
                Some(0) => !s.contains("{pay}"),
                Some(_) => !s.contains("免费"),
                None => true,
            })
            .collect();
        let template = if fitting.is_empty() { bank[0] } else { *self.rng.pick(&fitting) };
        fill(template, &self.vars)
    }

    /// Whether every `{slot}` of `template` has a value.
    fn has_slots_of(&self, template: &str) -> bool {
        template.split('{').skip(1).all(|rest| {
            let name = rest.split('}').next().unwrap_or(rest);
            self.vars.iter().any(|(n, _)| *n == name)
        })
    }

    /// The org's own sentence, or one about its cluster when that is its main one (what is true
    /// of a dyeing plant need not be of a trading company that also sells fabric).
    pub fn background(&mut self) -> String {
        let main = self.org.clusters.first().is_none_or(|c| *c == self.cluster.id);
        if main && self.chance(50) {
            (*self.rng.pick(self.cluster.context)).to_owned()
        } else {
            self.org.about.to_owned()
        }
    }

    /// Writes the title and the description from the kind's banks, with `middle` sentences after
    /// the opening, then one ask, one offer and (mostly) one schedule.
    pub fn write(&mut self, text: &KindText, middle: Vec<String>) -> PostingInput {
        let title = self.sentence(text.titles);
        let mut parts = vec![self.sentence(text.openings)];
        parts.extend(middle);
        let mut tail = vec![self.sentence(text.asks), self.sentence(text.offers)];
        if self.chance(50) {
            tail.swap(0, 1);
        }
        parts.extend(tail);
        if self.chance(75) {
            parts.push(self.sentence(text.schedules));
        }
        while char_count(&parts) > *DESCRIPTION_CHARS.end() && parts.len() > 3 {
            parts.remove(parts.len() - 2);
        }
        if char_count(&parts) < *DESCRIPTION_CHARS.start() {
            let extra = self.org.about.to_owned();
            if !parts.contains(&extra) {
                parts.insert(1, extra);
            }
            let extra = self.cluster.context[0].to_owned();
            if char_count(&parts) < *DESCRIPTION_CHARS.start() && !parts.contains(&extra) {
                parts.push(extra);
            }
        }
        let mut input = std::mem::take(&mut self.input);
        input.title = title;
        input.description = parts.concat();
        input
    }
}

fn char_count(parts: &[String]) -> usize {
    parts.iter().map(|p| p.chars().count()).sum()
}

/// When training centres and experience bases take visitors.
const OPEN_PERIODS: &[&str] = &[
    "每年3月—6月",
    "每年9月—12月",
    "暑期7月—8月",
    "寒假1月中旬—2月中旬",
    "工作日 8:30—17:00",
    "周六全天",
    "周三下午",
    "每月第一周",
    "法定节假日除外全年开放",
];

/// The role a program trains for: of the cluster's roles listing it, the first that recruits at
/// the program's level, else the first; the cluster's first role if none lists it.
pub(super) fn role_for(cluster: &'static ClusterText, program: Option<&str>) -> &'static Role {
    let Some(program) = program else { return &cluster.roles[0] };
    let level = program_level(program);
    let listing = || cluster.roles.iter().filter(|r| r.programs.contains(&program));
    let at_level = listing().find(|r| level.is_some_and(|l| r.levels.contains(&l)));
    at_level.or_else(|| listing().next()).unwrap_or(&cluster.roles[0])
}

pub(super) fn program_name(code: &str) -> &'static str {
    chanjiao_domain::ProgramCode::parse(code).map(|c| c.name()).unwrap_or("相关")
}

pub(super) fn program_level(code: &str) -> Option<SchoolLevel> {
    chanjiao_domain::ProgramCode::parse(code).ok().map(|c| c.level())
}

pub(super) fn days(day: NaiveDate, n: i64) -> NaiveDate {
    if n >= 0 { day + Days::new(n as u64) } else { day - Days::new(n.unsigned_abs()) }
}

/// The first of the given (month, day) dates that comes after `after`.
pub(super) fn next_of(after: NaiveDate, dates: &[(u32, u32)]) -> NaiveDate {
    (after.year()..=after.year() + 1)
        .flat_map(|year| dates.iter().filter_map(move |(m, d)| NaiveDate::from_ymd_opt(year, *m, *d)))
        .filter(|day| *day > after)
        .min()
        .unwrap_or(after)
}

/// The year of the class graduating next (in June): 2027 for any day from July 2026 to June 2027.
pub(super) fn graduating_year(on: NaiveDate) -> i32 {
    if on.month() >= 7 { on.year() + 1 } else { on.year() }
}

pub(super) fn month_text(day: NaiveDate) -> String {
    format!("{}年{}月", day.year(), day.month())
}

/// Rounds down to a multiple of `step`.
pub(super) fn round(value: i64, step: i64) -> i64 {
    value / step * step
}
