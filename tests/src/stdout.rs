//! A component's stdout as the host keeps it: the lines an instance writes, taken by the host
//! after each request. wasmtime's `MemoryOutputPipe` can only be read whole, so with an
//! instance kept for many requests every request copied all the lines its instance had
//! written before (twice: to know where its own began, then to read them), work that grew
//! with the instance's age and that a floor, logging nothing, never paid.

use bytes::Bytes;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use tokio::io::AsyncWrite;
use wasmtime_wasi::cli::{IsTerminal, StdoutStream};
use wasmtime_wasi::p2::{OutputStream, Pollable, StreamError};

/// What an instance wrote to stdout and the host has not taken yet, at most `limit` bytes.
#[derive(Clone)]
pub struct Stdout {
    pending: Arc<Mutex<Vec<u8>>>,
    limit: usize,
}

impl Stdout {
    pub fn new(limit: usize) -> Self {
        Stdout {
            pending: Arc::default(),
            limit,
        }
    }

    /// What was written since the last take.
    pub fn take(&self) -> String {
        let taken = std::mem::take(&mut *self.pending.lock().unwrap());
        String::from_utf8_lossy(&taken).into_owned()
    }

    /// Appends as much of `bytes` as the limit leaves room for; how much that was.
    fn append(&self, bytes: &[u8]) -> usize {
        let mut pending = self.pending.lock().unwrap();
        let taken = bytes.len().min(self.limit - pending.len());
        pending.extend_from_slice(&bytes[..taken]);
        taken
    }

    /// Appends all of `bytes` if the limit leaves room for them, under one lock; whether it did.
    fn append_whole(&self, bytes: &[u8]) -> bool {
        let mut pending = self.pending.lock().unwrap();
        let fits = bytes.len() <= self.limit - pending.len();
        if fits {
            pending.extend_from_slice(bytes);
        }
        fits
    }

    fn room(&self) -> usize {
        self.limit - self.pending.lock().unwrap().len()
    }
}

impl IsTerminal for Stdout {
    fn is_terminal(&self) -> bool {
        false
    }
}

impl StdoutStream for Stdout {
    fn p2_stream(&self) -> Box<dyn OutputStream> {
        Box::new(self.clone())
    }

    fn async_stream(&self) -> Box<dyn AsyncWrite + Send + Sync> {
        Box::new(self.clone())
    }
}

/// wasi:cli 0.2's stdout, which the components write their access-log lines to.
#[async_trait::async_trait]
impl OutputStream for Stdout {
    /// All or nothing, as `MemoryOutputPipe` writes (one instance writes one call at a time).
    fn write(&mut self, bytes: Bytes) -> Result<(), StreamError> {
        if !self.append_whole(&bytes) {
            return Err(StreamError::Trap(wasmtime::Error::msg(
                "stdout beyond what the host keeps of one request",
            )));
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), StreamError> {
        Ok(())
    }

    fn check_write(&mut self) -> Result<usize, StreamError> {
        match self.room() {
            0 => Err(StreamError::Closed),
            room => Ok(room),
        }
    }
}

#[async_trait::async_trait]
impl Pollable for Stdout {
    async fn ready(&mut self) {}
}

/// wasi:cli 0.3's stdout.
impl AsyncWrite for Stdout {
    fn poll_write(self: Pin<&mut Self>, _cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Poll::Ready(Ok(self.append(buf)))
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_take_has_only_what_was_written_since_the_last() {
        let stdout = Stdout::new(16);
        let mut stream = stdout.p2_stream();
        stream.write(Bytes::from_static(b"first\n")).unwrap();
        assert_eq!(stdout.take(), "first\n");
        stream.write(Bytes::from_static(b"second\n")).unwrap();
        assert_eq!(stdout.take(), "second\n");
        assert_eq!(stdout.take(), "");
    }

    #[test]
    fn writes_beyond_the_limit_fail_and_taking_makes_room() {
        let stdout = Stdout::new(8);
        let mut stream = stdout.p2_stream();
        stream.write(Bytes::from_static(b"12345")).unwrap();
        assert_eq!(stream.check_write().unwrap(), 3);
        assert!(stream.write(Bytes::from_static(b"6789")).is_err());
        assert_eq!(stdout.take(), "12345", "a refused write adds nothing");
        assert_eq!(stream.check_write().unwrap(), 8);
    }
}
