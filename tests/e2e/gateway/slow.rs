//! A client that trickles its headers (slow-loris) is cut off after the header
//! timeout, and never holds up anyone else.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use super::*;

#[test]
fn a_client_that_never_finishes_its_headers_is_cut_off() {
    let server = Server::start();
    let mut slow = TcpStream::connect(&server.addr).unwrap();
    slow.write_all(b"POST /v4/voice-command HTTP/1.1\r\nHost: ralex\r\nX-Slow: ")
        .unwrap();
    let started = Instant::now();

    // Others are served meanwhile.
    let answer = server
        .dry_run(&server.user, "show me the readme", "slow")
        .ok();
    assert_eq!(answer["status"], "completed", "{answer:#}");

    slow.set_read_timeout(Some(Duration::from_secs(40)))
        .unwrap();
    let mut seen = Vec::new();
    let _ = slow.read_to_end(&mut seen);
    let took = started.elapsed();
    assert!(
        took < Duration::from_secs(35),
        "the connection stayed open {took:?}"
    );
    assert!(
        took >= Duration::from_secs(15),
        "cut off before the header timeout: {took:?}"
    );
    let text = String::from_utf8_lossy(&seen);
    assert!(
        text.is_empty() || text.starts_with("HTTP/1.1 408"),
        "{text}"
    );
}
