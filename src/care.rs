//! Care packages, tasks and daily practice (SPEC §2): what a care manager types in,
//! the daily cap on logged completions, and progress towards a task's target. The
//! browser checks a form with these rules before sending it; the server checks again.

use crate::{
    DailyCompletionCount, PostcodeDistrict, Role, TargetCount, ValidationError, text::single_line,
};
use serde::{Deserialize, Serialize};

/// Completions one carer may log for one task on one London calendar day.
pub const DAILY_CAP: i32 = DailyCompletionCount::MAX;

pub const NAME_MAX: usize = 120;
pub const CATEGORY_MAX: usize = 60;
pub const DESCRIPTION_MAX: usize = 2000;
pub const ADDRESS_MAX_LINES: usize = 6;
pub const ADDRESS_LINE_MAX: usize = 100;

/// A care package's form as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct PackageForm {
    pub name: String,
    pub postcode_district: String,
    pub client_name: String,
    /// One address line per line of text.
    pub address: String,
}

/// A care package ready to store. The client's name and address are personal data and
/// are sealed before they reach the database.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PackageDraft {
    pub name: String,
    pub postcode_district: PostcodeDistrict,
    pub client_name: String,
    pub address_lines: Vec<String>,
}

impl PackageDraft {
    pub fn parse(form: &PackageForm) -> Result<Self, ValidationError> {
        Ok(Self {
            name: single_line(&form.name, "name", NAME_MAX, "Enter the package's name")?,
            postcode_district: PostcodeDistrict::parse(&form.postcode_district)?,
            client_name: single_line(
                &form.client_name,
                "client_name",
                NAME_MAX,
                "Enter the client's name",
            )?,
            address_lines: address_lines(&form.address)?,
        })
    }
}

/// The lines of an address: blank lines dropped, each tidied, 1–6 lines.
pub fn address_lines(raw: &str) -> Result<Vec<String>, ValidationError> {
    let lines = raw
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| single_line(line, "address", ADDRESS_LINE_MAX, "Enter the address"))
        .collect::<Result<Vec<_>, _>>()?;
    match lines.len() {
        0 => Err(ValidationError::new(
            "address",
            "Enter the address (the postcode district is asked for separately)",
        )),
        n if n > ADDRESS_MAX_LINES => Err(ValidationError::new(
            "address",
            format!("An address can have at most {ADDRESS_MAX_LINES} lines"),
        )),
        _ => Ok(lines),
    }
}

/// A task's form as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct TaskForm {
    pub name: String,
    pub category: String,
    pub description: String,
    pub target_count: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskDraft {
    pub name: String,
    pub category: String,
    pub description: String,
    pub target_count: TargetCount,
}

impl TaskDraft {
    pub fn parse(form: &TaskForm) -> Result<Self, ValidationError> {
        let name = single_line(&form.name, "name", NAME_MAX, "Enter the task's name")?;
        let category = if form.category.trim().is_empty() {
            "General".to_owned()
        } else {
            single_line(&form.category, "category", CATEGORY_MAX, "Enter a category")?
        };
        let description = form.description.trim().to_owned();
        if description.chars().count() > DESCRIPTION_MAX {
            return Err(ValidationError::new(
                "description",
                format!("A description can be at most {DESCRIPTION_MAX} characters"),
            ));
        }
        let target_count = whole_number(&form.target_count, "target_count").and_then(|n| {
            TargetCount::new(n).map_err(|_| {
                ValidationError::new(
                    "target_count",
                    format!(
                        "Enter a target from {} to {} completions",
                        TargetCount::MIN,
                        TargetCount::MAX
                    ),
                )
            })
        })?;
        Ok(Self {
            name,
            category,
            description,
            target_count,
        })
    }
}

fn whole_number(raw: &str, field: &'static str) -> Result<i32, ValidationError> {
    raw.trim()
        .parse()
        .map_err(|_| ValidationError::new(field, "Enter a whole number"))
}

/// The completions typed into "Today, have you performed …?", checked against what is
/// left of today's allowance for that task.
pub fn parse_daily_count(
    raw: &str,
    logged_today: i32,
) -> Result<DailyCompletionCount, ValidationError> {
    let remaining = remaining_today(logged_today);
    let count = whole_number(raw, "count")
        .and_then(DailyCompletionCount::new)
        .map_err(|_| {
            ValidationError::new(
                "count",
                format!("Enter a number from 1 to {}", remaining.clamp(1, DAILY_CAP)),
            )
        })?;
    if count.get() > remaining {
        return Err(over_the_cap(remaining));
    }
    Ok(count)
}

/// What is left of today's allowance after `logged_today`.
pub const fn remaining_today(logged_today: i32) -> i32 {
    let left = DAILY_CAP - logged_today;
    if left < 0 { 0 } else { left }
}

/// How long a log made offline may wait to be sent.
pub const OFFLINE_LOG_MAX_AGE: time::Duration = time::Duration::days(7);
/// Device clocks drift; a log this far ahead of the server's clock is still accepted.
pub const CLOCK_SKEW: time::Duration = time::Duration::minutes(5);

/// When a carer says the practice happened (a phone that was offline sends its own
/// time): not in the future, not more than a week ago.
pub fn check_logged_at(
    logged_at: time::OffsetDateTime,
    now: time::OffsetDateTime,
) -> Result<(), ValidationError> {
    if logged_at > now + CLOCK_SKEW {
        return Err(ValidationError::new(
            "logged_at",
            "That time is in the future. Check the clock on your phone.",
        ));
    }
    if logged_at < now - OFFLINE_LOG_MAX_AGE {
        return Err(ValidationError::new(
            "logged_at",
            "Practice can be logged up to 7 days afterwards.",
        ));
    }
    Ok(())
}

/// The refusal when a log would pass the daily cap.
pub fn over_the_cap(remaining: i32) -> ValidationError {
    ValidationError::new(
        "count",
        match remaining {
            0 => format!("You have logged the most allowed for this task today ({DAILY_CAP})."),
            1 => "You can log 1 more for this task today.".to_owned(),
            n => format!("You can log {n} more for this task today."),
        },
    )
}

/// Progress towards a task's target: global per carer × task, across every package.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Progress {
    pub current: i32,
    pub target: i32,
}

impl Progress {
    /// Percent of the target, to one decimal place, at most 100.
    pub fn percent(&self) -> f64 {
        percent(self.current.min(self.target), self.target)
    }

    pub const fn is_complete(&self) -> bool {
        self.current >= self.target
    }
}

fn percent(done: i32, of: i32) -> f64 {
    if of <= 0 {
        return 100.0;
    }
    (f64::from(done) * 1000.0 / f64::from(of)).floor() / 10.0
}

/// Progress over several tasks: completions that count (none beyond a task's target)
/// over the sum of targets. No tasks at all is nothing to do, not 100 %.
pub fn overall_percent(tasks: &[Progress]) -> Option<f64> {
    if tasks.is_empty() {
        return None;
    }
    let done: i64 = tasks
        .iter()
        .map(|p| i64::from(p.current.clamp(0, p.target)))
        .sum();
    let of: i64 = tasks.iter().map(|p| i64::from(p.target)).sum();
    Some(if of == 0 {
        100.0
    } else {
        (done as f64 * 1000.0 / of as f64).floor() / 10.0
    })
}

/// Progress as sent to browsers and API clients: the counts and the percentage.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct ProgressReport {
    pub current: i32,
    pub target: i32,
    pub percent: f64,
}

impl From<Progress> for ProgressReport {
    fn from(p: Progress) -> Self {
        Self {
            current: p.current,
            target: p.target,
            percent: p.percent(),
        }
    }
}

/// Whether `role` may read a package's client name and address: care managers, and the
/// carers who work there. Everyone else sees the package's name and district only.
pub const fn may_see_client_details(role: Role, works_there: bool) -> bool {
    match role {
        Role::Admin => true,
        Role::Carer => works_there,
        Role::Assessor | Role::Viewer => false,
    }
}

/// "37.5 %", as the bars and summaries show it.
pub fn format_percent(value: f64) -> String {
    format!("{value:.1} %")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn package() -> PackageForm {
        PackageForm {
            name: " Oak  House ".into(),
            postcode_district: "m14".into(),
            client_name: "Edith Clarke".into(),
            address: "12 Oak Road\n\n  Fallowfield \nManchester".into(),
        }
    }

    #[test]
    fn a_package_form_is_tidied() {
        let draft = PackageDraft::parse(&package()).unwrap();
        assert_eq!(draft.name, "Oak House");
        assert_eq!(draft.postcode_district.as_str(), "M14");
        assert_eq!(
            draft.address_lines,
            vec!["12 Oak Road", "Fallowfield", "Manchester"]
        );
    }

    #[test]
    fn package_mistakes_name_their_field() {
        let field = |form: PackageForm| PackageDraft::parse(&form).unwrap_err().field;
        assert_eq!(
            field(PackageForm {
                name: "  ".into(),
                ..package()
            }),
            "name"
        );
        assert_eq!(
            field(PackageForm {
                postcode_district: "M14 5AB".into(),
                ..package()
            }),
            "postcode_district"
        );
        assert_eq!(
            field(PackageForm {
                client_name: "".into(),
                ..package()
            }),
            "client_name"
        );
        assert_eq!(
            field(PackageForm {
                address: "\n \n".into(),
                ..package()
            }),
            "address"
        );
        assert_eq!(
            field(PackageForm {
                address: "a\nb\nc\nd\ne\nf\ng".into(),
                ..package()
            }),
            "address"
        );
        assert_eq!(
            field(PackageForm {
                name: "x".repeat(NAME_MAX + 1),
                ..package()
            }),
            "name"
        );
    }

    #[test]
    fn task_targets_are_whole_numbers_from_1_to_1000() {
        let task = |target: &str| {
            TaskDraft::parse(&TaskForm {
                name: "Medication administration".into(),
                category: "".into(),
                description: "".into(),
                target_count: target.into(),
            })
        };
        assert_eq!(task("20").unwrap().target_count.get(), 20);
        assert_eq!(task("20").unwrap().category, "General");
        for bad in ["0", "1001", "", "ten", "2.5"] {
            let err = task(bad).unwrap_err();
            assert_eq!(err.field, "target_count", "{bad}");
        }
        assert!(task("0").unwrap_err().message.contains("from 1 to 1000"));
    }

    #[test]
    fn the_daily_count_respects_what_is_left_today() {
        assert_eq!(parse_daily_count("3", 0).unwrap().get(), 3);
        assert_eq!(parse_daily_count(" 100 ", 0).unwrap().get(), 100);
        for bad in ["0", "101", "three", "", "-1", "1.5"] {
            assert_eq!(
                parse_daily_count(bad, 0).unwrap_err().field,
                "count",
                "{bad}"
            );
        }
        let err = parse_daily_count("5", 97).unwrap_err();
        assert_eq!(err.message, "You can log 3 more for this task today.");
        assert!(
            parse_daily_count("1", 100)
                .unwrap_err()
                .message
                .contains("the most allowed")
        );
        assert_eq!(remaining_today(120), 0);
    }

    #[test]
    fn percentages_round_down_and_stop_at_100() {
        let p = |current, target| Progress { current, target };
        assert_eq!(p(1, 3).percent(), 33.3);
        assert_eq!(p(2, 3).percent(), 66.6);
        assert_eq!(
            p(999, 1000).percent(),
            99.9,
            "never shows 100 % before it is"
        );
        assert_eq!(p(25, 20).percent(), 100.0);
        assert!(p(20, 20).is_complete());
        assert_eq!(overall_percent(&[p(10, 10), p(0, 10)]), Some(50.0));
        assert_eq!(
            overall_percent(&[p(30, 10), p(0, 10)]),
            Some(50.0),
            "extra completions do not count"
        );
        assert_eq!(overall_percent(&[]), None);
        assert_eq!(format_percent(100.0), "100.0 %");
        assert_eq!(ProgressReport::from(p(3, 4)).percent, 75.0);
    }

    #[test]
    fn offline_logs_may_be_a_week_old_but_not_from_the_future() {
        let now = time::macros::datetime!(2026-11-21 12:00 UTC);
        assert!(check_logged_at(now, now).is_ok());
        assert!(check_logged_at(now + time::Duration::minutes(4), now).is_ok());
        assert!(check_logged_at(now + time::Duration::minutes(6), now).is_err());
        assert!(check_logged_at(now - time::Duration::days(7), now).is_ok());
        assert_eq!(
            check_logged_at(now - time::Duration::days(8), now)
                .unwrap_err()
                .field,
            "logged_at"
        );
    }

    #[test]
    fn client_details_are_for_managers_and_the_carers_who_work_there() {
        assert!(may_see_client_details(Role::Admin, false));
        assert!(may_see_client_details(Role::Carer, true));
        assert!(!may_see_client_details(Role::Carer, false));
        assert!(!may_see_client_details(Role::Assessor, true));
        assert!(!may_see_client_details(Role::Viewer, true));
    }
}
