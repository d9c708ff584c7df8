//! The access tokens of `tmkit serve`: a name, a role and a hash of the token (never the token).

use rusqlite::OptionalExtension;
use serde::Serialize;

use super::{Store, Writer};
use crate::error::Result;

/// A stored token, without anything that would let one use it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenInfo {
    /// The token's name.
    pub name: String,
    /// The token's role: `read`, `write` or `admin`.
    pub role: String,
    /// When the token was made, as a TMX date (`YYYYMMDDThhmmssZ`).
    pub created: String,
}

impl Writer<'_> {
    /// Stores a token's hash under `name`; false when the name is taken.
    pub fn add_token(&mut self, name: &str, role: &str, hash: &str, created: &str) -> Result<bool> {
        let n = self.tx.execute(
            "INSERT OR IGNORE INTO tokens(name, role, hash, created) VALUES (?, ?, ?, ?)",
            [name, role, hash, created],
        )?;
        Ok(n == 1)
    }

    /// Removes the token `name`; false when there is none.
    pub fn remove_token(&mut self, name: &str) -> Result<bool> {
        Ok(self
            .tx
            .execute("DELETE FROM tokens WHERE name = ?", [name])?
            == 1)
    }
}

impl Store {
    /// The tokens, by name.
    pub fn tokens(&self) -> Result<Vec<TokenInfo>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT name, role, created FROM tokens ORDER BY name")?;
        let rows = stmt.query_map([], |r| {
            Ok(TokenInfo {
                name: r.get(0)?,
                role: r.get(1)?,
                created: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The name and role of the token whose hash is `hash`.
    pub fn token_by_hash(&self, hash: &str) -> Result<Option<(String, String)>> {
        Ok(self
            .conn
            .prepare_cached("SELECT name, role FROM tokens WHERE hash = ?")?
            .query_row([hash], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?)
    }

    /// How many tokens there are.
    pub fn token_count(&self) -> Result<u64> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM tokens", [], |r| r.get::<_, i64>(0))?
            as u64)
    }
}
