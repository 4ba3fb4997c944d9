//! The demo content meets the numbers the demo promises, and every posting is one the platform
//! would accept from its organization.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use chanjiao_domain::posting::PostingStatus;
use chanjiao_domain::{
    CreditCode, NewPosting, OccupationCode, PostingKind, ProgramCode, RegionCode, SchoolLevel, Side, reference,
};
use chrono::{Datelike, NaiveDate};

use super::catalog::{
    DemoIdentity, DemoOrg, DemoPosting, ORIGINAL_ORGANIZATIONS, first_sentence, organizations, postings,
};
use super::catalog_orgs::ORGS;
use super::catalog_subjects;
use super::compose::DESCRIPTION_CHARS;
use super::texts;

const COUNTIES: [&str; 6] = ["330602", "330603", "330604", "330624", "330681", "330683"];

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn county(region: &str) -> &str {
    &region[..6]
}

fn side(org: &DemoOrg) -> Side {
    match org.identity {
        DemoIdentity::Enterprise { .. } => Side::Enterprise,
        DemoIdentity::School { .. } => Side::School,
    }
}

fn ends_on(posting: &DemoPosting) -> NaiveDate {
    NaiveDate::parse_from_str(posting.input.ends_on.as_deref().expect("every demo posting has an end"), "%Y-%m-%d")
        .unwrap()
}

#[test]
fn there_are_forty_enterprises_over_every_cluster_and_county() {
    let orgs = organizations();
    let enterprises: Vec<&DemoOrg> = orgs.iter().filter(|o| side(o) == Side::Enterprise).collect();
    assert!(enterprises.len() >= 40, "{} enterprises", enterprises.len());
    for cluster in reference::clusters() {
        let count = enterprises.iter().filter(|o| o.clusters.contains(&cluster.id.as_str())).count();
        assert!(count >= 3, "{} has {count} enterprises", cluster.id.as_str());
    }
    for code in COUNTIES {
        assert!(enterprises.iter().any(|o| county(o.region) == code), "no enterprise in {code}");
    }
}

#[test]
fn there_are_twelve_schools_of_all_levels_spread_over_the_counties() {
    let orgs = organizations();
    let schools: Vec<&DemoOrg> = orgs.iter().filter(|o| side(o) == Side::School).collect();
    assert!(schools.len() >= 12, "{} schools", schools.len());
    let levels: HashSet<SchoolLevel> = schools
        .iter()
        .map(|o| match o.identity {
            DemoIdentity::School { level } => level,
            DemoIdentity::Enterprise { .. } => unreachable!(),
        })
        .collect();
    assert_eq!(levels.len(), SchoolLevel::ALL.len());
    let counties: HashSet<&str> = schools.iter().map(|o| county(o.region)).collect();
    assert_eq!(counties.len(), COUNTIES.len());
}

#[test]
fn organizations_have_unique_names_valid_regions_and_credit_codes() {
    let orgs = organizations();
    let names: HashSet<&str> = orgs.iter().map(|o| o.name).collect();
    assert_eq!(names.len(), orgs.len(), "names repeat");
    let mut prefixes = HashSet::new();
    for org in &orgs {
        assert!(chanjiao_domain::OrgName::parse(org.name).is_ok(), "{}", org.name);
        assert!(RegionCode::parse(org.region).is_ok(), "{} region {}", org.name, org.region);
        assert!(COUNTIES.contains(&county(org.region)), "{} is outside 绍兴", org.name);
        for cluster in &org.clusters {
            assert!(chanjiao_domain::ClusterId::parse(cluster).is_ok(), "{} cluster {cluster}", org.name);
        }
        match &org.identity {
            DemoIdentity::Enterprise { credit_prefix } => {
                assert_eq!(credit_prefix.len(), 17, "{}", org.name);
                assert!(credit_prefix.starts_with(&format!("91{}", county(org.region))), "{}", org.name);
                let code = CreditCode::complete(credit_prefix).expect("prefix in the code alphabet");
                assert!(CreditCode::parse(code.as_str()).is_ok());
                assert!(prefixes.insert(credit_prefix.clone()), "{} repeats a credit code", org.name);
                assert!(!org.clusters.is_empty() && org.programs.is_empty(), "{}", org.name);
            }
            DemoIdentity::School { level } => {
                assert!(org.programs.len() >= 4, "{} runs few programs", org.name);
                for code in &org.programs {
                    let program =
                        ProgramCode::parse(code).unwrap_or_else(|_| panic!("{} runs unknown {code}", org.name));
                    assert_eq!(program.level(), *level, "{} runs {code} of another level", org.name);
                }
            }
        }
    }
}

#[test]
fn the_original_demo_organizations_come_first_unchanged() {
    let orgs = organizations();
    let enterprise =
        |name, region, prefix: &str| (name, region, DemoIdentity::Enterprise { credit_prefix: prefix.into() });
    let school = |name, region, level| (name, region, DemoIdentity::School { level });
    let expected = [
        enterprise("绍兴精工数控机床有限公司", "330603", "91330603MA2BK1N7X"),
        enterprise("浙江越芯集成电路有限公司", "330602", "91330602MA2D8C3P4"),
        enterprise("上虞晶华新材料科技有限公司", "330604", "91330604MA2JH5Q21"),
        enterprise("诸暨华东珍珠饰品有限公司", "330681", "91330681MA2BWE9L6"),
        enterprise("嵊州领带智造有限公司", "330683", "91330683MA2D1F8K3"),
        enterprise("新昌康源生物医药有限公司", "330624", "91330624MA2BX27R5"),
        school("绍兴市现代职业技术学院", "330602", SchoolLevel::GaozhiZhuanke),
        school("柯桥区职业教育中心", "330603", SchoolLevel::Zhongzhi),
        school("绍兴应用技术学院", "330602", SchoolLevel::PutongBenke),
    ];
    assert_eq!(expected.len(), ORIGINAL_ORGANIZATIONS);
    for (org, (name, region, identity)) in orgs.iter().zip(expected) {
        assert_eq!((org.name, org.region, &org.identity), (name, region, &identity));
    }
    assert_eq!(orgs[0].clusters, ["hq_equipment", "metalwork"]);
    assert_eq!(orgs[1].clusters, ["ic"]);
    assert_eq!(orgs[2].clusters, ["new_materials", "chemical"]);
    assert_eq!((orgs[3].clusters.as_slice(), orgs[4].clusters.as_slice()), (&["pearl"][..], &["dyeing"][..]));
    assert_eq!(orgs[5].clusters, ["biomed"]);
}

#[test]
fn every_code_in_the_text_banks_is_real() {
    let ids: BTreeSet<&str> = reference::clusters().iter().map(|c| c.id.as_str()).collect();
    let written: BTreeSet<&str> = texts::all_clusters().map(|c| c.id).collect();
    assert_eq!(ids, written, "every cluster has its texts");
    for cluster in texts::all_clusters() {
        for role in cluster.roles {
            let occupation = OccupationCode::parse(role.occupation).unwrap_or_else(|_| panic!("{}", role.occupation));
            assert_eq!(occupation.occupation().level, 4, "{} is not an occupation", role.occupation);
            for code in role.programs {
                assert!(ProgramCode::parse(code).is_ok(), "{} lists unknown program {code}", role.name);
            }
            assert!(role.duties.len() >= 2 && role.skills.len() >= 3, "{}", role.name);
        }
        assert!(cluster.training.len() >= 3 && cluster.research.len() >= 3 && cluster.equipment.len() >= 4);
        assert!(!cluster.bases.is_empty() && !cluster.k12.is_empty() && !cluster.certificates.is_empty());
    }
}

#[test]
fn subject_lists_name_real_enterprises_roles_and_topics() {
    let shorts: HashSet<&str> = ORGS.iter().map(|row| row.short).collect();
    assert_eq!(shorts.len(), ORGS.len(), "short names repeat");
    for (short, subjects) in catalog_subjects::listed() {
        let row = ORGS.iter().find(|row| row.short == *short).unwrap_or_else(|| panic!("no enterprise {short}"));
        let clusters: Vec<&texts::ClusterText> = row.clusters.iter().map(|id| texts::cluster(id)).collect();
        for subject in *subjects {
            let known = clusters.iter().any(|c| {
                c.roles.iter().any(|r| r.name == *subject)
                    || c.training.iter().chain(c.research).any(|t| t.name == *subject)
            });
            assert!(known, "{short} lists {subject}, not of its clusters");
        }
        for cluster in &clusters {
            assert!(cluster.roles.iter().any(|r| subjects.contains(&r.name)), "{short} hires nobody in {}", cluster.id);
        }
    }
}

/// Checks everything the demo promises about its postings for one `today`.
fn check_postings(today: NaiveDate) {
    let orgs = organizations();
    let all = postings(today);
    let mut by_status: HashMap<PostingStatus, usize> = HashMap::new();
    let mut published_by_kind: BTreeMap<PostingKind, usize> = BTreeMap::new();
    let mut clusters = BTreeSet::new();
    let mut counties = BTreeSet::new();
    let mut orgs_with_postings = HashSet::new();
    let mut texts = HashSet::new();
    let mut openings: HashMap<&str, usize> = HashMap::new();
    for posting in &all {
        let org = &orgs[posting.org];
        let parsed = NewPosting::parse_for_side(&posting.input, side(org))
            .unwrap_or_else(|e| panic!("{} does not parse: {e:?}\n{:#?}", posting.input.title, posting.input));
        assert_eq!(parsed.side(), side(org));
        assert_eq!(county(parsed.region.as_str()), county(org.region), "{}", posting.input.title);
        if org.region.len() > 6 {
            assert!(
                [county(org.region), org.region].contains(&parsed.region.as_str()),
                "{} is posted away from its township",
                posting.input.title
            );
        }
        for text in [&posting.input.title, &posting.input.description] {
            assert!(!text.contains('{') && !text.contains('}'), "unfilled slot in {text}");
        }
        let length = posting.input.description.chars().count();
        assert!(DESCRIPTION_CHARS.contains(&length), "{length} characters: {}", posting.input.description);
        assert!(posting.input.description.matches('。').count() >= 3, "{}", posting.input.description);
        assert!(texts.insert(format!("{}\n{}", posting.input.title, posting.input.description)), "repeated text");
        if parsed.kind == PostingKind::ProgramOffering {
            let DemoIdentity::School { level } = org.identity else { unreachable!() };
            assert_eq!(parsed.program_codes.len(), 1);
            assert_eq!(parsed.program_codes[0].level(), level);
            assert!(org.programs.contains(&parsed.program_codes[0].as_str()));
            assert!(parsed.quantity.is_some() && parsed.annual_enrolment.is_some());
        }
        *by_status.entry(posting.status).or_default() += 1;
        let ends = ends_on(posting);
        match posting.status {
            PostingStatus::Published => {
                *published_by_kind.entry(parsed.kind).or_default() += 1;
                clusters.extend(parsed.industry_clusters.iter().map(|c| c.as_str().to_owned()));
                counties.insert(county(parsed.region.as_str()).to_owned());
                orgs_with_postings.insert(posting.org);
                *openings.entry(first_sentence(&posting.input.description)).or_default() += 1;
                assert!(ends > today, "{} ends {ends}", posting.input.title);
                assert!(posting.created_on <= today && (today - posting.created_on).num_days() <= 90);
            }
            PostingStatus::Draft | PostingStatus::Paused => assert!(ends > today),
            PostingStatus::Closed | PostingStatus::Filled | PostingStatus::Expired => {
                assert!(ends < today, "{} ends {ends}", posting.input.title);
                assert!((2021..=2025).contains(&posting.created_on.year()), "{}", posting.created_on);
            }
        }
    }

    let published = by_status.get(&PostingStatus::Published).copied().unwrap_or(0);
    assert!(published >= 340, "{published} published");
    for kind in PostingKind::ALL {
        let count = published_by_kind.get(kind).copied().unwrap_or(0);
        assert!(count >= 8, "{count} published {kind}");
    }
    let history: usize = [PostingStatus::Closed, PostingStatus::Filled, PostingStatus::Expired]
        .iter()
        .map(|s| by_status.get(s).copied().unwrap_or(0))
        .sum();
    assert!((75..=100).contains(&history), "{history} past postings");
    for status in PostingStatus::ALL {
        assert!(by_status.get(status).copied().unwrap_or(0) >= 3, "few {status}: {by_status:?}");
    }
    let ids: BTreeSet<String> = reference::clusters().iter().map(|c| c.id.as_str().to_owned()).collect();
    assert_eq!(clusters, ids, "published postings cover every cluster");
    assert_eq!(counties.len(), COUNTIES.len(), "published postings cover every county");
    assert_eq!(orgs_with_postings.len(), orgs.len(), "every organization has published postings");
    let shared: usize = openings.values().filter(|n| **n > 1).sum();
    assert!(shared * 10 < published, "{shared} of {published} descriptions share their first sentence");
}

#[test]
fn postings_meet_the_demo_numbers_and_all_parse() {
    check_postings(day(2026, 11, 29));
}

#[test]
fn postings_work_for_any_day() {
    for today in [day(2025, 3, 1), day(2027, 7, 15), day(2030, 1, 1)] {
        check_postings(today);
    }
}

#[test]
fn the_same_day_gives_the_same_postings() {
    let today = day(2026, 11, 29);
    assert_eq!(postings(today), postings(today));
    assert_eq!(organizations(), organizations());
}

#[test]
fn past_postings_spread_over_the_years_and_kinds() {
    let all = postings(day(2026, 11, 29));
    let past: Vec<&DemoPosting> = all.iter().filter(|p| p.status.is_terminal()).collect();
    let years: BTreeSet<i32> = past.iter().map(|p| p.created_on.year()).collect();
    assert_eq!(years, (2021..=2025).collect());
    let kinds: HashSet<&str> = past.iter().map(|p| p.input.kind.as_str()).collect();
    let uncounted = PostingKind::ALL.iter().filter(|k| !super::catalog::counts_in_outlook(**k)).count();
    assert_eq!(kinds.len(), uncounted, "every kind the outlook does not count: {kinds:?}");
}

/// The outlook's history: every planned class has every year, each posting parses, names only
/// programs of its class and is over, and the yearly totals have the shape of the class's profile.
#[test]
fn the_outlook_history_gives_each_class_its_profile() {
    use super::catalog_outlook::{self, Profile, YEARS};
    for today in [day(2026, 12, 7), day(2027, 1, 3), day(2030, 7, 1)] {
        let orgs = organizations();
        let classes = catalog_outlook::classes();
        for profile in [Profile::Shortage, Profile::Oversupply, Profile::Balanced] {
            assert!(classes.iter().any(|(_, p)| *p == profile), "{profile:?} among {classes:?}");
        }
        let all = catalog_outlook::postings(today);
        assert!(all.len() < 300, "{} postings: seeding stays fast", all.len());
        // (class, year) -> (demand, supply)
        let mut totals: BTreeMap<(String, i32), (i64, i64)> = BTreeMap::new();
        for posting in &all {
            let org = &orgs[posting.org];
            let parsed = NewPosting::parse_for_side(&posting.input, side(org)).unwrap_or_else(|e| {
                panic!("{}: {e:?}", posting.input.title);
            });
            assert!(posting.status.is_terminal());
            assert!(ends_on(posting) < today, "{} is over", posting.input.title);
            let year = posting.created_on.year();
            assert!((today.year() - YEARS..today.year()).contains(&year), "{year}");
            let classes: BTreeSet<&str> = parsed.program_codes.iter().map(|c| &c.as_str()[..4]).collect();
            assert_eq!(classes.len(), 1, "{}: one class", posting.input.title);
            let class = classes.into_iter().next().unwrap().to_owned();
            let quantity = parsed.quantity.map(|q| q.get() as i64).unwrap();
            let entry = totals.entry((class, year)).or_default();
            if parsed.kind == PostingKind::ProgramOffering {
                entry.1 += quantity;
            } else {
                entry.0 += quantity;
            }
        }
        for (class, profile) in &classes {
            let years: Vec<(i64, i64)> =
                (today.year() - YEARS..today.year()).map(|y| totals[&(class.clone(), y)]).collect();
            let (demand, supply) = *years.last().unwrap();
            let (first_demand, _) = years[0];
            match profile {
                Profile::Shortage => {
                    assert!(supply * 10 < demand * 8 && demand - supply >= 20, "{class}: {years:?}");
                    assert!(demand > first_demand * 3 / 2, "{class} grows: {years:?}");
                }
                Profile::Oversupply => {
                    for (d, s) in &years[YEARS as usize - 2..] {
                        assert!(s * 100 > d * 125 && s - d >= 20, "{class}: {years:?}");
                    }
                    assert!(demand * 3 < first_demand * 2, "{class} falls: {years:?}");
                }
                Profile::Balanced => {
                    assert!(supply * 10 >= demand * 8 && supply * 100 <= demand * 125, "{class}: {years:?}");
                    assert!((demand - supply).abs() < 20 && demand.max(supply) >= 10, "{class}: {years:?}");
                }
            }
        }
        assert_eq!(catalog_outlook::postings(today), all, "the same day gives the same history");
    }
}
