//! `tmkit stats`: what the memory holds.

use clap::Args as ClapArgs;
use tmkit::store::Store;

use super::output::{Style, Table, bytes, count, print_json, safe};
use super::{Ctx, EXIT_OK, Format};

/// Show the memory's units, languages, origins and size.
///
/// Units, variants per language, language pairs, origins and database size.
#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text, value_name = "FORMAT")]
    pub format: Format,
}

pub fn run(args: Args, ctx: &Ctx) -> anyhow::Result<i32> {
    let store = Store::open_existing(&ctx.db)?;
    let stats = store.stats()?;
    if args.format == Format::Json {
        print_json(&stats)?;
        return Ok(EXIT_OK);
    }
    let style = Style { color: ctx.color };
    let mut out = String::new();
    out.push_str(&format!(
        "{}  {} units, {} variants, {} (schema {})\n\n",
        style.bold(&safe(&stats.path)),
        count(stats.units),
        count(stats.variants),
        bytes(stats.database_bytes),
        stats.schema_version
    ));
    let mut t = Table::new(&["language", "variants"], &[false, true]);
    for l in &stats.languages {
        t.row(vec![l.lang.clone(), count(l.variants)]);
    }
    out.push_str(&t.render(style, "  "));
    if !stats.pairs.is_empty() {
        out.push('\n');
        let mut t = Table::new(&["source", "target", "units"], &[false, false, true]);
        for p in &stats.pairs {
            t.row(vec![p.source.clone(), p.target.clone(), count(p.units)]);
        }
        out.push_str(&t.render(style, "  "));
    }
    if !stats.origins.is_empty() {
        out.push('\n');
        let mut t = Table::new(&["origin", "imported", "units"], &[false, false, true]);
        for o in &stats.origins {
            t.row(vec![
                safe(&o.path).into_owned(),
                o.imported_at.clone(),
                count(o.units),
            ]);
        }
        out.push_str(&t.render(style, "  "));
    }
    if !stats.glossaries.is_empty() {
        out.push('\n');
        let mut t = Table::new(
            &["glossary", "concepts", "terms", "languages"],
            &[false, true, true, false],
        );
        for g in &stats.glossaries {
            t.row(vec![
                safe(&g.name).into_owned(),
                count(g.concepts),
                count(g.terms),
                safe(&g.langs.join(" ")).into_owned(),
            ]);
        }
        out.push_str(&t.render(style, "  "));
    }
    print!("{out}");
    Ok(EXIT_OK)
}
