//! Measuring a whole process for the benches that include this file with `#[path]`: its exit
//! code, wall time, CPU time and peak resident memory.

use std::process::Command;
use std::time::{Duration, Instant};

/// What a measured run gave.
pub struct Measured {
    /// The exit code; -9 when the run was killed, -1 for another signal.
    pub code: i32,
    pub wall: Duration,
    /// The process's peak RSS (`ru_maxrss` from `wait4`). It includes the pages the child shared
    /// with the bench when it was forked, so a bench keeps its own memory small.
    pub rss_kb: u64,
    /// User and system CPU time of the process, all its threads (`ru_utime` and `ru_stime`).
    // Not every bench that includes this file reports it.
    #[allow(dead_code)]
    pub cpu: Duration,
}

/// Spawns `command` (its arguments, folder and standard streams set by the caller), kills it
/// after `kill_after`, and reaps it with `wait4`.
// The child is reaped by wait4, which also gives its resource usage.
#[allow(clippy::zombie_processes)]
pub fn measure(command: &mut Command, kill_after: Duration) -> Measured {
    let start = Instant::now();
    let child = command.spawn().expect("the program runs");
    let pid = child.id() as libc::pid_t;
    let mut status: libc::c_int = 0;
    // SAFETY: a zeroed rusage is a valid value for wait4 to fill in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let mut killed = false;
    loop {
        // SAFETY: waits for our own child, with pointers to live locals.
        let r = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        if r == pid {
            break;
        }
        assert_eq!(r, 0, "wait4 failed");
        if !killed && start.elapsed() > kill_after {
            // SAFETY: signals our own child, not yet reaped.
            unsafe { libc::kill(pid, libc::SIGKILL) };
            killed = true;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    let wall = start.elapsed();
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else if killed {
        -9
    } else {
        -1
    };
    let time = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    Measured {
        code,
        wall,
        rss_kb: usage.ru_maxrss as u64,
        cpu: time(usage.ru_utime) + time(usage.ru_stime),
    }
}

/// The median of some measurements.
pub fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}
