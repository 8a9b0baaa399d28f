//! Why a workspace call failed.
//!
//! Owns: [`WorkspaceError`], its WIT error code ([`WorkspaceError::kind`]), and
//! the translation of OS errors into it. Messages name the path as the plugin
//! gave it and say how to fix the call; they never contain file contents, with
//! one exception: an edit that does not match (`replace`, `apply-patch`) quotes
//! the one line of the file being edited that explains the mismatch, cut to
//! `QUOTE_CHARS` characters.

use std::io;
use std::path::PathBuf;

use crate::ErrorKind;

/// Most characters of a file line an edit error quotes.
pub(crate) const QUOTE_CHARS: usize = 160;

/// Why a workspace call failed.
#[derive(Debug, thiserror::Error)]
pub enum WorkspaceError {
    /// The project root itself could not be opened (a kernel configuration problem).
    #[error(
        "cannot open the project root `{}`: {source}; check that the folder exists and is readable",
        root.display()
    )]
    Root {
        /// The root as configured.
        root: PathBuf,
        /// The OS error.
        #[source]
        source: io::Error,
    },

    /// The project root is a file, not a folder.
    #[error("the project root `{}` is not a folder; point Ralex at the project's folder", root.display())]
    RootNotAFolder {
        /// The root as configured.
        root: PathBuf,
    },

    /// The path is empty.
    #[error("the path is empty; give a file path relative to the project root `{}`", root.display())]
    EmptyPath {
        /// The project root.
        root: PathBuf,
    },

    /// The path contains a NUL byte.
    #[error("`{path}` contains a NUL byte, which no file name can; remove it")]
    NulInPath {
        /// The path, with the NUL escaped.
        path: String,
    },

    /// The path is absolute (Unix, Windows drive or UNC).
    #[error(
        "`{path}` is an absolute path; paths are relative to the project root `{}`, e.g. `src/main.rs`",
        root.display()
    )]
    AbsolutePath {
        /// The path as given.
        path: String,
        /// The project root.
        root: PathBuf,
    },

    /// The path climbs above the root with `..`.
    #[error(
        "`{path}` is outside the project root `{}`; paths are relative to the project root",
        root.display()
    )]
    OutsideRoot {
        /// The path as given.
        path: String,
        /// The project root.
        root: PathBuf,
    },

    /// Following a symlink on the way would leave the root.
    #[error(
        "`{path}` goes through a symlink that leads outside the project root `{}`; only symlinks that stay inside the project (relative targets) can be followed",
        root.display()
    )]
    SymlinkEscape {
        /// The path as given.
        path: String,
        /// The project root.
        root: PathBuf,
    },

    /// Symlinks on the way loop (or nest too deeply).
    #[error("`{path}` goes through a loop of symlinks; fix or remove the symlink")]
    SymlinkLoop {
        /// The path as given.
        path: String,
    },

    /// Nothing exists at the path.
    #[error(
        "`{path}` does not exist in the project root `{}`; paths are relative to the project root (list the folder to see what is there)",
        root.display()
    )]
    NotFound {
        /// The path as given.
        path: String,
        /// The project root.
        root: PathBuf,
    },

    /// The OS refused the name itself (e.g. a component longer than 255 bytes).
    #[error("`{path}` is not a valid file name here ({source}); use a shorter name")]
    BadName {
        /// The path as given.
        path: String,
        /// The OS error.
        #[source]
        source: io::Error,
    },

    /// A folder on the way is a file.
    #[error("`{path}` does not exist: one of the folders on its way is a file")]
    ThroughFile {
        /// The path as given.
        path: String,
    },

    /// The path names a FIFO, socket or device.
    #[error("`{path}` is not a regular file (it is a {what}); only regular files can be read")]
    NotRegularFile {
        /// The path as given.
        path: String,
        /// What it is instead, e.g. "named pipe (FIFO)".
        what: &'static str,
    },

    /// `read` was given a directory.
    #[error("`{path}` is a directory, not a file; use list to see what it contains")]
    IsDirectory {
        /// The path as given.
        path: String,
    },

    /// `list` was given a file.
    #[error("`{path}` is a file, not a directory; use read to see its contents")]
    IsFile {
        /// The path as given.
        path: String,
    },

    /// The file is larger than the read limit.
    #[error(
        "`{path}` is {size} bytes, over the limit of {limit} bytes per read; read a smaller file, or raise the kernel's workspace read limit"
    )]
    TooLarge {
        /// The path as given.
        path: String,
        /// Its size (or as much of it as was seen).
        size: u64,
        /// The limit.
        limit: u64,
    },

    /// `read` found bytes that are not UTF-8.
    #[error("`{path}` is not UTF-8 text; use read-bytes to get its raw contents")]
    NotUtf8 {
        /// The path as given.
        path: String,
    },

    /// The path is inside a `.git` folder, which is never listed.
    #[error(
        "`{path}` is inside `.git`, which is never listed or searched; use the git capability instead"
    )]
    GitDir {
        /// The path as given.
        path: String,
    },

    /// A listing found more entries than the limit.
    #[error(
        "listing `{path}` found more than {limit} entries; list a subdirectory, or list without recursion"
    )]
    TooManyEntries {
        /// The directory as given (`.` for the root).
        path: String,
        /// The limit.
        limit: usize,
    },

    /// The search query is empty.
    #[error("the search query is empty; give the text (or regular expression) to look for")]
    EmptyQuery,

    /// The regular expression does not parse or is too big.
    #[error("invalid regular expression `{query}`: {message}")]
    InvalidRegex {
        /// The query as given.
        query: String,
        /// The parser's explanation.
        message: String,
    },

    /// The glob does not parse.
    #[error("invalid glob `{glob}`: {message}; globs look like `src/**/*.rs` or `*.py`")]
    InvalidGlob {
        /// The glob as given.
        glob: String,
        /// The parser's explanation.
        message: String,
    },

    /// A write names something inside a `.git` folder (any letter case).
    #[error(
        "`{path}` is inside `.git`, which plugins can never change (the repository's own files, hooks and config); use the git capability instead"
    )]
    GitDirWrite {
        /// The path as given.
        path: String,
    },

    /// A write would go through a symlink (even one that stays inside the root).
    #[error(
        "`{path}` goes through the symlink `{link}`; writes never follow symlinks, even ones inside the project; write to the real file's path inside the project instead"
    )]
    SymlinkWrite {
        /// The path as given.
        path: String,
        /// The symlink on the way (normalised, relative to the root).
        link: String,
    },

    /// A folder on the way of a write is a file.
    #[error("`{path}` goes through `{parent}`, which is a file, not a folder; check the path")]
    ParentIsFile {
        /// The path as given.
        path: String,
        /// The component that is a file (normalised, relative to the root).
        parent: String,
    },

    /// The file to change has several hard links.
    #[error(
        "`{path}` has {links} hard links, so changing it would also change the same file under its other names, possibly outside the project; only files with a single link can be changed (copy the file to break the link first)"
    )]
    HardLinked {
        /// The path as given.
        path: String,
        /// Its link count.
        links: u64,
    },

    /// A write, delete or move names a FIFO, socket, device or symlink.
    #[error(
        "`{path}` is not a regular file (it is a {what}); only regular files can be written, deleted or moved"
    )]
    NotEditable {
        /// The path as given.
        path: String,
        /// What it is instead, e.g. "named pipe (FIFO)".
        what: &'static str,
    },

    /// A write, delete or move names a directory.
    #[error(
        "`{path}` is a directory; only files can be written, deleted or moved (list it to see its files)"
    )]
    EditIsDirectory {
        /// The path as given.
        path: String,
    },

    /// `create` (or a patch from `/dev/null`) names an existing file.
    #[error("`{path}` already exists; use write to replace its content, or pick another name")]
    AlreadyExists {
        /// The path as given.
        path: String,
    },

    /// `move` to a path that exists.
    #[error(
        "cannot move `{from}` to `{to}`: `{to}` already exists; delete it first, or pick another destination"
    )]
    DestinationExists {
        /// The source as given.
        from: String,
        /// The destination as given.
        to: String,
    },

    /// `move` with source and destination naming the same path.
    #[error("moving `{path}` onto itself does nothing; give a different destination")]
    SameSourceAndDestination {
        /// The path as given.
        path: String,
    },

    /// The content a write would leave is over the write limit.
    #[error(
        "writing {size} bytes to `{path}` is over the limit of {limit} bytes per write; write a smaller file, or raise the kernel's workspace write limit"
    )]
    WriteTooLarge {
        /// The path as given.
        path: String,
        /// The size the file would have.
        size: u64,
        /// The limit.
        limit: u64,
    },

    /// The file `replace` or `apply-patch` would edit is over the write limit.
    #[error(
        "`{path}` is {size} bytes, over the limit of {limit} bytes a replace or patch can edit; use write to replace its whole content, or raise the kernel's workspace write limit"
    )]
    EditTooLarge {
        /// The path as given.
        path: String,
        /// Its size (or as much of it as was seen).
        size: u64,
        /// The limit.
        limit: u64,
    },

    /// `replace` or `apply-patch` met a file that is not UTF-8.
    #[error(
        "`{path}` is not UTF-8 text, so replace and patches cannot edit it; use write to replace its whole content"
    )]
    EditNotUtf8 {
        /// The path as given.
        path: String,
    },

    /// `replace` was given an empty search text.
    #[error("the search text is empty; give the exact text to replace in `{path}`")]
    EmptySearch {
        /// The path as given.
        path: String,
    },

    /// `replace` did not find the search text.
    #[error(
        "the search text was not found in `{path}`{}; read the file and copy the text to replace exactly, including whitespace and indentation (nothing was changed)",
        closest.as_deref().map(|line| format!("; the closest line is {line}")).unwrap_or_default()
    )]
    SearchNotFound {
        /// The path as given.
        path: String,
        /// The most similar line, as "line N: `text`", when one is similar enough.
        closest: Option<String>,
    },

    /// `replace` found the search text more than once.
    #[error(
        "the search text was found {count} times in `{path}`; include more surrounding lines so that it matches exactly once (nothing was changed)"
    )]
    SearchAmbiguous {
        /// The path as given.
        path: String,
        /// How many times it occurs (overlapping occurrences count).
        count: usize,
    },

    /// The patch contains no file changes.
    #[error(
        "the patch changes no file; give a unified diff with `--- a/path` and `+++ b/path` headers and `@@ -l,n +l,n @@` hunks"
    )]
    PatchEmpty,

    /// The patch does not parse.
    #[error(
        "the patch is malformed at line {line}: {message}; give a unified diff (`--- a/path`, `+++ b/path`, then `@@ -l,n +l,n @@` hunks) (nothing was changed)"
    )]
    PatchSyntax {
        /// 1-based line of the patch.
        line: usize,
        /// What is wrong there.
        message: String,
    },

    /// The patch asks for something only other calls can do.
    #[error("the patch {what} for `{path}`, which patches cannot do; {fix} (nothing was changed)")]
    PatchUnsupported {
        /// The file the section is about.
        path: String,
        /// What it asks for, e.g. "renames the file".
        what: &'static str,
        /// What to do instead.
        fix: &'static str,
    },

    /// Two sections of one patch change the same file.
    #[error(
        "the patch changes `{path}` in two separate sections; put all of its hunks under one `---`/`+++` header (nothing was changed)"
    )]
    PatchDuplicate {
        /// The file.
        path: String,
    },

    /// A hunk does not match the file's current content.
    #[error(
        "hunk `{hunk}` of `{path}` does not match the file: {detail}; read the file again and make the patch against its current content (nothing was changed)"
    )]
    PatchMismatch {
        /// The file.
        path: String,
        /// The hunk's `@@ … @@` header.
        hunk: String,
        /// Where and how it differs, e.g. "line 5 should be `a` but is `b`"
        /// (file lines quoted, cut to a quote's length).
        detail: String,
    },

    /// A patch deletes a file but does not remove all of its lines.
    #[error(
        "the patch deletes `{path}` but its hunks do not remove all of the file's lines; read the file again and make the patch against its current content (nothing was changed)"
    )]
    PatchIncompleteDelete {
        /// The file.
        path: String,
    },

    /// Writing failed in the operating system (disk full, read-only filesystem, ...).
    #[error("writing `{path}` failed: {source}; the file was left as it was")]
    WriteIo {
        /// The path as given.
        path: String,
        /// The OS error.
        #[source]
        source: io::Error,
    },

    /// The operating system refused access (file permissions).
    #[error(
        "the operating system refused access to `{path}` ({source}); check the file's permissions"
    )]
    OsDenied {
        /// The path as given.
        path: String,
        /// The OS error.
        #[source]
        source: io::Error,
    },

    /// Any other I/O failure.
    #[error("reading `{path}` failed: {source}")]
    Io {
        /// The path as given.
        path: String,
        /// The OS error.
        #[source]
        source: io::Error,
    },
}

impl WorkspaceError {
    /// The WIT error code for this error.
    pub fn kind(&self) -> ErrorKind {
        use WorkspaceError as E;
        match self {
            E::Root { source, .. } => match source.kind() {
                io::ErrorKind::NotFound => ErrorKind::NotFound,
                _ => ErrorKind::Unavailable,
            },
            E::RootNotAFolder { .. }
            | E::EmptyPath { .. }
            | E::NulInPath { .. }
            | E::SymlinkLoop { .. }
            | E::BadName { .. }
            | E::IsDirectory { .. }
            | E::IsFile { .. }
            | E::NotUtf8 { .. }
            | E::EmptyQuery
            | E::InvalidRegex { .. }
            | E::InvalidGlob { .. }
            | E::EditIsDirectory { .. }
            | E::SameSourceAndDestination { .. }
            | E::EditNotUtf8 { .. }
            | E::EmptySearch { .. }
            | E::PatchEmpty
            | E::PatchSyntax { .. }
            | E::PatchUnsupported { .. }
            | E::PatchDuplicate { .. } => ErrorKind::InvalidInput,
            E::AbsolutePath { .. }
            | E::OutsideRoot { .. }
            | E::SymlinkEscape { .. }
            | E::NotRegularFile { .. }
            | E::GitDir { .. }
            | E::GitDirWrite { .. }
            | E::SymlinkWrite { .. }
            | E::HardLinked { .. }
            | E::NotEditable { .. }
            | E::OsDenied { .. } => ErrorKind::Denied,
            E::NotFound { .. } | E::ThroughFile { .. } | E::SearchNotFound { .. } => {
                ErrorKind::NotFound
            }
            E::ParentIsFile { .. }
            | E::AlreadyExists { .. }
            | E::DestinationExists { .. }
            | E::SearchAmbiguous { .. }
            | E::PatchMismatch { .. }
            | E::PatchIncompleteDelete { .. } => ErrorKind::Conflict,
            E::TooLarge { .. } | E::WriteTooLarge { .. } | E::EditTooLarge { .. } => {
                ErrorKind::TooLarge
            }
            E::TooManyEntries { .. } => ErrorKind::LimitExceeded,
            E::Io { .. } | E::WriteIo { .. } => ErrorKind::Internal,
        }
    }

    /// Translates an OS error met while accessing `path` (as the plugin gave it).
    ///
    /// cap-std reports an escape from the root (a symlink leading out, since `..`
    /// was already refused lexically) as `PermissionDenied` with no OS error code
    /// ("a path led outside of the filesystem"); a real `EACCES` has one.
    pub(crate) fn from_io(source: io::Error, path: &str, root: &std::path::Path) -> WorkspaceError {
        let path = path.to_owned();
        match source.kind() {
            io::ErrorKind::NotFound => WorkspaceError::NotFound {
                path,
                root: root.to_path_buf(),
            },
            io::ErrorKind::PermissionDenied if source.raw_os_error().is_none() => {
                WorkspaceError::SymlinkEscape {
                    path,
                    root: root.to_path_buf(),
                }
            }
            io::ErrorKind::PermissionDenied => WorkspaceError::OsDenied { path, source },
            io::ErrorKind::NotADirectory => WorkspaceError::ThroughFile { path },
            io::ErrorKind::InvalidFilename => WorkspaceError::BadName { path, source },
            _ if is_symlink_loop(&source) => WorkspaceError::SymlinkLoop { path },
            _ => WorkspaceError::Io { path, source },
        }
    }

    /// Like [`WorkspaceError::from_io`], for an error met while changing `path`:
    /// a generic I/O failure says "writing", not "reading".
    pub(crate) fn from_write_io(
        source: io::Error,
        path: &str,
        root: &std::path::Path,
    ) -> WorkspaceError {
        match WorkspaceError::from_io(source, path, root) {
            WorkspaceError::Io { path, source } => WorkspaceError::WriteIo { path, source },
            other => other,
        }
    }
}

/// `line` cut to [`QUOTE_CHARS`] characters (with `…` when cut), for a message.
pub(crate) fn quote(line: &str) -> String {
    match line.char_indices().nth(QUOTE_CHARS) {
        Some((cut, _)) => format!("{}…", &line[..cut]),
        None => line.to_owned(),
    }
}

/// `ELOOP` (its `io::ErrorKind::FilesystemLoop` is not stable yet).
fn is_symlink_loop(err: &io::Error) -> bool {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    const ELOOP: Option<i32> = Some(40);
    #[cfg(any(
        target_os = "macos",
        target_os = "ios",
        target_os = "freebsd",
        target_os = "openbsd",
        target_os = "netbsd"
    ))]
    const ELOOP: Option<i32> = Some(62);
    #[cfg(not(any(
        target_os = "linux",
        target_os = "android",
        target_os = "macos",
        target_os = "ios",
        target_os = "freebsd",
        target_os = "openbsd",
        target_os = "netbsd"
    )))]
    const ELOOP: Option<i32> = None;
    ELOOP.is_some() && err.raw_os_error() == ELOOP
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cap_std_escape_is_a_symlink_escape_but_eacces_is_os_denied() {
        let root = std::path::Path::new("/x/proj");
        let escape = io::Error::new(
            io::ErrorKind::PermissionDenied,
            "a path led outside of the filesystem",
        );
        let err = WorkspaceError::from_io(escape, "link", root);
        assert_eq!(err.kind(), ErrorKind::Denied);
        assert!(
            matches!(err, WorkspaceError::SymlinkEscape { .. }),
            "{err:?}"
        );
        assert!(
            err.to_string().contains("symlink that leads outside"),
            "{err}"
        );

        let eacces = io::Error::from_raw_os_error(13);
        let err = WorkspaceError::from_io(eacces, "locked.txt", root);
        assert!(matches!(err, WorkspaceError::OsDenied { .. }), "{err:?}");
        assert_eq!(err.kind(), ErrorKind::Denied);
    }

    #[test]
    fn outside_root_message_matches_the_contract() {
        let err = WorkspaceError::OutsideRoot {
            path: "../../etc/passwd".into(),
            root: PathBuf::from("/x/proj"),
        };
        assert_eq!(
            err.to_string(),
            "`../../etc/passwd` is outside the project root `/x/proj`; paths are relative to the project root"
        );
    }
}
