//! Server-rendered SVG for the supply-and-demand page: diverging gap bars (shortage to the right,
//! oversupply to the left of zero) and a map-like grid of the city's districts coloured by their
//! status. No script, no CDN; each chart has a `<title>` and `<desc>` referenced by
//! `aria-labelledby`, text labels on every bar and tile, and the page puts the same numbers in a
//! table beside it.

use std::fmt::Write;

use chanjiao_domain::statistics::Status;

use crate::web::escape_html;

/// The opening tag with the chart's title and description, `id` keeping several charts on one
/// page apart.
fn open(svg: &mut String, id: &str, width: f64, height: f64, title: &str, description: &str) {
    let _ = write!(
        svg,
        r#"<svg class="chart {id}" viewBox="0 0 {width} {height}" role="img" aria-labelledby="{id}-t {id}-d" xmlns="http://www.w3.org/2000/svg"><title id="{id}-t">{}</title><desc id="{id}-d">{}</desc>"#,
        escape_html(title),
        escape_html(description)
    );
}

/// One bar: a label and the gap (demand − supply, people).
pub struct Bar<'a> {
    pub label: &'a str,
    pub gap: f64,
}

const BAR_WIDTH: f64 = 360.0;
const LABEL: f64 = 110.0;
const ROW: f64 = 22.0;

/// Horizontal bars from a zero line: a positive gap (shortage) runs right, a negative one
/// (oversupply) left, each labelled with its value.
pub fn gap_bars(id: &str, title: &str, description: &str, bars: &[Bar<'_>]) -> String {
    let height = ROW * bars.len().max(1) as f64 + 24.0;
    let mut svg = String::new();
    open(&mut svg, id, BAR_WIDTH, height, title, description);
    let widest = bars.iter().map(|b| b.gap.abs()).fold(0.0_f64, f64::max).max(1.0);
    let plot = BAR_WIDTH - LABEL - 8.0;
    let zero = LABEL + plot / 2.0;
    let scale = (plot / 2.0 - 30.0) / widest;
    let _ = write!(svg, r#"<line class="axis" x1="{zero}" y1="4" x2="{zero}" y2="{}"/>"#, height - 18.0);
    for (i, bar) in bars.iter().enumerate() {
        let y = 6.0 + i as f64 * ROW;
        let length = bar.gap.abs() * scale;
        let (class, x, anchor, text_x) = if bar.gap >= 0.0 {
            ("shortage", zero, "start", zero + length + 3.0)
        } else {
            ("oversupply", zero - length, "end", zero - length - 3.0)
        };
        let _ = write!(
            svg,
            r#"<text class="tick" x="{}" y="{:.1}" text-anchor="end">{}</text><rect class="bar {class}" x="{x:.1}" y="{y:.1}" width="{length:.1}" height="{}"><title>{}: {:+.0}</title></rect><text class="tick" x="{text_x:.1}" y="{:.1}" text-anchor="{anchor}">{:+.0}</text>"#,
            LABEL - 6.0,
            y + ROW * 0.6,
            escape_html(bar.label),
            ROW - 6.0,
            escape_html(bar.label),
            bar.gap,
            y + ROW * 0.6,
            bar.gap
        );
    }
    let _ = write!(svg, r#"<text class="tick" x="{zero}" y="{}" text-anchor="middle">0</text></svg>"#, height - 6.0);
    svg
}

/// One district's tile: where it sits on the grid, and what it says.
pub struct Tile<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub status: Status,
    /// The status in the page's language.
    pub status_label: &'a str,
    /// e.g. "缺口 +40 · 满足率 67%".
    pub figures: String,
}

/// Where each county of 绍兴市 sits on a 3×3 grid, roughly as on a map: 柯桥, 越城 and 上虞 along
/// the north, 诸暨 to the south-west, 嵊州 and 新昌 to the south-east.
fn position(code: &str) -> Option<(u32, u32)> {
    match code {
        "330603" => Some((0, 0)),
        "330602" => Some((1, 0)),
        "330604" => Some((2, 0)),
        "330681" => Some((0, 1)),
        "330683" => Some((2, 1)),
        "330624" => Some((2, 2)),
        _ => None,
    }
}

const TILE_W: f64 = 120.0;
const TILE_H: f64 = 70.0;

/// The districts as tiles coloured by status (class `status-shortage` etc.), named and labelled.
pub fn district_grid(id: &str, title: &str, description: &str, tiles: &[Tile<'_>]) -> String {
    let mut svg = String::new();
    open(&mut svg, id, TILE_W * 3.0, TILE_H * 3.0, title, description);
    for (i, tile) in tiles.iter().enumerate() {
        // A district the grid does not know goes to the free middle-left cells, in order.
        let (col, row) = position(tile.code).unwrap_or((i as u32 % 2, 2));
        let (x, y) = (f64::from(col) * TILE_W, f64::from(row) * TILE_H);
        let _ = write!(
            svg,
            r#"<g class="tile status-{}"><title>{}: {} · {}</title><rect x="{:.0}" y="{:.0}" width="{:.0}" height="{:.0}" rx="6"/><text x="{:.0}" y="{:.0}" text-anchor="middle" class="tile-name">{}</text><text x="{:.0}" y="{:.0}" text-anchor="middle" class="tile-status">{}</text><text x="{:.0}" y="{:.0}" text-anchor="middle" class="tile-figures">{}</text></g>"#,
            tile.status.as_str(),
            escape_html(tile.name),
            escape_html(tile.status_label),
            escape_html(&tile.figures),
            x + 3.0,
            y + 3.0,
            TILE_W - 6.0,
            TILE_H - 6.0,
            x + TILE_W / 2.0,
            y + 24.0,
            escape_html(tile.name),
            x + TILE_W / 2.0,
            y + 42.0,
            escape_html(tile.status_label),
            x + TILE_W / 2.0,
            y + 58.0,
            escape_html(&tile.figures),
        );
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shortage_runs_right_and_an_oversupply_left_of_zero() {
        let svg = gap_bars(
            "gap",
            "缺口 <类>",
            "需求减供给",
            &[Bar { label: "机械", gap: 40.0 }, Bar { label: "旅游", gap: -20.0 }],
        );
        assert!(svg.contains(r#"role="img" aria-labelledby="gap-t gap-d""#));
        assert!(svg.contains("<title id=\"gap-t\">缺口 &lt;类&gt;</title>"));
        assert!(svg.contains("class=\"bar shortage\"") && svg.contains("class=\"bar oversupply\""));
        assert!(svg.contains(">+40</text>") && svg.contains(">-20</text>"), "each bar is labelled");
    }

    #[test]
    fn districts_sit_where_they_are_on_the_map_with_their_status() {
        let svg = district_grid(
            "grid",
            "各区县",
            "",
            &[Tile {
                code: "330624",
                name: "新昌县",
                status: Status::Shortage,
                status_label: "紧缺",
                figures: "缺口 +5".into(),
            }],
        );
        assert!(svg.contains("class=\"tile status-shortage\""));
        assert!(svg.contains("<rect x=\"243\" y=\"143\""), "新昌 in the south-east corner: {svg}");
        assert!(svg.contains(">新昌县</text>") && svg.contains(">缺口 +5</text>"));
    }
}
