//! The working directory stays inside the project root.

mod support;

use ralex_caps::ErrorKind;
use support::{allow, project, runner};

#[tokio::test]
async fn subfolder_is_used_and_reported_canonically() {
    let dir = project();
    std::fs::create_dir_all(dir.path().join("crates/app")).unwrap();
    let output = runner(dir.path())
        .run(&allow(&["pwd"]), "pwd", &[], "crates/./app", None)
        .await
        .unwrap();
    let expected = dir.path().canonicalize().unwrap().join("crates/app");
    assert_eq!(output.stdout.trim_end(), expected.to_str().unwrap());
}

#[tokio::test]
async fn dotdot_and_absolute_paths_are_refused() {
    let dir = project();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    let runner = runner(dir.path());
    for cwd in ["..", "sub/../..", "sub/..", "/", "/tmp"] {
        let err = runner
            .run(&allow(&["pwd"]), "pwd", &[], cwd, None)
            .await
            .expect_err(cwd);
        assert_eq!(err.kind(), ErrorKind::Denied, "{cwd}");
        assert!(
            err.to_string().contains("outside the project root"),
            "{err}"
        );
    }
}

#[tokio::test]
async fn symlink_out_of_the_root_is_refused() {
    let dir = project();
    let outside = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(outside.path(), dir.path().join("escape")).unwrap();
    std::os::unix::fs::symlink("/etc", dir.path().join("etc")).unwrap();
    let runner = runner(dir.path());
    for cwd in ["escape", "etc"] {
        let err = runner
            .run(&allow(&["pwd"]), "pwd", &[], cwd, None)
            .await
            .expect_err(cwd);
        assert_eq!(err.kind(), ErrorKind::Denied, "{cwd}");
        assert!(err.to_string().contains("symlink"), "{err}");
    }
    // A symlink that stays inside is fine.
    std::fs::create_dir(dir.path().join("real")).unwrap();
    std::os::unix::fs::symlink("real", dir.path().join("alias")).unwrap();
    assert!(
        runner
            .run(&allow(&["pwd"]), "pwd", &[], "alias", None)
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn missing_folder_is_not_found_and_a_file_is_invalid() {
    let dir = project();
    std::fs::write(dir.path().join("file.txt"), "x").unwrap();
    let runner = runner(dir.path());
    let err = runner
        .run(&allow(&["pwd"]), "pwd", &[], "nope", None)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    let err = runner
        .run(&allow(&["pwd"]), "pwd", &[], "file.txt", None)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
}
