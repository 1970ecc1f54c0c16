//! The budget of one hook call: what the plugin may consume of the host,
//! counted wherever it can be consumed, so that no second route leads
//! around a limit.
//!
//! - memory: every linear memory of every instance together, through a
//!   [`Limiter`]; plus bounded counts of instances, memories and tables, and
//!   of table elements in all (a table is host memory too);
//! - output: one allowance for everything the host would print or keep for
//!   the plugin (stdout, stderr, `log`, `progress`, `run-python` lines,
//!   returned strings), charged through the [`Meter`];
//! - writes: bytes and new entries in the file system ([`super::metered_fs`]).
//!
//! Running out records which limit ran out in the meter and traps with an
//! [`Exceeded`] error, so the diagnosis never depends on message text and
//! holds even when the guest ignores the error it got.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use wasmtime::ResourceLimiter;

use super::limits::{self, Limits};

/// Which limit a call ran out of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub(super) enum Exceeded {
    #[error("memory limit exceeded")]
    Memory,
    #[error("table element limit exceeded")]
    TableElements,
    #[error("output limit exceeded")]
    Output,
    #[error("write limit exceeded (bytes)")]
    WriteBytes,
    #[error("write limit exceeded (entries)")]
    WriteEntries,
    #[error("time limit exceeded")]
    Time,
    #[error("interrupted by a signal")]
    Interrupted,
}

/// Counters shared by everything that serves one call (host functions,
/// output pipes, file streams), hence atomics behind an `Arc`.
#[derive(Debug)]
pub(super) struct Meter {
    output_limit: u64,
    output: AtomicU64,
    write_limit: u64,
    written: AtomicU64,
    entries_limit: u64,
    entries: AtomicU64,
    first_exceeded: Mutex<Option<Exceeded>>,
}

impl Meter {
    pub(super) fn new(limits: &Limits) -> Arc<Meter> {
        Arc::new(Meter {
            output_limit: limits.output_bytes as u64,
            output: AtomicU64::new(0),
            write_limit: limits.write_bytes,
            written: AtomicU64::new(0),
            entries_limit: limits.write_entries,
            entries: AtomicU64::new(0),
            first_exceeded: Mutex::new(None),
        })
    }

    /// Records `what` as the reason the call stops (the first one wins).
    pub(super) fn exceed(&self, what: Exceeded) -> Exceeded {
        let mut slot = self
            .first_exceeded
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        *slot.get_or_insert(what)
    }

    /// The limit that ran out first, if one did.
    pub(super) fn exceeded(&self) -> Option<Exceeded> {
        *self
            .first_exceeded
            .lock()
            .unwrap_or_else(|e| e.into_inner())
    }

    fn charge(
        &self,
        counter: &AtomicU64,
        limit: u64,
        n: u64,
        what: Exceeded,
    ) -> Result<(), Exceeded> {
        let before = counter.fetch_add(n, Ordering::Relaxed);
        if before.saturating_add(n) > limit {
            return Err(self.exceed(what));
        }
        Ok(())
    }

    /// Charges `n` bytes of output (anything the host prints or keeps).
    pub(super) fn charge_output(&self, n: usize) -> Result<(), Exceeded> {
        self.charge(&self.output, self.output_limit, n as u64, Exceeded::Output)
    }

    /// How many output bytes are left.
    pub(super) fn output_left(&self) -> usize {
        self.output_limit
            .saturating_sub(self.output.load(Ordering::Relaxed)) as usize
    }

    pub(super) fn charge_write(&self, n: u64) -> Result<(), Exceeded> {
        self.charge(&self.written, self.write_limit, n, Exceeded::WriteBytes)
    }

    pub(super) fn charge_entry(&self) -> Result<(), Exceeded> {
        self.charge_entries(1)
    }

    pub(super) fn charge_entries(&self, n: u64) -> Result<(), Exceeded> {
        self.charge(&self.entries, self.entries_limit, n, Exceeded::WriteEntries)
    }
}

/// The store's resource limiter: memory across all memories, table elements
/// across all tables, and counts of instances, memories and tables.
pub(super) struct Limiter {
    memory_limit: usize,
    memory_used: usize,
    table_elements_used: usize,
    meter: Arc<Meter>,
}

impl Limiter {
    pub(super) fn new(limits: &Limits, meter: Arc<Meter>) -> Limiter {
        Limiter {
            memory_limit: limits.memory_bytes,
            memory_used: 0,
            table_elements_used: 0,
            meter,
        }
    }
}

impl ResourceLimiter for Limiter {
    fn memory_growing(
        &mut self,
        current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        let total = self.memory_used + desired.saturating_sub(current);
        if total > self.memory_limit {
            return Err(self.meter.exceed(Exceeded::Memory).into());
        }
        self.memory_used = total;
        Ok(true)
    }

    fn table_growing(
        &mut self,
        current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        let total = self.table_elements_used + desired.saturating_sub(current);
        if total > limits::MAX_TABLE_ELEMENTS {
            return Err(self.meter.exceed(Exceeded::TableElements).into());
        }
        self.table_elements_used = total;
        Ok(true)
    }

    fn instances(&self) -> usize {
        limits::MAX_INSTANCES
    }

    fn memories(&self) -> usize {
        limits::MAX_MEMORIES
    }

    fn tables(&self) -> usize {
        limits::MAX_TABLES
    }
}
