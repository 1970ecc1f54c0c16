//! The bounds every plugin call runs under, with their defaults.

use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Linear memory (all memories of the instance together).
    pub memory_bytes: usize,
    /// Wall time for one hook call, enforced by epoch interruption.
    pub time: Duration,
    /// Bytes of stdout plus stderr kept per call; writing more is an error.
    pub output_bytes: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            memory_bytes: 256 << 20,
            time: Duration::from_secs(10),
            output_bytes: 1 << 20,
        }
    }
}

/// The epoch tick: the time limit's granularity.
pub const TICK: Duration = Duration::from_millis(10);

impl Limits {
    pub fn ticks(&self) -> u64 {
        (self.time.as_millis() / TICK.as_millis()).max(1) as u64
    }
}
