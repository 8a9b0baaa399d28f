//! The write operations (the host side of `ralex:plugin/workspace-edit`):
//! `write`, `create`, `delete`, `rename` (the WIT `move`), `replace` and
//! `apply_patch`, each returning the [`Change`] records the kernel keeps for
//! undo and audit.
//!
//! Owns: the rules every change follows, in one place each — which paths may be
//! changed (`target`), how bytes reach the disk (`atomic`), what a change records
//! (`change`), and how text edits keep a file's line endings (`text`).
//!
//! Must never: change anything when a call is refused (every check runs before
//! the first write, and a patch is applied in memory to every file before any
//! is written); write through a symlink, even one inside the root (a symlink as
//! the target or as any folder on the way is refused, which is simpler to reason
//! about than following it safely); touch `.git` in any letter case (defence in
//! depth: policy adds its own rules on top); change anything but a regular file
//! (no FIFOs, sockets, devices, directories); change the content of a file with
//! several hard links (one of its names could be outside the root); or leave a
//! torn file: content goes to a fresh temporary file in the same folder, is
//! fsynced, and is renamed over the target, and the folder is fsynced.
//!
//! Deleting or moving a file with several hard links is allowed: it removes or
//! moves one name and never changes the shared content. Parent folders a write
//! needs are created inside the root (never through a symlink). The kernel
//! serialises a command's edits; a concurrent *outside* process changing the same
//! file between the checks and the rename is not detected.

mod atomic;
mod change;
mod delete;
mod patch;
mod rename;
mod replace;
mod target;
mod text;
mod write;

pub use change::{Change, ChangeKind};
pub use patch::{PatchAction, patch_paths};
