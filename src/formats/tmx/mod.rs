//! TMX (Translation Memory eXchange) 1.1, 1.4 and 1.4b: a streaming reader and writer.
//!
//! The reader accepts the quirks of real files (see the tests): `lang` as well as `xml:lang`, a missing
//! version, `srclang="*all*"`, headers whose srclang disagrees with the units, inline codes (TMX
//! level 2: `bpt ept it ph hi sub ut`) kept exactly. It never builds a tree of the whole file.
//! The writer produces TMX 1.4b that validates against the TMX 1.4 DTD.

pub mod dtd;
mod reader;
mod writer;

pub use crate::formats::{Item, Problem};
pub use reader::{Header, Reader};
pub use writer::{Writer, WriterOptions};

/// Inline elements that carry native codes; their text is not part of a segment's plain text.
pub(crate) const CODE_ELEMENTS: [&str; 5] = ["bpt", "ept", "it", "ph", "ut"];

/// The current time as a TMX date (`YYYYMMDDThhmmssZ`, UTC), as `creationdate` and `changedate`
/// are written.
pub fn date_now() -> String {
    let now = time::OffsetDateTime::now_utc();
    let fmt = time::macros::format_description!("[year][month][day]T[hour][minute][second]Z");
    now.format(&fmt).unwrap_or_default()
}
