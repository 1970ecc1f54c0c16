//! The limits in force for every plugin call: the defaults, then the user
//! config, then the flags; each within its range and capped by the policy.
//! An explicit request above a cap is an error; a default above it is lowered.

use std::time::Duration;

use super::resolve::Requested;
use super::{LimitSettings, Policy, UserConfig};
use crate::error::PolicyError;
use crate::plugin::limits::{self, Range};
use crate::plugin::Limits;

/// One limit: where it is set in `[limits]`, its range, and its default.
struct LimitRule {
    get: fn(&LimitSettings) -> Option<f64>,
    range: &'static Range,
    default: fn(&Limits) -> f64,
}

/// Memory, time, output, write bytes, write entries, in [`Limits`]' order.
const RULES: [LimitRule; 5] = [
    LimitRule {
        get: |l| l.memory_mib,
        range: &limits::MEMORY_MIB,
        default: |d| (d.memory_bytes >> 20) as f64,
    },
    LimitRule {
        get: |l| l.time_seconds,
        range: &limits::TIME_SECONDS,
        default: |d| d.time.as_secs_f64(),
    },
    LimitRule {
        get: |l| l.output_kib,
        range: &limits::OUTPUT_KIB,
        default: |d| (d.output_bytes >> 10) as f64,
    },
    LimitRule {
        get: |l| l.write_mib,
        range: &limits::WRITE_MIB,
        default: |d| (d.write_bytes >> 20) as f64,
    },
    LimitRule {
        get: |l| l.write_entries,
        range: &limits::WRITE_ENTRIES,
        default: |d| d.write_entries as f64,
    },
];

impl LimitRule {
    fn pick(
        &self,
        policy: &Policy,
        config: &UserConfig,
        flags: &Requested,
    ) -> Result<f64, PolicyError> {
        let range = self.range;
        let (value, from) = match ((self.get)(&flags.limits), (self.get)(&config.file.limits)) {
            (Some(v), _) => (v, Some("the command line")),
            (None, Some(v)) => (v, Some("the user config")),
            (None, None) => ((self.default)(&Limits::default()), None),
        };
        let invalid = |value: f64, from: &'static str, reason| PolicyError::InvalidLimit {
            what: range.what,
            value: limits::shown(value),
            from,
            reason,
        };
        range
            .check(value)
            .map_err(|reason| invalid(value, from.unwrap_or("the defaults"), reason))?;
        let cap = policy.cap(self.get);
        if let Some(cap) = cap {
            range
                .check(cap)
                .map_err(|reason| invalid(cap, "the policy", reason))?;
        }
        match (cap, from) {
            (Some(cap), Some(from)) if value > cap => Err(PolicyError::LimitOverCap {
                what: range.what,
                value,
                unit: range.unit,
                from,
                policy: policy.name(),
                cap,
            }),
            (Some(cap), None) => Ok(value.min(cap)),
            _ => Ok(value),
        }
    }
}

pub(super) fn resolve_limits(
    policy: &Policy,
    config: &UserConfig,
    flags: &Requested,
) -> Result<Limits, PolicyError> {
    let mut values = [0.0; 5];
    for (value, rule) in values.iter_mut().zip(&RULES) {
        *value = rule.pick(policy, config, flags)?;
    }
    let [memory, time, output, write, entries] = values;
    Ok(Limits {
        memory_bytes: (memory * (1 << 20) as f64) as usize,
        time: Duration::from_secs_f64(time),
        output_bytes: (output * 1024.0) as usize,
        write_bytes: (write * (1 << 20) as f64) as u64,
        write_entries: entries as u64,
    })
}
