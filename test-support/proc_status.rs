//! Reading this process's `/proc/self/status` (Linux), for the tests that measure peak memory: each crate's
//! `tests/it/main.rs` includes this file with `#[path = "../../../test-support/proc_status.rs"] mod proc_status;`.

/// The value of `field` (e.g. `VmHWM:`, `VmRSS:`) in `/proc/self/status`, in KiB.
pub fn status_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let line = status
        .lines()
        .find(|l| l.starts_with(field))
        .expect("field");
    line.split_whitespace()
        .nth(1)
        .expect("value")
        .parse()
        .expect("number")
}
