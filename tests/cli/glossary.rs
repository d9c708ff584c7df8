//! `tmkit glossary`.

use crate::common::*;

#[test]
fn concepts_are_added_listed_and_removed() {
    let w = Work::new();
    w.ok([
        "glossary",
        "add",
        "-n",
        "forum",
        "en=Wang Yi",
        "zh-CN=王毅",
        "ja-JP=王毅",
        "--forbidden",
        "zh-CN=王义",
        "--pos",
        "properNoun",
        "--note",
        "State Councilor and Foreign Minister",
    ]);
    w.ok([
        "glossary",
        "add",
        "-n",
        "forum",
        "en=Asia-Pacific",
        "zh-CN=亚太",
        "ja-JP=アジア太平洋",
    ]);
    let list = w.json(["glossary", "list"]);
    assert_eq!(list[0]["name"], "forum");
    assert_eq!(list[0]["concepts"], 2);
    assert_eq!(list[0]["terms"], 7);
    let concepts = w.json(["glossary", "list", "forum", "--search", "wang"]);
    assert_eq!(concepts.as_array().unwrap().len(), 1);
    let terms = concepts[0]["terms"].as_array().unwrap();
    let forbidden: Vec<&str> = terms
        .iter()
        .filter(|t| t["status"] == "forbidden")
        .map(|t| t["text"].as_str().unwrap())
        .collect();
    assert_eq!(forbidden, ["王义"]);
    assert_eq!(terms[0]["pos"], "properNoun");

    let text = w.ok(["glossary", "list", "forum"]);
    assert!(
        text.contains("Asia-Pacific") && text.contains("王义 (forbidden)"),
        "{text}"
    );

    w.ok(["glossary", "remove", "forum", "--term", "asia-pacific"]);
    let concepts = w.json(["glossary", "list", "forum"]);
    assert_eq!(concepts.as_array().unwrap().len(), 1);
    // Removing what is not there finds nothing.
    let out = w.run(["glossary", "remove", "forum", "--term", "nothing"]);
    assert_eq!(out.status.code(), Some(1));
    w.ok(["glossary", "remove", "forum"]);
    assert_eq!(w.json(["glossary", "list"]), serde_json::json!([]));
    let out = w.run(["glossary", "remove", "forum"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no glossary"), "{}", stderr(&out));
}

#[test]
fn a_bad_term_argument_is_refused_and_adds_nothing() {
    let w = Work::new();
    w.ok(["glossary", "add", "en=Suga", "ja-JP=菅義偉"]);
    for bad in [
        ["en=Suga", "zh-CN"],
        ["en=Suga", "xx-!!=菅"],
        ["en=Suga", "zh-CN= "],
    ] {
        let mut args = vec!["glossary", "add"];
        args.extend(bad);
        let out = w.run(&args);
        assert_eq!(out.status.code(), Some(2), "{bad:?}");
        assert!(stderr(&out).contains(bad[1]), "{}", stderr(&out));
    }
    let list = w.json(["glossary", "list"]);
    assert_eq!(list[0]["concepts"], 1);
}
