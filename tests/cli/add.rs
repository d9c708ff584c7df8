//! `tmkit add`.

use crate::common::*;

#[test]
fn add_stores_a_unit_and_merges_a_repeat() {
    let w = Work::new();
    let args = [
        "add",
        "--lang",
        "en",
        "Wang Yi",
        "--lang",
        "zh-CN",
        "王毅",
        "--lang",
        "ja-JP",
        "王毅",
        "--note",
        "State Councilor",
    ];
    assert!(w.ok(args).contains("added"));
    assert!(w.ok(args).contains("merged"));
    let units = w.units();
    assert_eq!(units.len(), 1);
    assert_eq!(units[0].variants.len(), 3);
    assert_eq!(units[0].source.as_ref().unwrap().as_str(), "en");
    let out = w.run([
        "add", "--lang", "en", "x", "--lang", "de", "y", "--source", "fr",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("--source fr is not one of"),
        "{}",
        stderr(&out)
    );
    let out = w.run(["add", "--lang", "en", "lonely"]);
    assert_eq!(out.status.code(), Some(2));
}
