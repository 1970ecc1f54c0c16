//! How the `venv` binary shows the library's events on stderr. Plugin
//! messages, plugin output and the output of pip during `--upgrade-deps` are
//! always shown; timings and which method was used only with `-v`.

use venv::report::{CodeOrigin, Event, LogLevel, Reporter};

pub struct Terminal {
    pub verbose: bool,
}

impl Reporter for Terminal {
    fn report(&self, event: Event) {
        if let Some(line) = render(&event, self.verbose) {
            eprintln!("{line}");
        }
    }
}

fn ms(d: std::time::Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// The line for `event`, or `None` when it is not shown at this verbosity.
fn render(event: &Event, verbose: bool) -> Option<String> {
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
            return Some(
                message
                    .lines()
                    .map(|l| format!("[{plugin}] {tag}{l}"))
                    .collect::<Vec<_>>()
                    .join("\n"),
            );
        }
        Event::PluginProgress { plugin, text } => format!("[{plugin}] {text}"),
        Event::PluginOutput { plugin, line } => format!("[{plugin}] {line}"),
        Event::ChildOutput { line } => line.clone(),
        Event::Warning { message } => format!("venv: warning: {message}"),
        _ if !verbose => return None,
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
    };
    Some(line)
}
