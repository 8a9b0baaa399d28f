//! Every fault a plugin can commit ends its call with a typed error within its
//! limits, and a normal call right after works.

use std::time::{Duration, Instant};

use ralex_host::{CallContext, CallError, ErrorCode};

use crate::support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_infinite_loop_times_out() {
    let t = TestHost::new();
    let p = t.hostile();
    let started = Instant::now();
    let err = hostile_call(&t.host, &p, CallContext::default(), "loop")
        .await
        .unwrap_err();
    assert!(
        matches!(err, CallError::Timeout { ref plugin, timeout } if plugin == "hostile" && timeout == Duration::from_millis(1000)),
        "{err:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
    assert!(
        err.to_string()
            .contains("did not finish within its 1000 ms timeout"),
        "{err}"
    );
    still_works(&t.host, &p).await;
}

#[tokio::test]
async fn a_memory_bomb_hits_the_cap() {
    let t = TestHost::new();
    let p = t.hostile();
    let err = hostile_call(&t.host, &p, CallContext::default(), "memory")
        .await
        .unwrap_err();
    assert!(
        matches!(err, CallError::MemoryLimit { limit_mb: 32, .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("32 MiB memory limit"), "{err}");
    still_works(&t.host, &p).await;
}

#[tokio::test]
async fn a_panic_is_a_trap() {
    let t = TestHost::new();
    let p = t.hostile();
    let err = hostile_call(&t.host, &p, CallContext::default(), "panic")
        .await
        .unwrap_err();
    assert!(matches!(err, CallError::Trap { .. }), "{err:?}");
    assert!(
        err.to_string().contains("plugin `hostile` crashed"),
        "{err}"
    );
    still_works(&t.host, &p).await;
}

#[tokio::test]
async fn unreachable_is_a_trap() {
    let t = TestHost::new();
    let p = t.hostile();
    let err = hostile_call(&t.host, &p, CallContext::default(), "unreachable")
        .await
        .unwrap_err();
    match &err {
        CallError::Trap { trap, .. } => assert!(trap.contains("unreachable"), "{trap}"),
        other => panic!("expected a trap, got {other:?}"),
    }
    still_works(&t.host, &p).await;
}

#[tokio::test]
async fn deep_recursion_overflows_the_stack() {
    let t = TestHost::new();
    let p = t.hostile();
    let err = hostile_call(&t.host, &p, CallContext::default(), "recurse")
        .await
        .unwrap_err();
    assert!(matches!(err, CallError::StackOverflow { .. }), "{err:?}");
    assert!(err.to_string().contains("overflowed its stack"), "{err}");
    still_works(&t.host, &p).await;
}

#[tokio::test]
async fn deep_recursion_through_the_shadow_stack_is_a_trap() {
    // Rust keeps large frames on a stack in linear memory that grows down; running
    // it out faults below address 0, which wasm reports as an out-of-bounds access.
    let t = TestHost::new();
    let p = t.hostile();
    let err = hostile_call(&t.host, &p, CallContext::default(), "recurse-frames")
        .await
        .unwrap_err();
    match &err {
        CallError::Trap { trap, .. } => {
            assert!(trap.contains("out of bounds memory access"), "{trap}")
        }
        other => panic!("expected a trap, got {other:?}"),
    }
    still_works(&t.host, &p).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_log_flood_is_capped_and_counted() {
    let t = TestHost::new();
    let p = t.hostile();
    let out = hostile_call(&t.host, &p, CallContext::default(), "log-flood:50000")
        .await
        .unwrap();
    assert_eq!(out.value.summary, "logged 50000 lines");
    assert!(out.stats.log_lines <= 2_000, "{:?}", out.stats);
    assert_eq!(
        u64::from(out.stats.log_lines) + out.stats.log_dropped,
        50_000,
        "{:?}",
        out.stats
    );
    still_works(&t.host, &p).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stderr_flood_is_capped_and_counted() {
    let t = TestHost::new();
    let p = t.hostile();
    let out = hostile_call(&t.host, &p, CallContext::default(), "stderr-flood:20000")
        .await
        .unwrap();
    assert_eq!(out.value.summary, "wrote 20000 lines to stderr");
    assert!(out.stats.stdio_dropped > 0, "{:?}", out.stats);
    still_works(&t.host, &p).await;
}

#[tokio::test]
async fn a_plugin_error_is_typed() {
    let t = TestHost::new();
    let p = t.hostile();
    let err = hostile_call(&t.host, &p, CallContext::default(), "error")
        .await
        .unwrap_err();
    match err {
        CallError::Plugin { code, message, .. } => {
            assert_eq!(code, ErrorCode::InvalidInput);
            assert_eq!(message, "hostile plugin refuses on purpose");
        }
        other => panic!("{other:?}"),
    }
    still_works(&t.host, &p).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_runaway_call_does_not_block_other_calls() {
    let t = TestHost::new();
    let p = t.hostile();
    let host = &t.host;
    let looping = hostile_call(host, &p, CallContext::default(), "loop");
    let normal = async {
        let started = Instant::now();
        for _ in 0..20 {
            still_works(host, &p).await;
        }
        started.elapsed()
    };
    let (looped, normal_time) = tokio::join!(looping, normal);
    assert!(matches!(looped, Err(CallError::Timeout { .. })));
    assert!(
        normal_time < Duration::from_millis(900),
        "normal calls waited for the loop: {normal_time:?}"
    );
}

#[tokio::test]
async fn calling_a_plugin_as_the_wrong_world_is_refused() {
    let t = TestHost::new();
    let p = t.hostile();
    let err = t
        .host
        .parse_command(&p, CallContext::default(), "hello", &[])
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            CallError::WrongWorld {
                expected: "command-parser",
                actual: "code-analyzer",
                ..
            }
        ),
        "{err:?}"
    );
}
