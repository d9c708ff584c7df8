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
/// after `kill_after`, and reaps it with `wait4`. The wall time ends when the child exits, to the
/// system's precision: this thread blocks in `waitid` (a polling loop would add up to its period,
/// a few percent of a 50 ms run), while a watchdog thread waits out `kill_after`.
// The child is reaped by wait4, which also gives its resource usage.
#[allow(clippy::zombie_processes)]
pub fn measure(command: &mut Command, kill_after: Duration) -> Measured {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{Arc, Condvar, Mutex};

    let start = Instant::now();
    let child = command.spawn().expect("the program runs");
    let pid = child.id() as libc::pid_t;
    // Set, under its lock, once the child has exited and before it is reaped: until then its pid
    // is still its own, so the watchdog never signals another process.
    let exited = Arc::new((Mutex::new(false), Condvar::new()));
    let killed = Arc::new(AtomicBool::new(false));
    let watchdog = {
        let (exited, killed) = (exited.clone(), killed.clone());
        std::thread::spawn(move || {
            let (lock, woken) = &*exited;
            let done = lock.lock().unwrap();
            let (done, _) = woken
                .wait_timeout_while(done, kill_after, |done| !*done)
                .unwrap();
            if !*done {
                // SAFETY: signals our own child, not yet reaped (see `exited`).
                unsafe { libc::kill(pid, libc::SIGKILL) };
                killed.store(true, Ordering::SeqCst);
            }
        })
    };
    loop {
        // SAFETY: a zeroed siginfo_t is a valid value for waitid to fill in.
        let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
        // SAFETY: waits for our own child without reaping it (WNOWAIT), with a pointer to a live
        // local.
        let r = unsafe {
            libc::waitid(
                libc::P_PID,
                pid as libc::id_t,
                &mut info,
                libc::WEXITED | libc::WNOWAIT,
            )
        };
        if r == 0 {
            break;
        }
        assert_eq!(
            std::io::Error::last_os_error().kind(),
            std::io::ErrorKind::Interrupted,
            "waitid failed"
        );
    }
    let wall = start.elapsed();
    {
        let (lock, woken) = &*exited;
        *lock.lock().unwrap() = true;
        woken.notify_all();
    }
    watchdog.join().unwrap();
    let mut status: libc::c_int = 0;
    // SAFETY: a zeroed rusage is a valid value for wait4 to fill in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: reaps our own child, which has exited, with pointers to live locals.
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(r, pid, "wait4 failed");
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else if killed.load(Ordering::SeqCst) {
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

/// The order to run `n` builds in, round `round`: each round in the other order, since a command
/// that follows another's output or deletions gets the memory the system has just freed, which
/// is quicker to have than new memory, and a fixed order would favour the second build.
// Not every bench that includes this file compares builds.
#[allow(dead_code)]
pub fn round_order(n: usize, round: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    if round % 2 == 1 {
        order.reverse();
    }
    order
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
