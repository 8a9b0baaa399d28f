//! Who drives which run: an exclusive lock per run, so a run resumed by `ralex
//! serve` is never driven twice while a `ralex workflow run` in another process
//! is still at it. The lock is a file lock (`flock`), released by the OS when
//! the process ends — also on `kill -9`, which is what makes resuming safe.
//! Without a folder (tests, ephemeral kernels) the locks are per process.

use std::collections::HashSet;
use std::fs::File;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};

/// The run locks.
#[derive(Default)]
pub struct RunLocks {
    dir: Option<PathBuf>,
    held: Arc<Mutex<HashSet<String>>>,
}

/// A held lock; dropping it releases the run.
pub struct Held {
    id: String,
    held: Arc<Mutex<HashSet<String>>>,
    _file: Option<File>,
}

impl Drop for Held {
    fn drop(&mut self) {
        self.held
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&self.id);
    }
}

impl RunLocks {
    /// Locks kept as files in `dir`.
    pub fn in_dir(dir: PathBuf) -> RunLocks {
        RunLocks {
            dir: Some(dir),
            held: Arc::default(),
        }
    }

    /// The lock of run `id`, unless someone holds it.
    pub fn try_hold(&self, id: &str) -> Option<Held> {
        let mut held = self.held.lock().unwrap_or_else(PoisonError::into_inner);
        if held.contains(id) {
            return None;
        }
        let file = match &self.dir {
            None => None,
            Some(dir) => {
                let opened = std::fs::create_dir_all(dir).and_then(|()| {
                    std::fs::OpenOptions::new()
                        .create(true)
                        .truncate(false)
                        .write(true)
                        .open(dir.join(format!("{id}.lock")))
                });
                match opened {
                    Ok(file) => match file.try_lock() {
                        Ok(()) => Some(file),
                        Err(_) => return None,
                    },
                    Err(e) => {
                        tracing::warn!(error = %e, run = id, "cannot create the run's lock file; locking within this process only");
                        None
                    }
                }
            }
        };
        held.insert(id.to_string());
        Some(Held {
            id: id.to_string(),
            held: Arc::clone(&self.held),
            _file: file,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_holder_at_a_time() {
        let dir = tempfile::tempdir().unwrap();
        let a = RunLocks::in_dir(dir.path().to_path_buf());
        let b = RunLocks::in_dir(dir.path().to_path_buf());
        let held = a.try_hold("r1").expect("free");
        assert!(a.try_hold("r1").is_none(), "same process");
        assert!(b.try_hold("r1").is_none(), "another holder of the file");
        assert!(b.try_hold("r2").is_some());
        drop(held);
        assert!(b.try_hold("r1").is_some());
    }
}
