//! A plugin's stdout or stderr: kept in memory while the call's output
//! allowance (shared with `log`, `progress` and the rest, see
//! [`super::budget`]) lasts; what comes after is dropped and the meter
//! remembers it, so the call fails with "exceeded its output limit" whatever
//! the guest does with write errors.

use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use bytes::Bytes;
use wasmtime_wasi::cli::{IsTerminal, StdoutStream};
use wasmtime_wasi::p2::{OutputStream, Pollable, StreamError};

use super::budget::{Exceeded, Meter};

#[derive(Debug, Clone)]
pub(super) struct BoundedOutput {
    meter: Arc<Meter>,
    buffer: Arc<Mutex<Vec<u8>>>,
}

impl BoundedOutput {
    pub(super) fn new(meter: Arc<Meter>) -> BoundedOutput {
        BoundedOutput {
            meter,
            buffer: Arc::default(),
        }
    }

    pub(super) fn contents(&self) -> Vec<u8> {
        self.buffer.lock().map(|b| b.clone()).unwrap_or_default()
    }

    fn accept(&self, bytes: &[u8]) {
        let Ok(mut buf) = self.buffer.lock() else {
            return;
        };
        let room = self.meter.output_left();
        let kept = bytes.len().min(room);
        if self.meter.charge_output(kept).is_ok() && kept < bytes.len() {
            self.meter.exceed(Exceeded::Output);
        }
        buf.extend_from_slice(&bytes[..kept]);
    }
}

#[wasmtime_wasi::async_trait]
impl OutputStream for BoundedOutput {
    fn write(&mut self, bytes: Bytes) -> Result<(), StreamError> {
        self.accept(&bytes);
        Ok(())
    }
    fn flush(&mut self) -> Result<(), StreamError> {
        Ok(())
    }
    fn check_write(&mut self) -> Result<usize, StreamError> {
        Ok(64 << 10)
    }
}

#[wasmtime_wasi::async_trait]
impl Pollable for BoundedOutput {
    async fn ready(&mut self) {}
}

impl tokio::io::AsyncWrite for BoundedOutput {
    fn poll_write(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.accept(buf);
        Poll::Ready(Ok(buf.len()))
    }
    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

impl IsTerminal for BoundedOutput {
    fn is_terminal(&self) -> bool {
        false
    }
}

impl StdoutStream for BoundedOutput {
    fn p2_stream(&self) -> Box<dyn OutputStream> {
        Box::new(self.clone())
    }
    fn async_stream(&self) -> Box<dyn tokio::io::AsyncWrite + Send + Sync> {
        Box::new(self.clone())
    }
}
