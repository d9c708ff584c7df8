//! Putting a kit in place without ever leaving half of one: the kit is written into a hidden
//! staging folder next to its destination; an existing kit is renamed aside, the new one renamed
//! in, and only then is the old one deleted. A run killed at any point leaves either the old kit
//! or the new one whole, plus hidden leftovers that the next run of the same kit removes.
//!
//! For a kit `DIR/NAME`, the hidden folders are `DIR/.NAME.tmkit-staging-XXXXXX` (a kit being
//! written) and `DIR/.NAME.tmkit-old-XXXXXX` (a kit being replaced). Each carries a marker file
//! (`.tmkit-staging`, `.tmkit-old`), so that only tmkit's own folders are ever deleted. A run holds
//! a lock on its staging marker while it writes, so that leftovers of a run still going on (a
//! second `prepare` of the same kit) are left alone.

use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};

use super::Kit;
use super::files::{KitFiles, write_kit};
use crate::error::{Error, ErrorKind, Result};
use crate::text::srx::Engine;

/// The marker file of a staging folder; locked by the run that writes into it.
const STAGING_MARKER: &str = ".tmkit-staging";
/// The marker file of a kit renamed aside to be deleted.
const OLD_MARKER: &str = ".tmkit-old";

fn staging_prefix(name: &str) -> String {
    format!(".{name}.tmkit-staging-")
}

fn old_prefix(name: &str) -> String {
    format!(".{name}.tmkit-old-")
}

/// The folder that holds `dir`, and `dir`'s name in it.
fn split(dir: &Path) -> Result<(PathBuf, String)> {
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| -> Error {
            ErrorKind::Invalid {
                what: "kit folder",
                value: dir.display().to_string(),
                reason: "it names no folder (give a name such as article.prepared)".to_string(),
            }
            .into()
        })?;
    Ok((parent, name))
}

fn remove_any(path: &Path) -> io::Result<()> {
    let result = if fs::symlink_metadata(path)?.is_dir() {
        fs::remove_dir_all(path)
    } else {
        fs::remove_file(path)
    };
    match result {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}

/// Removes what earlier runs of the kit `name` in `parent` left: staging folders whose run is
/// over (their marker is not locked) and old kits renamed aside. Folders without tmkit's marker
/// are left alone. Returns the folders removed.
pub fn remove_leftovers(parent: &Path, name: &str) -> Result<Vec<PathBuf>> {
    let (staging, old) = (staging_prefix(name), old_prefix(name));
    let mut removed = Vec::new();
    let entries = match fs::read_dir(parent) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(removed),
        Err(e) => return Err(Error::io(parent, e)),
    };
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(parent, e))?;
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        if !entry.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        let ours = if file_name.starts_with(&staging) {
            match File::open(path.join(STAGING_MARKER)) {
                // A run that still writes into it holds the lock.
                Ok(marker) => marker.try_lock().is_ok(),
                Err(_) => false,
            }
        } else if file_name.starts_with(&old) {
            path.join(OLD_MARKER).is_file()
        } else {
            false
        };
        if ours {
            remove_any(&path).map_err(|e| Error::io(&path, e))?;
            removed.push(path);
        }
    }
    Ok(removed)
}

/// A name for `prefix` in `parent` that nothing has yet.
fn unused_name(parent: &Path, prefix: &str) -> PathBuf {
    let pid = std::process::id();
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let mut n = 0u32;
    loop {
        let candidate = parent.join(format!("{prefix}{pid}-{nanos:09}-{n}"));
        if fs::symlink_metadata(&candidate).is_err() {
            return candidate;
        }
        n += 1;
    }
}

/// Writes the kit into `out_dir`, replacing whatever is there (the caller decides whether it may),
/// so that `out_dir` holds at every moment either the old kit whole or the new one whole. Removes
/// the leftovers of earlier runs of the same kit first (see [`remove_leftovers`]). `engine` is
/// as for [`write_kit`].
pub fn place_kit(kit: &Kit, out_dir: &Path, engine: &Engine) -> Result<KitFiles> {
    let (parent, name) = split(out_dir)?;
    fs::create_dir_all(&parent).map_err(|e| Error::io(&parent, e))?;
    remove_leftovers(&parent, &name)?;

    // The staging folder, with its marker locked for as long as this run writes into it.
    let staging = tempfile::Builder::new()
        .prefix(&staging_prefix(&name))
        .tempdir_in(&parent)
        .map_err(|e| Error::io(&parent, e))?;
    let marker_path = staging.path().join(STAGING_MARKER);
    let marker = File::create(&marker_path).map_err(|e| Error::io(&marker_path, e))?;
    marker.lock().map_err(|e| Error::io(&marker_path, e))?;
    let files = write_kit(kit, staging.path(), engine)?;

    // The old kit aside, marked so that a later run may delete it if this one is killed.
    let aside = if fs::symlink_metadata(out_dir).is_ok() {
        if out_dir.is_dir() {
            let m = out_dir.join(OLD_MARKER);
            File::create(&m).map_err(|e| Error::io(&m, e))?;
        }
        let aside = unused_name(&parent, &old_prefix(&name));
        fs::rename(out_dir, &aside).map_err(|e| Error::io(out_dir, e))?;
        Some(aside)
    } else {
        None
    };
    let staged = staging.keep();
    if let Err(e) = fs::rename(&staged, out_dir) {
        // Put the old kit back; the staging folder goes with the next run.
        if let Some(aside) = &aside {
            let _ = fs::rename(aside, out_dir);
            let _ = fs::remove_file(out_dir.join(OLD_MARKER));
        }
        return Err(Error::io(out_dir, e));
    }
    let _ = fs::remove_file(out_dir.join(STAGING_MARKER));
    drop(marker);
    if let Some(aside) = aside {
        // The new kit is in place: failing to delete the old one loses nothing, and the next
        // run of the kit deletes it.
        let _ = remove_any(&aside);
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder(path: &Path, marker: Option<&str>) {
        fs::create_dir_all(path.join("sub")).unwrap();
        fs::write(path.join("sub/part.xlf"), "x").unwrap();
        if let Some(m) = marker {
            fs::write(path.join(m), "").unwrap();
        }
    }

    #[test]
    fn only_finished_leftovers_of_the_same_kit_with_a_marker_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path();
        let cases = [
            // (folder, marker, removed)
            (".a.prepared.tmkit-staging-1", Some(STAGING_MARKER), true),
            (".a.prepared.tmkit-old-2", Some(OLD_MARKER), true),
            (".a.prepared.tmkit-staging-3", None, false),
            (".a.prepared.tmkit-old-4", None, false),
            (".b.prepared.tmkit-staging-5", Some(STAGING_MARKER), false),
            (".a.prepared.tmkit-old-6", Some(STAGING_MARKER), false),
            ("a.prepared", Some(STAGING_MARKER), false),
            (".tmkit-prepare-7", Some(STAGING_MARKER), false),
        ];
        for (name, marker, _) in cases {
            folder(&p.join(name), marker);
        }
        // A run still writing into its staging folder holds the marker's lock.
        let live = p.join(".a.prepared.tmkit-staging-8");
        folder(&live, Some(STAGING_MARKER));
        let lock = File::open(live.join(STAGING_MARKER)).unwrap();
        lock.lock().unwrap();
        let removed = remove_leftovers(p, "a.prepared").unwrap();
        for (name, _, gone) in cases {
            assert_eq!(!p.join(name).exists(), gone, "{name}");
        }
        assert!(live.exists(), "a live run's staging folder is left alone");
        assert_eq!(removed.len(), 2);
        drop(lock);
        remove_leftovers(p, "a.prepared").unwrap();
        assert!(!live.exists(), "once its run is over, it goes");
    }

    #[test]
    fn a_folder_without_a_name_is_refused() {
        assert!(split(Path::new("/")).is_err());
        assert_eq!(
            split(Path::new("kit")).unwrap(),
            (PathBuf::from("."), "kit".to_string())
        );
    }
}
