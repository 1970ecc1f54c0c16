//! Ctrl-C, SIGTERM and SIGHUP during a creation. The `venv` binary installs
//! the handlers ([`install`]); a signal then only sets a flag, which the
//! library checks between steps, while waiting for a child process, and
//! every epoch tick of a plugin call. The work in progress stops, the
//! environment is rolled back as after any failure, and the process exits
//! with 128 + the signal's number. A second signal ends the process at once.
//!
//! A library caller that installs no handler keeps the default behaviour of
//! its signals; [`request`] lets it ask for the same orderly stop itself.

use std::sync::atomic::{AtomicI32, Ordering};

use crate::error::VenvError;

static SIGNAL: AtomicI32 = AtomicI32::new(0);

/// The signals that stop a creation in order.
#[cfg(unix)]
pub const SIGNALS: [i32; 3] = [
    signal_hook::consts::SIGINT,
    signal_hook::consts::SIGTERM,
    signal_hook::consts::SIGHUP,
];
/// Windows has no SIGHUP.
#[cfg(not(unix))]
pub const SIGNALS: [i32; 2] = [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM];

/// Installs the handlers for [`SIGNALS`].
pub fn install() -> std::io::Result<()> {
    for signal in SIGNALS {
        // SAFETY: the handler only touches an atomic and calls `_exit`, both
        // async-signal-safe.
        unsafe {
            signal_hook::low_level::register(signal, move || {
                if SIGNAL.swap(signal, Ordering::SeqCst) != 0 {
                    signal_hook::low_level::exit(128 + signal);
                }
            })?;
        }
    }
    Ok(())
}

/// Asks for an orderly stop, as a signal would.
pub fn request(signal: i32) {
    SIGNAL.store(signal, Ordering::SeqCst);
}

/// The signal that asked for a stop, if one did.
pub fn requested() -> Option<i32> {
    match SIGNAL.load(Ordering::SeqCst) {
        0 => None,
        signal => Some(signal),
    }
}

/// `Err(Interrupted)` once a stop was asked for.
pub fn check() -> Result<(), VenvError> {
    match requested() {
        Some(signal) => Err(VenvError::Interrupted { signal }),
        None => Ok(()),
    }
}
