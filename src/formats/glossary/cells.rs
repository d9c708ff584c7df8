//! The cell rules reading and writing share: term variants separated by `|` (with `\|` and `\\`
//! escapes) and the `'` that keeps a cell from running as a spreadsheet formula.

pub(super) fn is_formula_trigger(c: char) -> bool {
    matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r')
}

/// A cell as [`Writer`] writes it: one `'` is put before a cell that starts with `=`, `+`, `-`,
/// `@`, a tab or a carriage return after any number of `'`s, so that no spreadsheet runs it as a
/// formula; [`unneutralize`] takes it off again.
pub(super) fn neutralize(cell: &str) -> std::borrow::Cow<'_, str> {
    let rest = cell.trim_start_matches('\'');
    if rest.starts_with(is_formula_trigger) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// The inverse of [`neutralize`]: a cell that starts with one or more `'` then a formula trigger
/// loses one `'`.
pub(super) fn unneutralize(cell: &str) -> &str {
    let rest = cell.trim_start_matches('\'');
    if rest.len() < cell.len() && rest.starts_with(is_formula_trigger) {
        &cell[1..]
    } else {
        cell
    }
}

/// A term cell's text: `|` separates a term from its variants, `\|` is a `|` in a term and `\\`
/// a backslash (any other backslash is itself). Empty parts are dropped.
pub(super) fn split_term_cell(cell: &str) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut chars = cell.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if matches!(chars.peek(), Some('|' | '\\')) => {
                let next = chars.next().expect("peeked");
                parts.last_mut().expect("never empty").push(next);
            }
            '|' => parts.push(String::new()),
            _ => parts.last_mut().expect("never empty").push(c),
        }
    }
    parts
        .into_iter()
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect()
}

/// The inverse of [`split_term_cell`] for one term or variant: `\` and `|` escaped.
pub(super) fn escape_term(s: &str, out: &mut String) {
    for c in s.chars() {
        if matches!(c, '\\' | '|') {
            out.push('\\');
        }
        out.push(c);
    }
}
