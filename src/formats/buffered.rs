//! How the streaming writers buffer: each builds its output in a `String` and hands it to the
//! underlying writer in large pieces.

use std::io::Write;

use crate::error::{ErrorKind, Result};

/// Writes `buf` to `out` and clears it once it holds `threshold` bytes or more; a threshold of 0
/// writes whatever is left (at the end of a document).
pub(crate) fn flush_if<W: Write>(out: &mut W, buf: &mut String, threshold: usize) -> Result<()> {
    if buf.len() >= threshold {
        out.write_all(buf.as_bytes()).map_err(ErrorKind::Write)?;
        buf.clear();
    }
    Ok(())
}
