//! The SQLite memory: schema and migrations, units and variants, statistics.
//!
//! The only module that talks to rusqlite. Depends on `model` and `error`.
