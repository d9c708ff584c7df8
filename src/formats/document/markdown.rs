//! Markdown: not written yet.

use super::{Extracted, Filter, Options, Piece};
use crate::error::{ErrorKind, Result};
use crate::model::Lang;

/// The Markdown filter.
pub struct MarkdownFilter;

impl Filter for MarkdownFilter {
    fn extract(&self, _document: &[u8], name: &str, _options: &Options) -> Result<Extracted> {
        Err(ErrorKind::Document {
            name: name.to_string(),
            message: "not supported yet".to_string(),
        }
        .into())
    }

    fn merge(
        &self,
        _document: &[u8],
        name: &str,
        _options: &Options,
        _blocks: &[Vec<Piece>],
        _target: &Lang,
    ) -> Result<Vec<u8>> {
        Err(ErrorKind::Document {
            name: name.to_string(),
            message: "not supported yet".to_string(),
        }
        .into())
    }
}
