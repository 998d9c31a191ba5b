//! "Who can cover?" (SPEC §4): for one shift, every carer in the rota who is not on it,
//! ranked by what placing them would break, competence, continuity with the package,
//! fairness and hours headroom — with the reasons spelled out.
//!
//! Each candidate is tried with the incremental checker (assign, read the findings,
//! take them off again), so the ranking uses exactly the rules the rota is checked by.

use super::{
    Checker, RuleId, Violation,
    calendar::is_weekend,
    check::{Change, ChangeError},
    model::ShiftKind,
};
use crate::ids::{ShiftId, UserId};
use serde::{Deserialize, Serialize};

/// How far back continuity and fairness look.
const LOOKBACK_DAYS: i64 = 28;

/// One carer who could take the shift, and why they rank where they do.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Candidate {
    pub carer_id: UserId,
    /// What placing them would newly break.
    pub violations: Vec<Violation>,
    /// Competent in all of the package's tasks.
    pub competent: bool,
    /// Their shifts at this package in the four weeks before this one.
    pub shifts_here: u32,
    /// Weekend and night shifts they worked in those four weeks.
    pub weekends: u32,
    pub nights: u32,
    /// Contracted hours left in the shift's week once they take it (negative: over).
    pub headroom_hours: f64,
    /// The ranking, in words: first what counts against them, then what counts for.
    pub reasons: Vec<String>,
}

impl Candidate {
    /// Placing them breaks a rule that blocks publishing.
    pub fn blocked(&self) -> bool {
        self.violations.iter().any(Violation::blocks_publishing)
    }

    /// The sort key, best first: what they could not lawfully or physically do comes
    /// first, then competence and what the shift would still lack (a learner alone is
    /// fixed by adding a competent carer, a double booking is not).
    fn rank(&self) -> impl Ord + use<> {
        let own = |v: &&Violation| {
            !matches!(
                v.rule,
                RuleId::CompetentOnEveryShift | RuleId::SupervisedNonCompetent
            )
        };
        (
            self.violations
                .iter()
                .filter(own)
                .any(Violation::blocks_publishing),
            self.violations.iter().filter(own).count(),
            !self.competent,
            self.violations.len(),
            std::cmp::Reverse(self.shifts_here),
            self.weekends + self.nights,
            std::cmp::Reverse((self.headroom_hours * 10.0).round() as i64),
            self.carer_id,
        )
    }
}

impl Checker {
    /// Every carer not on `shift`, best cover first. The rota is left as it was.
    pub fn cover(&mut self, shift: ShiftId) -> Result<Vec<Candidate>, ChangeError> {
        let s = *self
            .rota()
            .shift_index
            .get(&shift)
            .ok_or(ChangeError::UnknownShift(shift))?;
        let ids: Vec<UserId> = self.rota().carers.iter().map(|c| c.carer.id).collect();
        let mut candidates = Vec::new();
        for (c, carer) in ids.into_iter().enumerate() {
            if self.rota().shifts[s].carers.contains(&c) {
                continue;
            }
            let before = self.findings_about(c, s);
            self.apply(Change::Assign { carer, shift })?;
            let violations: Vec<Violation> = self
                .findings_about(c, s)
                .into_iter()
                .filter(|v| !before.contains(v))
                .collect();
            let candidate = self.describe(c, s, violations);
            self.apply(Change::Unassign { carer, shift })?;
            candidates.push(candidate);
        }
        candidates.sort_by_cached_key(|c| c.rank());
        Ok(candidates)
    }

    /// A candidate already placed on shift `s`.
    fn describe(&self, c: usize, s: usize, violations: Vec<Violation>) -> Candidate {
        let rota = self.rota();
        let data = &rota.carers[c];
        let target = &rota.shifts[s];
        let since = target.start - LOOKBACK_DAYS * 86_400;
        let (mut shifts_here, mut weekends, mut nights) = (0, 0, 0);
        for &i in &data.shifts {
            let other = &rota.shifts[i];
            if other.start < since || other.start >= target.start {
                continue;
            }
            shifts_here += u32::from(other.package == target.package);
            weekends += u32::from(is_weekend(rota.calendar.date(other.start_day)));
            nights += u32::from(other.kind == ShiftKind::Night);
        }
        let week = rota.calendar.week_of(target.start);
        let (from, to) = (
            rota.calendar.week_start(week),
            rota.calendar.week_start(week + 1),
        );
        let hours = data
            .shifts
            .iter()
            .map(|&i| rota.shifts[i].work_within(from, to))
            .fold(0.0, |total, seconds| total + seconds)
            / 3600.0;
        let limit = data
            .carer
            .weekly_hours_limit
            .unwrap_or(rota.settings.max_contracted_hours.default_weekly_hours);
        let headroom_hours = ((limit - hours) * 10.0).round() / 10.0;
        let competent = rota.competent[c][target.package];

        let mut reasons: Vec<String> = violations.iter().map(|v| v.message.clone()).collect();
        if violations.is_empty() {
            reasons.push("Breaks no rule".into());
        }
        reasons.push(if competent {
            "Competent in this package's tasks".into()
        } else {
            "Not yet competent here: needs a competent carer alongside".into()
        });
        reasons.push(match shifts_here {
            0 => "No shifts here in the last 4 weeks".into(),
            1 => "1 shift here in the last 4 weeks".into(),
            n => format!("{n} shifts here in the last 4 weeks"),
        });
        reasons.push(format!(
            "{weekends} weekend and {nights} night shifts in the last 4 weeks"
        ));
        reasons.push(if headroom_hours >= 0.0 {
            format!("{headroom_hours:.1} h left of {limit:.1} h that week")
        } else {
            format!("{:.1} h over {limit:.1} h that week", -headroom_hours)
        });
        Candidate {
            carer_id: data.carer.id,
            violations,
            competent,
            shifts_here,
            weekends,
            nights,
            headroom_hours,
            reasons,
        }
    }
}
