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
