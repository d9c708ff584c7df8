//! Word diff between a match's source and the query: which tokens the translator must delete from
//! the match and which insert.

use crate::text::tokenize::{Token, tokenize};

use super::score::{folded_sym, sym};
use crate::text::tokenize::TokenKind;

/// A piece of the diff, in the match's order.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "op", content = "text", rename_all = "lowercase")]
pub enum Piece {
    /// Text both have (with the whitespace of the match).
    Same(String),
    /// In the match, not in the query.
    Delete(String),
    /// In the query, not in the match.
    Insert(String),
}

fn symbols(text: &str, tokens: &[Token]) -> Vec<u64> {
    tokens
        .iter()
        .map(|t| {
            let s = t.text(text);
            if t.kind == TokenKind::Word {
                folded_sym(s)
            } else {
                sym(s)
            }
        })
        .collect()
}

/// Diffs `matched` (the stored source) against `query`, token by token (case-insensitively).
///
/// ```
/// use tmkit::matching::diff::{diff, Piece};
/// let d = diff("China and Japan can strengthen trade.", "China and Japan can strengthen communication.");
/// assert!(d.contains(&Piece::Delete(" trade".into())));
/// assert!(d.contains(&Piece::Insert(" communication".into())));
/// ```
pub fn diff(matched: &str, query: &str) -> Vec<Piece> {
    let (mut tm, mut tq) = (Vec::new(), Vec::new());
    tokenize(matched, &mut tm);
    tokenize(query, &mut tq);
    let (a, b) = (symbols(matched, &tm), symbols(query, &tq));
    // LCS table, (n+1) x (m+1); segments are short.
    let (n, m) = (a.len(), b.len());
    let mut lcs = vec![0u32; (n + 1) * (m + 1)];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i * (m + 1) + j] = if a[i] == b[j] {
                lcs[(i + 1) * (m + 1) + j + 1] + 1
            } else {
                lcs[(i + 1) * (m + 1) + j].max(lcs[i * (m + 1) + j + 1])
            };
        }
    }
    let mut out: Vec<Piece> = Vec::new();
    let push = |out: &mut Vec<Piece>, piece: Piece| match (out.last_mut(), &piece) {
        (Some(Piece::Same(s)), Piece::Same(t))
        | (Some(Piece::Delete(s)), Piece::Delete(t))
        | (Some(Piece::Insert(s)), Piece::Insert(t)) => s.push_str(t),
        _ => out.push(piece),
    };
    // Text of the match from the end of token i-1 to the end of token i (its leading gap included).
    let m_piece = |i: usize| -> String {
        let start = if i == 0 { 0 } else { tm[i - 1].end };
        matched[start..tm[i].end].to_string()
    };
    let q_piece = |j: usize| -> String {
        let start = if j == 0 { tq[j].start } else { tq[j - 1].end };
        query[start..tq[j].end].to_string()
    };
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i < n && j < m && a[i] == b[j] {
            push(&mut out, Piece::Same(m_piece(i)));
            i += 1;
            j += 1;
        } else if i < n && (j == m || lcs[(i + 1) * (m + 1) + j] >= lcs[i * (m + 1) + j + 1]) {
            push(&mut out, Piece::Delete(m_piece(i)));
            i += 1;
        } else {
            push(&mut out, Piece::Insert(q_piece(j)));
            j += 1;
        }
    }
    if let Some(last) = tm.last()
        && last.end < matched.len()
    {
        push(&mut out, Piece::Same(matched[last.end..].to_string()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(pieces: &[Piece]) -> String {
        pieces
            .iter()
            .map(|p| match p {
                Piece::Same(s) => s.clone(),
                Piece::Delete(s) => format!("[-{s}-]"),
                Piece::Insert(s) => format!("{{+{s}+}}"),
            })
            .collect()
    }

    #[test]
    fn table() {
        let cases = [
            ("a b c", "a b c", "a b c"),
            (
                "The forum opened today.",
                "The forum closed today.",
                "The forum[- opened-]{+ closed+} today.",
            ),
            (
                "Wang Yi met Suga.",
                "Wang Yi met Suga and Fukuda.",
                "Wang Yi met Suga{+ and Fukuda+}.",
            ),
            (
                "中日关系稳定发展。",
                "中日关系平稳发展。",
                "中日关系{+平+}稳[-定-]发展。",
            ),
            ("", "new", "{+new+}"),
            ("old", "", "[-old-]"),
        ];
        for (m, q, want) in cases {
            assert_eq!(render(&diff(m, q)), want, "{m} / {q}");
        }
    }
}
