//! Rows into postings, all or nothing: every row is read and parsed for the importer's side, and
//! a single bad row turns the result into a report naming row, column and reason of every
//! problem (up to [`MAX_PROBLEMS`]).

use chanjiao_domain::{FieldError, NewPosting, Side};

use super::cells::{CellProblem, row_input};
use super::columns::{Field, Header};
use super::read::Table;
use super::{ImportReport, ImportRow, MAX_PROBLEMS, RowProblem, SheetError};

/// How often, in rows, progress is reported.
const PROGRESS_EVERY: usize = 500;

pub(super) fn rows(
    table: &Table,
    header: &Header,
    side: Side,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Vec<ImportRow>, SheetError> {
    let total = table.rows.len();
    progress(0, total);
    let mut postings = Vec::with_capacity(total);
    let mut report = ImportReport { rows_checked: total, ..ImportReport::default() };
    for (done, row) in table.rows.iter().enumerate() {
        let read = row_input(header, &row.cells, side);
        match NewPosting::parse_for_side(&read.input, side) {
            Ok(posting) if read.problems.is_empty() => {
                // Once a row has failed, nothing is imported: keep checking, stop collecting.
                if report.rows_with_problems == 0 {
                    postings.push(ImportRow { row: row.number, posting, publish: read.publish });
                }
            }
            parsed => {
                let domain_errors = parsed.err().map(|e| e.0).unwrap_or_default();
                let problems = row_problems(header, row.number, read.problems, domain_errors);
                report.rows_with_problems += 1;
                postings = Vec::new();
                for problem in problems {
                    if report.problems.len() < MAX_PROBLEMS {
                        report.problems.push(problem);
                    } else {
                        report.more_problems += 1;
                    }
                }
            }
        }
        if (done + 1) % PROGRESS_EVERY == 0 || done + 1 == total {
            progress(done + 1, total);
        }
    }
    if report.rows_with_problems > 0 { Err(SheetError::Rows(report)) } else { Ok(postings) }
}

/// The problems of one row in column order: those of its cells, then the domain's, except where
/// a cell's own problem already covers the field.
fn row_problems(
    header: &Header,
    row: usize,
    cell_problems: Vec<CellProblem>,
    domain_errors: Vec<FieldError>,
) -> Vec<RowProblem> {
    let mut problems: Vec<(usize, RowProblem)> = Vec::new();
    let order = |field: Option<Field>| field.and_then(|f| header.position(f)).unwrap_or(usize::MAX);
    for problem in &cell_problems {
        let column = problem.field.column();
        problems.push((
            order(Some(problem.field)),
            RowProblem {
                row,
                column: header.name_of(problem.field),
                field: column.api.to_owned(),
                code: problem.code,
                reason: problem.reason.clone(),
                reason_zh: problem.reason_zh.clone(),
            },
        ));
    }
    for FieldError { field, invalid } in domain_errors {
        let column = Field::from_api(&field);
        if column.is_some_and(|c| cell_problems.iter().any(|p| p.field == c)) {
            continue;
        }
        let (mut reason, mut reason_zh) = (invalid.to_string(), invalid.zh());
        if let Some(item) = item_number(&field) {
            reason = format!("item {item}: {reason}");
            reason_zh = format!("第 {item} 项：{reason_zh}");
        }
        if let Some(column) = column.filter(|c| !header.has(*c)) {
            reason = format!("{reason} (the file has no {} column)", column.column().zh);
            reason_zh = format!("{reason_zh}（文件中没有“{}”列）", column.column().zh);
        }
        problems.push((
            order(column),
            RowProblem {
                row,
                column: column.map_or_else(|| field.clone(), |c| header.name_of(c)),
                field,
                code: invalid.code(),
                reason,
                reason_zh,
            },
        ));
    }
    problems.sort_by_key(|(position, _)| *position);
    problems.into_iter().map(|(_, problem)| problem).collect()
}

/// The 1-based item of a list field error (`skills[2]` → 3).
fn item_number(field: &str) -> Option<usize> {
    let index = field.split_once('[')?.1.strip_suffix(']')?;
    index.parse::<usize>().ok().map(|i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_items_are_counted_from_one() {
        assert_eq!(item_number("program_codes[2]"), Some(3));
        assert_eq!(item_number("title"), None);
    }
}
