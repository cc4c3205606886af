//! Streaming the logs through the workers: each input is read in chunks of whole lines (a few
//! MiB, cut after the last newline), numbered by counting newlines, and handed to a small pool
//! of threads that parse and count them. At most a couple of chunks per worker are in flight, so
//! memory stays flat however large the logs are.

use std::io::Read;
use std::sync::mpsc::{Receiver, sync_channel};
use std::sync::{Arc, Mutex};

use super::tally::Tally;
use super::window::Window;
use super::{Input, ReportError, Role, Source};

/// Bytes read before a chunk is cut.
const CHUNK_BYTES: usize = 4 << 20;

struct Chunk {
    input: usize,
    role: Role,
    first_line: u64,
    bytes: Vec<u8>,
}

/// Reads every input and counts it on `threads` workers.
pub(super) fn scan(
    inputs: &[Input],
    window: &Window,
    threads: usize,
) -> Result<Tally, ReportError> {
    let threads = threads.max(1);
    let (send, receive) = sync_channel::<Chunk>(threads * 2);
    let receive = Arc::new(Mutex::new(receive));
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                let receive = Arc::clone(&receive);
                scope.spawn(move || work(&receive, window))
            })
            .collect();
        drop(receive);
        let read = inputs.iter().enumerate().try_for_each(|(index, input)| {
            let error = |e: std::io::Error| ReportError {
                file: input.name.clone(),
                error: e.to_string(),
            };
            let emit = |first_line, bytes| {
                // A worker only stops early by panicking, which the join below reports.
                let _ = send.send(Chunk {
                    input: index,
                    role: input.role,
                    first_line,
                    bytes,
                });
            };
            match &input.source {
                Source::Stdin => chunks(std::io::stdin().lock(), CHUNK_BYTES, emit).map_err(error),
                Source::Path(path) => {
                    let file = std::fs::File::open(path).map_err(error)?;
                    chunks(file, CHUNK_BYTES, emit).map_err(error)
                }
            }
        });
        drop(send);
        let mut total = Tally::default();
        for worker in workers {
            total.merge(worker.join().expect("an audit report worker panicked"));
        }
        read.map(|()| total)
    })
}

fn work(receive: &Mutex<Receiver<Chunk>>, window: &Window) -> Tally {
    let mut tally = Tally::default();
    loop {
        let next = receive.lock().expect("report queue").recv();
        let Ok(chunk) = next else { return tally };
        tally.chunk(
            chunk.input,
            chunk.role,
            chunk.first_line,
            &chunk.bytes,
            window,
        );
    }
}

/// Cuts a stream into chunks of about `size` bytes that end at a line end (the last one may
/// not), each with the number of its first line.
fn chunks(
    mut reader: impl Read,
    size: usize,
    mut emit: impl FnMut(u64, Vec<u8>),
) -> std::io::Result<()> {
    let mut carry = Vec::new();
    let mut next_line = 1u64;
    loop {
        let mut bytes = std::mem::take(&mut carry);
        let want = size.saturating_sub(bytes.len()).max(size / 4).max(1);
        bytes.reserve(want);
        let read = (&mut reader).take(want as u64).read_to_end(&mut bytes)?;
        let end = read < want;
        if !end {
            match memchr::memrchr(b'\n', &bytes) {
                Some(at) => carry = bytes.split_off(at + 1),
                None => {
                    // One line longer than a chunk: keep reading it.
                    carry = bytes;
                    continue;
                }
            }
        }
        if !bytes.is_empty() {
            let lines = memchr::memchr_iter(b'\n', &bytes).count() as u64;
            emit(next_line, bytes);
            next_line += lines;
        }
        if end {
            return Ok(());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_end_at_line_ends_and_know_their_first_line() {
        let mut text: String = (1..=2000).map(|n| format!("line {n}\n")).collect();
        text.push_str(&format!("{}\n", "x".repeat(5000)));
        text.push_str("last");
        let mut seen = Vec::new();
        chunks(text.as_bytes(), 1000, |first, bytes| {
            seen.push((first, bytes))
        })
        .unwrap();
        assert!(seen.len() > 10, "{} chunks", seen.len());
        let mut expected = 1;
        for (first, bytes) in &seen {
            assert_eq!(*first, expected);
            let body = std::str::from_utf8(bytes).unwrap();
            assert!(body.ends_with('\n') || body.ends_with("last"), "{body:?}");
            expected += body.matches('\n').count() as u64;
        }
        assert_eq!(expected, 2002);
        let joined: Vec<u8> = seen.into_iter().flat_map(|(_, bytes)| bytes).collect();
        assert_eq!(joined, text.as_bytes());
    }
}
