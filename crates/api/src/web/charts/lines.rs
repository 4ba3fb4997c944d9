//! Server-rendered SVG line charts: no script, no CDN. Each chart carries a `<title>` and
//! `<desc>` for screen readers, and the page puts the same numbers in a table beside it.

use std::fmt::Write;

use crate::web::escape_html;

/// One line: its label, colour class, and points; points from `dashed_from` on are forecasts.
pub struct Line<'a> {
    pub label: &'a str,
    pub class: &'a str,
    pub points: Vec<(i32, f64)>,
    pub dashed_from: Option<i32>,
}

const WIDTH: f64 = 320.0;
const HEIGHT: f64 = 160.0;
const PAD: f64 = 28.0;

/// A chart of yearly values; an empty chart when there is nothing to draw. `id` names its title
/// and description, so it must be unique on the page: a screen reader reads each chart's own.
pub fn lines(id: &str, title: &str, description: &str, lines: &[Line<'_>]) -> String {
    let id = escape_html(id);
    let years = lines.iter().flat_map(|l| l.points.iter().map(|p| p.0));
    let (first, last) = years.fold((i32::MAX, i32::MIN), |(a, b), y| (a.min(y), b.max(y)));
    let top = lines.iter().flat_map(|l| l.points.iter().map(|p| p.1)).fold(0.0_f64, f64::max).max(1.0);
    let x = |year: i32| {
        if last > first {
            PAD + (year - first) as f64 / (last - first) as f64 * (WIDTH - 2.0 * PAD)
        } else {
            WIDTH / 2.0
        }
    };
    let y = |value: f64| HEIGHT - PAD - value / top * (HEIGHT - 2.0 * PAD);
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="{id}-t {id}-d" xmlns="http://www.w3.org/2000/svg"><title id="{id}-t">{}</title><desc id="{id}-d">{}</desc>"#,
        escape_html(title),
        escape_html(description)
    );
    let _ = write!(
        svg,
        r#"<line class="axis" x1="{PAD}" y1="{b}" x2="{r}" y2="{b}"/><text class="tick" x="{PAD}" y="{t}">{top:.0}</text>"#,
        b = HEIGHT - PAD,
        r = WIDTH - PAD,
        t = PAD - 8.0,
    );
    if first <= last {
        for year in [first, last] {
            let _ = write!(
                svg,
                r#"<text class="tick" x="{:.1}" y="{}" text-anchor="middle">{year}</text>"#,
                x(year),
                HEIGHT - 8.0
            );
        }
    }
    for line in lines {
        let observed = |year: i32| line.dashed_from.is_none_or(|from| year < from);
        let solid: Vec<(i32, f64)> = line.points.iter().copied().filter(|p| observed(p.0)).collect();
        // The dashed part starts at the last observed point, so the two meet.
        let dashed: Vec<(i32, f64)> =
            solid.last().copied().into_iter().chain(line.points.iter().copied().filter(|p| !observed(p.0))).collect();
        for (points, style) in [(solid, ""), (dashed, " forecast")] {
            if points.len() < 2 {
                continue;
            }
            let path: Vec<String> = points.iter().map(|(yr, v)| format!("{:.1},{:.1}", x(*yr), y(*v))).collect();
            let _ = write!(
                svg,
                r#"<polyline class="{}{style}" points="{}"><title>{}</title></polyline>"#,
                escape_html(line.class),
                path.join(" "),
                escape_html(line.label)
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chart_names_itself_escapes_text_and_dashes_forecasts() {
        let svg = lines(
            "outlook-4601",
            "数控 <需求>",
            "需求与供给",
            &[Line {
                label: "需求",
                class: "demand",
                points: vec![(2023, 10.0), (2024, 20.0), (2025, 30.0)],
                dashed_from: Some(2025),
            }],
        );
        assert!(svg.contains("<title id=\"outlook-4601-t\">数控 &lt;需求&gt;</title>"));
        assert!(svg.contains(r#"aria-labelledby="outlook-4601-t outlook-4601-d""#));
        assert_eq!(svg.matches("<polyline").count(), 2, "observed and forecast parts");
        assert!(svg.contains("class=\"demand forecast\""));
        assert!(lines("empty", "空", "", &[]).ends_with("</svg>"));
    }
}
