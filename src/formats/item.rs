//! The one shape of every streaming reader (TMX, XLIFF, TBX, delimited glossaries): a `read_*`
//! method that fills a reused buffer and says what it found ([`Item`]), and an iterator over the
//! same ([`ItemReader::items`]).

use crate::error::Result;
use crate::formats::Problem;

/// What a reader's `read_unit` (TMX, XLIFF) or `read_entry` (TBX, glossaries) found next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// A unit (TMX, XLIFF) or a concept entry (TBX, glossary row) was read into the buffer.
    Unit,
    /// A unit or entry was skipped because of a problem (a `<tuv>` without a language, an unknown
    /// XLIFF state, a concept without terms, a row without a source term...); reading can go on.
    Problem(Problem),
    /// The end of the document.
    End,
}

/// A streaming reader of units or entries, all of one shape: [`tmx::Reader`](crate::formats::tmx::Reader),
/// [`xliff::Reader`](crate::formats::xliff::Reader), [`tbx::Reader`](crate::formats::tbx::Reader)
/// and [`glossary::Reader`](crate::formats::glossary::Reader).
///
/// ```
/// use tmkit::formats::{ItemReader, input_from_reader, tbx};
/// let doc = r#"<tbx type="TBX-Basic" style="dca" xmlns="urn:iso:std:iso:30042:ed-2"><text><body>
///   <conceptEntry id="c1"><langSec xml:lang="en"><termSec><term>open cluster</term></termSec>
///   </langSec></conceptEntry>
///   <conceptEntry id="c2"/></body></text></tbx>"#;
/// let input = input_from_reader(Box::new(doc.as_bytes()), "astro.tbx".into())?;
/// let mut reader = tbx::Reader::from_input(input)?;
/// for item in reader.items() {
///     match item? {
///         Ok(entry) => assert_eq!(entry.terms[0].text, "open cluster"),
///         Err(problem) => assert_eq!(problem.message, "<conceptEntry> has no terms: skipped"),
///     }
/// }
/// # Ok::<(), tmkit::Error>(())
/// ```
pub trait ItemReader {
    /// What one item is read into: a [`TranslationUnit`](crate::model::TranslationUnit), an
    /// [`xliff::Unit`](crate::formats::xliff::Unit) or a [`TermEntry`](crate::model::TermEntry).
    type Unit: Default;

    /// Reads the next item into `unit` (its buffers are reused): the reader's `read_unit` or
    /// `read_entry`. A problem confined to one item is [`Item::Problem`]; malformed input is an
    /// error.
    fn read_item(&mut self, unit: &mut Self::Unit) -> Result<Item>;

    /// The remaining items, in reading order: `Ok(Ok(unit))` for a unit read, `Ok(Err(problem))`
    /// for one skipped; an error ends the iteration.
    fn items(&mut self) -> Items<'_, Self>
    where
        Self: Sized,
    {
        Items {
            reader: self,
            unit: Self::Unit::default(),
            done: false,
        }
    }

    /// Reads every remaining item (convenient for small files and tests): the units read and the
    /// problems met, each in reading order.
    fn read_all(&mut self) -> Result<(Vec<Self::Unit>, Vec<Problem>)>
    where
        Self: Sized,
    {
        let mut units = Vec::new();
        let mut problems = Vec::new();
        for item in self.items() {
            match item? {
                Ok(unit) => units.push(unit),
                Err(problem) => problems.push(problem),
            }
        }
        Ok((units, problems))
    }
}

/// The iterator of [`ItemReader::items`].
pub struct Items<'r, R: ItemReader> {
    reader: &'r mut R,
    unit: R::Unit,
    done: bool,
}

impl<R: ItemReader> Iterator for Items<'_, R> {
    type Item = Result<std::result::Result<R::Unit, Problem>>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        match self.reader.read_item(&mut self.unit) {
            Ok(Item::Unit) => Some(Ok(Ok(std::mem::take(&mut self.unit)))),
            Ok(Item::Problem(problem)) => Some(Ok(Err(problem))),
            Ok(Item::End) => {
                self.done = true;
                None
            }
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }
}

impl<R: ItemReader> std::iter::FusedIterator for Items<'_, R> {}
