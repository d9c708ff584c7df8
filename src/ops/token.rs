//! Access tokens for `tmkit serve`: made from the system's random source, shown once, kept only
//! as a SHA-256 hash. A token is 32 random bytes, so a fast hash is the right one: there is
//! nothing to guess (a slow password hash such as argon2 protects low-entropy passwords, and would
//! cost every request milliseconds).

use std::io::Read;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::{ErrorKind, Result};
use crate::store::{Store, TokenInfo};

/// What a token lets its holder do; each role can do what the ones before it can.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Lookups, searches, statistics, checks and exports.
    Read,
    /// Also adding and importing units.
    Write,
    /// Also changing glossaries.
    Admin,
}

impl Role {
    /// The role's name: `read`, `write` or `admin`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Read => "read",
            Role::Write => "write",
            Role::Admin => "admin",
        }
    }

    /// Parses a role name (`read`, `write` or `admin`); any other is an error.
    pub fn parse(s: &str) -> Result<Role> {
        match s {
            "read" => Ok(Role::Read),
            "write" => Ok(Role::Write),
            "admin" => Ok(Role::Admin),
            _ => Err(ErrorKind::Invalid {
                what: "role",
                value: s.to_string(),
                reason: "expected read, write or admin".to_string(),
            }
            .into()),
        }
    }
}

/// The prefix of every token, so that one is recognised in a leaked file or log.
pub const PREFIX: &str = "tmk_";

/// The hash of a token as the memory keeps it (lowercase hex SHA-256).
pub fn hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// A new token: the prefix and 32 bytes from the system's random source, in hex.
fn generate() -> Result<String> {
    let mut bytes = [0u8; 32];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut bytes))
        .map_err(|e| crate::Error::io(std::path::Path::new("/dev/urandom"), e))?;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    Ok(format!("{PREFIX}{hex}"))
}

/// A token name: 1 to 64 letters, digits, `-`, `_`, `.` or `@`.
fn validate_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '@'));
    if ok {
        Ok(())
    } else {
        Err(ErrorKind::Invalid {
            what: "token name",
            value: name.to_string(),
            reason: "give 1 to 64 letters, digits, '-', '_', '.' or '@'".to_string(),
        }
        .into())
    }
}

/// Makes a token named `name` with `role`, stores its hash and returns the token (the only time
/// it is seen).
pub fn add(store: &mut Store, name: &str, role: Role) -> Result<String> {
    validate_name(name)?;
    let token = generate()?;
    let created = crate::formats::tmx::date_now();
    let mut w = store.writer()?;
    if !w.add_token(name, role.as_str(), &hash(&token), &created)? {
        return Err(ErrorKind::Invalid {
            what: "token name",
            value: name.to_string(),
            reason: "a token of that name exists: remove it first (`tmkit token remove NAME`)"
                .to_string(),
        }
        .into());
    }
    w.commit()?;
    Ok(token)
}

/// Removes the token `name`.
pub fn remove(store: &mut Store, name: &str) -> Result<()> {
    let mut w = store.writer()?;
    if !w.remove_token(name)? {
        return Err(ErrorKind::Invalid {
            what: "token name",
            value: name.to_string(),
            reason: "no token of that name (`tmkit token list` shows them)".to_string(),
        }
        .into());
    }
    w.commit()?;
    Ok(())
}

/// The tokens, by name.
pub fn list(store: &Store) -> Result<Vec<TokenInfo>> {
    store.tokens()
}

/// Who holds `token`: its name and role, or `None` for an unknown token.
pub fn verify(store: &Store, token: &str) -> Result<Option<(String, Role)>> {
    Ok(match store.token_by_hash(&hash(token))? {
        Some((name, role)) => Role::parse(&role).ok().map(|r| (name, r)),
        None => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_kept_as_hashes_and_verified() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("m.db")).unwrap();
        let t = add(&mut store, "anna", Role::Write).unwrap();
        assert!(t.starts_with(PREFIX) && t.len() == PREFIX.len() + 64, "{t}");
        assert_eq!(
            verify(&store, &t).unwrap(),
            Some(("anna".to_string(), Role::Write))
        );
        assert_eq!(verify(&store, "tmk_00").unwrap(), None);
        assert!(add(&mut store, "anna", Role::Read).is_err());
        assert!(add(&mut store, "a b", Role::Read).is_err());
        assert_eq!(list(&store).unwrap()[0].name, "anna");
        remove(&mut store, "anna").unwrap();
        assert_eq!(verify(&store, &t).unwrap(), None);
        assert!(remove(&mut store, "anna").is_err());
        assert_eq!(
            hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
