//! `tmkit add`: one unit from the command line.

use anyhow::{Context, bail};
use clap::Args as ClapArgs;
use tmkit::formats::tmx::date_now;
use tmkit::model::{Extra, Note, Prop, TranslationUnit, Variant};
use tmkit::ops::import::{self, OnDuplicate, Outcome};
use tmkit::store::Store;

use super::import::Dup;
use super::output::print_json;
use super::{Ctx, EXIT_OK, Format};

/// Add one translation unit to the memory.
///
/// For example: `tmkit add --lang en "Hello." --lang zh-CN "你好。" --lang ja-JP "こんにちは。"`.
/// The first language given is the source unless --source says otherwise.
#[derive(Debug, ClapArgs)]
pub struct Args {
    /// A language and its text (repeat for each language; at least two).
    #[arg(long = "lang", num_args = 2, value_names = ["LANG", "TEXT"], required = true)]
    pub variants: Vec<String>,
    /// The source language (default: the first --lang).
    #[arg(long, value_name = "LANG")]
    pub source: Option<String>,
    /// The unit's id (TMX tuid).
    #[arg(long, value_name = "ID")]
    pub tuid: Option<String>,
    /// A note on the unit (repeatable).
    #[arg(long, value_name = "TEXT")]
    pub note: Vec<String>,
    /// A property on the unit, TYPE=VALUE (repeatable).
    #[arg(long, value_name = "TYPE=VALUE")]
    pub prop: Vec<String>,
    /// Who adds it (TMX creationid).
    #[arg(long, env = "TMKIT_USER", value_name = "NAME")]
    pub user: Option<String>,
    /// What to do when the source is already in the memory with another translation.
    #[arg(long, value_enum, default_value_t = Dup::Keep, value_name = "ACTION")]
    pub on_duplicate: Dup,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text, value_name = "FORMAT")]
    pub format: Format,
}

pub fn run(args: Args, ctx: &Ctx) -> anyhow::Result<i32> {
    let mut unit = TranslationUnit::default();
    for pair in args.variants.chunks(2) {
        let [lang, text] = pair else {
            bail!("--lang takes a language and a text");
        };
        let lang = super::parse_lang("--lang", lang)?;
        if unit.variants.iter().any(|v| v.lang == lang) {
            bail!("--lang {lang} is given twice");
        }
        unit.variants.push(Variant::new(lang, text.clone()));
    }
    if unit.variants.len() < 2 {
        bail!("a unit needs at least two languages: give --lang twice or more");
    }
    unit.source = Some(match &args.source {
        Some(s) => {
            let l = super::parse_lang("--source", s)?;
            if !unit.variants.iter().any(|v| v.lang == l) {
                bail!("--source {l} is not one of the --lang languages");
            }
            l
        }
        None => unit.variants[0].lang.clone(),
    });
    unit.tuid = args.tuid.clone();
    let now = date_now();
    unit.admin.creation_date = Some(now.clone());
    unit.admin.change_date = Some(now);
    unit.admin.creation_id = args.user.clone();
    unit.admin.change_id = args.user.clone();
    for p in &args.prop {
        let (kind, value) = p
            .split_once('=')
            .with_context(|| format!("--prop {p:?}: expected TYPE=VALUE"))?;
        unit.extras.push(Extra::Prop(Prop {
            kind: kind.to_string(),
            lang: None,
            encoding: None,
            value: value.to_string(),
        }));
    }
    for n in &args.note {
        unit.extras.push(Extra::Note(Note {
            lang: None,
            encoding: None,
            text: n.clone(),
        }));
    }
    let mode = match args.on_duplicate {
        Dup::Keep => OnDuplicate::Keep,
        Dup::Overwrite => OnDuplicate::Overwrite,
        Dup::Skip => OnDuplicate::Skip,
    };
    let mut store = Store::open(&ctx.db)?;
    let outcome = import::add_unit(&mut store, &unit, mode)?;
    if args.format == Format::Json {
        print_json(&serde_json::json!({ "outcome": outcome }))?;
    } else if !ctx.quiet {
        println!(
            "{}",
            match outcome {
                Outcome::Added => "added",
                Outcome::Merged => "already in the memory: merged",
                Outcome::Alternative => "added as an alternative translation",
                Outcome::Overwritten => "overwrote the stored translation",
                Outcome::Skipped => "skipped: the source is already in the memory",
            }
        );
    }
    Ok(EXIT_OK)
}
