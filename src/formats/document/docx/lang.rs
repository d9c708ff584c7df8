//! The target language written into a package: `w:lang` of rebuilt runs, the defaults and East
//! Asian styles of `word/styles.xml` and `w:themeFontLang` of `word/settings.xml`.

use super::tree::Tree;
use crate::model::Lang;

/// How `w:lang` follows the target language.
pub(super) struct LangEdit {
    pub(super) tag: String,
    pub(super) east_asian: bool,
}

impl LangEdit {
    pub(super) fn new(target: &Lang) -> LangEdit {
        let primary = target.primary().to_ascii_lowercase();
        let tag = match (primary.as_str(), target.is_bare()) {
            ("zh", true) => "zh-CN".to_string(),
            ("ja", true) => "ja-JP".to_string(),
            ("ko", true) => "ko-KR".to_string(),
            _ => target.as_str().to_string(),
        };
        LangEdit {
            tag,
            east_asian: matches!(primary.as_str(), "zh" | "ja" | "ko"),
        }
    }

    /// The attribute (`w:eastAsia` or `w:val`) the target sets, with prefix `w`.
    pub(super) fn attr(&self, w: &str) -> String {
        let local = if self.east_asian { "eastAsia" } else { "val" };
        if w.is_empty() {
            local.to_string()
        } else {
            format!("{w}:{local}")
        }
    }
}

/// The start tag of element `n` with attribute `key` set to `value` (added at the end when it
/// is missing), other attributes as they were.
pub(super) fn with_attr(tree: &Tree<'_>, n: usize, key: &str, value: &str) -> Vec<u8> {
    let node = &tree.nodes[n];
    let tag = tree.start_tag(n);
    let mut out = Vec::with_capacity(node.head_end - node.start + 20);
    out.push(b'<');
    out.extend_from_slice(tree.qname(n));
    let mut done = false;
    for a in tag.attributes().with_checks(false).flatten() {
        out.push(b' ');
        let k: &str = a.key.as_ref();
        out.extend_from_slice(k.as_bytes());
        out.extend_from_slice(b"=\"");
        if k == key {
            push_attr_value(value, &mut out);
            done = true;
        } else {
            for &b in a.value.as_bytes() {
                if b == b'"' {
                    out.extend_from_slice(b"&quot;");
                } else {
                    out.push(b);
                }
            }
        }
        out.push(b'"');
    }
    if !done {
        out.push(b' ');
        out.extend_from_slice(key.as_bytes());
        out.extend_from_slice(b"=\"");
        push_attr_value(value, &mut out);
        out.push(b'"');
    }
    if node.head_end == node.end && node.tail_start == node.end {
        out.extend_from_slice(b"/>");
    } else {
        out.push(b'>');
    }
    out
}

fn push_attr_value(value: &str, out: &mut Vec<u8>) {
    let mut s = String::new();
    crate::formats::xml::escape_attr(value, &mut s);
    out.extend_from_slice(s.as_bytes());
}

/// `word/styles.xml` with the default language set: `w:docDefaults/w:rPrDefault/w:rPr/w:lang`
/// changed, or added to the default run properties. For Chinese, Japanese and Korean, every
/// style that names an East Asian language (Word's heading styles often say `en-US`) gets the
/// target too, so that proofing and fonts follow it.
pub(super) fn edit_styles(tree: &Tree<'_>, lang: &LangEdit) -> Option<Vec<u8>> {
    let w = tree.prefix(tree.root);
    let ws = String::from_utf8_lossy(w).into_owned();
    let attr = lang.attr(&ws);
    let bytes = tree.bytes;
    // (start, end, replacement), in document order.
    let mut edits: Vec<(usize, usize, Vec<u8>)> = Vec::new();
    let default_rpr = tree
        .child(tree.root, w, b"docDefaults")
        .and_then(|d| tree.child(d, w, b"rPrDefault"))
        .and_then(|d| tree.child(d, w, b"rPr"));
    let default_lang = default_rpr.and_then(|r| tree.child(r, w, b"lang"));
    match (default_rpr, default_lang) {
        (_, Some(l)) => {
            let n = &tree.nodes[l];
            edits.push((n.start, n.head_end, with_attr(tree, l, &attr, &lang.tag)));
        }
        (Some(rpr), None) if tree.nodes[rpr].head_end != tree.nodes[rpr].end => {
            // w:lang comes before these in CT_RPr.
            let node = &tree.nodes[rpr];
            let at = tree
                .elems(rpr)
                .find(|&c| {
                    matches!(
                        tree.local(c),
                        b"eastAsianLayout" | b"specVanish" | b"oMath" | b"rPrChange"
                    )
                })
                .map_or(node.tail_start, |c| tree.nodes[c].start);
            let pre = if ws.is_empty() {
                String::new()
            } else {
                format!("{ws}:")
            };
            let mut s = String::new();
            crate::formats::xml::escape_attr(&lang.tag, &mut s);
            edits.push((at, at, format!("<{pre}lang {attr}=\"{s}\"/>").into_bytes()));
        }
        _ => {}
    }
    if lang.east_asian {
        let mut stack: Vec<usize> = tree
            .elems(tree.root)
            .filter(|&c| tree.is(c, w, b"style"))
            .collect();
        while let Some(n) = stack.pop() {
            if tree.is(n, w, b"lang") {
                if tree.attr(n, &attr).is_some() {
                    let node = &tree.nodes[n];
                    edits.push((
                        node.start,
                        node.head_end,
                        with_attr(tree, n, &attr, &lang.tag),
                    ));
                }
            } else {
                stack.extend(tree.elems(n));
            }
        }
    }
    if edits.is_empty() {
        return None;
    }
    edits.sort_by_key(|e| e.0);
    let mut out = Vec::with_capacity(bytes.len() + 64);
    let mut pos = 0;
    for (start, end, new) in edits {
        out.extend_from_slice(&bytes[pos..start]);
        out.extend(new);
        pos = end;
    }
    out.extend_from_slice(&bytes[pos..]);
    Some(out)
}

/// `word/settings.xml` with `w:themeFontLang` following the target (when it is there).
pub(super) fn edit_settings(tree: &Tree<'_>, lang: &LangEdit) -> Option<Vec<u8>> {
    let w = tree.prefix(tree.root);
    let l = tree.child(tree.root, w, b"themeFontLang")?;
    let ws = String::from_utf8_lossy(w).into_owned();
    let n = &tree.nodes[l];
    let mut out = Vec::with_capacity(tree.bytes.len() + 32);
    out.extend_from_slice(&tree.bytes[..n.start]);
    out.extend(with_attr(tree, l, &lang.attr(&ws), &lang.tag));
    out.extend_from_slice(&tree.bytes[n.head_end..]);
    Some(out)
}
