//! The compiled-component cache: compile once, load after; corrupt, truncated or
//! foreign entries are recompiled, never trusted.

use ralex_host::CacheOutcome;

use crate::support::*;

fn entries(t: &TestHost) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(t.cache_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "cwasm"))
        .collect()
}

#[tokio::test]
async fn compiled_once_then_loaded_from_the_cache() {
    let t = TestHost::new();
    assert_eq!(t.hostile().cache_outcome(), CacheOutcome::Compiled);
    let p = t.hostile();
    assert_eq!(p.cache_outcome(), CacheOutcome::Hit);
    assert_eq!(entries(&t).len(), 1);
    still_works(&t.host, &p).await;
}

#[tokio::test]
async fn a_corrupt_entry_is_recompiled() {
    let t = TestHost::new();
    t.hostile();
    let entry = entries(&t).remove(0);
    let mut bytes = std::fs::read(&entry).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x55;
    std::fs::write(&entry, &bytes).unwrap();
    let p = t.hostile();
    assert_eq!(p.cache_outcome(), CacheOutcome::Replaced);
    still_works(&t.host, &p).await;
    assert_eq!(t.hostile().cache_outcome(), CacheOutcome::Hit);
}

#[tokio::test]
async fn a_truncated_entry_is_recompiled() {
    let t = TestHost::new();
    t.hostile();
    let entry = entries(&t).remove(0);
    let bytes = std::fs::read(&entry).unwrap();
    std::fs::write(&entry, &bytes[..20]).unwrap();
    let p = t.hostile();
    assert_eq!(p.cache_outcome(), CacheOutcome::Replaced);
    still_works(&t.host, &p).await;
}

#[tokio::test]
async fn a_foreign_entry_is_recompiled() {
    // An entry made by another installation (another cache secret) must not be
    // trusted even though its name and format are right.
    let first = TestHost::new();
    first.hostile();
    let foreign = entries(&first).remove(0);

    let t = TestHost::new();
    std::fs::create_dir_all(t.cache_dir()).unwrap();
    t.hostile();
    let ours = entries(&t).remove(0);
    assert_eq!(
        ours.file_name(),
        foreign.file_name(),
        "same component, same engine → same key"
    );
    std::fs::copy(&foreign, &ours).unwrap();
    let p = t.hostile();
    assert_eq!(p.cache_outcome(), CacheOutcome::Replaced);
    still_works(&t.host, &p).await;
}

#[tokio::test]
async fn garbage_under_an_entry_name_is_recompiled() {
    let t = TestHost::new();
    t.hostile();
    let entry = entries(&t).remove(0);
    std::fs::write(
        &entry,
        b"RALEXCC1 this is not a compiled component at all, and not signed",
    )
    .unwrap();
    let p = t.hostile();
    assert_eq!(p.cache_outcome(), CacheOutcome::Replaced);
    still_works(&t.host, &p).await;
}
