//! Capturing one output stream within a byte limit.
//!
//! Owns: reading a pipe to the end, keeping the first `limit` bytes and
//! discarding the rest, so a chatty program never blocks on a full pipe.
//!
//! Must never: keep more than `limit` bytes, or stop reading early while the
//! program is alive.

use tokio::io::{AsyncRead, AsyncReadExt};

/// The captured start of a stream.
#[derive(Debug)]
pub(crate) struct Capture {
    bytes: Vec<u8>,
    limit: usize,
    truncated: bool,
}

impl Capture {
    /// An empty capture keeping at most `limit` bytes.
    pub(crate) fn new(limit: usize) -> Capture {
        Capture {
            bytes: Vec::new(),
            limit,
            truncated: false,
        }
    }

    /// Reads `reader` to its end (or a read error). Safe to cancel: what was
    /// read so far stays captured.
    pub(crate) async fn read_from<R: AsyncRead + Unpin>(&mut self, reader: Option<R>) {
        let Some(mut reader) = reader else { return };
        let mut buffer = vec![0u8; 16 * 1024];
        loop {
            let n = match reader.read(&mut buffer).await {
                Ok(0) | Err(_) => return,
                Ok(n) => n,
            };
            let room = self.limit - self.bytes.len();
            if n > room {
                self.truncated = true;
            }
            self.bytes.extend_from_slice(&buffer[..n.min(room)]);
        }
    }

    /// Whether bytes were discarded.
    pub(crate) fn truncated(&self) -> bool {
        self.truncated
    }

    /// The captured bytes as text (invalid UTF-8 becomes U+FFFD).
    pub(crate) fn into_text(self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn keeps_the_first_bytes_and_reads_the_rest() {
        let data = vec![b'a'; 100_000];
        let mut capture = Capture::new(10);
        let mut reader = &data[..];
        capture.read_from(Some(&mut reader)).await;
        assert!(reader.is_empty(), "everything was read");
        assert!(capture.truncated());
        assert_eq!(capture.into_text(), "a".repeat(10));
    }
}
