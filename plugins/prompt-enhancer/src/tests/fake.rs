//! An in-memory project for the pipeline tests.

use std::collections::BTreeMap;

use crate::notes::{Failure, FileSource};

/// An in-memory project: path → text or failure. Listings come out in reverse order,
/// to show the enhancer sorts them itself.
#[derive(Default)]
pub(super) struct Fake {
    files: BTreeMap<String, Result<String, Failure>>,
}

impl Fake {
    pub(super) fn with(mut self, path: &str, text: &str) -> Fake {
        self.files.insert(path.to_string(), Ok(text.to_string()));
        self
    }

    pub(super) fn failing(mut self, path: &str, failure: Failure) -> Fake {
        self.files.insert(path.to_string(), Err(failure));
        self
    }
}

impl FileSource for Fake {
    fn read(&self, path: &str) -> Result<String, Failure> {
        self.files
            .get(path)
            .cloned()
            .unwrap_or(Err(Failure::NotFound))
    }

    fn list_files(&self, dir: &str) -> Result<Vec<String>, Failure> {
        let prefix = format!("{dir}/");
        let mut paths: Vec<String> = self
            .files
            .keys()
            .filter(|p| {
                p.strip_prefix(&prefix)
                    .is_some_and(|rest| !rest.contains('/'))
            })
            .cloned()
            .collect();
        paths.reverse();
        if paths.is_empty() {
            Err(Failure::NotFound)
        } else {
            Ok(paths)
        }
    }
}
