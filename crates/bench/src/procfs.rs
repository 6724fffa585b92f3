//! CPU time and peak memory from `/proc` (Linux only).

use std::fs;
use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;

/// Clock ticks per second of the `utime`/`stime` fields (`getconf CLK_TCK`, else 100).
fn ticks_per_second() -> f64 {
    static TICKS: OnceLock<f64> = OnceLock::new();
    *TICKS.get_or_init(|| {
        Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .ok()
            .and_then(|out| String::from_utf8(out.stdout).ok())
            .and_then(|text| text.trim().parse::<f64>().ok())
            .filter(|ticks| *ticks > 0.0)
            .unwrap_or(100.0)
    })
}

/// A process's state and user and system CPU time, from `/proc/<pid>/stat`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Stat {
    /// `R`, `S`, `Z`, ...
    pub(crate) state: char,
    /// Seconds of user CPU time, all threads, dead ones included.
    pub(crate) user_s: f64,
    /// Seconds of system CPU time, all threads, dead ones included.
    pub(crate) sys_s: f64,
}

/// Reads `/proc/<pid>/stat` (`pid` may be `self`).
pub(crate) fn stat(pid: &str) -> Option<Stat> {
    let text = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) may hold spaces and parentheses: split after its last ')'.
    let (_, rest) = text.rsplit_once(')')?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // rest starts at field 3 (state); utime and stime are fields 14 and 15.
    let state = fields.first()?.chars().next()?;
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    let ticks = ticks_per_second();
    Some(Stat {
        state,
        user_s: utime / ticks,
        sys_s: stime / ticks,
    })
}

/// CPU seconds of this process's live threads, in nanoseconds (the first field of each
/// `/proc/self/task/*/schedstat`; the kernel brings it up to date at every tick and context
/// switch), leaving out the thread `except` (a thread id) if given. Threads that already
/// exited are not counted.
pub(crate) fn threads_cpu_s(except: Option<u32>) -> f64 {
    let Ok(tasks) = fs::read_dir("/proc/self/task") else {
        return 0.0;
    };
    let mut total_ns: u64 = 0;
    for task in tasks.flatten() {
        let tid = task.file_name();
        if except.is_some_and(|except| tid.to_str() == Some(except.to_string().as_str())) {
            continue;
        }
        total_ns += read_schedstat(&task.path()).unwrap_or(0);
    }
    total_ns as f64 / 1e9
}

fn read_schedstat(task: &Path) -> Option<u64> {
    fs::read_to_string(task.join("schedstat"))
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// The user and system CPU seconds of this process's children that have been waited for,
/// all threads, to the microsecond (`getrusage(RUSAGE_CHILDREN)`; the kernel splits the
/// precise total between user and system by its tick samples).
pub(crate) fn children_cpu_s() -> Result<(f64, f64), String> {
    use nix::sys::resource::{UsageWho, getrusage};
    let usage = getrusage(UsageWho::RUSAGE_CHILDREN).map_err(|e| format!("getrusage: {e}"))?;
    let seconds = |t: nix::sys::time::TimeVal| t.tv_sec() as f64 + t.tv_usec() as f64 / 1e6;
    Ok((seconds(usage.user_time()), seconds(usage.system_time())))
}

/// The peak resident set size (`VmHWM`) of a process in KiB, from `/proc/<pid>/status`.
pub(crate) fn vm_hwm_kib(pid: &str) -> Option<u64> {
    let text = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    text.lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_this_process() {
        let stat = stat("self").unwrap();
        // The main thread waits for this test's thread: running or sleeping.
        assert!(['R', 'S'].contains(&stat.state), "{}", stat.state);
        assert!(stat.user_s >= 0.0 && stat.sys_s >= 0.0);
        assert!(vm_hwm_kib("self").unwrap() > 100);
        // Burn some CPU, then get descheduled once: the kernel accounts a running thread's
        // time at ticks and context switches.
        let started = std::time::Instant::now();
        let mut x = 0u64;
        while started.elapsed() < std::time::Duration::from_millis(30) {
            x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(1));
        }
        std::thread::sleep(std::time::Duration::from_millis(1));
        assert!(threads_cpu_s(None) > 0.01, "{x}");
    }
}
