//! Composers of the kinds schools post. Most are about one of the school's programs; the rest
//! about a training topic, a research direction, a training centre or a career activity of the
//! program's cluster.

use chanjiao_domain::SchoolLevel::{GaozhiBenke as BK, GaozhiZhuanke as ZK, PutongBenke as PB, Zhongzhi as ZZ};
use chanjiao_domain::{NumberInput, PostingInput};
use chrono::Datelike;

use super::compose::{Ctx, Subject, days, next_of};
use super::texts_school as text;

/// The school's program and the occupation it trains for, on the posting.
fn program_codes(c: &mut Ctx, with_occupation: bool) {
    let role = c.role();
    c.input.program_codes = c.program.map(|p| vec![p.to_owned()]).unwrap_or_default();
    if with_occupation {
        c.input.occupation_codes = vec![role.occupation.to_owned()];
    }
    c.set("role", role.name);
}

/// The school's level as the posting's education level, `percent` of the time.
fn school_level(c: &mut Ctx, percent: u64) {
    if let Some(level) = c.level()
        && c.chance(percent)
    {
        c.education(level);
    }
}

/// The school's own sentence, some of the time.
fn about(c: &mut Ctx, percent: u64) -> Vec<String> {
    if c.chance(percent) { vec![c.org.about.to_owned()] } else { Vec::new() }
}

pub(super) fn program_offering(c: &mut Ctx) -> PostingInput {
    let level = c.level().unwrap_or(ZK);
    program_codes(c, true);
    c.education(level);
    let role = c.role();
    c.skills(role.skills);
    c.certificates(55);
    let graduates = match level {
        ZZ => c.range(30, 120),
        ZK => c.range(40, 200),
        BK => c.range(30, 120),
        PB => c.range(40, 150),
    };
    let graduates = c.planned_or(graduates);
    let enrolment = graduates * c.range(90, 130) / 100;
    c.quantity(graduates);
    c.input.annual_enrolment = Some(NumberInput::Integer(enrolment));
    c.set("enrol", enrolment);
    let graduation = next_of(days(c.on, 30), &[(6, 30)]);
    c.set("year", graduation.year());
    c.window(c.created_on, graduation);
    let middle = about(c, 40);
    c.write(&text::PROGRAM_OFFERING, middle)
}

pub(super) fn practice_place_need(c: &mut Ctx) -> PostingInput {
    let with_occupation = c.chance(60);
    program_codes(c, with_occupation);
    school_level(c, 100);
    let role = c.role();
    c.skills(role.skills);
    c.quantity_between(10, 60);
    let months = c.range(2, 6);
    c.set("months", months);
    let starts = next_of(days(c.on, 14), &[(3, 1), (7, 1), (11, 1)]);
    let ends = days(starts, months * 30);
    c.set("year", next_of(starts, &[(6, 30)]).year());
    c.window(starts, ends);
    let middle = about(c, 30);
    c.write(&text::PRACTICE_PLACE_NEED, middle)
}

pub(super) fn teacher_practice_need(c: &mut Ctx) -> PostingInput {
    program_codes(c, true);
    school_level(c, 40);
    let role = c.role();
    c.skills(role.skills);
    c.quantity_between(2, 8);
    let starts = next_of(days(c.on, 14), &[(1, 15), (7, 5)]);
    let ends = days(starts, c.range(30, 45));
    c.window(starts, ends);
    let mut middle = about(c, 40);
    middle.push(format!("希望了解{}等方面的新技术、新工艺。", c.input.skills[..2].join("、")));
    c.write(&text::TEACHER_PRACTICE_NEED, middle)
}

pub(super) fn teaching_need(c: &mut Ctx) -> PostingInput {
    program_codes(c, true);
    school_level(c, 40);
    let role = c.role();
    c.skills(role.skills);
    let course = *c.rng.pick(&role.skills[..2]);
    c.set("course", course);
    c.certificates(30);
    c.quantity_between(1, 4);
    if c.chance(85) {
        c.amount_between(120, 300, 10);
    }
    let starts = next_of(days(c.on, 7), &[(3, 1), (9, 1)]);
    let ends = days(starts, c.range(115, 125));
    c.window(starts, ends);
    let middle = about(c, 50);
    c.write(&text::TEACHING_NEED, middle)
}

pub(super) fn training_course(c: &mut Ctx) -> PostingInput {
    let topic = c.topic();
    c.set("topic", topic.name);
    let base = c.rng.pick(c.cluster.bases).name;
    c.set("base", base);
    let session = c.range(1, 12);
    c.set("k", session);
    c.skills(topic.skills);
    c.certificates(50);
    if c.chance(50) {
        program_codes(c, false);
    }
    c.quantity_between(20, 60);
    if c.chance(30) {
        c.amount(Some(0));
    } else {
        c.amount_between(300, 2800, 100);
    }
    let starts = days(c.on, c.range(7, 60));
    let ends = days(starts, c.range(3, 45));
    c.window(starts, ends);
    let mut middle = vec![topic.detail.to_owned()];
    middle.extend(about(c, 30));
    c.write(&text::TRAINING_COURSE, middle)
}

pub(super) fn research_capability(c: &mut Ctx) -> PostingInput {
    let topic = c.topic();
    c.set("topic", topic.name);
    let platform = *c.rng.pick(&[
        "{cluster}技术研究所",
        "{cluster}产业学院研发中心",
        "{cluster}协同创新中心",
        "{cluster}工程技术研究中心",
    ]);
    let platform = platform.replace("{cluster}", c.cluster.name);
    c.set("platform", platform);
    c.skills(topic.skills);
    if c.chance(70) {
        c.input.program_codes = c.program.map(|p| vec![p.to_owned()]).unwrap_or_default();
    }
    if c.chance(80) {
        c.quantity_between(4, 30);
    }
    let ends = days(c.on, c.range(180, 365));
    c.window(c.created_on, ends);
    let mut middle = vec![format!("研究方向举例：{}", topic.detail)];
    middle.extend(about(c, 50));
    c.write(&text::RESEARCH_CAPABILITY, middle)
}

pub(super) fn shared_training_base(c: &mut Ctx) -> PostingInput {
    if let Subject::Base(base) = c.subject {
        c.set("base", base.name);
        c.equipment(base.equipment);
    }
    c.open_periods();
    let role = c.role();
    c.skills(role.skills);
    c.certificates(30);
    school_level(c, 30);
    if c.chance(50) {
        program_codes(c, false);
    }
    c.quantity_between(20, 80);
    if c.chance(80) {
        c.amount_between(40, 300, 10);
    } else {
        c.amount(Some(0));
    }
    let ends = days(c.on, c.range(150, 365));
    c.window(c.created_on, ends);
    let mut middle = vec![format!("基地主要设备有{}等。", c.input.equipment[..3].join("、"))];
    middle.extend(about(c, 40));
    c.write(&text::SHARED_TRAINING_BASE, middle)
}

pub(super) fn k12_career_base(c: &mut Ctx) -> PostingInput {
    let topic = c.topic();
    c.set("topic", topic.name);
    c.quantity_between(25, 80);
    if c.chance(50) {
        c.amount(Some(0));
    } else {
        c.amount_between(20, 80, 10);
    }
    if c.chance(40) {
        let base = c.rng.pick(c.cluster.bases);
        c.equipment(base.equipment);
    }
    if c.chance(60) {
        c.open_periods();
    }
    c.input.skills = Vec::new();
    let ends = days(c.on, c.range(120, 300));
    c.window(c.created_on, ends);
    let mut middle = vec![topic.detail.to_owned()];
    middle.extend(about(c, 40));
    c.write(&text::K12_CAREER_BASE, middle)
}
