//! Property tests: any text survives TMX writing and reading exactly.

use proptest::prelude::*;
use tmkit::formats::tmx::{Item, Reader, Writer, WriterOptions};
use tmkit::formats::{input_from_reader, xml::is_xml_char};
use tmkit::model::{Extra, Lang, Note, Prop, TranslationUnit, Variant};

fn xml_text() -> impl Strategy<Value = String> {
    any::<String>().prop_map(|s| s.chars().filter(|&c| is_xml_char(c)).collect())
}

fn read_back(bytes: Vec<u8>) -> Vec<TranslationUnit> {
    let input =
        input_from_reader(Box::new(std::io::Cursor::new(bytes)), "mem".to_string()).unwrap();
    let mut reader = Reader::from_input(input).unwrap();
    let mut unit = TranslationUnit::default();
    let mut out = Vec::new();
    loop {
        match reader.read_unit(&mut unit).unwrap() {
            Item::Unit => out.push(unit.clone()),
            Item::Problem(p) => panic!("{p:?}"),
            Item::End => return out,
        }
    }
}

proptest! {
    #[test]
    fn any_text_round_trips(a in xml_text(), b in xml_text(), note in xml_text(), prop in xml_text(), tuid in xml_text()) {
        let mut unit = TranslationUnit {
            tuid: Some(tuid),
            source: Some(Lang::parse("en").unwrap()),
            ..TranslationUnit::default()
        };
        unit.extras.push(Extra::Prop(Prop { kind: "x-test".into(), lang: None, encoding: None, value: prop }));
        unit.extras.push(Extra::Note(Note { lang: None, encoding: None, text: note }));
        unit.variants.push(Variant::new(Lang::parse("en").unwrap(), a));
        unit.variants.push(Variant::new(Lang::parse("zh-CN").unwrap(), b));
        let options = WriterOptions { srclang: "en".into(), ..WriterOptions::default() };
        let mut w = Writer::new(Vec::new(), &options).unwrap();
        w.write_unit(&unit).unwrap();
        let bytes = w.finish().unwrap();
        let back = read_back(bytes);
        prop_assert_eq!(back.len(), 1);
        prop_assert_eq!(&back[0], &unit);
    }
}

/// How the reader takes tmkit's character codes: the character goes into the text; the markup
/// goes away only when it is exactly what the writer makes from that text; a code whose content
/// is not a character XML cannot hold is an ordinary code.
#[test]
fn character_codes_are_read_as_characters() {
    let cases: [(&str, &str, Option<&str>); 6] = [
        ("a<ph type=\"x-tmkit-char\">U+000B</ph>b", "a\u{b}b", None),
        ("a<?tmkit-char U+000C?>b", "a\u{c}b", None),
        (
            "a<ph x=\"1\" type=\"x-tmkit-char\">U+000B</ph>",
            "a\u{b}",
            Some("a<ph x=\"1\" type=\"x-tmkit-char\">U+000B</ph>"),
        ),
        (
            "<ph type=\"x-tmkit-char\">U+0041</ph>",
            "",
            Some("<ph type=\"x-tmkit-char\">U+0041</ph>"),
        ),
        (
            "<ph>{<?tmkit-char U+0001?>}</ph>x<?tmkit-char U+0002?>",
            "x\u{2}",
            Some("<ph>{<?tmkit-char U+0001?>}</ph>x<?tmkit-char U+0002?>"),
        ),
        ("<?other U+000B?>plain", "plain", None),
    ];
    for (seg, text, markup) in cases {
        let doc = format!(
            "<tmx version=\"1.4\"><header srclang=\"en\"/><body><tu>\
             <note>n<?tmkit-char U+001F?></note>\
             <tuv xml:lang=\"en\"><seg>{seg}</seg></tuv></tu></body></tmx>"
        );
        let units = read_back(doc.into_bytes());
        let v = &units[0].variants[0];
        assert_eq!(
            (v.text.as_str(), v.markup.as_deref()),
            (text, markup),
            "{seg}"
        );
        assert_eq!(
            units[0].extras,
            [Extra::Note(Note {
                lang: None,
                encoding: None,
                text: "n\u{1f}".into()
            })]
        );
    }
}
