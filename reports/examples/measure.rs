//! Measures report rendering for the performance notes: the evidence pack of a carer
//! with 20 tasks and 5 assessments, rendered 100 times in a row, as the job worker
//! would. Prints the time of the first render (fonts and library loaded cold), the
//! median and slowest of the rest, and the process's memory: resident after the first
//! report, after all of them, and the peak (Linux `/proc/self/status`).
//!
//! `cargo run --release -p reports --example measure [-- COUNT]`

use reports::{Report, render, sample};
use std::time::Duration;

fn status(field: &str) -> String {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix(field).map(|v| v.trim().to_owned()))
        .unwrap_or_else(|| "unknown".into())
}

fn main() {
    let count: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(100);
    let report = Report::EvidencePack(sample::evidence_pack(20, 5));
    let today = time::macros::date!(2026 - 11 - 21);
    println!("before any report: resident {}", status("VmRSS:"));

    let first = render(&report, today).expect("the sample renders");
    println!(
        "first report: {} pages, {} KiB, {:?}; resident {}, peak {}",
        first.pages,
        first.bytes.len() / 1024,
        first.took,
        status("VmRSS:"),
        status("VmHWM:")
    );
    let mut times: Vec<Duration> = Vec::with_capacity(count);
    for i in 1..count {
        times.push(render(&report, today).expect("the sample renders").took);
        if i == count / 2 {
            println!("after {} reports: resident {}", i + 1, status("VmRSS:"));
        }
    }
    times.sort();
    if let (Some(median), Some(slowest)) = (times.get(times.len() / 2), times.last()) {
        println!("warm renders: median {median:?}, slowest {slowest:?}");
    }
    println!(
        "after {count} reports: resident {}, peak {}",
        status("VmRSS:"),
        status("VmHWM:")
    );
}
