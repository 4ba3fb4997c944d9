//! A published allocation round in the demo, made through the rounds services as the city and
//! the demo school would make it: the city opens a round over published apprenticeship,
//! order-class and training-base postings (the demo enterprise's first, then others'), the
//! school puts forward students of its programs with their preferences, the round runs after
//! its deadline and is published, and two students have already answered. So /rounds shows the
//! city its report, the school its students' results and the enterprise its intake.
//!
//! Dated in the past two weeks; the lottery seed is fixed, so the results are the same on every
//! run. Added once: nothing is done while the city has organized any round.

use chanjiao_domain::SchoolLevel;
use chanjiao_domain::posting::{PostingKind, PostingStatus};
use chanjiao_domain::rounds::Step;
use chrono::{DateTime, Duration, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

use chanjiao_api::clock;
use chanjiao_api::entities::postings;
use chanjiao_api::entities::rounds::round;
use chanjiao_api::error::ApiError;
use chanjiao_api::services::rounds::manage::{self, AdvanceInput, PLACE_KINDS, PlaceInput, RoundInput};
use chanjiao_api::services::rounds::students::{self, ResponseBody, StudentBody};
use chanjiao_api::services::rounds::{run, views};

use super::seed_brokering::account;

/// Places in the round: the demo enterprise's postings, then others', in posting order.
const PLACES: usize = 6;
/// Students the demo school puts forward.
const STUDENTS: usize = 10;
/// The round's recorded lottery seed.
const SEED: u64 = 20_201_130;

/// Seeds the round unless the city has one. Returns the round's id when it made one.
pub async fn seed(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<Option<i64>, ApiError> {
    let city = account(db, "city@demo.local").await?;
    let school = account(db, "school@demo.local").await?;
    let enterprise = account(db, "enterprise@demo.local").await?;
    let city_org = city.organization_id().unwrap_or_default();
    if round::Entity::find().filter(round::Column::OrganizerOrgId.eq(city_org)).count(db).await? > 0 {
        return Ok(None);
    }
    let at = |days: i64| now - Duration::days(days);
    let local = |t: DateTime<Utc>| clock::to_local(t).format("%Y-%m-%dT%H:%M").to_string();

    let input = RoundInput {
        name: Some("冬季现代学徒制与订单班双向选择（演示）".into()),
        preference_deadline: Some(local(at(4))),
        mechanism: None,
        seed: Some(SEED),
    };
    let round = manage::create(db, &city, &input, at(12)).await?;

    let kinds: Vec<&str> = PLACE_KINDS.iter().map(|k| k.as_str()).collect();
    let mut candidates = postings::Entity::find()
        .filter(postings::Column::Kind.is_in(kinds))
        .filter(postings::Column::Side.eq(chanjiao_domain::Side::Enterprise.as_str()))
        .filter(postings::Column::Status.eq(PostingStatus::Published.as_str()))
        .order_by_asc(postings::Column::Id)
        .all(db)
        .await?;
    let mine = enterprise.organization_id();
    candidates.sort_by_key(|p| (Some(p.organization_id) != mine, p.id));
    let mut places = Vec::new();
    let mut organizations = Vec::new();
    for posting in candidates {
        // One place per enterprise beyond the demo's own two, for variety.
        let own = Some(posting.organization_id) == mine;
        if places.len() >= PLACES
            || (own && places.len() >= 2)
            || (!own && organizations.contains(&posting.organization_id))
        {
            continue;
        }
        let capacity = posting.quantity.unwrap_or(4).clamp(1, 4);
        let place = manage::add_place(
            db,
            &city,
            round.id,
            &PlaceInput { posting_id: Some(posting.id), capacity: Some(capacity) },
            at(12),
        )
        .await?;
        organizations.push(posting.organization_id);
        places.push((place.id, *posting.kind));
    }
    manage::advance(db, &city, round.id, Step::Open, &AdvanceInput::default(), at(11)).await?;

    // The school's students, each with three preferences in a rotating order.
    let programs = school_programs(db, school.organization_id().unwrap_or_default()).await?;
    for n in 0..STUDENTS {
        let program = programs.get(n % programs.len().max(1)).cloned().unwrap_or_else(|| "460103".to_owned());
        let preferences: Vec<i64> = (0..3.min(places.len())).map(|k| places[(n + k * 2) % places.len()].0).collect();
        let body = StudentBody {
            pseudonym: Some(format!("XD2027-{:03}", n + 1)),
            program_code: Some(program),
            level: Some(SchoolLevel::GaozhiZhuanke.as_str().to_owned()),
            consent: true,
            preferences,
        };
        students::add(db, &school, round.id, &body, at(10) + Duration::hours(n as i64)).await?;
    }

    run::run(db, &city, round.id, at(3)).await?;
    manage::advance(db, &city, round.id, Step::Publish, &AdvanceInput::default(), at(3)).await?;
    // The school reads its results, and two placed students have answered already; the rest
    // are still deciding.
    let outcomes = views::results(db, &school, round.id, at(2)).await?;
    let placed = outcomes.iter().filter(|o| o.place_id.is_some());
    for (outcome, response) in placed.zip(["accepted", "declined"]) {
        let body = ResponseBody { response: Some(response.to_owned()) };
        students::respond(db, &school, round.id, outcome.student_id, &body, at(2)).await?;
    }
    Ok(Some(round.id))
}

/// The program codes of the school's published program offerings, else of its postings.
async fn school_programs(db: &DatabaseConnection, school: i64) -> Result<Vec<String>, ApiError> {
    use chanjiao_api::entities::posting_codes;
    let offerings: Vec<i64> = postings::Entity::find()
        .filter(postings::Column::OrganizationId.eq(school))
        .filter(postings::Column::Kind.eq(PostingKind::ProgramOffering.as_str()))
        .filter(postings::Column::Status.eq(PostingStatus::Published.as_str()))
        .order_by_asc(postings::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|p| p.id)
        .collect();
    let mut codes: Vec<String> = posting_codes::Entity::find()
        .filter(posting_codes::Column::PostingId.is_in(offerings))
        .filter(posting_codes::Column::CodeType.eq("program"))
        .order_by_asc(posting_codes::Column::PostingId)
        .all(db)
        .await?
        .into_iter()
        .map(|c| c.code)
        .collect();
    codes.dedup();
    Ok(codes)
}
