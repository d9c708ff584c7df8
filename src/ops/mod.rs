//! Workflows that combine formats, store and matching: import, export, lookup, concordance,
//! prepare, finish, check, glossary, segment and the server's access tokens.
//!
//! They take a typed config and return a typed report; they never print. What prepare writes and
//! finish reads (the kit) is [`crate::kit`], below them. A workflow calls another one only
//! through an entry point named for the purpose (`segment::default_engine`,
//! `glossary::termbase`, `lookup::Lookup`, `check::PairChecks`, ...): the list is in
//! `tests/layers.rs`, which fails on any other use.

pub mod check;
pub mod concordance;
pub mod export;
pub mod finish;
pub mod glossary;
pub mod import;
pub mod lookup;
pub mod prepare;
pub mod segment;
pub mod token;

/// The reason of a problem message, for counting problems by kind: quoted values become `"…"`
/// (`<tuv> has an invalid xml:lang "…"`).
pub(crate) fn reason_of(message: &str) -> String {
    let mut out = String::new();
    let mut quoted = false;
    for c in message.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                if quoted {
                    out.push_str("\"…\"");
                }
            }
            _ if quoted => {}
            _ => out.push(c),
        }
    }
    out
}
