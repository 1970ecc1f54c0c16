//! The bounds every plugin call runs under, with their defaults and the
//! ranges a user or policy may set.

use std::time::Duration;

pub use crate::error::{shown, RangeError};

/// The bounds of one plugin call (see README, "Security").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// All linear memories of the call together (every memory of every instance).
    pub memory_bytes: usize,
    /// Wall time for one hook call, in guest code and in host calls alike.
    pub time: Duration,
    /// Bytes the plugin can make the host print or keep: stdout, stderr,
    /// `log`, `progress`, lines of `run-python`, and the strings it returns.
    pub output_bytes: usize,
    /// Bytes the plugin may write into files during one call.
    pub write_bytes: u64,
    /// Files, directories and links the plugin may create during one call.
    pub write_entries: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            memory_bytes: 256 << 20,
            time: Duration::from_secs(10),
            output_bytes: 1 << 20,
            write_bytes: 256 << 20,
            write_entries: 10_000,
        }
    }
}

/// What one host call may copy from the guest into the host beyond the
/// call's output allowance (wasmtime's "host-call fuel", 128 MiB by
/// default): lists and strings lifted for a call (a `poll` list, the
/// arguments of `run-python`) are bounded by it, so no call makes the host
/// allocate or walk more than this for the guest.
pub const HOSTCALL_FUEL_BEYOND_OUTPUT: usize = 1 << 20;

impl Limits {
    /// The host-call fuel of one call's store.
    pub fn hostcall_fuel(&self) -> usize {
        self.output_bytes
            .saturating_add(HOSTCALL_FUEL_BEYOND_OUTPUT)
    }
}

/// The epoch tick: the granularity of the time limit and of interruption.
pub const TICK: Duration = Duration::from_millis(10);

/// Structural bounds of one call's store, whatever the memory limit: a
/// component may instantiate only so many core instances, memories and
/// tables, and its tables hold only so many elements in all. Generous for
/// real components (a componentize-py plugin needs about 20 instances and
/// 40,000 table elements), small enough that none can be a way around the
/// memory limit.
pub const MAX_INSTANCES: usize = 64;
/// Linear memories of one call.
pub const MAX_MEMORIES: usize = 16;
/// Tables of one call.
pub const MAX_TABLES: usize = 64;
/// Elements in all tables of one call together.
pub const MAX_TABLE_ELEMENTS: usize = 1 << 20;
/// Entries in the host's resource table (open files, streams, pollables).
pub const MAX_HOST_RESOURCES: usize = 4096;

/// What each limit may be set to (inclusive), with its unit, for messages.
pub struct Range {
    /// The limit's name in messages.
    pub what: &'static str,
    /// Its unit in messages.
    pub unit: &'static str,
    /// The least it may be set to.
    pub min: f64,
    /// The most it may be set to.
    pub max: f64,
}

/// `--plugin-memory`, MiB.
pub const MEMORY_MIB: Range = Range {
    what: "plugin memory",
    unit: "MiB",
    min: 1.0,
    max: 65536.0,
};
/// `--plugin-time`, seconds.
pub const TIME_SECONDS: Range = Range {
    what: "plugin time",
    unit: "s",
    min: 0.01,
    max: 86400.0,
};
/// `--plugin-output`, KiB.
pub const OUTPUT_KIB: Range = Range {
    what: "plugin output",
    unit: "KiB",
    min: 1.0,
    max: 1048576.0,
};
/// `--plugin-write`, MiB.
pub const WRITE_MIB: Range = Range {
    what: "plugin writes",
    unit: "MiB",
    min: 0.0,
    max: 1048576.0,
};
/// `--plugin-entries`.
pub const WRITE_ENTRIES: Range = Range {
    what: "plugin files",
    unit: "entries",
    min: 0.0,
    max: 100_000_000.0,
};

impl Range {
    /// The value, unless it is not a finite number within the range.
    pub fn check(&self, value: f64) -> Result<f64, RangeError> {
        if !value.is_finite() {
            return Err(RangeError::NotFinite);
        }
        if value < self.min || value > self.max {
            return Err(RangeError::Outside {
                min: self.min,
                max: self.max,
                unit: self.unit,
            });
        }
        Ok(value)
    }
}

impl Limits {
    /// The call's deadline, counted from `start`.
    pub fn deadline(&self, start: std::time::Instant) -> std::time::Instant {
        start + self.time
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn numbers_are_shown_short() {
        assert_eq!(super::shown(1e300), "1e300");
        assert_eq!(super::shown(-2.5e-7), "-2.5e-7");
        assert_eq!(super::shown(86400.0), "86400");
        assert_eq!(super::shown(0.01), "0.01");
        assert_eq!(super::shown(f64::INFINITY), "inf");
    }
}
