//! How the `venv` binary shows the library's events on stderr. Plugin
//! messages, plugin output, warnings and the output of pip during
//! `--upgrade-deps` are shown unless `-q`; timings and which method was used
//! only with `-v`. On a terminal, long tasks get a progress bar and
//! `error:`/`warning:` and hints are coloured (`--color`, `NO_COLOR`); on a
//! pipe the output is plain lines, exactly as before.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use venv::report::{CodeOrigin, Event, LogLevel, Reporter, Task};

use crate::cli::ColorArg;

/// How stderr is written to.
#[derive(Debug, Clone, Copy)]
pub struct Look {
    pub verbose: bool,
    pub quiet: bool,
    pub colour: bool,
    pub progress: bool,
}

impl Look {
    /// From the flags, the environment and whether stderr is a terminal.
    pub fn new(verbose: bool, quiet: bool, color: ColorArg) -> Look {
        let terminal =
            std::io::stderr().is_terminal() && std::env::var_os("TERM").is_none_or(|t| t != "dumb");
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Look {
            verbose,
            quiet,
            colour: match color {
                ColorArg::Always => true,
                ColorArg::Never => false,
                ColorArg::Auto => terminal && !no_color,
            },
            progress: terminal && !quiet,
        }
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.colour {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }

    /// `venv: error: MESSAGE`, the problem in plain text and, after the last
    /// `; `, the hint (what to do) highlighted.
    pub fn error_line(&self, message: &str) -> String {
        let (problem, hint) = match message.rsplit_once("; ") {
            Some((p, h)) if self.colour => (p, Some(h)),
            _ => (message, None),
        };
        let mut line = format!("venv: {} {problem}", self.paint("1;31", "error:"));
        if let Some(hint) = hint {
            line.push_str("; ");
            line.push_str(&self.paint("36", hint));
        }
        line
    }

    pub fn warning_line(&self, message: &str) -> String {
        format!("venv: {} {message}", self.paint("1;33", "warning:"))
    }
}

pub struct Terminal {
    look: Look,
    bars: Option<Mutex<Bars>>,
}

struct Bars {
    multi: MultiProgress,
    active: HashMap<Task, ProgressBar>,
}

impl Terminal {
    pub fn new(look: Look) -> Terminal {
        let bars = look.progress.then(|| {
            Mutex::new(Bars {
                multi: MultiProgress::with_draw_target(ProgressDrawTarget::stderr()),
                active: HashMap::new(),
            })
        });
        Terminal { look, bars }
    }

    /// Writes `line` to stderr, above any progress bar.
    fn print(&self, line: &str) {
        match &self.bars {
            Some(bars) => {
                let bars = bars.lock().unwrap_or_else(|e| e.into_inner());
                bars.multi.suspend(|| eprintln!("{line}"));
            }
            None => eprintln!("{line}"),
        }
    }

    fn progress(&self, event: &Event) {
        let Some(bars) = &self.bars else { return };
        let mut bars = bars.lock().unwrap_or_else(|e| e.into_inner());
        match event {
            Event::ProgressStarted { task, total } => {
                let bar = match total {
                    Some(n) => ProgressBar::new(*n).with_style(
                        ProgressStyle::with_template(
                            "{spinner} {msg} [{bar:30}] {pos}/{len} files",
                        )
                        .unwrap_or_else(|_| ProgressStyle::default_bar())
                        .progress_chars("=> "),
                    ),
                    None => ProgressBar::new_spinner().with_style(
                        ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
                            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
                    ),
                };
                let bar = bars.multi.add(bar);
                bar.set_message(task.to_string());
                bar.enable_steady_tick(Duration::from_millis(100));
                bars.active.insert(task.clone(), bar);
            }
            Event::ProgressAdvanced { task, done } => {
                if let Some(bar) = bars.active.get(task) {
                    bar.set_position(*done);
                }
            }
            Event::ProgressFinished { task } => {
                if let Some(bar) = bars.active.remove(task) {
                    bar.finish_and_clear();
                    bars.multi.remove(&bar);
                }
            }
            _ => {}
        }
    }
}

impl Reporter for Terminal {
    fn report(&self, event: Event) {
        if matches!(
            event,
            Event::ProgressStarted { .. }
                | Event::ProgressAdvanced { .. }
                | Event::ProgressFinished { .. }
        ) {
            return self.progress(&event);
        }
        if let Some(line) = render(&event, &self.look) {
            self.print(&line);
        }
    }
}

fn ms(d: std::time::Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// The line for `event`, or `None` when it is not shown with these flags.
fn render(event: &Event, look: &Look) -> Option<String> {
    if look.quiet {
        return None;
    }
    let line = match event {
        Event::PluginLog {
            plugin,
            level,
            message,
        } => {
            let tag = match level {
                LogLevel::Debug => "debug: ",
                LogLevel::Info => "",
                LogLevel::Warn => "warning: ",
                LogLevel::Error => "error: ",
            };
            format!("[{plugin}] {tag}{message}")
        }
        Event::PluginProgress { plugin, text } => format!("[{plugin}] {text}"),
        Event::PluginOutput { plugin, line } => format!("[{plugin}] {line}"),
        Event::ChildOutput { line } => line.clone(),
        Event::Warning { message } => look.warning_line(message),
        Event::ConfigKeyIgnored {
            path,
            line,
            key,
            known,
        } => look.warning_line(&format!(
            "{}:{line}: unknown key `{key}` ignored (this venv knows {})",
            path.display(),
            known.join(", ")
        )),
        Event::InterpreterMatched {
            request,
            version,
            path,
            matches,
        } => {
            let of = if matches.len() > 1 {
                format!(", the newest of {}", matches.join(", "))
            } else {
                String::new()
            };
            format!(
                "venv: Python {request}: using {version} at {}{of}",
                path.display()
            )
        }
        Event::UpgradeBase { env, version, path } => format!(
            "venv: upgrading {} with its own base interpreter, Python {version} at {} (from its pyvenv.cfg; -p chooses another)",
            env.display(),
            path.display()
        ),
        _ if !look.verbose => return None,
        Event::InterpreterChosen { version, path } => {
            format!("venv: using Python {version} at {}", path.display())
        }
        Event::StepFinished { step, elapsed } => {
            format!("venv: {step} took {:.1} ms", ms(*elapsed))
        }
        Event::SeedEntryBuilt {
            package,
            python,
            elapsed,
        } => format!(
            "venv: cached {package} for Python {python} in {:.0} ms",
            ms(*elapsed)
        ),
        Event::Copied { path, from, bytes } => {
            format!(
                "venv: copied {path} from {} ({bytes} bytes)",
                from.display()
            )
        }
        Event::LinkFallback { reason } => format!("venv: {reason}; copying instead"),
        Event::SeedFallback { reason } => format!("venv: {reason}; using ensurepip"),
        Event::PlaceFallback { reason } => format!("venv: {reason}"),
        Event::FilesPlaced {
            count,
            method,
            elapsed,
        } => format!(
            "venv: placed {count} files by {method:?} in {:.1} ms",
            ms(*elapsed)
        ),
        Event::PluginLoaded {
            plugin,
            origin,
            elapsed,
        } => format!(
            "venv: plugin `{plugin}` {} in {:.1} ms",
            match origin {
                CodeOrigin::Cached => "loaded from cache",
                CodeOrigin::Compiled => "compiled",
            },
            ms(*elapsed)
        ),
        Event::ProgressStarted { .. }
        | Event::ProgressAdvanced { .. }
        | Event::ProgressFinished { .. } => return None,
    };
    Some(line)
}
