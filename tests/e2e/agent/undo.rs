//! Undo from the outside: "undo that" puts back the last change, and a command
//! killed mid-edit leaves whole files that undo restores.

use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::json;

use super::*;

#[test]
fn a_kill_mid_edit_leaves_whole_files_and_undo_restores_them() {
    const A: &str = "inventory/pricing.py";
    const B: &str = "inventory/api.py";
    let lab = Lab::new();
    let before = lab.files();
    let a_old = String::from_utf8(before[A].clone()).unwrap();
    let a_new = a_old.replace(
        "return round(price * (1 + tax_rate), 2)",
        "return round(price * (1.0 + tax_rate), 2)",
    );
    assert_ne!(a_new, a_old);
    lab.script(json!([
        replace(A, "    return round(price * (1 + tax_rate), 2)\n", "    return round(price * (1.0 + tax_rate), 2)\n"),
        {"kind": "slow", "delay_ms": 30000,
         "then": replace(B, "from .pricing import price_with_tax\n", "from .pricing import discount, price_with_tax\n")},
        say("must not be reached"),
    ]));
    let mut child = lab
        .command()
        .args([
            "run",
            "make the tax code use floats in pricing dot py and api dot py",
            "--project",
            lab.root(),
            "--json",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("ralex starts");

    // Wait until A is written and the model is thinking about B.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let a_changed = std::fs::read(lab.root.join(A)).unwrap() != before[A];
        if a_changed && lab.chats().len() >= 2 {
            break;
        }
        if let Some(status) = child.try_wait().unwrap() {
            panic!("ralex ended early ({status}); A changed: {a_changed}");
        }
        assert!(Instant::now() < deadline, "A never changed");
        std::thread::sleep(Duration::from_millis(50));
    }
    child.kill().unwrap();
    child.wait().unwrap();

    assert_eq!(lab.read(A), a_new.as_bytes());
    assert_eq!(lab.read(B), before[B]);
    let mut rest = lab.files();
    rest.remove(A);
    let mut expected = before.clone();
    expected.remove(A);
    assert_eq!(rest, expected, "only A changed, nothing was left behind");
    let leftovers: Vec<String> = lab
        .files()
        .into_keys()
        .filter(|p| p.contains(".ralex-tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    let r = lab.undo(None);
    let undone = r.ok().json();
    assert_eq!(undone["status"], "completed", "{undone:#}");
    assert_eq!(lab.files(), before);
    assert_eq!(lab.git_status(), "");
    let notes = undone["notes"].to_string();
    assert!(notes.contains("never finished"), "{undone:#}");
}

#[test]
fn undo_that_puts_back_the_last_change() {
    let lab = Lab::new();
    let before = lab.files();
    let dry = lab.run("undo that", &["--dry-run"]).ok().json();
    assert_eq!(dry["intent"]["kind"], "undo", "{dry:#}");
    assert!(lab.chats().is_empty());

    add_the_docstring(&lab, ADD_DOCSTRING);
    assert_ne!(lab.files(), before);
    let r = lab.run("undo that", &[]);
    let answer = r.ok().json();
    assert_eq!(answer["status"], "completed", "{answer:#}");
    assert_eq!(answer["intent"]["kind"], "undo");
    assert_eq!(lab.files(), before);
    assert_eq!(lab.git_status(), "");
    assert_eq!(lab.chats().len(), 2, "undo asked the model");

    // Nothing left to undo now.
    let r = lab.run("undo that", &[]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert_eq!(r.json()["response"], "There is nothing to undo.");
}
