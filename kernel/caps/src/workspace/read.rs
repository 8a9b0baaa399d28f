//! `read` and `read-bytes`: one file by exact path.
//!
//! Owns: the read operations and their tests, including the hostile ones
//! (traversal, absolute paths, symlink escapes, FIFOs, devices, oversize files).
//!
//! Must never: read outside the root (paths are checked by `path`, then resolved
//! by cap-std), read a non-regular file, or return more than
//! `max_file_bytes`. A read costs a `stat`, an `open`, an `fstat` and the reads
//! themselves: no walking, no extra allocation beyond the file's size.
//! Ignored files (`.gitignore`) can be read by exact path; whether a plugin may
//! is the policy's decision, made before this call.

use cap_fs_ext::FollowSymlinks;

use super::file::RegularFile;
use super::{Workspace, WorkspaceError, path};

impl Workspace {
    /// Reads a UTF-8 text file (relative to the root, `/`-separated).
    pub fn read(&self, path: &str) -> Result<String, WorkspaceError> {
        let bytes = self.read_bytes(path)?;
        String::from_utf8(bytes).map_err(|_| WorkspaceError::NotUtf8 {
            path: path.to_owned(),
        })
    }

    /// Reads a file as raw bytes (same checks and size limit as [`Workspace::read`]).
    pub fn read_bytes(&self, path: &str) -> Result<Vec<u8>, WorkspaceError> {
        let rel = path::normalize_file(path, &self.root)?;
        RegularFile {
            dir: &self.dir,
            rel: &rel,
            follow: FollowSymlinks::Yes,
            stat_first: true,
        }
        .read(self.limits.max_file_bytes, path, &self.root)
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use crate::ErrorKind;
    use crate::workspace::WorkspaceLimits;
    use crate::workspace::testing::{Fixture, assert_kind};

    #[test]
    fn reads_text_and_bytes() {
        let fx = Fixture::new();
        fx.write("src/main.rs", "fn main() {}\n")
            .write("data.bin", [0u8, 159, 146, 150]);
        let ws = fx.open();
        assert_eq!(ws.read("src/main.rs").expect("read"), "fn main() {}\n");
        assert_eq!(
            ws.read("./src/../src/main.rs").expect("dots"),
            "fn main() {}\n"
        );
        assert_eq!(
            ws.read_bytes("data.bin").expect("bytes"),
            vec![0, 159, 146, 150]
        );
        assert_eq!(
            ws.read("empty").map_err(|e| e.kind()),
            Err(ErrorKind::NotFound)
        );
        fx.write("empty", "");
        assert_eq!(ws.read("empty").expect("empty file"), "");
    }

    #[test]
    fn traversal_is_denied_before_touching_the_filesystem() {
        let fx = Fixture::new();
        let ws = fx.open();
        for path in [
            "..",
            "../secret.txt",
            "a/../../secret.txt",
            "./../secret.txt",
            "../../etc/passwd",
        ] {
            let err = ws.read(path).expect_err(path);
            assert_kind(&err, ErrorKind::Denied, "is outside the project root");
        }
    }

    #[test]
    fn absolute_paths_are_denied() {
        let fx = Fixture::new();
        let ws = fx.open();
        let secret = fx.tmp.path().join("secret.txt");
        for path in [
            "/etc/passwd",
            secret.to_str().expect("utf-8 tmp"),
            "C:\\Windows\\win.ini",
            "\\\\server\\share",
        ] {
            let err = ws.read(path).expect_err(path);
            assert_kind(&err, ErrorKind::Denied, "is an absolute path");
        }
    }

    #[test]
    fn empty_and_nul_paths_are_invalid_input() {
        let fx = Fixture::new();
        let ws = fx.open();
        assert_kind(
            &ws.read("").expect_err("empty"),
            ErrorKind::InvalidInput,
            "the path is empty",
        );
        assert_kind(
            &ws.read("a\0b").expect_err("nul"),
            ErrorKind::InvalidInput,
            "NUL byte",
        );
        assert_kind(
            &ws.read(".").expect_err("root"),
            ErrorKind::InvalidInput,
            "is a directory",
        );
    }

    #[test]
    fn symlink_to_etc_passwd_is_denied() {
        let fx = Fixture::new();
        fx.symlink("/etc/passwd", "passwd");
        let err = fx.open().read("passwd").expect_err("absolute symlink");
        assert_kind(
            &err,
            ErrorKind::Denied,
            "symlink that leads outside the project root",
        );
    }

    #[test]
    fn relative_symlink_out_of_the_root_is_denied() {
        let fx = Fixture::new();
        fx.symlink("../secret.txt", "secret");
        let err = fx.open().read("secret").expect_err("relative escape");
        assert_kind(&err, ErrorKind::Denied, "symlink that leads outside");
        assert!(
            !err.to_string().contains("outside secret"),
            "contents leaked: {err}"
        );
    }

    #[test]
    fn symlinked_directory_to_filesystem_root_is_denied() {
        let fx = Fixture::new();
        fx.symlink("/", "rootfs");
        let err = fx
            .open()
            .read("rootfs/etc/passwd")
            .expect_err("dir symlink to /");
        assert_kind(&err, ErrorKind::Denied, "symlink that leads outside");
    }

    #[test]
    fn symlink_chain_ending_outside_is_denied() {
        let fx = Fixture::new();
        fx.mkdir("a/b");
        fx.symlink("b/next", "a/first")
            .symlink("../hop", "a/b/next")
            .symlink("../../secret.txt", "a/hop");
        let err = fx.open().read("a/first").expect_err("chain out");
        assert_kind(&err, ErrorKind::Denied, "symlink that leads outside");
    }

    #[test]
    fn absolute_symlink_into_the_root_is_still_denied() {
        // cap-std resolves symlinks beneath the root: absolute targets never are.
        let fx = Fixture::new();
        fx.write("real.txt", "inside");
        fx.symlink(fx.root().join("real.txt"), "abs");
        let err = fx.open().read("abs").expect_err("absolute target");
        assert_kind(&err, ErrorKind::Denied, "symlink that leads outside");
    }

    #[test]
    fn symlinks_inside_the_root_are_followed() {
        let fx = Fixture::new();
        fx.write("docs/guide.md", "# Guide\n");
        fx.symlink("docs/guide.md", "GUIDE.md")
            .symlink("../docs/guide.md", "docs2")
            .symlink("docs", "docs-link");
        let ws = fx.open();
        assert_eq!(ws.read("GUIDE.md").expect("file link"), "# Guide\n");
        assert_eq!(
            ws.read("docs-link/guide.md").expect("dir link"),
            "# Guide\n"
        );
        // `docs2` points at `../docs/guide.md` relative to the root: outside.
        assert_kind(
            &ws.read("docs2").expect_err("escape"),
            ErrorKind::Denied,
            "symlink",
        );
    }

    #[test]
    fn symlink_loop_is_refused() {
        let fx = Fixture::new();
        fx.symlink("loop-b", "loop-a").symlink("loop-a", "loop-b");
        let err = fx.open().read("loop-a").expect_err("loop");
        assert_kind(&err, ErrorKind::InvalidInput, "loop of symlinks");
    }

    #[test]
    fn dev_null_through_a_symlink_is_denied() {
        let fx = Fixture::new();
        fx.symlink("/dev/null", "null").symlink("/dev/zero", "zero");
        let ws = fx.open();
        assert_kind(
            &ws.read("null").expect_err("null"),
            ErrorKind::Denied,
            "symlink",
        );
        assert_kind(
            &ws.read_bytes("zero").expect_err("zero"),
            ErrorKind::Denied,
            "symlink",
        );
    }

    #[test]
    fn fifo_is_denied_without_blocking() {
        let fx = Fixture::new();
        let status = std::process::Command::new("mkfifo")
            .arg(fx.root().join("pipe"))
            .status()
            .expect("run mkfifo");
        assert!(status.success());
        fx.symlink("pipe", "pipe-link");
        let ws = fx.open();
        let started = Instant::now();
        assert_kind(
            &ws.read("pipe").expect_err("fifo"),
            ErrorKind::Denied,
            "not a regular file (it is a named pipe (FIFO))",
        );
        assert_kind(
            &ws.read("pipe-link").expect_err("fifo link"),
            ErrorKind::Denied,
            "named pipe",
        );
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "blocked on the FIFO"
        );
    }

    #[test]
    fn unix_socket_is_denied() {
        let fx = Fixture::new();
        let _listener =
            std::os::unix::net::UnixListener::bind(fx.root().join("sock")).expect("bind");
        let err = fx.open().read("sock").expect_err("socket");
        assert_kind(&err, ErrorKind::Denied, "it is a socket");
    }

    #[test]
    fn oversize_file_is_too_large() {
        let fx = Fixture::new();
        fx.write("big.txt", vec![b'a'; 1025])
            .write("ok.txt", vec![b'a'; 1024]);
        let ws = fx.open_with(WorkspaceLimits {
            max_file_bytes: 1024,
            ..WorkspaceLimits::default()
        });
        let err = ws.read("big.txt").expect_err("too large");
        assert_kind(
            &err,
            ErrorKind::TooLarge,
            "`big.txt` is 1025 bytes, over the limit of 1024 bytes",
        );
        assert_kind(
            &ws.read_bytes("big.txt").expect_err("bytes too"),
            ErrorKind::TooLarge,
            "1024",
        );
        assert_eq!(ws.read("ok.txt").expect("at the limit").len(), 1024);
    }

    #[test]
    fn non_utf8_text_is_invalid_input() {
        let fx = Fixture::new();
        fx.write("latin1.txt", b"caf\xe9");
        let ws = fx.open();
        let err = ws.read("latin1.txt").expect_err("latin-1");
        assert_kind(
            &err,
            ErrorKind::InvalidInput,
            "not UTF-8 text; use read-bytes",
        );
        assert_eq!(ws.read_bytes("latin1.txt").expect("bytes"), b"caf\xe9");
    }

    #[test]
    fn directories_and_paths_through_files() {
        let fx = Fixture::new();
        fx.write("src/lib.rs", "");
        let ws = fx.open();
        assert_kind(
            &ws.read("src").expect_err("dir"),
            ErrorKind::InvalidInput,
            "is a directory",
        );
        assert_kind(
            &ws.read("src/lib.rs/x").expect_err("through file"),
            ErrorKind::NotFound,
            "is a file",
        );
        assert_kind(
            &ws.read("nope.txt").expect_err("missing"),
            ErrorKind::NotFound,
            "does not exist in the project root",
        );
    }

    #[test]
    fn overlong_name_is_invalid_input() {
        let fx = Fixture::new();
        let name = "n".repeat(300);
        let err = fx.open().read(&name).expect_err("name too long");
        assert_kind(&err, ErrorKind::InvalidInput, "not a valid file name");
    }

    #[test]
    fn ignored_and_git_files_can_be_read_by_exact_path() {
        let fx = Fixture::new();
        fx.write(".gitignore", "*.log\n")
            .write("debug.log", "log")
            .write(".git/HEAD", "ref: x\n");
        let ws = fx.open();
        assert_eq!(ws.read("debug.log").expect("ignored file"), "log");
        assert_eq!(ws.read(".git/HEAD").expect("git file"), "ref: x\n");
    }

    #[test]
    fn hard_link_to_a_file_outside_is_a_documented_limitation() {
        let fx = Fixture::new();
        if std::fs::hard_link(fx.tmp.path().join("secret.txt"), fx.root().join("hard")).is_ok() {
            // Readable: it *is* a regular file inside the root (see the module header).
            assert_eq!(fx.open().read("hard").expect("hard link"), "outside secret");
        }
    }
}
