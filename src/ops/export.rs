//! Export the memory as TMX 1.4b, streaming row by row.

use std::io::Write;

use serde::Serialize;

use crate::error::{ErrorKind, Result};
use crate::formats::tmx::{Writer, WriterOptions};
use crate::model::{Lang, TranslationUnit};
use crate::store::{Store, UnitFilter};

/// What to export.
#[derive(Debug, Clone, Default)]
pub struct ExportConfig {
    /// Keep only variants in these languages (each matched as in lookups: `zh` takes every Chinese
    /// variant, `zh-CN` the simplified family). Units left with fewer than two are skipped.
    pub langs: Vec<Lang>,
    /// The header's source language; units with a variant in it use it as their source.
    pub srclang: Option<Lang>,
    /// Which units to export (origin and dates); the default keeps them all.
    pub filter: UnitFilter,
}

/// What an export wrote.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ExportReport {
    /// Units written to the TMX file.
    pub units_written: u64,
    /// Units left with fewer than two variants after `langs`.
    pub units_skipped: u64,
    /// The `srclang` written in the header: the configured one, else the memory's main source
    /// language, else `*all*`.
    pub srclang: String,
}

/// Parses a date given on the command line (`2020-11-30`, `2020-11-30T09:00:00Z`,
/// `20201130T090000Z`) into the TMX form used for comparisons.
pub fn parse_date(s: &str) -> Result<String> {
    let digits: String = s.chars().filter(|c| c.is_ascii_digit()).collect();
    let ok_shape = s
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '-' | ':' | 'T' | 'Z' | ' '));
    let bad = || ErrorKind::Invalid {
        what: "date",
        value: s.to_string(),
        reason: "expected YYYY-MM-DD, YYYY-MM-DDThh:mm:ssZ or YYYYMMDDThhmmssZ".to_string(),
    };
    if !ok_shape || !(digits.len() == 8 || digits.len() == 14) {
        return Err(bad().into());
    }
    let date_fmt = time::macros::format_description!("[year][month][day]");
    time::Date::parse(&digits[..8], &date_fmt).map_err(|_| bad())?;
    let time_part = if digits.len() == 14 {
        &digits[8..]
    } else {
        "000000"
    };
    Ok(format!("{}T{}Z", &digits[..8], time_part))
}

/// Writes the memory as TMX to `out`.
pub fn export<W: Write>(store: &Store, config: &ExportConfig, out: W) -> Result<ExportReport> {
    let srclang = match &config.srclang {
        Some(l) => l.to_string(),
        None => store
            .main_source_lang()?
            .map(|l| l.to_string())
            .unwrap_or_else(|| "*all*".to_string()),
    };
    let options = WriterOptions {
        srclang: srclang.clone(),
        ..WriterOptions::default()
    };
    let mut writer = Writer::new(out, &options)?;
    let mut report = ExportReport {
        srclang,
        ..ExportReport::default()
    };
    let mut kept = TranslationUnit::default();
    store.for_each_unit(&config.filter, |unit| {
        let unit = if config.langs.is_empty() && config.srclang.is_none() {
            unit
        } else {
            kept.clone_from(unit);
            if !config.langs.is_empty() {
                kept.variants
                    .retain(|v| config.langs.iter().any(|l| l.matches(&v.lang)));
            }
            if let Some(src) = &config.srclang
                && let Some(v) = kept.variants.iter().find(|v| src.matches(&v.lang))
            {
                kept.source = Some(v.lang.clone());
            }
            if !kept
                .variants
                .iter()
                .any(|v| Some(&v.lang) == kept.source.as_ref())
            {
                kept.source = kept.variants.first().map(|v| v.lang.clone());
            }
            &kept
        };
        if unit.variants.len() < 2 {
            report.units_skipped += 1;
            return Ok(());
        }
        writer.write_unit(unit)?;
        report.units_written += 1;
        Ok(())
    })?;
    writer.finish()?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        let cases = [
            ("2020-11-30", Some("20201130T000000Z")),
            ("2020-11-30T09:15:00Z", Some("20201130T091500Z")),
            ("20201130T091500Z", Some("20201130T091500Z")),
            ("2020-13-01", None),
            ("yesterday", None),
            ("2020-11", None),
        ];
        for (input, want) in cases {
            assert_eq!(parse_date(input).ok().as_deref(), want, "{input}");
        }
    }
}
