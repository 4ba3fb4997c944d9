//! Numbers on pages as Chinese readers expect them: the template filters `thousands`
//! (`12,345`, for counts and totals that can pass 999) and `yuan`, money in the page's language —
//! in Chinese `3,500 元` below ten thousand and `12.5 万元` from ten thousand on (how salaries
//! and budgets are spoken of; an amount that would need more than two decimals in 万 stays in
//! 元), in English `¥3,500` and `¥125,000`.
//!
//! Amounts are computed in fen (hundredths of a yuan, [`chanjiao_domain::Yuan`]'s unit) so that
//! `万元` is exact decimal arithmetic, never float noise (`1.2345670000000001 万元`). Like the
//! time filters, these never fail a page: a value that is not a number is shown as it came.

use minijinja::{State, Value};

use crate::web::Lang;
use crate::web::times::page_lang;

/// An integer with a comma every three digits (`-1,234,567`).
pub fn group(n: i128) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// The `thousands` filter: an integer (or a number text of one) grouped by thousands; a
/// fractional number keeps its fraction as printed (`12,345.5`).
fn thousands(value: Value) -> String {
    if let Some(n) = integer(&value) {
        return group(n);
    }
    if value.is_none() || value.is_undefined() {
        return String::new();
    }
    let text = value.to_string();
    match f64::try_from(value) {
        Ok(f) if f.is_finite() && f.abs() < 1e15 => {
            let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
            match whole.parse::<i128>() {
                Ok(n) if fraction.is_empty() => group(n),
                // "-0.5" has a whole part of "-0", which parses as 0: keep its sign.
                Ok(n) => format!("{}{}.{fraction}", if n == 0 && f < 0.0 { "-" } else { "" }, group(n)),
                Err(_) => text,
            }
        }
        _ => text,
    }
}

fn integer(value: &Value) -> Option<i128> {
    if let Ok(n) = i128::try_from(value.clone()) {
        return Some(n);
    }
    value.as_str().and_then(|s| s.trim().parse::<i128>().ok())
}

/// The `yuan` filter: an amount of yuan as the API serializes it (a number, `3500.5`).
fn yuan(state: &State, value: Value) -> String {
    match fen(&value) {
        Some(fen) => money(fen, page_lang(state)),
        None if value.is_none() || value.is_undefined() => String::new(),
        None => value.to_string(),
    }
}

/// The amount in fen; `None` for anything that is not an amount with at most two decimals.
fn fen(value: &Value) -> Option<i128> {
    if let Some(n) = integer(value) {
        return n.checked_mul(100);
    }
    let f = f64::try_from(value.clone()).ok()?;
    // Beyond 2^53 fen a float no longer holds every fen exactly; no amount on the platform is near.
    let fen = (f * 100.0).round();
    (f.is_finite() && fen.abs() < 9e15 && (f * 100.0 - fen).abs() < 1e-6).then_some(fen as i128)
}

/// An amount of `fen` as a page in `lang` shows money.
pub fn money(fen: i128, lang: Lang) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let fen = fen.abs();
    match lang {
        Lang::En => format!("{sign}¥{}", decimal(fen, 2)),
        // 1 万元 = 10,000 yuan = 1,000,000 fen: the same digits with the point six places left.
        // Only amounts that read in 万 with at most two decimals (whole hundreds of yuan) are
        // said in 万元; 12,345.67 stays in 元 rather than becoming 1.234567 万元.
        Lang::Zh if fen >= 1_000_000 && fen % 10_000 == 0 => format!("{sign}{} 万元", decimal(fen, 6)),
        Lang::Zh => format!("{sign}{} 元", decimal(fen, 2)),
    }
}

/// `units` with the point `places` digits from the right, the whole part grouped by thousands
/// and trailing zeros of the fraction dropped (`decimal(1_250_000, 6)` is `1.25`).
fn decimal(units: i128, places: u32) -> String {
    let scale = 10i128.pow(places);
    let (whole, fraction) = (units / scale, units % scale);
    let fraction = format!("{fraction:0width$}", width = places as usize);
    let fraction = fraction.trim_end_matches('0');
    if fraction.is_empty() { group(whole) } else { format!("{}.{fraction}", group(whole)) }
}

/// Adds the filters to a template environment.
pub fn register(env: &mut minijinja::Environment<'static>) {
    env.add_filter("thousands", thousands);
    env.add_filter("yuan", yuan);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(template: &str, lang: &str, value: Value) -> String {
        let mut env = minijinja::Environment::new();
        register(&mut env);
        env.render_str(template, minijinja::context! { lang, value }).unwrap()
    }

    #[test]
    fn large_numbers_are_grouped_by_thousands() {
        let shown = |v: Value| render("{{ value | thousands }}", "zh", v);
        assert_eq!(shown(Value::from(0)), "0");
        assert_eq!(shown(Value::from(999)), "999");
        assert_eq!(shown(Value::from(1000)), "1,000");
        assert_eq!(shown(Value::from(12_345)), "12,345");
        assert_eq!(shown(Value::from(1_234_567_u64)), "1,234,567");
        assert_eq!(shown(Value::from(-1_234_567_i64)), "-1,234,567");
        assert_eq!(shown(Value::from(12_345.0)), "12,345");
        assert_eq!(shown(Value::from(12_345.5)), "12,345.5");
        assert_eq!(shown(Value::from(-0.5)), "-0.5");
        assert_eq!(shown(Value::from("23456")), "23,456");
        assert_eq!(shown(Value::from("—")), "—");
        assert_eq!(shown(Value::from(())), "");
    }

    #[test]
    fn money_is_yuan_below_ten_thousand_and_wan_yuan_from_there() {
        let zh = |v: Value| render("{{ value | yuan }}", "zh", v);
        let en = |v: Value| render("{{ value | yuan }}", "en", v);
        assert_eq!(zh(Value::from(0)), "0 元");
        assert_eq!(zh(Value::from(3500)), "3,500 元");
        assert_eq!(zh(Value::from(9_999.99)), "9,999.99 元");
        assert_eq!(zh(Value::from(10_000)), "1 万元");
        assert_eq!(zh(Value::from(125_000)), "12.5 万元");
        assert_eq!(zh(Value::from(12_345.67)), "12,345.67 元");
        assert_eq!(zh(Value::from(12_300)), "1.23 万元");
        assert_eq!(zh(Value::from(3500.5)), "3,500.5 元");
        assert_eq!(zh(Value::from(123_456_700)), "12,345.67 万元");
        assert_eq!(zh(Value::from(123_456_789)), "123,456,789 元");
        assert_eq!(en(Value::from(0)), "¥0");
        assert_eq!(en(Value::from(3500)), "¥3,500");
        assert_eq!(en(Value::from(9_999.99)), "¥9,999.99");
        assert_eq!(en(Value::from(10_000)), "¥10,000");
        assert_eq!(en(Value::from(125_000)), "¥125,000");
        assert_eq!(en(Value::from(12_345.67)), "¥12,345.67");
        assert_eq!(en(Value::from(())), "", "no amount, nothing shown");
        assert_eq!(zh(Value::from("面议")), "面议");
    }

    #[test]
    fn money_in_fen_is_exact() {
        assert_eq!(money(999_999, Lang::Zh), "9,999.99 元");
        assert_eq!(money(1_000_000, Lang::Zh), "1 万元");
        assert_eq!(money(1_000_001, Lang::Zh), "10,000.01 元");
        assert_eq!(money(-350_000, Lang::En), "-¥3,500");
    }
}
