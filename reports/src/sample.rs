//! Realistic report data made up in code, for the template tests and for measuring
//! rendering (`cargo run --release -p reports --example measure`).

use crate::data::*;

fn cover(title: &str, subject: &str) -> Cover {
    Cover {
        title: title.into(),
        subject: subject.into(),
        generated_at: "21 Nov 2026 14:05".into(),
        generated_by: "Morgan Price".into(),
        reference: "0b7c6f0e-4a1e-4a53-9c41-2f1d7d1f5a10".into(),
    }
}

const CATEGORIES: [&str; 4] = ["Personal care", "Medication", "Mobility", "Nutrition"];
const LEVELS: [&str; 5] = [
    "Not competent",
    "Advanced beginner",
    "Competent",
    "Proficient",
    "Expert",
];

/// A carer with `tasks` tasks and `assessments` completed assessments, each of 3
/// sections of 4 items.
pub fn evidence_pack(tasks: usize, assessments: usize) -> EvidencePack {
    let task_name = |i: usize| format!("Task {:02}: {}", i + 1, CATEGORIES[i % 4]);
    EvidencePack {
        cover: cover("Competency evidence pack", "Alex Morgan"),
        carer: CarerDetails {
            name: "Alex Morgan".into(),
            email: "alex.morgan@example.org".into(),
            phone: "+44 7700 900123".into(),
            job_title: "Senior carer".into(),
            started_on: "3 Mar 2025".into(),
            status: "Active".into(),
            packages: vec!["Rose Court".into(), "Elm House".into()],
        },
        overall_percent: 64,
        progress: (0..tasks)
            .map(|i| {
                let target = 10 + (i as i32 % 5) * 5;
                let done = (i as i32 * 7) % (target + 3);
                TaskProgress {
                    task: task_name(i),
                    category: CATEGORIES[i % 4].into(),
                    done,
                    target,
                    percent: (done.min(target) * 100 / target) as u32,
                    assigned: i % 7 != 6,
                }
            })
            .collect(),
        ratings: (0..tasks)
            .map(|i| Rating {
                task: task_name(i),
                effective: LEVELS[i % 5].into(),
                latest: LEVELS[(i + 1) % 5].into(),
                state: ["Confirmed", "Pending", "Disputed"][i % 3].into(),
                source: if i % 4 == 0 {
                    "Set directly"
                } else {
                    "Assessment"
                }
                .into(),
                rated_on: format!("{} Oct 2026", 1 + i % 28),
                rated_by: "Priya Shah".into(),
                confirmed_on: if i % 3 == 0 {
                    "30 Oct 2026".into()
                } else {
                    String::new()
                },
                review_due: "30 Oct 2027".into(),
                notes: if i % 3 == 2 {
                    vec!["Disputed: I have done this many times at Elm House.".into()]
                } else {
                    Vec::new()
                },
            })
            .collect(),
        assessments: (0..assessments)
            .map(|a| Assessment {
                title: format!("Assessment {}: {}", a + 1, CATEGORIES[a % 4]),
                status: "Completed".into(),
                tasks: (0..4)
                    .map(|t| task_name((a * 4 + t) % tasks.max(1)))
                    .collect(),
                conducted_on: format!("{} Oct 2026", 2 + a),
                assessor: "Priya Shah".into(),
                score: format!("{}.50 %", 60 + a * 7),
                suggested: LEVELS[2 + a % 3].into(),
                level: LEVELS[2 + a % 3].into(),
                judgement_reason: if a == 1 {
                    "Observed twice more on shift; consistently safe.".into()
                } else {
                    String::new()
                },
                comments: "Calm and methodical; explained each step to the client.".into(),
                approved: "Approved by Morgan Price on 12 Oct 2026".into(),
                sections: ["Knowledge 40 %", "Practical 40 %", "Emergency 20 %"]
                    .iter()
                    .map(|name| AssessmentSection {
                        name: (*name).into(),
                        items: (0..4)
                            .map(|i| AssessmentItem {
                                prompt: format!(
                                    "Question {}: describe how you would check the client's \
                                     medication record before administering.",
                                    i + 1
                                ),
                                answer: "Check the MAR chart against the label, the time and \
                                         the client; record it at once."
                                    .into(),
                                score: if i == 3 {
                                    "N/A".into()
                                } else {
                                    format!("{} / 4", 2 + i % 3)
                                },
                            })
                            .collect(),
                    })
                    .collect(),
            })
            .collect(),
        history: (0..tasks * 2)
            .map(|i| HistoryEntry {
                at: format!("{} Oct 2026 09:{:02}", 1 + i % 28, i % 60),
                task: task_name(i % tasks.max(1)),
                level: LEVELS[i % 5].into(),
                state: ["Pending", "Confirmed", "Disputed"][i % 3].into(),
                source: "Assessment".into(),
                by: "Priya Shah".into(),
                reason: String::new(),
            })
            .collect(),
    }
}

pub fn rota_week() -> RotaWeek {
    let days: Vec<String> = [
        "Mon 23 Nov",
        "Tue 24 Nov",
        "Wed 25 Nov",
        "Thu 26 Nov",
        "Fri 27 Nov",
        "Sat 28 Nov",
        "Sun 29 Nov",
    ]
    .iter()
    .map(|d| (*d).to_owned())
    .collect();
    let carers = ["Alex Morgan", "Sam Okafor", "Jo Bell", "Ali Khan"];
    let row = |label: &str, times: &str, offset: usize| RotaRow {
        label: label.into(),
        cells: (0..7)
            .map(|d| {
                let short = (d + offset).is_multiple_of(5);
                vec![RotaShift {
                    times: times.into(),
                    carers: if short {
                        vec![carers[d % 4].into()]
                    } else {
                        vec![carers[d % 4].into(), carers[(d + 1) % 4].into()]
                    },
                    cover: if short {
                        "1 of 2 — short".into()
                    } else {
                        "2 of 2".into()
                    },
                    short,
                }]
            })
            .collect(),
    };
    RotaWeek {
        cover: cover("Rota", "Rose Court · week of 23 Nov 2026"),
        package: "Rose Court".into(),
        publication: "Published 20 Nov 2026 16:30 by Morgan Price".into(),
        days,
        rows: vec![row("Day", "08:00–20:00", 0), row("Night", "20:00–08:00", 2)],
        totals: carers
            .iter()
            .map(|c| RotaTotal {
                carer: (*c).into(),
                shifts: 3,
                nights: 1,
                hours: "34.5".into(),
            })
            .collect(),
    }
}

pub fn compliance() -> Compliance {
    Compliance {
        cover: cover("Compliance summary", "1 Nov 2026 – 30 Nov 2026"),
        period: "1 Nov 2026 – 30 Nov 2026".into(),
        summary: vec![
            Figure {
                label: "Shifts in the period".into(),
                value: "412".into(),
            },
            Figure {
                label: "Rule overrides".into(),
                value: "2".into(),
            },
            Figure {
                label: "Rule breaches".into(),
                value: "1".into(),
            },
        ],
        overrides: vec![RuleOverride {
            at: "12 Nov 2026 10:02".into(),
            rule: "Rest between shifts (11 h)".into(),
            carer: "Sam Okafor".into(),
            shift: "Fri 13 Nov 08:00–20:00, Rose Court".into(),
            by: "Morgan Price".into(),
            reason: "Agency cover fell through; compensatory rest on Sunday.".into(),
        }],
        violations: vec![RuleBreach {
            rule: "Weekly rest (24 h in 7 days)".into(),
            severity: "Error".into(),
            carer: "Jo Bell".into(),
            message: "No 24-hour rest between Mon 16 Nov and Sun 22 Nov.".into(),
        }],
        pending_confirmations: vec![PendingConfirmation {
            carer: "Ali Khan".into(),
            task: "Task 03: Mobility".into(),
            level: "Competent".into(),
            rated_on: "2 Nov 2026".into(),
            waiting_days: 19,
        }],
        overdue_reviews: Vec::new(),
    }
}
