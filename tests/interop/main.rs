//! The tests that run real tools on what tmkit writes and reads: OmegaT, Chromium, LibreOffice,
//! pandoc, poppler and translate-toolkit (`.ci/run` installs them from Debian). One binary, so
//! that they are built and linked once.

#[path = "../common/chromium.rs"]
mod chromium;
mod docx_support;
#[path = "../common/tool.rs"]
mod tool;

mod documents_html;
mod docx;
mod markdown_filter;
mod omegat;
mod omegat_documents;
mod report_html;
