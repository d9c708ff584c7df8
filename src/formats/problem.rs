//! What every reader reports about a record it had to skip, and what its `read_*` method found.

use crate::error::Location;

/// A problem confined to one unit: the unit is skipped and reading goes on.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    /// Where the problem was met in the file.
    pub location: Location,
    /// What is wrong, lowercase, the offending value quoted.
    pub message: String,
}
