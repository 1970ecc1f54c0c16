//! What the host offers every plugin (`host` in the contract): log and
//! progress, sent to the reporter, and `run-python`, allowed only with the
//! grant. Implemented on its own value inside the store, apart from WASI.
//! Every byte of text goes through the call's output allowance and is made
//! safe to print first.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use super::boundary;
use super::budget::Meter;
use super::contract::{host, types};
use crate::envpython;
use crate::report::{Event, LogLevel, SharedReporter};

/// The host side of one hook call.
pub struct HostApi {
    pub plugin: String,
    pub reporter: SharedReporter,
    /// Present only when the plugin holds the `run-python` grant for this hook.
    pub run_python: Option<RunPython>,
    /// When the hook call's time limit runs out (run-python gets what is left).
    pub deadline: Instant,
    pub meter: Arc<Meter>,
}

/// What `run-python` needs.
#[derive(Clone)]
pub struct RunPython {
    pub env_exec_cmd: PathBuf,
    pub env_dir: PathBuf,
}

impl types::Host for HostApi {}

impl host::Host for HostApi {
    async fn log(&mut self, level: host::Level, message: String) -> wasmtime::Result<()> {
        self.meter.charge_output(message.len())?;
        let level = match level {
            host::Level::Debug => LogLevel::Debug,
            host::Level::Info => LogLevel::Info,
            host::Level::Warn => LogLevel::Warn,
            host::Level::Error => LogLevel::Error,
        };
        for line in boundary::lines(&message) {
            self.reporter.report(Event::PluginLog {
                plugin: self.plugin.clone(),
                level,
                message: line,
            });
        }
        Ok(())
    }

    async fn progress(&mut self, text: String) -> wasmtime::Result<()> {
        self.meter.charge_output(text.len())?;
        for line in boundary::lines(&text) {
            self.reporter.report(Event::PluginProgress {
                plugin: self.plugin.clone(),
                text: line,
            });
        }
        Ok(())
    }

    async fn run_python(&mut self, args: Vec<String>) -> wasmtime::Result<Result<i32, String>> {
        let Some(run) = self.run_python.clone() else {
            return Ok(Err(format!(
                "run-python denied: plugin `{}` was not granted run-python (grant it with --plugin-grant {}=run-python)",
                self.plugin, self.plugin
            )));
        };
        let left = self.deadline.saturating_duration_since(Instant::now());
        let (plugin, reporter, meter) = (
            self.plugin.clone(),
            self.reporter.clone(),
            self.meter.clone(),
        );
        // Lines past the output allowance are dropped; the meter remembers,
        // and the call fails with the output limit when this returns.
        let result = envpython::run(
            &run.env_exec_cmd,
            &run.env_dir,
            &args,
            Some(left),
            &mut |line| {
                if meter.charge_output(line.len() + 1).is_ok() {
                    reporter.report(Event::PluginProgress {
                        plugin: plugin.clone(),
                        text: boundary::sanitize(line),
                    });
                }
            },
        );
        if let Some(exceeded) = self.meter.exceeded() {
            return Err(exceeded.into());
        }
        Ok(result
            .map(|finished| finished.status.code().unwrap_or(-1))
            .map_err(|e| format!("run-python failed: {e:#}")))
    }
}
