//! Composers of the kinds enterprises post: each sets the fields its kind takes, with quantities,
//! money and dates as such postings have them, and writes its title and description.

use chanjiao_domain::SchoolLevel::{self, GaozhiBenke as BK, GaozhiZhuanke as ZK, PutongBenke as PB, Zhongzhi as ZZ};
use chanjiao_domain::{ApprenticeshipType, PostingInput};
use chrono::Datelike;

use super::catalog_subjects::lists_subjects;
use super::compose::{Ctx, days, graduating_year, next_of, program_level, round};
use super::texts_enterprise as text;

/// A level the role recruits from: mostly its usual one.
fn pick_level(c: &mut Ctx, levels: &[SchoolLevel]) -> SchoolLevel {
    if let Some(level) = c.planned_level().filter(|l| levels.contains(l)) {
        return level;
    }
    if c.chance(60) { levels[0] } else { *c.rng.pick(levels) }
}

/// A duty of the role, sometimes introduced as such.
fn duty(c: &mut Ctx, lead: &str) -> String {
    let duty = *c.rng.pick(c.role().duties);
    if c.chance(50) { format!("{lead}{duty}") } else { duty.to_owned() }
}

pub(super) fn job(c: &mut Ctx) -> PostingInput {
    let role = c.role();
    let level = pick_level(c, role.levels);
    let (n, pay) = match level {
        ZZ => (c.range(3, 20), c.range(4800, 7000)),
        ZK => (c.range(2, 15), c.range(5500, 8500)),
        BK => (c.range(1, 8), c.range(6500, 10000)),
        PB => (c.range(1, 6), c.range(7500, 13000)),
    };
    c.quantity(n);
    c.amount(Some(round(pay, 100)));
    c.education(level);
    c.role_codes(role, Some(level));
    c.skills(role.skills);
    c.certificates(45);
    c.set("role", role.name);
    c.set("year", graduating_year(c.on));
    let ends = days(c.on, c.range(30, 180));
    c.window(c.created_on, ends);
    let middle = vec![duty(c, "岗位职责："), c.background()];
    c.write(&text::JOB, middle)
}

pub(super) fn apprenticeship(c: &mut Ctx) -> PostingInput {
    let role = c.role();
    c.set("role", role.name);
    c.skills(role.skills);
    c.certificates(50);
    c.amount_between(1800, 3500, 100);
    // 现代学徒制 takes students of 中职 and 高职; roles for bachelors train employees instead.
    let for_students = role.levels.iter().any(|l| matches!(l, ZZ | ZK));
    if for_students && c.chance(65) {
        c.input.apprenticeship_type = Some(ApprenticeshipType::Modern.as_str().to_owned());
        let level = if role.levels.contains(&ZZ) && c.chance(50) { ZZ } else { ZK };
        c.education(level);
        c.role_codes(role, Some(level));
        c.quantity_between(5, 30);
        let starts = next_of(days(c.on, 14), &[(9, 1)]);
        let graduation = next_of(days(starts, 900), &[(6, 30)]);
        c.set("year", graduation.year());
        c.window(starts, graduation);
        let middle = vec![duty(c, "学徒岗位内容："), c.background()];
        c.write(&text::APPRENTICESHIP_MODERN, middle)
    } else {
        c.input.apprenticeship_type = Some(ApprenticeshipType::EnterpriseNew.as_str().to_owned());
        c.role_codes(role, None);
        c.quantity_between(8, 40);
        let starts = days(c.on, c.range(20, 60));
        let ends = days(starts, c.range(300, 400));
        c.window(starts, ends);
        let middle = vec![duty(c, "培养岗位："), c.background()];
        c.write(&text::APPRENTICESHIP_NEW, middle)
    }
}

pub(super) fn order_class(c: &mut Ctx) -> PostingInput {
    let role = c.role();
    let levels: Vec<SchoolLevel> = role.levels.iter().copied().filter(|l| *l != PB).collect();
    let level = match c.planned_level().filter(|l| levels.contains(l)) {
        Some(level) => level,
        None if levels.is_empty() => ZK,
        None => *c.rng.pick(&levels),
    };
    c.set("role", role.name);
    c.education(level);
    c.role_codes(role, Some(level));
    c.skills(role.skills);
    c.certificates(55);
    c.quantity_between(20, 45);
    c.amount_between(2000, 8000, 500);
    let starts = next_of(days(c.on, 14), &[(3, 1), (9, 1)]);
    let graduation = next_of(days(starts, 300), &[(6, 30)]);
    c.set("year", graduation.year());
    c.window(starts, graduation);
    let middle = vec![c.background()];
    c.write(&text::ORDER_CLASS, middle)
}

pub(super) fn training_base_hosted(c: &mut Ctx) -> PostingInput {
    let role = c.role();
    c.set("role", role.name);
    let period = *c.rng.pick(&["3月至6月", "7月至8月", "9月至12月", "11月至次年1月"]);
    c.set("period", period);
    c.skills(role.skills);
    c.input.occupation_codes = vec![role.occupation.to_owned()];
    if c.chance(50) {
        let level = role.levels[0];
        c.education(level);
        c.role_codes(role, Some(level));
    }
    c.certificates(25);
    c.quantity_between(8, 60);
    c.amount_between(1800, 3200, 100);
    // The cluster's equipment is only said to be there when the enterprise does all its cluster
    // does; what a specialised one has is not known.
    if !lists_subjects(c.org.short) && c.chance(70) {
        let equipment = c.cluster.equipment;
        c.equipment(equipment);
    }
    if c.chance(60) {
        c.open_periods();
    }
    let ends = days(c.on, c.range(120, 365));
    c.window(c.created_on, ends);
    let middle = vec![c.background(), duty(c, "主要实习岗位工作：")];
    c.write(&text::TRAINING_BASE_HOSTED, middle)
}

pub(super) fn teacher_practice_post(c: &mut Ctx) -> PostingInput {
    let role = c.role();
    c.set("role", role.name);
    c.role_codes(role, None);
    c.skills(role.skills);
    c.quantity_between(2, 6);
    if c.chance(80) {
        c.amount_between(600, 2000, 100);
    }
    let starts = next_of(days(c.on, 14), &[(1, 15), (7, 5)]);
    let ends = days(starts, c.range(30, 50));
    c.window(starts, ends);
    let middle = vec![c.background(), format!("实践内容：{}", c.rng.pick(role.duties))];
    c.write(&text::TEACHER_PRACTICE_POST, middle)
}

pub(super) fn technician_to_campus(c: &mut Ctx) -> PostingInput {
    let role = c.role();
    c.set("role", role.name);
    c.role_codes(role, None);
    c.skills(role.skills);
    c.set("skill", role.skills[0]);
    c.certificates(30);
    c.quantity_between(1, 5);
    c.amount_between(150, 400, 10);
    let starts = next_of(days(c.on, 7), &[(3, 1), (9, 1)]);
    let ends = days(starts, c.range(110, 130));
    c.window(starts, ends);
    let teach = c.sentence(&[
        "可讲授{skills}等内容，并结合企业真实案例设计实训项目。",
        "擅长{skills}，可带学生完成贴近真实岗位的完整任务。",
    ]);
    let middle = vec![teach, c.background()];
    c.write(&text::TECHNICIAN_TO_CAMPUS, middle)
}

pub(super) fn employee_training(c: &mut Ctx) -> PostingInput {
    let topic = c.topic();
    c.set("topic", topic.name);
    c.skills(topic.skills);
    c.certificates(45);
    if matches!(c.cluster.id, "logistics" | "culture_tourism" | "creative" | "pearl") {
        c.quantity_between(10, 60);
    } else {
        c.quantity_between(20, 200);
    }
    if c.chance(85) {
        c.amount_between(600, 4500, 100);
    }
    let starts = days(c.on, c.range(15, 75));
    let ends = days(starts, c.range(20, 120));
    c.window(starts, ends);
    let middle = vec![format!("课程设想：{}", topic.detail), c.background()];
    c.write(&text::EMPLOYEE_TRAINING, middle)
}

pub(super) fn rnd_cooperation(c: &mut Ctx) -> PostingInput {
    let topic = c.topic();
    c.set("topic", topic.name);
    c.skills(topic.skills);
    if c.chance(70) {
        c.quantity_between(1, 3);
    }
    c.amount_between(100_000, 1_500_000, 10_000);
    if c.chance(60) {
        // The bachelor programs whose teachers and students could take part.
        let mut programs: Vec<&'static str> = Vec::new();
        for code in c.cluster.roles.iter().flat_map(|r| r.programs.iter().copied()) {
            if matches!(program_level(code), Some(PB | BK)) && !programs.contains(&code) {
                programs.push(code);
            }
        }
        c.rng.shuffle(&mut programs);
        c.input.program_codes = programs.into_iter().take(2).map(str::to_owned).collect();
    }
    let ends = days(c.on, c.range(60, 300));
    c.window(c.created_on, ends);
    let middle = vec![topic.detail.to_owned(), c.org.about.to_owned()];
    c.write(&text::RND_COOPERATION, middle)
}
