//! Getting bytes onto the disk so a file is always either old or new.
//!
//! Owns: the temporary-file dance (fresh random name in the target's folder,
//! `create_new`, write, fsync, rename over the target, fsync the folder), and
//! the unlink and rename of whole files, each followed by a folder fsync.
//!
//! Must never: write to the target in place, reuse or follow an existing temp
//! file (`create_new` is `O_CREAT|O_EXCL`, which refuses symlinks too), or leave
//! a temp file behind when anything fails before the rename. Every operation
//! works on a folder handle from `target`, never on a joined path.

use std::hash::{BuildHasher, Hasher};
use std::io::{self, Write};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use cap_std::fs::{Dir, File, OpenOptions, OpenOptionsExt, Permissions, PermissionsExt};

use super::super::WorkspaceError;

/// Prefix of the temporary files writes create next to their target.
pub(crate) const TEMP_PREFIX: &str = ".ralex-tmp-";
/// Attempts at a fresh temp name before giving up.
const TEMP_ATTEMPTS: u32 = 16;

/// Replaces (or creates) `name` in `dir` with `content`, atomically.
///
/// `mode` is the permission bits to give the file (an existing file's, so an
/// executable script stays executable); `None` for a new file, which gets the
/// usual `0o666` minus the process umask.
pub(crate) fn write_file(
    dir: &Dir,
    name: &str,
    content: &[u8],
    mode: Option<u32>,
    shown: &str,
    root: &Path,
) -> Result<(), WorkspaceError> {
    let io_error = |source| WorkspaceError::from_write_io(source, shown, root);
    let (temp_name, mut file) = create_temp(dir, mode).map_err(io_error)?;
    let temp = TempFile {
        dir,
        name: temp_name,
        armed: true,
    };
    let written = (|| -> io::Result<()> {
        file.write_all(content)?;
        if let Some(mode) = mode {
            file.set_permissions(Permissions::from_mode(mode))?;
        }
        file.sync_all()
    })();
    drop(file);
    written.map_err(io_error)?;
    dir.rename(&temp.name, dir, name).map_err(io_error)?;
    temp.disarm();
    sync_dir(dir, shown);
    Ok(())
}

/// Deletes the regular file `name` in `dir`.
pub(crate) fn remove_file(
    dir: &Dir,
    name: &str,
    shown: &str,
    root: &Path,
) -> Result<(), WorkspaceError> {
    dir.remove_file(name)
        .map_err(|source| WorkspaceError::from_write_io(source, shown, root))?;
    sync_dir(dir, shown);
    Ok(())
}

/// Moves `from_name` in `from_dir` to `to_name` in `to_dir` (the caller has
/// checked that nothing is at the destination).
pub(crate) fn rename_file(
    (from_dir, from_name): (&Dir, &str),
    (to_dir, to_name): (&Dir, &str),
    shown: &str,
    root: &Path,
) -> Result<(), WorkspaceError> {
    from_dir
        .rename(from_name, to_dir, to_name)
        .map_err(|source| WorkspaceError::from_write_io(source, shown, root))?;
    sync_dir(to_dir, shown);
    sync_dir(from_dir, shown);
    Ok(())
}

/// Creates a temp file with a fresh random name in `dir`. With `mode` (an
/// existing file's bits) it is created no more permissive than that, so the new
/// content is never readable by more users than the old was, even briefly.
fn create_temp(dir: &Dir, mode: Option<u32>) -> io::Result<(String, File)> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    if let Some(mode) = mode {
        options.mode(mode & 0o777);
    }
    let mut last_error = None;
    for _ in 0..TEMP_ATTEMPTS {
        let name = temp_name();
        match dir.open_with(&name, &options) {
            Ok(file) => return Ok((name, file)),
            Err(err) if err.kind() == io::ErrorKind::AlreadyExists => last_error = Some(err),
            Err(err) => return Err(err),
        }
    }
    Err(last_error.unwrap_or_else(|| io::Error::other("no free temporary file name")))
}

/// `.ralex-tmp-` and 16 hex digits, from the standard library's randomly keyed
/// hasher over a process-wide counter, the process id and the time.
fn temp_name() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = std::hash::RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    hasher.write_u32(std::process::id());
    if let Ok(elapsed) = std::time::UNIX_EPOCH.elapsed() {
        hasher.write_u128(elapsed.as_nanos());
    }
    format!("{TEMP_PREFIX}{:016x}", hasher.finish())
}

/// Makes a rename or unlink in `dir` durable. The change has already happened,
/// so a failure (some filesystems cannot fsync a folder) is logged, not returned.
fn sync_dir(dir: &Dir, shown: &str) {
    // The `Dir` handle itself may be an `O_PATH` descriptor, which cannot be
    // fsynced: open the folder for reading and sync that.
    let synced = dir
        .open(".")
        .and_then(|folder| folder.into_std().sync_all());
    if let Err(err) = synced {
        tracing::warn!(path = %shown, error = %err, "could not fsync the folder after a change");
    }
}

/// Removes the temp file on drop unless it was renamed into place.
struct TempFile<'a> {
    dir: &'a Dir,
    name: String,
    armed: bool,
}

impl TempFile<'_> {
    fn disarm(mut self) {
        self.armed = false;
    }
}

impl Drop for TempFile<'_> {
    fn drop(&mut self) {
        if self.armed
            && let Err(err) = self.dir.remove_file(&self.name)
        {
            tracing::warn!(temp = %self.name, error = %err, "could not remove a temporary file");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temp_names_are_fresh_and_hidden() {
        let a = temp_name();
        let b = temp_name();
        assert_ne!(a, b);
        assert!(
            a.starts_with(TEMP_PREFIX) && a.len() == TEMP_PREFIX.len() + 16,
            "{a}"
        );
    }

    #[test]
    fn an_existing_temp_name_is_never_reused() {
        // `create_new` refuses an existing name, symlink or not.
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = Dir::open_ambient_dir(tmp.path(), cap_std::ambient_authority()).expect("dir");
        let (name, _file) = create_temp(&dir, None).expect("temp");
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        let err = dir.open_with(&name, &options).expect_err("exists");
        assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
    }
}
