//! Turning what went wrong in a call into a [`PluginFailure`]: which limit
//! ran out (as the call's meter recorded it, never guessed from message
//! text), or what the guest did.

use super::budget::{Exceeded, Meter};
use super::limits::{self, Limits};
use crate::error::PluginFailure;

/// A call's outcome judged: its value, or why it failed. A limit the meter
/// recorded wins over whatever the guest made of it.
pub(super) fn verdict<T>(
    result: wasmtime::Result<T>,
    meter: &Meter,
    limits: &Limits,
) -> Result<T, PluginFailure> {
    match (result, meter.exceeded()) {
        (Err(e), _) => Err(failure(&e, limits, meter)),
        (Ok(_), Some(what)) => Err(limit_failure(what, limits)),
        (Ok(value), None) => Ok(value),
    }
}

/// The failure behind `err`, raised while calling into a plugin.
pub(super) fn failure(err: &wasmtime::Error, limits: &Limits, meter: &Meter) -> PluginFailure {
    let recorded = meter
        .exceeded()
        .or_else(|| err.downcast_ref::<Exceeded>().copied());
    if let Some(what) = recorded {
        return limit_failure(what, limits);
    }
    match err.downcast_ref::<wasmtime::Trap>() {
        Some(wasmtime::Trap::Interrupt) => PluginFailure::TimeLimit {
            seconds: limits.time.as_secs_f64(),
        },
        Some(wasmtime::Trap::StackOverflow) => PluginFailure::StackExhausted,
        // Rust and C guests keep their stack in linear memory: running off its
        // end shows up as an out-of-bounds access.
        Some(wasmtime::Trap::MemoryOutOfBounds) => PluginFailure::OutOfBounds,
        Some(wasmtime::Trap::UnreachableCodeReached) => PluginFailure::Panicked,
        Some(trap) => PluginFailure::Trapped(trap.to_string()),
        None => PluginFailure::Host(root_cause(err)),
    }
}

/// The failure for a limit that ran out.
pub(super) fn limit_failure(what: Exceeded, limits: &Limits) -> PluginFailure {
    match what {
        Exceeded::Memory => PluginFailure::MemoryLimit {
            mib: limits.memory_bytes >> 20,
        },
        Exceeded::TableElements => PluginFailure::TableLimit {
            elements: limits::MAX_TABLE_ELEMENTS,
        },
        Exceeded::Output => PluginFailure::OutputLimit {
            kib: limits.output_bytes >> 10,
        },
        Exceeded::WriteBytes => PluginFailure::WriteLimit {
            mib: limits.write_bytes >> 20,
        },
        Exceeded::WriteEntries => PluginFailure::EntryLimit {
            entries: limits.write_entries,
        },
        Exceeded::Time => PluginFailure::TimeLimit {
            seconds: limits.time.as_secs_f64(),
        },
        Exceeded::Interrupted => PluginFailure::Interrupted,
    }
}

/// An error chain as one line.
pub(super) fn root_cause(err: &impl std::fmt::Display) -> String {
    crate::error::one_line(&format!("{err:#}"))
}
