//! Times on pages, in Beijing time: the template filters `beijing` (`2027-03-02 01:30`) and
//! `beijing_date` (`2027-03-02`) turn the UTC instants the services hand over (RFC 3339 text,
//! as they serialize) into China's wall-clock time, where every user of the platform is. Cutting
//! the UTC text instead (`created_at[:16]`) showed times eight hours behind, and dates near
//! midnight a day off.
//!
//! Where a date is something to plan around (a booking slot, a proposal's or a round's deadline,
//! a project's dates, a reminder), people want its weekday too: `beijing_day`
//! (`2027-03-01（周一）`, `Mon 2027-03-01`) and `beijing_day_time` (`2027-03-01（周一）09:00`).
//! They take an instant or a plain calendar date (`2027-03-01`, a posting's or project's
//! `NaiveDate`, which is already a date in China and is not converted), in the page's language.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use minijinja::State;

use crate::clock::to_local;
use crate::web::Lang;

/// The instant in Beijing time to the minute; text that is not an instant is shown as it is
/// (a page never fails over a time).
pub fn beijing(value: String) -> String {
    local(&value, "%Y-%m-%d %H:%M").unwrap_or(value)
}

/// The instant in Beijing time to the second, where attempts a few seconds apart must differ
/// (the webhook delivery log).
pub fn beijing_seconds(value: String) -> String {
    local(&value, "%Y-%m-%d %H:%M:%S").unwrap_or(value)
}

/// The date of the instant in Beijing.
pub fn beijing_date(value: String) -> String {
    local(&value, "%Y-%m-%d").unwrap_or(value)
}

/// The Beijing date of an instant, or a plain date, with its weekday in the page's language.
fn beijing_day(state: &State, value: String) -> String {
    let lang = page_lang(state);
    if let Ok(date) = NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d") {
        return day(date, lang);
    }
    instant(&value).map_or(value, |at| day(to_local(at).date_naive(), lang))
}

/// The instant in Beijing time to the minute, with the weekday of its date.
fn beijing_day_time(state: &State, value: String) -> String {
    instant(&value).map_or(value, |at| day_time(at, page_lang(state)))
}

/// `2027-03-01（周一）` in Chinese, `Mon 2027-03-01` in English.
pub fn day(date: NaiveDate, lang: Lang) -> String {
    let index = date.weekday().num_days_from_monday() as usize;
    match lang {
        Lang::Zh => format!("{}（{}）", date.format("%Y-%m-%d"), WEEKDAYS_ZH[index]),
        Lang::En => format!("{} {}", WEEKDAYS_EN[index], date.format("%Y-%m-%d")),
    }
}

/// `2027-03-01（周一）09:00` in Chinese, `Mon 2027-03-01 09:00` in English, in Beijing time.
pub fn day_time(at: DateTime<Utc>, lang: Lang) -> String {
    let local = to_local(at);
    let separator = if lang == Lang::Zh { "" } else { " " };
    format!("{}{separator}{}", day(local.date_naive(), lang), local.format("%H:%M"))
}

const WEEKDAYS_ZH: [&str; 7] = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"];
const WEEKDAYS_EN: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// The page's language as the common context names it (`lang`); Chinese if it is missing.
pub(super) fn page_lang(state: &State) -> Lang {
    match state.lookup("lang").as_ref().and_then(|v| v.as_str()) {
        Some("en") => Lang::En,
        _ => Lang::Zh,
    }
}

fn instant(value: &str) -> Option<DateTime<Utc>> {
    Some(DateTime::parse_from_rfc3339(value.trim()).ok()?.to_utc())
}

fn local(value: &str, format: &str) -> Option<String> {
    Some(to_local(instant(value)?).format(format).to_string())
}

/// Adds the filters to a template environment.
pub fn register(env: &mut minijinja::Environment<'static>) {
    env.add_filter("beijing", beijing);
    env.add_filter("beijing_seconds", beijing_seconds);
    env.add_filter("beijing_date", beijing_date);
    env.add_filter("beijing_day", beijing_day);
    env.add_filter("beijing_day_time", beijing_day_time);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_evening_in_utc_is_the_next_morning_in_beijing() {
        assert_eq!(beijing("2027-03-01T17:30:00Z".into()), "2027-03-02 01:30");
        assert_eq!(beijing("2027-03-01T17:30:59.999999+00:00".into()), "2027-03-02 01:30");
        assert_eq!(beijing_date("2027-03-01T16:00:00Z".into()), "2027-03-02");
        assert_eq!(beijing_date("2027-03-01T15:59:59Z".into()), "2027-03-01");
        assert_eq!(beijing_seconds("2027-03-01T17:30:09Z".into()), "2027-03-02 01:30:09");
        assert_eq!(beijing("not a time".into()), "not a time");
    }

    fn render(template: &str, lang: &str, value: &str) -> String {
        let mut env = minijinja::Environment::new();
        register(&mut env);
        env.render_str(template, minijinja::context! { lang, value }).unwrap()
    }

    #[test]
    fn days_to_plan_around_carry_their_weekday_in_the_pages_language() {
        // 2027-03-01 is a Monday; 16:00 UTC on the Sunday before is already Monday in Beijing.
        assert_eq!(render("{{ value | beijing_day }}", "zh", "2027-02-28T16:00:00Z"), "2027-03-01（周一）");
        assert_eq!(render("{{ value | beijing_day }}", "zh", "2027-02-28T15:59:00Z"), "2027-02-28（周日）");
        assert_eq!(render("{{ value | beijing_day }}", "en", "2027-02-28T16:00:00Z"), "Mon 2027-03-01");
        assert_eq!(render("{{ value | beijing_day }}", "zh", "2027-03-06"), "2027-03-06（周六）");
        assert_eq!(render("{{ value | beijing_day }}", "en", "2027-03-06"), "Sat 2027-03-06");
        assert_eq!(render("{{ value | beijing_day_time }}", "zh", "2027-03-01T01:00:00Z"), "2027-03-01（周一）09:00");
        assert_eq!(render("{{ value | beijing_day_time }}", "en", "2027-03-01T01:00:00+00:00"), "Mon 2027-03-01 09:00");
        assert_eq!(render("{{ value | beijing_day }}", "zh", "soon"), "soon");
        assert_eq!(render("{{ value | beijing_day_time }}", "en", "2027-03-01"), "2027-03-01");
    }
}
