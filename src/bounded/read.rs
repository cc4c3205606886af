//! The one bounded read: a whole file or stream, or one line, up to the limit of its kind.
//!
//! Every buffer is zeroed before it is freed (except the one returned), so the plaintext or key
//! material being read leaves no stray copies in freed memory.

use std::fs::File;
use std::io::{BufRead, ErrorKind, Read};
use std::path::Path;
use std::time::Duration;

use zeroize::Zeroize;

use super::{COMMAND_TIMEOUT_VARIABLE, Kind, TooLarge, current, human_duration};

/// The first buffer for a stream of unknown size.
const FIRST_CHUNK: usize = 8 << 10;

/// The largest buffer added at a time while a stream of unknown size is read.
const LARGEST_CHUNK: usize = 16 << 20;

/// Reads `reader` to its end, failing with a [`TooLarge`] error (an `io::Error` of kind
/// `FileTooLarge`) as soon as it passes the limit of `kind`. `size_hint` is the expected size
/// (a file's length): a file that keeps it is read into one buffer of that size. Anything else
/// is read into chunks that are joined at the end, so that an endless stream stops at about the
/// limit in memory, not at twice it.
pub fn read_to_end(mut reader: impl Read, kind: Kind, size_hint: u64) -> std::io::Result<Vec<u8>> {
    let limit = current().bytes(kind);
    // One byte past the limit tells "exactly at the limit" from "over it".
    let ceiling = usize::try_from(limit.saturating_add(1)).unwrap_or(usize::MAX);
    let first = match usize::try_from(size_hint) {
        Ok(0) | Err(_) => FIRST_CHUNK,
        Ok(hint) => hint.saturating_add(1),
    };
    let mut full: Vec<Vec<u8>> = Vec::new();
    let mut in_full = 0;
    let mut chunk = vec![0u8; first.min(ceiling)];
    let mut filled = 0;
    let outcome = loop {
        if in_full + filled >= ceiling {
            break Err(TooLarge { kind, limit }.into_io_error());
        }
        if filled == chunk.len() {
            let size = (chunk.len().saturating_mul(2))
                .clamp(FIRST_CHUNK, LARGEST_CHUNK)
                .min(ceiling - in_full - filled);
            in_full += filled;
            full.push(std::mem::replace(&mut chunk, vec![0u8; size]));
            filled = 0;
        }
        match reader.read(&mut chunk[filled..]) {
            Ok(0) => break Ok(()),
            Ok(n) => filled += n,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => break Err(e),
        }
    };
    if let Err(e) = outcome {
        full.iter_mut().for_each(|c| c.zeroize());
        chunk.zeroize();
        return Err(e);
    }
    if full.is_empty() {
        chunk.truncate(filled);
        return Ok(chunk);
    }
    let mut whole = Vec::with_capacity(in_full + filled);
    for mut part in full {
        whole.extend_from_slice(&part);
        part.zeroize();
    }
    whole.extend_from_slice(&chunk[..filled]);
    chunk.zeroize();
    Ok(whole)
}

/// Reads a whole file, up to the limit of `kind`. A regular file already larger than the
/// limit is refused before anything is read.
pub fn read_file(path: &Path, kind: Kind) -> std::io::Result<Vec<u8>> {
    let file = File::open(path)?;
    let metadata = file.metadata()?;
    let size = if metadata.is_file() {
        metadata.len()
    } else {
        0
    };
    let limit = current().bytes(kind);
    if size > limit {
        return Err(TooLarge { kind, limit }.into_io_error());
    }
    read_to_end(file, kind, size)
}

/// Reads a whole UTF-8 file, up to the limit of `kind`.
pub fn read_file_to_string(path: &Path, kind: Kind) -> std::io::Result<String> {
    String::from_utf8(read_file(path, kind)?).map_err(|e| {
        let mut bytes = e.into_bytes();
        bytes.zeroize();
        std::io::Error::new(ErrorKind::InvalidData, "the file is not valid UTF-8")
    })
}

/// Reads one line (without its line ending), up to the limit of `kind`; `None` at the end of
/// the input. Bytes that are not UTF-8 are replaced.
pub fn read_line(reader: &mut impl BufRead, kind: Kind) -> std::io::Result<Option<String>> {
    let limit = usize::try_from(current().bytes(kind)).unwrap_or(usize::MAX);
    let mut line = Vec::new();
    loop {
        let available = match reader.fill_buf() {
            Ok(available) => available,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            if line.is_empty() {
                return Ok(None);
            }
            break;
        }
        let (take, done) = match available.iter().position(|&b| b == b'\n') {
            Some(at) => (at + 1, true),
            None => (available.len(), false),
        };
        if line.len() + take > limit.saturating_add(1) {
            line.zeroize();
            return Err(TooLarge {
                kind,
                limit: limit as u64,
            }
            .into_io_error());
        }
        line.extend_from_slice(&available[..take]);
        reader.consume(take);
        if done {
            break;
        }
    }
    while matches!(line.last(), Some(b'\n' | b'\r')) {
        line.pop();
    }
    let text = String::from_utf8_lossy(&line).into_owned();
    line.zeroize();
    Ok(Some(text))
}

/// Reads one answer from standard input. A terminal is waited on for as long as it takes (a
/// person is there, and Ctrl+C works); anything else must answer within the command timeout.
pub fn read_answer_from_stdin() -> std::io::Result<Option<String>> {
    use std::io::IsTerminal;
    let read = || read_line(&mut std::io::stdin().lock(), Kind::Answer);
    if std::io::stdin().is_terminal() {
        return read();
    }
    let timeout = current().command_timeout;
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = sender.send(read());
    });
    receiver
        .recv_timeout(timeout)
        .unwrap_or_else(|_| Err(no_answer(timeout)))
}

fn no_answer(timeout: Duration) -> std::io::Error {
    std::io::Error::new(
        ErrorKind::TimedOut,
        format!(
            "no answer on standard input within {} (set {COMMAND_TIMEOUT_VARIABLE} to wait longer)",
            human_duration(timeout)
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Endless zeros, counting what was handed out.
    struct Endless(usize);

    impl Read for Endless {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            buf.fill(0);
            self.0 += buf.len();
            Ok(buf.len())
        }
    }

    #[test]
    fn a_read_stops_one_byte_past_the_limit() {
        let limit = super::super::current().bytes(Kind::Config);
        let mut endless = Endless(0);
        let error = read_to_end(&mut endless, Kind::Config, 0).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::FileTooLarge);
        assert_eq!(
            TooLarge::in_io_error(&error),
            Some(TooLarge {
                kind: Kind::Config,
                limit
            })
        );
        assert_eq!(endless.0 as u64, limit + 1, "read no more than needed");
    }

    #[test]
    fn input_at_the_limit_is_read_whole() {
        let limit = super::super::current().bytes(Kind::Config) as usize;
        let data = vec![7u8; limit];
        for hint in [0, 10, limit as u64, u64::MAX] {
            assert_eq!(read_to_end(&data[..], Kind::Config, hint).unwrap(), data);
        }
        let over = vec![7u8; limit + 1];
        assert!(read_to_end(&over[..], Kind::Config, 0).is_err());
        assert_eq!(read_to_end(&b""[..], Kind::Config, 0).unwrap(), b"");
    }

    #[test]
    fn a_regular_file_over_the_limit_is_refused_unread() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big");
        let file = File::create(&path).unwrap();
        file.set_len(super::super::current().bytes(Kind::Key) + 1)
            .unwrap();
        let error = read_file(&path, Kind::Key).unwrap_err();
        assert!(TooLarge::in_io_error(&error).is_some(), "{error}");
        std::fs::write(&path, "small").unwrap();
        assert_eq!(read_file_to_string(&path, Kind::Key).unwrap(), "small");
    }

    #[test]
    fn lines_are_bounded() {
        let mut input = &b"yes\r\nno\nlast"[..];
        assert_eq!(
            read_line(&mut input, Kind::Answer).unwrap().as_deref(),
            Some("yes")
        );
        assert_eq!(
            read_line(&mut input, Kind::Answer).unwrap().as_deref(),
            Some("no")
        );
        assert_eq!(
            read_line(&mut input, Kind::Answer).unwrap().as_deref(),
            Some("last")
        );
        assert_eq!(read_line(&mut input, Kind::Answer).unwrap(), None);
        let mut endless = std::io::BufReader::new(Endless(0));
        let error = read_line(&mut endless, Kind::Answer).unwrap_err();
        assert!(TooLarge::in_io_error(&error).is_some(), "{error}");
    }
}
