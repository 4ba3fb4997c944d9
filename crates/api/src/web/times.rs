//! Times on pages, in Beijing time: the template filters `beijing` (`2027-03-02 01:30`) and
//! `beijing_date` (`2027-03-02`) turn the UTC instants the services hand over (RFC 3339 text,
//! as they serialize) into China's wall-clock time, where every user of the platform is. Cutting
//! the UTC text instead (`created_at[:16]`) showed times eight hours behind, and dates near
//! midnight a day off.

use chrono::DateTime;

use crate::clock::to_local;

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

fn local(value: &str, format: &str) -> Option<String> {
    let at = DateTime::parse_from_rfc3339(value.trim()).ok()?.to_utc();
    Some(to_local(at).format(format).to_string())
}

/// Adds the filters to a template environment.
pub fn register(env: &mut minijinja::Environment<'static>) {
    env.add_filter("beijing", beijing);
    env.add_filter("beijing_seconds", beijing_seconds);
    env.add_filter("beijing_date", beijing_date);
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
}
