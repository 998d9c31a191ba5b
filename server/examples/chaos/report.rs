//! What the run found, printed for docs/OPERATIONS.md.

use super::*;

pub(super) struct Report<'a> {
    pub(super) carers: usize,
    pub(super) seconds: f64,
    pub(super) stored: i64,
    pub(super) stored_keys: i64,
    pub(super) drained: usize,
    pub(super) email_rows: i64,
    pub(super) emails_sent: &'a [String],
    pub(super) delivered: &'a [String],
    pub(super) rss_before: u64,
    pub(super) rss_after: u64,
    pub(super) slow_cut: usize,
}

pub(super) fn report(record: &Record, r: Report<'_>) {
    let outcomes: Vec<&Outcome> = record.outcomes.iter().collect();
    let by_status = |outcomes: &[&Outcome]| {
        let mut counts: BTreeMap<u16, usize> = BTreeMap::new();
        for o in outcomes {
            *counts.entry(o.status).or_default() += 1;
        }
        counts
    };
    println!(
        "Chaos run: {} phones, {:.0} s, release build (web and worker processes)",
        r.carers, r.seconds
    );
    println!(
        "  requests {} by status {:?} (0: no answer)",
        outcomes.len(),
        by_status(&outcomes)
    );
    let acknowledged = record.acknowledged.len() as i64;
    println!(
        "  logs acknowledged {acknowledged}, stored {} ({} distinct keys); {} were still in outboxes at the end and sent again: {}",
        r.stored,
        r.stored_keys,
        r.drained,
        if acknowledged == r.stored && r.stored == r.stored_keys {
            "0 lost, 0 doubled"
        } else {
            "MISMATCH"
        }
    );
    for (fault, began) in &record.began {
        let back = record.returned.get(fault).copied().unwrap_or(*began);
        let during: Vec<&Outcome> = outcomes
            .iter()
            .copied()
            .filter(|o| o.at >= *began && o.at <= back + 5.0)
            .collect();
        let failed: Vec<&Outcome> = during
            .iter()
            .copied()
            .filter(|o| !(200..400).contains(&o.status))
            .collect();
        let first_ack_after = outcomes
            .iter()
            .filter(|o| o.kind == "log" && (200..300).contains(&o.status) && o.at >= back)
            .map(|o| o.at - back)
            .fold(f64::INFINITY, f64::min);
        println!(
            "  {fault}: {:.1} s down; {} of {} requests failed {:?}; first acknowledged log {:.2} s after it returned",
            back - began,
            failed.len(),
            during.len(),
            by_status(&failed),
            first_ack_after
        );
    }
    let five_hundreds: Vec<&&Outcome> = outcomes.iter().filter(|o| o.status >= 500).collect();
    let without_retry = five_hundreds.iter().filter(|o| !o.retry_after).count();
    let internal = five_hundreds.iter().filter(|o| o.status == 500).count();
    println!(
        "  5xx answers {}: {} were 500, {} lacked Retry-After",
        five_hundreds.len(),
        internal,
        without_retry
    );
    let mut unique = r.delivered.to_vec();
    unique.dedup();
    let sent: HashSet<&String> = r.emails_sent.iter().collect();
    let delivered_sent = unique.iter().filter(|id| sent.contains(id)).count();
    println!(
        "  emails queued {}, marked sent {}, messages delivered {} ({} distinct Message-IDs, {} of the sent ones): {}",
        r.email_rows,
        r.emails_sent.len(),
        r.delivered.len(),
        unique.len(),
        delivered_sent,
        if r.delivered.len() == unique.len()
            && delivered_sent == r.emails_sent.len()
            && r.emails_sent.len() as i64 == r.email_rows
        {
            "each exactly once"
        } else {
            "NOT exactly once"
        }
    );
    println!(
        "  slow clients: {} of 50 cut off by the server within 30 s",
        r.slow_cut
    );
    println!(
        "  web server resident memory {:.1} MiB before, {:.1} MiB after",
        r.rss_before as f64 / 1024.0,
        r.rss_after as f64 / 1024.0
    );
}
