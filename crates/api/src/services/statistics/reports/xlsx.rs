//! A report as an `.xlsx` workbook: a cover sheet with the title and the filter it was made
//! under (and each section's note), then one sheet per section with a bold frozen header row,
//! column widths from the section, numbers as numbers (percentages formatted, not converted to
//! text) and "无数据" where there is no data.

use rust_xlsxwriter::{Format, FormatBorder, Workbook, Worksheet, XlsxError};

use super::{Cell, ColumnKind, Report, Section};
use crate::error::ApiError;

/// The text written where a figure has no data.
pub const NO_DATA: &str = "无数据";

/// The cover sheet's name.
pub const COVER: &str = "封面";

/// The workbook's bytes.
pub fn workbook(report: &Report) -> Result<Vec<u8>, ApiError> {
    build(report).map_err(|e| ApiError::Internal(format!("report workbook: {e}")))
}

/// The sheet name of each section, in order: its Chinese title without the characters Excel
/// forbids, cut to 31 characters, made unique.
pub fn sheet_names(report: &Report) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for section in &report.sections {
        let clean: String = section.title_zh.chars().filter(|c| !"[]:*?/\\'".contains(*c)).take(28).collect::<String>();
        let mut name = clean.clone();
        let mut n = 2;
        while names.contains(&name) || name == COVER {
            name = format!("{clean}{n}");
            n += 1;
        }
        names.push(name);
    }
    names
}

fn build(report: &Report) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let header = Format::new().set_bold().set_background_color("#DDEBF7").set_border(FormatBorder::Thin);
    let names = sheet_names(report);
    cover(book.add_worksheet(), report, &names, &header)?;
    for (section, name) in report.sections.iter().zip(&names) {
        let sheet = book.add_worksheet();
        sheet.set_name(name)?;
        section_sheet(sheet, section, &header)?;
    }
    book.save_to_buffer()
}

fn cover(sheet: &mut Worksheet, report: &Report, names: &[String], header: &Format) -> Result<(), XlsxError> {
    sheet.set_name(COVER)?;
    sheet.set_column_width(0, 16)?;
    sheet.set_column_width(1, 60)?;
    let bold = Format::new().set_bold().set_font_size(14);
    sheet.write_string_with_format(0, 0, &report.title_zh, &bold)?;
    sheet.write_string(1, 0, "对象")?;
    sheet.write_string(1, 1, &report.subject)?;
    sheet.write_string(2, 0, "区县")?;
    sheet.write_string(2, 1, &report.district_name)?;
    sheet.write_string(3, 0, "区划代码")?;
    sheet.write_string(3, 1, &report.region_code)?;
    sheet.write_string(4, 0, "年份")?;
    match report.filter.year {
        Some(year) => sheet.write_number(4, 1, f64::from(year))?,
        None => sheet.write_string(4, 1, "全部年份")?,
    };
    sheet.write_string(5, 0, "生成日期")?;
    sheet.write_string(5, 1, report.generated_on.to_string())?;
    sheet.write_string_with_format(7, 0, "工作表", header)?;
    sheet.write_string_with_format(7, 1, "统计口径", header)?;
    for (index, (section, name)) in report.sections.iter().zip(names).enumerate() {
        let row = 8 + index as u32;
        sheet.write_string(row, 0, name)?;
        sheet.write_string(row, 1, section.note_zh)?;
    }
    Ok(())
}

fn section_sheet(sheet: &mut Worksheet, section: &Section, header: &Format) -> Result<(), XlsxError> {
    let percent = Format::new().set_num_format("0.0%");
    for (index, column) in section.columns.iter().enumerate() {
        let col = index as u16;
        sheet.set_column_width(col, column.width)?;
        sheet.write_string_with_format(0, col, column.zh, header)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    for (index, cells) in section.rows.iter().enumerate() {
        let row = index as u32 + 1;
        for (col, (cell, column)) in cells.iter().zip(&section.columns).enumerate() {
            let col = col as u16;
            match cell {
                // A string cell always, never a formula, whatever the text begins with.
                Cell::Text(text) => sheet.write_string(row, col, text)?,
                Cell::Number(n) if column.kind == ColumnKind::Percent => {
                    sheet.write_number_with_format(row, col, *n, &percent)?
                }
                Cell::Number(n) => sheet.write_number(row, col, *n)?,
                Cell::NoData => sheet.write_string(row, col, NO_DATA)?,
            };
        }
    }
    Ok(())
}
