//! `tmkit token`: the access tokens of `tmkit serve`.

use clap::{Args as ClapArgs, Subcommand, ValueEnum};
use tmkit::ops::token::{self, Role};
use tmkit::store::Store;

use super::output::{Style, Table, print_json, safe};
use super::{Ctx, EXIT_OK, Format};

/// Manage the tokens that `tmkit serve` asks for.
///
/// A client sends its token as `Authorization: Bearer TOKEN`. The roles: read: lookups, searches, statistics, checks, exports; write: also adding and importing
/// units; admin: also glossary changes. The memory keeps only a hash of each token.
#[derive(Debug, ClapArgs)]
pub struct Args {
    #[command(subcommand)]
    pub command: Cmd,
}

#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// Make a token and print it (the only time it is shown).
    Add {
        /// Who or what holds it (shown in the server's log).
        name: String,
        /// What it may do: read (lookups, searches, statistics, checks, exports), write (also
        /// adding and importing units) or admin (also glossary changes).
        #[arg(long, value_enum, default_value_t = RoleArg::Read, value_name = "ROLE")]
        role: RoleArg,
    },
    /// List the tokens (names and roles, never the tokens).
    List {
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text, value_name = "FORMAT")]
        format: Format,
    },
    /// Remove a token: it is refused from the next request on.
    Remove {
        /// The token's name (as given to `token add`).
        name: String,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum RoleArg {
    Read,
    Write,
    Admin,
}

pub fn run(args: Args, ctx: &Ctx) -> anyhow::Result<i32> {
    match args.command {
        Cmd::Add { name, role } => {
            let role = match role {
                RoleArg::Read => Role::Read,
                RoleArg::Write => Role::Write,
                RoleArg::Admin => Role::Admin,
            };
            let mut store = Store::open(&ctx.db)?;
            let t = token::add(&mut store, &name, role)?;
            println!("{t}");
            if !ctx.quiet {
                eprintln!(
                    "token {name:?} ({}): keep it now, it is not shown again",
                    role.as_str()
                );
            }
        }
        Cmd::List { format } => {
            let store = Store::open_existing(&ctx.db)?;
            let tokens = token::list(&store)?;
            if format == Format::Json {
                print_json(&tokens)?;
            } else if tokens.is_empty() {
                println!("no token: `tmkit token add NAME --role read|write|admin` makes one");
            } else {
                let mut t = Table::new(&["name", "role", "created"], &[false, false, false]);
                for tok in &tokens {
                    t.row(vec![
                        safe(&tok.name).into_owned(),
                        tok.role.clone(),
                        tok.created.clone(),
                    ]);
                }
                print!("{}", t.render(Style { color: ctx.color }, ""));
            }
        }
        Cmd::Remove { name } => {
            let mut store = Store::open_existing(&ctx.db)?;
            token::remove(&mut store, &name)?;
            if !ctx.quiet {
                eprintln!("removed token {name:?}");
            }
        }
    }
    Ok(EXIT_OK)
}
