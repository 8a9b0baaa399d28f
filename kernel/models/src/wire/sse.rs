//! Server-sent events: an incremental parser fed with byte chunks as they arrive.
//!
//! Follows the HTML living standard's event-stream rules that providers use:
//! lines end in `\n`, `\r\n` or `\r`; `event:` names the event, `data:` lines are
//! joined with `\n`, a blank line dispatches, lines starting with `:` are comments.

/// One dispatched event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// The `event:` name ("message" when none was given).
    pub name: String,
    /// The joined `data:` lines.
    pub data: String,
}

/// Incremental parser.
#[derive(Debug, Default)]
pub struct Parser {
    buffer: Vec<u8>,
    name: String,
    data: Vec<String>,
    has_data: bool,
}

impl Parser {
    /// A parser at the start of a stream.
    pub fn new() -> Parser {
        Parser::default()
    }

    /// Feeds bytes; returns the events completed by them.
    pub fn feed(&mut self, bytes: &[u8]) -> Vec<Event> {
        self.buffer.extend_from_slice(bytes);
        let mut events = Vec::new();
        while let Some(end) = self.buffer.iter().position(|b| *b == b'\n' || *b == b'\r') {
            // A lone \r at the very end may be the first half of \r\n: wait.
            if self.buffer[end] == b'\r' && end + 1 == self.buffer.len() {
                break;
            }
            let skip = if self.buffer[end] == b'\r' && self.buffer.get(end + 1) == Some(&b'\n') {
                2
            } else {
                1
            };
            let line: Vec<u8> = self.buffer.drain(..end + skip).take(end).collect();
            let line = String::from_utf8_lossy(&line);
            self.line(&line, &mut events);
        }
        events
    }

    fn line(&mut self, line: &str, events: &mut Vec<Event>) {
        if line.is_empty() {
            if self.has_data {
                events.push(Event {
                    name: if self.name.is_empty() {
                        "message".into()
                    } else {
                        std::mem::take(&mut self.name)
                    },
                    data: self.data.join("\n"),
                });
            }
            self.name.clear();
            self.data.clear();
            self.has_data = false;
            return;
        }
        if line.starts_with(':') {
            return;
        }
        let (field, value) = match line.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (line, ""),
        };
        match field {
            "event" => self.name = value.to_string(),
            "data" => {
                self.data.push(value.to_string());
                self.has_data = true;
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_split_across_chunks_and_line_endings() {
        let mut parser = Parser::new();
        let mut events = parser.feed(b"event: ping\r\ndata: {}\r");
        assert!(events.is_empty());
        events.extend(parser.feed(b"\n\r\n: comment\ndata: a\nda"));
        events.extend(parser.feed(b"ta: b\n\ndata: [DONE]\n\n"));
        assert_eq!(
            events,
            vec![
                Event {
                    name: "ping".into(),
                    data: "{}".into()
                },
                Event {
                    name: "message".into(),
                    data: "a\nb".into()
                },
                Event {
                    name: "message".into(),
                    data: "[DONE]".into()
                },
            ]
        );
    }

    #[test]
    fn incomplete_event_is_not_dispatched() {
        let mut parser = Parser::new();
        assert!(parser.feed(b"data: half").is_empty());
        assert!(parser.feed(b"\n").is_empty());
    }
}
