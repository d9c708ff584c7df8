//! Language tags (BCP 47), compared case-insensitively and written canonically.

use std::fmt;
use std::sync::Arc;

use crate::error::{ErrorKind, Result};

/// A language tag in canonical BCP 47 case: `en-US`, `zh-CN`, `zh-Hant-TW`, `ja-JP`.
///
/// Invariant: the tag is non-empty ASCII, subtags are separated by `-`, the primary language is lower
/// case, a four-letter script is title case and a two-letter or three-digit region upper case.
///
/// The tag is shared, not copied, when a `Lang` is cloned (every variant read from a file holds
/// one of the file's few tags): a clone costs a reference count, not an allocation.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Lang(Arc<str>);

/// Serialized as the tag, a string.
impl serde::Serialize for Lang {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

/// Tags people type that are not the language they mean: (what was typed, in lower case with `-`;
/// the tag to use; why). Country codes that are not ISO 639 language codes, ISO 639-2 codes that
/// BCP 47 replaces with the two-letter code, and language names. Codes that are both a country and
/// another language (`tw` is Twi, `kr` Kanuri) are valid tags and are not listed.
const MISTAKES: &[(&str, &str, &str)] = &[
    (
        "jp",
        "ja-JP",
        "JP is the country code of Japan; the language is ja",
    ),
    (
        "jp-jp",
        "ja-JP",
        "JP is the country code of Japan; the language is ja",
    ),
    (
        "cn",
        "zh-CN",
        "CN is the country code of China; the language is zh",
    ),
    ("zh-chn", "zh-CN", "the region is CN"),
    ("hk", "zh-HK", "HK is a region code; the language is zh"),
    ("us", "en-US", "US is a country code; the language is en"),
    ("gb", "en-GB", "GB is a country code; the language is en"),
    (
        "dk",
        "da",
        "DK is the country code of Denmark; the language is da",
    ),
    (
        "gr",
        "el",
        "GR is the country code of Greece; the language is el",
    ),
    (
        "cz",
        "cs",
        "CZ is the country code of Czechia; the language is cs",
    ),
    (
        "ua",
        "uk",
        "UA is the country code of Ukraine; the language is uk",
    ),
    (
        "vn",
        "vi",
        "VN is the country code of Vietnam; the language is vi",
    ),
    ("eng", "en", "BCP 47 uses the two-letter code"),
    ("jpn", "ja-JP", "BCP 47 uses the two-letter code ja"),
    ("zho", "zh-CN", "BCP 47 uses the two-letter code zh"),
    ("chi", "zh-CN", "BCP 47 uses the two-letter code zh"),
    ("chs", "zh-CN", "CHS is not a language subtag"),
    ("cht", "zh-TW", "CHT is not a language subtag"),
    (
        "chinese",
        "zh-CN",
        "a language name, not a tag (zh-TW for traditional Chinese)",
    ),
];

/// Language names (in English, Chinese, Japanese and Korean) and common short forms that stand
/// for a tag, for [`Lang::named`]: compared without case, spaces, hyphens, underscores and
/// brackets. Bare `zh` and `ja` stand for `zh-CN` and `ja-JP`, the tags tmkit's commands use by
/// default, since a bare `zh` matches neither Chinese script.
const LANGUAGE_NAMES: &[(&str, &str)] = &[
    ("english", "en"),
    ("eng", "en"),
    ("英语", "en"),
    ("英文", "en"),
    ("英語", "en"),
    ("chinese", "zh-CN"),
    ("mandarin", "zh-CN"),
    ("simplifiedchinese", "zh-CN"),
    ("chinesesimplified", "zh-CN"),
    ("zh", "zh-CN"),
    ("zho", "zh-CN"),
    ("chi", "zh-CN"),
    ("chs", "zh-CN"),
    ("cn", "zh-CN"),
    ("中文", "zh-CN"),
    ("汉语", "zh-CN"),
    ("简体中文", "zh-CN"),
    ("中文简体", "zh-CN"),
    ("简中", "zh-CN"),
    ("中国語", "zh-CN"),
    ("中国语", "zh-CN"),
    ("中国語簡体字", "zh-CN"),
    ("簡体字中国語", "zh-CN"),
    ("traditionalchinese", "zh-TW"),
    ("chinesetraditional", "zh-TW"),
    ("cht", "zh-TW"),
    ("繁體中文", "zh-TW"),
    ("繁体中文", "zh-TW"),
    ("中文繁體", "zh-TW"),
    ("中文繁体", "zh-TW"),
    ("正體中文", "zh-TW"),
    ("繁中", "zh-TW"),
    ("中国語繁体字", "zh-TW"),
    ("繁体字中国語", "zh-TW"),
    ("japanese", "ja-JP"),
    ("ja", "ja-JP"),
    ("jp", "ja-JP"),
    ("jpn", "ja-JP"),
    ("日语", "ja-JP"),
    ("日文", "ja-JP"),
    ("日本語", "ja-JP"),
    ("日本语", "ja-JP"),
    ("korean", "ko-KR"),
    ("韩语", "ko-KR"),
    ("韓国語", "ko-KR"),
    ("한국어", "ko-KR"),
    ("french", "fr"),
    ("german", "de"),
    ("spanish", "es"),
    ("italian", "it"),
    ("portuguese", "pt"),
    ("russian", "ru"),
    ("arabic", "ar"),
];

/// The two script families of written Chinese, which are never mixed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChineseScript {
    /// Simplified: zh-CN, zh-SG, zh-MY, zh-Hans.
    Simplified,
    /// Traditional: zh-TW, zh-HK, zh-MO, zh-Hant.
    Traditional,
}

impl Lang {
    /// Parses a tag written in any case, with `-` or `_` between subtags.
    ///
    /// ```
    /// use tmkit::model::Lang;
    /// assert_eq!(Lang::parse("EN_us").unwrap().as_str(), "en-US");
    /// assert_eq!(Lang::parse("zh-hant-tw").unwrap().as_str(), "zh-Hant-TW");
    /// ```
    pub fn parse(tag: &str) -> Result<Lang> {
        let trimmed = tag.trim();
        let bad = |reason: &str| ErrorKind::Lang {
            tag: tag.to_string(),
            reason: reason.to_string(),
        };
        if trimmed.is_empty() {
            return Err(bad("the tag is empty").into());
        }
        let mut out = String::with_capacity(trimmed.len());
        let mut private = false;
        for (i, sub) in trimmed.split(['-', '_']).enumerate() {
            if sub.is_empty() {
                return Err(bad("empty subtag").into());
            }
            if sub.len() > 8 || !sub.bytes().all(|b| b.is_ascii_alphanumeric()) {
                return Err(bad("subtags are 1 to 8 letters or digits").into());
            }
            if i > 0 {
                out.push('-');
            }
            let lower = sub.to_ascii_lowercase();
            if i == 0 || private || sub.len() == 1 {
                private |= lower == "x" || (i == 0 && lower == "i");
                out.push_str(&lower);
            } else if sub.len() == 4 && sub.bytes().all(|b| b.is_ascii_alphabetic()) {
                out.push_str(&lower[..1].to_ascii_uppercase());
                out.push_str(&lower[1..]);
            } else if (sub.len() == 2 && sub.bytes().all(|b| b.is_ascii_alphabetic()))
                || (sub.len() == 3 && sub.bytes().all(|b| b.is_ascii_digit()))
            {
                out.push_str(&sub.to_ascii_uppercase());
            } else if sub.eq_ignore_ascii_case("chs") || sub.eq_ignore_ascii_case("cht") {
                // Microsoft's legacy zh-CHS / zh-CHT.
                out.push_str(&sub.to_ascii_uppercase());
            } else {
                out.push_str(&lower);
            }
        }
        Ok(Lang(out.into()))
    }

    /// Parses a tag a person typed (a command-line option), refusing what is not a BCP 47
    /// language tag even where [`Lang::parse`], which reads tags from files, is lenient: a primary
    /// language subtag that is not 2 or 3 letters (`english`), a language name (`中文`), or a common
    /// mistake that is not an ISO 639 language (`jp`, `cn`). The error suggests the likely tag.
    ///
    /// ```
    /// use tmkit::model::Lang;
    /// assert_eq!(Lang::parse_given("zh_cn").unwrap().as_str(), "zh-CN");
    /// let e = Lang::parse_given("jp").unwrap_err().to_string();
    /// assert!(e.contains("did you mean ja-JP"), "{e}");
    /// assert!(Lang::parse_given("chinese").is_err());
    /// ```
    pub fn parse_given(tag: &str) -> Result<Lang> {
        let key = tag.trim().to_lowercase().replace('_', "-");
        let bad = |reason: String| ErrorKind::Lang {
            tag: tag.to_string(),
            reason,
        };
        if let Some((_, suggestion, what)) = MISTAKES.iter().find(|m| m.0 == key) {
            return Err(bad(format!("{what}: did you mean {suggestion}?")).into());
        }
        let name = || {
            Lang::named(tag).map(|l| {
                ErrorKind::Lang {
                    tag: tag.to_string(),
                    reason: format!("a language name, not a tag: did you mean {l}?"),
                }
                .into()
            })
        };
        let lang = match Lang::parse(tag) {
            Ok(lang) => lang,
            Err(e) => return Err(name().unwrap_or(e)),
        };
        let primary = lang.primary();
        let letters = primary.bytes().all(|b| b.is_ascii_alphabetic());
        if !(letters && (2..=3).contains(&primary.len()) || primary == "x" || primary == "i") {
            if let Some(e) = name() {
                return Err(e);
            }
            return Err(bad(format!(
                "{primary:?} is not a language subtag (2 or 3 letters, as in en, zh-CN, ja-JP)"
            ))
            .into());
        }
        Ok(lang)
    }

    /// The tag a language name stands for (`English`, `中文`, `Traditional Chinese`, `日本語`, and
    /// short forms such as `JP` or `ENG`), compared without case, spaces, hyphens, underscores
    /// and brackets; `None` for anything else. For headers and other places where people write
    /// names, not tags.
    ///
    /// ```
    /// use tmkit::model::Lang;
    /// assert_eq!(Lang::named("Simplified Chinese").unwrap().as_str(), "zh-CN");
    /// assert_eq!(Lang::named("日本語").unwrap().as_str(), "ja-JP");
    /// assert_eq!(Lang::named("Source"), None);
    /// ```
    pub fn named(name: &str) -> Option<Lang> {
        let key: String = name
            .chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect();
        let (_, tag) = LANGUAGE_NAMES.iter().find(|(n, _)| *n == key)?;
        Lang::parse(tag).ok()
    }

    /// The canonical tag.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The primary language subtag: `zh` for `zh-Hant-TW`.
    pub fn primary(&self) -> &str {
        let end = self
            .0
            .bytes()
            .position(|b| b == b'-')
            .unwrap_or(self.0.len());
        &self.0[..end]
    }

    /// Whether the tag is only a primary language (`zh`, `ja`, `en`).
    pub fn is_bare(&self) -> bool {
        !self.0.contains('-')
    }

    /// For Chinese, the script family the tag names; `None` for a bare `zh` and other languages.
    pub fn chinese_script(&self) -> Option<ChineseScript> {
        if self.primary() != "zh" {
            return None;
        }
        let mut region = None;
        for sub in self.0.split('-').skip(1) {
            match sub {
                "Hans" | "CHS" => return Some(ChineseScript::Simplified),
                "Hant" | "CHT" => return Some(ChineseScript::Traditional),
                "CN" | "SG" | "MY" if region.is_none() => region = Some(ChineseScript::Simplified),
                "TW" | "HK" | "MO" if region.is_none() => region = Some(ChineseScript::Traditional),
                _ => {}
            }
        }
        region
    }

    /// Whether a text in `candidate` may be offered to someone who asked for `self`.
    ///
    /// A bare tag (`zh`, `ja`, `en`) matches every tag of its language; a Chinese tag matches its
    /// script family only (zh-CN matches zh-SG and zh-Hans, never zh-TW, and never a bare `zh` whose
    /// script is unknown); any other tag matches itself and its extensions (`en-US` matches
    /// `en-US-x-legal`).
    ///
    /// ```
    /// use tmkit::model::Lang;
    /// let q = |s| Lang::parse(s).unwrap();
    /// assert!(q("zh-CN").matches(&q("zh-Hans")));
    /// assert!(!q("zh-CN").matches(&q("zh-TW")));
    /// assert!(q("ja").matches(&q("ja-JP")));
    /// ```
    pub fn matches(&self, candidate: &Lang) -> bool {
        if self.primary() != candidate.primary() {
            return false;
        }
        if self.is_bare() {
            return true;
        }
        if let Some(script) = self.chinese_script() {
            return candidate.chinese_script() == Some(script);
        }
        candidate.0 == self.0
            || (candidate.0.starts_with(&*self.0) && candidate.0.as_bytes()[self.0.len()] == b'-')
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for Lang {
    type Err = crate::Error;
    fn from_str(s: &str) -> Result<Lang> {
        Lang::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_case() {
        let cases = [
            ("en-us", "en-US"),
            ("EN_US", "en-US"),
            ("eN-uS", "en-US"),
            ("zh_cn", "zh-CN"),
            ("ZH-HANS", "zh-Hans"),
            ("zh-hant-tw", "zh-Hant-TW"),
            ("ja-jp", "ja-JP"),
            ("JA", "ja"),
            ("es-419", "es-419"),
            ("x-Klingon", "x-klingon"),
            ("en-x-Legal-US", "en-x-legal-us"),
            ("zh-chs", "zh-CHS"),
            (" fr-ca ", "fr-CA"),
        ];
        for (input, want) in cases {
            assert_eq!(Lang::parse(input).unwrap().as_str(), want, "{input}");
        }
    }

    #[test]
    fn rejects_garbage() {
        for bad in [
            "",
            "  ",
            "en--US",
            "en US",
            "*all*",
            "englishlanguage",
            "中文",
        ] {
            assert!(Lang::parse(bad).is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn chinese_families_never_mix() {
        let l = |s: &str| Lang::parse(s).unwrap();
        let simplified = ["zh-CN", "zh-SG", "zh-Hans", "zh-Hans-CN", "zh-MY", "zh-CHS"];
        let traditional = ["zh-TW", "zh-HK", "zh-Hant", "zh-Hant-HK", "zh-MO", "zh-CHT"];
        for a in simplified {
            for b in simplified {
                assert!(l(a).matches(&l(b)), "{a} should match {b}");
            }
            for b in traditional {
                assert!(!l(a).matches(&l(b)), "{a} must not match {b}");
                assert!(!l(b).matches(&l(a)), "{b} must not match {a}");
            }
            assert!(!l(a).matches(&l("zh")), "{a} must not match a bare zh");
            assert!(l("zh").matches(&l(a)), "bare zh matches {a}");
        }
        for b in traditional {
            assert!(l("zh").matches(&l(b)), "bare zh matches {b}");
        }
    }

    #[test]
    fn other_languages() {
        let l = |s: &str| Lang::parse(s).unwrap();
        let cases = [
            ("ja", "ja-JP", true),
            ("ja-JP", "ja", false),
            ("en", "en-GB", true),
            ("en-US", "en-GB", false),
            ("en-US", "en-US", true),
            ("en-US", "en-USA", false),
            ("en", "eo", false),
            ("fr-CA", "fr-CA-x-test", true),
        ];
        for (query, candidate, want) in cases {
            assert_eq!(
                l(query).matches(&l(candidate)),
                want,
                "{query} vs {candidate}"
            );
        }
    }

    #[test]
    fn given_tags_are_refused_with_the_likely_one() {
        let refused = [
            ("chinese", "did you mean zh-CN?"),
            ("jp", "did you mean ja-JP?"),
            ("JP", "did you mean ja-JP?"),
            ("english", "did you mean en?"),
            ("japanese", "did you mean ja-JP?"),
            ("cn", "did you mean zh-CN?"),
            ("中文", "did you mean zh-CN?"),
            ("klingon", "\"klingon\" is not a language subtag"),
            ("e", "\"e\" is not a language subtag"),
            ("en US", "subtags are 1 to 8 letters or digits"),
        ];
        for (tag, want) in refused {
            let e = Lang::parse_given(tag).unwrap_err().to_string();
            assert!(e.contains(want), "{tag}: {e}");
        }
        for (tag, want) in [
            ("zh_cn", "zh-CN"),
            ("EN", "en"),
            ("ja-jp", "ja-JP"),
            ("yue", "yue"),
        ] {
            assert_eq!(Lang::parse_given(tag).unwrap().as_str(), want);
        }
    }
}
