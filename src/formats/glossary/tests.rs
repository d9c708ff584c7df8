use super::cells::*;
use super::reader::*;
use super::*;
use crate::model::Term;

#[test]
fn language_columns() {
    let table = [
        ("en", Some("en")),
        (" zh-cn ", Some("zh-CN")),
        ("ja_JP", Some("ja-JP")),
        ("zh-Hant-TW", Some("zh-Hant-TW")),
        ("english", Some("en")),
        ("EN", Some("en")),
        ("ZH", Some("zh-CN")),
        ("jp", Some("ja-JP")),
        ("Chinese (Traditional)", Some("zh-TW")),
        ("中文", Some("zh-CN")),
        ("日本語", Some("ja-JP")),
        ("source", None),
        ("source 1", None),
        ("e", None),
        ("12", None),
        ("", None),
    ];
    for (cell, want) in table {
        assert_eq!(
            language_column(cell).as_ref().map(Lang::as_str),
            want,
            "{cell:?}"
        );
    }
}

#[test]
fn formula_cells_are_neutralized_reversibly() {
    // (cell, as written)
    let table = [
        ("=SUM(A1)", "'=SUM(A1)"),
        ("-5 °C", "'-5 °C"),
        ("+1", "'+1"),
        ("@user", "'@user"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("'=x", "''=x"),
        ("''@", "'''@"),
        ("'quoted'", "'quoted'"),
        ("a-b", "a-b"),
        ("'", "'"),
        ("", ""),
    ];
    for (cell, written) in table {
        assert_eq!(neutralize(cell), written, "{cell:?}");
        assert_eq!(unneutralize(written), cell, "{cell:?}");
    }
}

#[test]
fn term_cells_split_on_unescaped_bars() {
    let table: [(&str, &[&str]); 6] = [
        ("a|b", &["a", "b"]),
        ("a\\|b", &["a|b"]),
        ("a\\\\|b", &["a\\", "b"]),
        ("C:\\dir", &["C:\\dir"]),
        (" a | | b ", &["a", "b"]),
        ("x\\", &["x\\"]),
    ];
    for (cell, want) in table {
        assert_eq!(split_term_cell(cell), want, "{cell:?}");
        for part in want {
            let mut escaped = String::new();
            escape_term(part, &mut escaped);
            assert_eq!(split_term_cell(&escaped), [*part], "{cell:?}");
        }
    }
}

#[test]
fn header_rows_are_told_from_data_rows() {
    let table: [(&[&str], bool); 9] = [
        (&["English", "Chinese", "Japanese"], true),
        (&["en", "note"], true),
        (&["source", "target"], true),
        (&["source", "target", "location"], true),
        (&["en", "zh-CN", "englisch"], true),
        (&["Wang Yi", "王毅"], false),
        (&["en", "王毅"], false),
        (&["term", "术语"], false),
        (&["id", "note"], false),
    ];
    for (cells, want) in table {
        assert_eq!(is_header_row(cells), want, "{cells:?}");
    }
}

#[test]
fn delimiters_from_the_first_line() {
    let table: [(&[u8], u8); 6] = [
        (b"en,zh-CN\n", b','),
        (b"en\tzh-CN,x\n", b'\t'),
        (b"en;zh-CN;ja-JP\nfoo,bar,baz,qux\n", b';'),
        (b"\"a;b\",c\n", b','),
        (b"one\n", b','),
        (b"", b','),
    ];
    for (head, want) in table {
        assert_eq!(detect_delimiter(head) as char, want as char, "{head:?}");
    }
}

#[test]
fn scans_field_starts_and_unclosed_quotes() {
    let table: [(&[u8], &[usize], Option<usize>); 5] = [
        (b"a,b,c\n", &[0, 2, 4], None),
        (b"\"a,b\",c\r\n", &[0, 6], None),
        (b"\"a\"\"b\",\"c\nd\",e\n", &[0, 7, 13], None),
        (b"a,\"bc\n", &[0, 2], Some(2)),
        (b"x\"y,z\n", &[0, 4], None),
    ];
    for (raw, starts, unclosed) in table {
        let s = scan(raw, b',', true);
        assert_eq!(s.starts, starts, "{raw:?}");
        assert_eq!(s.unclosed, unclosed, "{raw:?}");
    }
    assert_eq!(scan(b"\"a\tb\n", b'\t', false).starts, [0, 3]);
}

#[test]
fn formats_by_extension_and_content() {
    let table: [(&str, &[u8], GlossaryFormat); 9] = [
        ("t.tbx", b"", GlossaryFormat::Tbx),
        ("t.CSV", b"", GlossaryFormat::Csv),
        ("t.tsv", b"", GlossaryFormat::Tsv),
        ("t.txt", b"", GlossaryFormat::OmegatTsv),
        ("t", b"  <?xml version='1.0'?><martif>", GlossaryFormat::Tbx),
        ("t", b"\xFF\xFE<\0t\0b\0x\0", GlossaryFormat::Tbx),
        ("t", b"# comment\nen\tzh-CN\n", GlossaryFormat::Tsv),
        (
            "t",
            b"memory\t\xE8\xAE\xB0\xE5\xBF\x86\n",
            GlossaryFormat::OmegatTsv,
        ),
        ("t", b"en,zh-CN\n", GlossaryFormat::Csv),
    ];
    for (path, head, want) in table {
        assert_eq!(
            GlossaryFormat::detect(path.as_ref(), head),
            want,
            "{path} {head:?}"
        );
    }
}

#[test]
fn case_flags() {
    let table = [
        ("yes", Some(true)),
        ("TRUE", Some(true)),
        ("1", Some(true)),
        ("no", Some(false)),
        ("", Some(false)),
        ("maybe", None),
    ];
    for (input, want) in table {
        assert_eq!(parse_flag(input), want, "{input:?}");
    }
}

#[test]
fn layout_for_entries_names_only_what_is_used() {
    let en = Lang::parse("en").unwrap();
    let zh = Lang::parse("zh-CN").unwrap();
    let mut a = TermEntry::default();
    a.terms.push(Term::new(en.clone(), "memory"));
    a.terms.push(Term::new(zh.clone(), "记忆库"));
    let mut forbidden = Term::new(zh.clone(), "内存");
    forbidden.status = TermStatus::Forbidden;
    a.terms.push(forbidden);
    a.note = Some("n".into());
    let names: Vec<String> = Layout::for_entries(&[a], b',')
        .columns
        .iter()
        .map(Column::name)
        .collect();
    assert_eq!(
        names,
        [
            "en",
            "zh-CN",
            "zh-CN:status",
            "zh-CN",
            "zh-CN:status",
            "note"
        ]
    );
}
