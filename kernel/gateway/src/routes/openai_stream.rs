//! The streamed form of a chat completion: server-sent
//! `chat.completion.chunk` events. While the command runs, a `: working` comment
//! every [`KEEP_ALIVE`] keeps proxies and clients from giving up; then the answer
//! in pieces of about 80 characters, the finishing chunk and `data: [DONE]`.

use std::convert::Infallible;
use std::time::Duration;

use axum::body::Bytes;
use futures_util::Stream as FuturesStream;
use ralex_orchestrator::Answer;
use serde_json::{Value, json};

use crate::routes::openai::markdown;

/// How often a streamed answer sends a keep-alive comment while working.
pub const KEEP_ALIVE: Duration = Duration::from_secs(10);

/// The event stream of a command running as `work`.
pub fn events(
    work: Work,
    id: String,
    model: String,
) -> impl FuturesStream<Item = Result<Bytes, Infallible>> {
    futures_util::stream::unfold(Stream::Working(work), move |phase| {
        let (id, model) = (id.clone(), model.clone());
        async move { next_chunk(phase, &id, &model).await }
    })
}

pub type Work = tokio::task::JoinHandle<Result<Answer, ralex_orchestrator::PipelineError>>;

/// Where a streamed answer is.
enum Stream {
    Working(Work),
    Chunks(Vec<String>),
    Done,
}

async fn next_chunk(
    phase: Stream,
    id: &str,
    model: &str,
) -> Option<(Result<Bytes, Infallible>, Stream)> {
    match phase {
        Stream::Working(mut task) => match tokio::time::timeout(KEEP_ALIVE, &mut task).await {
            Err(_) => Some((
                Ok(Bytes::from_static(b": working\n\n")),
                Stream::Working(task),
            )),
            Ok(joined) => {
                let text = match joined {
                    Ok(Ok(answer)) => markdown(&answer),
                    Ok(Err(e)) => format!("The command could not run: {e}"),
                    Err(_) => "The command stopped unexpectedly.".to_string(),
                };
                let mut chunks = vec![chunk(
                    id,
                    model,
                    json!({"role": "assistant", "content": ""}),
                    None,
                )];
                chunks.extend(pieces(&text).map(|p| chunk(id, model, json!({"content": p}), None)));
                chunks.push(chunk(id, model, json!({}), Some("stop")));
                chunks.push("data: [DONE]\n\n".to_owned());
                chunks.reverse();
                let first = chunks.pop()?;
                Some((Ok(Bytes::from(first)), Stream::Chunks(chunks)))
            }
        },
        Stream::Chunks(mut chunks) => {
            let next = chunks.pop()?;
            let phase = if chunks.is_empty() {
                Stream::Done
            } else {
                Stream::Chunks(chunks)
            };
            Some((Ok(Bytes::from(next)), phase))
        }
        Stream::Done => None,
    }
}

/// The text in pieces of about 80 characters, cut between words.
fn pieces(text: &str) -> impl Iterator<Item = String> + '_ {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let mut end = rest.len().min(80);
        while !rest.is_char_boundary(end) {
            end += 1;
        }
        if end < rest.len()
            && let Some(space) = rest[..end].rfind(' ')
            && space > 0
        {
            end = space + 1;
        }
        let (piece, tail) = rest.split_at(end);
        rest = tail;
        Some(piece.to_owned())
    })
}

fn chunk(id: &str, model: &str, delta: Value, finish: Option<&str>) -> String {
    let body = json!({
        "id": id,
        "object": "chat.completion.chunk",
        "created": crate::now_ms() / 1000,
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    });
    format!("data: {body}\n\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_cut_between_words() {
        let text = "word ".repeat(40);
        let parts: Vec<String> = pieces(&text).collect();
        assert!(parts.len() > 1);
        assert_eq!(parts.concat(), text);
        assert!(parts.iter().all(|p| p.len() <= 80));
    }
}
