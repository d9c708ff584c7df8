//! TMX
