//! `tmkit concordance`: every earlier use of a phrase.

use clap::Args as ClapArgs;
use tmkit::model::Lang;
use tmkit::ops::concordance::{Concordance, ConcordanceConfig, concordance};
use tmkit::store::Store;

use super::output::{Style, print_json, safe};
use super::{Ctx, EXIT_FINDINGS, EXIT_OK, Format};

/// Find every unit whose text contains a phrase.
///
/// The search ignores case, and finds CJK phrases of any length. Each unit is shown with the hit
/// highlighted and its translations, then the translations of the phrase that recur. Exits with 1
/// when nothing contains it.
#[derive(Debug, ClapArgs)]
pub struct Args {
    /// The phrase.
    pub phrase: String,
    /// The language of the phrase.
    #[arg(long, default_value = "en", value_name = "LANG")]
    pub lang: String,
    /// Languages to show translations in, comma-separated. [default: zh-CN,ja-JP]
    #[arg(long, value_delimiter = ',', value_name = "LANGS")]
    pub to: Option<Vec<String>>,
    /// The most hits listed (all are counted).
    #[arg(long, default_value_t = 20, value_name = "N")]
    pub max: usize,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text, value_name = "FORMAT")]
    pub format: Format,
}

pub fn run(args: Args, ctx: &Ctx) -> anyhow::Result<i32> {
    if args.phrase.trim().is_empty() {
        anyhow::bail!("the phrase is empty: give the words to search for");
    }
    let lang = super::parse_lang("--lang", &args.lang)?;
    let to = super::parse_langs("--to", args.to.as_deref().unwrap_or(&super::default_to()))?;
    let mut store = Store::open_existing(&ctx.db)?;
    super::require_langs(&[&store], "--lang", std::slice::from_ref(&lang))?;
    if args.to.is_some() {
        super::require_langs(&[&store], "--to", &to)?;
    }
    if !store.index_ready()? {
        super::rebuild_index(&mut store, ctx)?;
    }
    let config = ConcordanceConfig {
        phrase: args.phrase.clone(),
        lang,
        to: to.clone(),
        max: args.max,
    };
    let result = concordance(&store, &config)?;
    if args.format == Format::Json {
        print_json(&result)?;
    } else {
        print!("{}", render(&result, &to, Style { color: ctx.color }));
    }
    Ok(if result.total == 0 {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    })
}

fn highlight(text: &str, spans: &[(usize, usize)], style: Style) -> String {
    let mut out = String::new();
    let mut last = 0;
    for &(s, e) in spans {
        out.push_str(&safe(&text[last..s]));
        let hit = &*safe(&text[s..e]);
        out.push_str(&if style.color {
            style.yellow(hit)
        } else {
            format!("[{hit}]")
        });
        last = e;
    }
    out.push_str(&safe(&text[last..]));
    out
}

fn render(c: &Concordance, to: &[Lang], style: Style) -> String {
    let mut out = String::new();
    out.push_str(&style.bold(&format!(
        "{} ({}): {} unit{}",
        safe(&c.phrase),
        c.lang,
        c.total,
        if c.total == 1 { "" } else { "s" }
    )));
    out.push('\n');
    for hit in &c.hits {
        out.push_str(&format!(
            "\n  {}\n",
            highlight(&hit.source, &hit.spans, style)
        ));
        for lang in to {
            for (tag, text) in hit
                .targets
                .iter()
                .filter(|(t, _)| Lang::parse(t).is_ok_and(|l| lang.matches(&l)))
            {
                out.push_str(&format!("    {:<6} {}\n", safe(tag), safe(text)));
            }
        }
    }
    if c.total > c.hits.len() {
        out.push_str(&format!(
            "\n  ... and {} more (--max N lists more)\n",
            c.total - c.hits.len()
        ));
    }
    let summary: Vec<String> = c
        .translations
        .iter()
        .filter(|(_, r)| !r.is_empty())
        .map(|(lang, r)| {
            let items: Vec<String> = r
                .iter()
                .map(|x| format!("{} ({}/{})", safe(&x.text), x.count, c.sampled))
                .collect();
            format!("  {:<6} {}", safe(lang), items.join(", "))
        })
        .collect();
    if !summary.is_empty() {
        out.push_str(&format!(
            "\n{}\n{}\n",
            style.bold("recurring in the translations:"),
            summary.join("\n")
        ));
    }
    out
}
