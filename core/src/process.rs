//! Every child process venv starts goes through one runner: the env's own
//! Python (ensurepip, `--upgrade-deps`, the `run-python` grant), programs run
//! as if the env were activated (`run-in-env`), and the base interpreter
//! byte-compiling wheels. [`ChildCommand`] says what to run; [`ChildCommand::run`]
//! has the one wait loop, which streams output lines, keeps a deadline, heeds
//! a stop signal ([`crate::interrupt`]) and kills in one place.
//!
//! A child never outlives its run: it starts in a process group of its own,
//! and when it ends (or is killed) the whole group is killed, so a program's
//! background jobs die with it. A run that asks for it ([`ChildCommand::reap_orphans`],
//! used for the programs plugins run) also makes venv a child sub-reaper for
//! its duration on Linux, so that a daemon which left the group (double fork,
//! `setsid`) is re-parented to venv and killed too.
//!
//! Output is read in chunks, never a whole line at once: a line longer than
//! [`ChildCommand::max_line`] is cut there (the rest, up to its newline, is
//! dropped), so a program printing gigabytes without a newline costs bounded
//! memory.

use std::ffi::{OsStr, OsString};
use std::io::{Read, Write};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// How often a wait wakes up to look for a signal or the deadline.
const POLL: Duration = Duration::from_millis(20);

/// The longest line passed on by default (a byte-compile path, a pip line).
pub(crate) const DEFAULT_MAX_LINE: usize = 64 << 10;

/// The last non-empty lines kept for messages.
const TAIL_LINES: usize = 3;

/// How long output is still read after the child exited while something
/// it started keeps its pipes open.
const EXIT_GRACE: Duration = Duration::from_millis(100);

/// Which of the user's environment variables a child sees (a policy's
/// `[run] pass-env`, for programs run for plugins).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum PassEnv {
    /// Every variable of the user's (the default, as CPython's subprocesses).
    #[default]
    All,
    /// Only these names.
    Only(Vec<String>),
}

impl PassEnv {
    /// The narrower of two: what both pass.
    pub fn narrow(&self, other: &PassEnv) -> PassEnv {
        match (self, other) {
            (PassEnv::All, x) | (x, PassEnv::All) => x.clone(),
            (PassEnv::Only(a), PassEnv::Only(b)) => {
                PassEnv::Only(a.iter().filter(|n| b.contains(n)).cloned().collect())
            }
        }
    }

    /// The user's value of `name`, if it is passed.
    pub fn get(&self, name: &str) -> Option<OsString> {
        match self {
            PassEnv::Only(names) if !names.iter().any(|n| n == name) => None,
            _ => std::env::var_os(name),
        }
    }
}

/// One child process to run.
#[derive(Debug, Clone)]
pub struct ChildCommand {
    program: PathBuf,
    args: Vec<OsString>,
    cwd: Option<PathBuf>,
    clear_env: bool,
    env: Vec<(OsString, Option<OsString>)>,
    stdin: Option<Vec<u8>>,
    deadline: Option<Instant>,
    max_line: usize,
    reap_orphans: bool,
}

/// How a run ended (the child exited by itself, whatever its status).
#[derive(Debug)]
pub struct Finished {
    /// How it exited.
    pub status: ExitStatus,
    /// The last few non-empty output lines (stdout and stderr), for messages.
    pub tail: Vec<String>,
}

/// Why a run did not end by itself.
#[derive(Debug, thiserror::Error)]
// Each variant is documented by its message (its `Display`), which
// names every field it holds; the fields need no docs of their own.
#[allow(missing_docs)]
pub enum ProcessError {
    /// Cannot run …: `source`.
    #[error("cannot run {}: {source}", program.display())]
    Spawn {
        program: PathBuf,
        source: std::io::Error,
    },
    /// … exceeded the time limit of `seconds` s and was killed.
    #[error("{} exceeded the time limit of {seconds:.1} s and was killed", program.display())]
    TimedOut { program: PathBuf, seconds: f64 },
    /// … was stopped by a signal.
    #[error("{} was stopped by a signal", program.display())]
    Interrupted { program: PathBuf },
    /// … was stopped: `reason`.
    #[error("{} was stopped: {reason}", program.display())]
    Stopped { program: PathBuf, reason: String },
    /// Waiting for …: `source`.
    #[error("waiting for {}: {source}", program.display())]
    Wait {
        program: PathBuf,
        source: std::io::Error,
    },
}

impl ChildCommand {
    /// `program`, with no arguments, in the caller's environment and directory.
    pub fn new(program: impl AsRef<Path>) -> ChildCommand {
        ChildCommand {
            program: program.as_ref().to_path_buf(),
            args: Vec::new(),
            cwd: None,
            clear_env: false,
            env: Vec::new(),
            stdin: None,
            deadline: None,
            max_line: DEFAULT_MAX_LINE,
            reap_orphans: false,
        }
    }

    /// The program run.
    pub fn program(&self) -> &Path {
        &self.program
    }

    /// The program and its arguments, as one line for messages.
    pub fn command_line(&self) -> String {
        std::iter::once(self.program.as_os_str())
            .chain(self.args.iter().map(OsString::as_os_str))
            .map(|a| a.to_string_lossy())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// One more argument.
    pub fn arg(mut self, arg: impl AsRef<OsStr>) -> ChildCommand {
        self.args.push(arg.as_ref().to_owned());
        self
    }

    /// More arguments.
    pub fn args<I: IntoIterator<Item = S>, S: AsRef<OsStr>>(mut self, args: I) -> ChildCommand {
        self.args
            .extend(args.into_iter().map(|a| a.as_ref().to_owned()));
        self
    }

    /// The working directory.
    pub fn cwd(mut self, dir: impl AsRef<Path>) -> ChildCommand {
        self.cwd = Some(dir.as_ref().to_path_buf());
        self
    }

    /// Starts from an empty environment instead of the caller's (variables
    /// set with [`ChildCommand::env`], before or after, are still set).
    pub fn env_clear(mut self) -> ChildCommand {
        self.clear_env = true;
        self
    }

    /// Only the user's variables `pass` lets through (all by default).
    pub fn pass_env(self, pass: &PassEnv) -> ChildCommand {
        let PassEnv::Only(names) = pass else {
            return self;
        };
        let mut cmd = self.env_clear();
        for name in names {
            if let Some(value) = std::env::var_os(name) {
                cmd = cmd.env(name, value);
            }
        }
        cmd
    }

    /// Sets a variable.
    pub fn env(mut self, key: impl AsRef<OsStr>, value: impl AsRef<OsStr>) -> ChildCommand {
        self.env
            .push((key.as_ref().to_owned(), Some(value.as_ref().to_owned())));
        self
    }

    /// Removes a variable.
    pub fn env_remove(mut self, key: impl AsRef<OsStr>) -> ChildCommand {
        self.env.push((key.as_ref().to_owned(), None));
        self
    }

    /// Bytes written to the child's stdin (closed after them); none by default.
    pub fn stdin(mut self, bytes: Vec<u8>) -> ChildCommand {
        self.stdin = Some(bytes);
        self
    }

    /// The child is killed when `deadline` passes and the run fails.
    pub fn deadline(mut self, deadline: Option<Instant>) -> ChildCommand {
        self.deadline = deadline;
        self
    }

    /// Lines longer than `bytes` are cut to it.
    pub fn max_line(mut self, bytes: usize) -> ChildCommand {
        self.max_line = bytes.max(1);
        self
    }

    /// Also kill processes that left the child's process group (Linux: venv
    /// is a child sub-reaper while the child runs). For programs run on a
    /// plugin's behalf; see the module docs.
    pub fn reap_orphans(mut self) -> ChildCommand {
        self.reap_orphans = true;
        self
    }

    /// Runs the child to its end, giving each output line (stdout and
    /// stderr, as they arrive) to `on_line`. The child's process group is
    /// killed when it ends, when the deadline passes, when a signal asks for
    /// a stop, or when `on_line` breaks (the run then fails with
    /// [`ProcessError::Stopped`] and the reason it gave).
    pub fn run(
        &self,
        on_line: &mut dyn FnMut(&str) -> ControlFlow<String>,
    ) -> Result<Finished, ProcessError> {
        let started = Instant::now();
        let mut command = Command::new(&self.program);
        command.args(&self.args);
        if self.clear_env {
            command.env_clear();
        }
        for (key, value) in &self.env {
            match value {
                Some(value) => command.env(key, value),
                None => command.env_remove(key),
            };
        }
        if let Some(dir) = &self.cwd {
            command.current_dir(dir);
        }
        let stdin = if self.stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        };
        command
            .stdin(stdin)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        own_process_group(&mut command);
        let reaper = self.reap_orphans.then(reaper::Reaper::start);
        let mut child = command.spawn().map_err(|source| ProcessError::Spawn {
            program: self.program.clone(),
            source,
        })?;
        let pid = child.id();
        running(pid, true);
        let mut writer = None;
        if let (Some(bytes), Some(mut pipe)) = (self.stdin.clone(), child.stdin.take()) {
            // From a thread of its own, so a child that answers before it has
            // read everything cannot fill its stdout and block us both.
            writer = Some(std::thread::spawn(move || {
                let _ = pipe.write_all(&bytes);
            }));
        }
        // Bounded: a child printing faster than lines are handled waits for us.
        let (tx, rx) = mpsc::sync_channel::<String>(256);
        let mut readers = Vec::new();
        let pipes: [Option<Box<dyn Read + Send>>; 2] = [
            child.stdout.take().map(|p| Box::new(p) as _),
            child.stderr.take().map(|p| Box::new(p) as _),
        ];
        for pipe in pipes.into_iter().flatten() {
            let (tx, max) = (tx.clone(), self.max_line);
            readers.push(std::thread::spawn(move || read_lines(pipe, max, &tx)));
        }
        drop(tx);

        let outcome = self.wait(&mut child, &rx, on_line, started);
        // Whatever happened, nothing of the child's group stays behind.
        kill_group(pid);
        if outcome.is_err() {
            let _ = child.kill();
        }
        let waited = child.wait();
        running(pid, false);
        if let Some(reaper) = reaper {
            reaper.finish(pid);
        }
        if let Some(writer) = writer {
            let _ = writer.join();
        }
        // A reader still blocked means something outside the group holds the
        // pipe; it is not waited for (it ends when that holder does).
        if matches!(outcome, Ok((_, true))) {
            for r in readers {
                let _ = r.join();
            }
        }
        let (tail, _) = outcome?;
        let status = waited.map_err(|source| ProcessError::Wait {
            program: self.program.clone(),
            source,
        })?;
        Ok(Finished { status, tail })
    }

    /// Streams lines until the child has exited and its pipes are closed
    /// (or, when something else still holds them, a moment after it
    /// exited). Returns the tail and whether the pipes closed.
    fn wait(
        &self,
        child: &mut std::process::Child,
        rx: &mpsc::Receiver<String>,
        on_line: &mut dyn FnMut(&str) -> ControlFlow<String>,
        started: Instant,
    ) -> Result<(Vec<String>, bool), ProcessError> {
        let program = || self.program.clone();
        let mut tail: Vec<String> = Vec::new();
        let mut pipes_closed = false;
        let mut exited: Option<Instant> = None;
        loop {
            if crate::interrupt::requested().is_some() {
                return Err(ProcessError::Interrupted { program: program() });
            }
            if let Some(deadline) = self.deadline.filter(|d| Instant::now() >= *d) {
                return Err(ProcessError::TimedOut {
                    program: program(),
                    seconds: deadline.saturating_duration_since(started).as_secs_f64(),
                });
            }
            if pipes_closed {
                std::thread::sleep(Duration::from_millis(5));
            } else {
                let wait = self.deadline.map_or(POLL, |d| {
                    d.saturating_duration_since(Instant::now()).min(POLL)
                });
                match rx.recv_timeout(wait) {
                    Ok(line) => {
                        if let ControlFlow::Break(reason) = on_line(&line) {
                            return Err(ProcessError::Stopped {
                                program: program(),
                                reason,
                            });
                        }
                        if !line.trim().is_empty() {
                            if tail.len() == TAIL_LINES {
                                tail.remove(0);
                            }
                            tail.push(line);
                        }
                        continue;
                    }
                    Err(mpsc::RecvTimeoutError::Timeout) => {}
                    Err(mpsc::RecvTimeoutError::Disconnected) => pipes_closed = true,
                }
            }
            if exited.is_none() {
                match child.try_wait() {
                    Ok(Some(_)) => exited = Some(Instant::now()),
                    Ok(None) => {}
                    Err(source) => {
                        return Err(ProcessError::Wait {
                            program: program(),
                            source,
                        })
                    }
                }
            }
            if let Some(at) = exited {
                if pipes_closed || at.elapsed() >= EXIT_GRACE {
                    return Ok((tail, pipes_closed));
                }
            }
        }
    }
}

/// Reads `pipe` in chunks and sends it line by line, each cut to `max` bytes.
fn read_lines(mut pipe: Box<dyn Read + Send>, max: usize, tx: &mpsc::SyncSender<String>) {
    let mut buf = vec![0u8; 8 << 10];
    let mut line: Vec<u8> = Vec::new();
    // True while the rest of an over-long line is being skipped.
    let mut skipping = false;
    let send = |line: &mut Vec<u8>| {
        let text = String::from_utf8_lossy(line).into_owned();
        line.clear();
        tx.send(text).is_ok()
    };
    loop {
        let n = match pipe.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        for &b in &buf[..n] {
            if b == b'\n' {
                if !skipping && !send(&mut line) {
                    return;
                }
                skipping = false;
            } else if !skipping {
                line.push(b);
                if line.len() >= max {
                    if !send(&mut line) {
                        return;
                    }
                    skipping = true;
                }
            }
        }
    }
    if !line.is_empty() {
        let _ = send(&mut line);
    }
}

/// Kills the process group led by `pid` (a child started by [`ChildCommand::run`]).
fn kill_group(pid: u32) {
    #[cfg(unix)]
    if let Some(pid) = rustix::process::Pid::from_raw(pid as i32) {
        let _ = rustix::process::kill_process_group(pid, rustix::process::Signal::KILL);
    }
    #[cfg(not(unix))]
    let _ = pid;
}

/// Children [`ChildCommand::run`] started and still waits for: never taken for orphans.
static RUNNING: std::sync::Mutex<Vec<u32>> = std::sync::Mutex::new(Vec::new());

fn running(pid: u32, started: bool) {
    let mut list = RUNNING.lock().unwrap_or_else(|e| e.into_inner());
    if started {
        list.push(pid);
    } else {
        list.retain(|p| *p != pid);
    }
}

#[cfg(unix)]
fn own_process_group(command: &mut Command) {
    use std::os::unix::process::CommandExt;
    command.process_group(0);
}

#[cfg(not(unix))]
fn own_process_group(_command: &mut Command) {}

/// Linux: venv is a child sub-reaper while a plugin's program runs, so a
/// daemon that left the program's process group is re-parented to venv; when
/// the run ends, every such process (and what is left of the group) is
/// killed and reaped. Elsewhere only the group is killed.
mod reaper {
    #[cfg(target_os = "linux")]
    use std::time::{Duration, Instant};

    /// How long [`Reaper::finish`] keeps killing what appears.
    #[cfg(target_os = "linux")]
    const SETTLE: Duration = Duration::from_secs(2);

    pub(super) struct Reaper {
        #[cfg(target_os = "linux")]
        was_subreaper: bool,
    }

    impl Reaper {
        pub(super) fn start() -> Reaper {
            #[cfg(target_os = "linux")]
            {
                use rustix::process::{child_subreaper, getpid, set_child_subreaper};
                let was_subreaper = child_subreaper().ok().flatten().is_some();
                let _ = set_child_subreaper(Some(getpid()));
                Reaper { was_subreaper }
            }
            #[cfg(not(target_os = "linux"))]
            Reaper {}
        }

        /// Kills the rest of `group` and every process re-parented to venv,
        /// until none is left: a dying daemon's own children are re-parented
        /// in turn, and exits are not instant.
        pub(super) fn finish(self, group: u32) {
            #[cfg(target_os = "linux")]
            {
                use rustix::process::{getpgrp, getpid, test_kill_process_group, Pid, Signal};
                use rustix::process::{kill_process, waitpid, WaitOptions};
                let me = getpid().as_raw_nonzero().get();
                let our_group = getpgrp().as_raw_nonzero().get();
                let started = Instant::now();
                loop {
                    super::kill_group(group);
                    let adopted: Vec<i32> = std::fs::read_dir("/proc")
                        .into_iter()
                        .flatten()
                        .flatten()
                        .filter_map(|e| e.file_name().to_str()?.parse::<i32>().ok())
                        .filter(|pid| {
                            parent_and_group(*pid)
                                .is_some_and(|(ppid, pgid)| ppid == me && pgid != our_group)
                        })
                        .filter(|pid| {
                            !super::RUNNING
                                .lock()
                                .map(|r| r.contains(&(*pid as u32)))
                                .unwrap_or(true)
                        })
                        .collect();
                    for pid in &adopted {
                        if let Some(p) = Pid::from_raw(*pid) {
                            let _ = kill_process(p, Signal::KILL);
                            let _ = waitpid(Some(p), WaitOptions::empty());
                        }
                    }
                    let group_gone = Pid::from_raw(group as i32)
                        .is_none_or(|g| test_kill_process_group(g).is_err());
                    if (adopted.is_empty() && group_gone) || started.elapsed() > SETTLE {
                        break;
                    }
                    std::thread::sleep(Duration::from_millis(10));
                }
            }
            #[cfg(not(target_os = "linux"))]
            super::kill_group(group);
        }
    }

    impl Drop for Reaper {
        fn drop(&mut self) {
            #[cfg(target_os = "linux")]
            if !self.was_subreaper {
                let _ = rustix::process::set_child_subreaper(None);
            }
        }
    }

    /// `(ppid, pgid)` from `/proc/PID/stat`: fields 4 and 5, after the
    /// command name in parentheses (which may hold spaces and parentheses).
    #[cfg(target_os = "linux")]
    fn parent_and_group(pid: i32) -> Option<(i32, i32)> {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        let rest = stat.get(stat.rfind(')')? + 2..)?;
        let mut fields = rest.split(' ');
        let _state = fields.next()?;
        let ppid = fields.next()?.parse().ok()?;
        let pgid = fields.next()?.parse().ok()?;
        Some((ppid, pgid))
    }
}
