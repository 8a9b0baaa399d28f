//! Opening one regular file under the root and reading it within a limit.
//!
//! Owns: the only code that opens files for reading. `read`, `search` and the
//! `.gitignore` loader all come through here.
//!
//! Must never: open anything but a regular file (a FIFO would block, a device
//! could have side effects on open), block while opening, or read more than
//! `limit + 1` bytes however large the file is or grows. The type and size are
//! checked before opening (when asked) and again on the opened handle, since the
//! path may be swapped in between.

use std::io::Read;
use std::path::Path;

use cap_fs_ext::{FollowSymlinks, OpenOptionsFollowExt, OpenOptionsSyncExt};
use cap_std::fs::{Dir, FileType, FileTypeExt, OpenOptions};

use super::WorkspaceError;

/// A regular file to read, named relative to a directory handle.
pub(crate) struct RegularFile<'a> {
    /// The directory `rel` is relative to (the root, or a directory being walked).
    pub(crate) dir: &'a Dir,
    /// The normalised path below `dir`.
    pub(crate) rel: &'a str,
    /// Whether a symlink as the last component is followed (inside the root only).
    pub(crate) follow: FollowSymlinks,
    /// Check type and size with `stat` before opening. Skipped only when a
    /// directory listing just said the entry is a regular file.
    pub(crate) stat_first: bool,
}

impl RegularFile<'_> {
    /// Reads the whole file, failing with `TooLarge` past `limit` bytes.
    /// `shown` is the path as the plugin gave it, for messages.
    pub(crate) fn read(
        &self,
        limit: u64,
        shown: &str,
        root: &Path,
    ) -> Result<Vec<u8>, WorkspaceError> {
        let io_error = |source| WorkspaceError::from_io(source, shown, root);

        if self.stat_first {
            let metadata = match self.follow {
                FollowSymlinks::Yes => self.dir.metadata(self.rel),
                FollowSymlinks::No => self.dir.symlink_metadata(self.rel),
            }
            .map_err(io_error)?;
            check_regular(metadata.file_type(), shown)?;
            check_size(metadata.len(), limit, shown)?;
        }

        let mut options = OpenOptions::new();
        options.read(true).nonblock(true).follow(self.follow);
        let file = self.dir.open_with(self.rel, &options).map_err(io_error)?;
        let metadata = file.metadata().map_err(io_error)?;
        check_regular(metadata.file_type(), shown)?;
        check_size(metadata.len(), limit, shown)?;

        let expected = usize::try_from(metadata.len()).unwrap_or(0);
        let mut bytes = Vec::with_capacity(expected.saturating_add(1));
        file.take(limit.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(io_error)?;
        // The file grew between `fstat` and the read.
        check_size(bytes.len() as u64, limit, shown)?;
        Ok(bytes)
    }
}

fn check_regular(file_type: FileType, shown: &str) -> Result<(), WorkspaceError> {
    if file_type.is_file() {
        return Ok(());
    }
    if file_type.is_dir() {
        return Err(WorkspaceError::IsDirectory {
            path: shown.to_owned(),
        });
    }
    Err(WorkspaceError::NotRegularFile {
        path: shown.to_owned(),
        what: special_kind(file_type),
    })
}

/// What a file that is neither regular nor a directory is, for messages.
pub(crate) fn special_kind(file_type: FileType) -> &'static str {
    if file_type.is_fifo() {
        "named pipe (FIFO)"
    } else if file_type.is_socket() {
        "socket"
    } else if file_type.is_char_device() {
        "character device"
    } else if file_type.is_block_device() {
        "block device"
    } else if file_type.is_symlink() {
        "symbolic link"
    } else {
        "special file"
    }
}

fn check_size(size: u64, limit: u64, shown: &str) -> Result<(), WorkspaceError> {
    if size > limit {
        return Err(WorkspaceError::TooLarge {
            path: shown.to_owned(),
            size,
            limit,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::*;
    use crate::ErrorKind;
    use crate::workspace::testing::{Fixture, assert_kind};

    #[test]
    fn fifo_opened_without_stat_first_does_not_block() {
        // Exercises the second line of defence: O_NONBLOCK on open and the
        // check on the opened handle (as `search` uses it).
        let fx = Fixture::new();
        let status = std::process::Command::new("mkfifo")
            .arg(fx.root().join("pipe"))
            .status()
            .expect("run mkfifo");
        assert!(status.success());
        let root = Dir::open_ambient_dir(fx.root(), cap_std::ambient_authority()).expect("root");
        let started = Instant::now();
        let err = RegularFile {
            dir: &root,
            rel: "pipe",
            follow: FollowSymlinks::No,
            stat_first: false,
        }
        .read(1024, "pipe", &fx.root())
        .expect_err("fifo");
        assert_kind(&err, ErrorKind::Denied, "named pipe");
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "blocked on the FIFO"
        );
    }

    #[test]
    fn nofollow_refuses_a_symlink_as_last_component() {
        let fx = Fixture::new();
        fx.write("real.txt", "x").symlink("real.txt", "link");
        let root = Dir::open_ambient_dir(fx.root(), cap_std::ambient_authority()).expect("root");
        let file = |stat_first| RegularFile {
            dir: &root,
            rel: "link",
            follow: FollowSymlinks::No,
            stat_first,
        };
        let err = file(true)
            .read(1024, "link", &fx.root())
            .expect_err("stat first");
        assert_kind(&err, ErrorKind::Denied, "symbolic link");
        assert!(file(false).read(1024, "link", &fx.root()).is_err());
    }
}
