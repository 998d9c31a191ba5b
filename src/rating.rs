//! The life of a competency rating (SPEC §3): a rating from an assessment is pending
//! until the carer confirms it; a dispute goes to a manager, who upholds it, amends it
//! (back to the carer) or orders a reassessment (the rating is withdrawn). Only a
//! confirmed rating is effective. Also: when a rating falls due for review.

use crate::RatingState;
use time::{Date, Duration, Month, OffsetDateTime};

crate::closed_set::closed_set! {
    /// What someone does to a rating.
    pub enum RatingAction: "rating action" {
        /// The carer agrees with it.
        Confirm = "CONFIRM", "Confirm";
        /// The carer disagrees, with a reason.
        Dispute = "DISPUTE", "Dispute";
        /// A manager keeps the disputed rating as it is.
        Uphold = "UPHOLD", "Uphold";
        /// A manager changes the disputed rating's level; the carer confirms again.
        Amend = "AMEND", "Amend";
        /// A manager withdraws the disputed rating and the carer is assessed again.
        Reassess = "REASSESS", "Order a reassessment";
    }
}

/// An action the rating's state does not allow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("This rating is {} now, so it cannot be {}.", state.label().to_lowercase(), action.done())]
pub struct NotAllowed {
    pub state: RatingState,
    pub action: RatingAction,
}

impl RatingAction {
    /// The state the rating moves to.
    pub fn apply(self, state: RatingState) -> Result<RatingState, NotAllowed> {
        use {RatingAction as A, RatingState as S};
        match (state, self) {
            (S::Pending, A::Confirm) => Ok(S::Confirmed),
            (S::Pending, A::Dispute) => Ok(S::Disputed),
            // Upholding resolves the dispute: the rating stands as issued, and counts.
            (S::Disputed, A::Uphold) => Ok(S::Confirmed),
            (S::Disputed, A::Amend) => Ok(S::Pending),
            (S::Disputed, A::Reassess) => Ok(S::Withdrawn),
            _ => Err(NotAllowed {
                state,
                action: self,
            }),
        }
    }

    /// The action done, as in "it cannot be …".
    pub fn done(self) -> &'static str {
        match self {
            RatingAction::Confirm => "confirmed",
            RatingAction::Dispute => "disputed",
            RatingAction::Uphold => "upheld",
            RatingAction::Amend => "amended",
            RatingAction::Reassess => "sent for reassessment",
        }
    }

    /// Whether, after this action, the rating's level is the carer's effective level.
    pub fn makes_effective(self) -> bool {
        matches!(self, RatingAction::Confirm | RatingAction::Uphold)
    }

    /// The carer acts on their own ratings; managers resolve disputes.
    pub fn by_carer(self) -> bool {
        matches!(self, RatingAction::Confirm | RatingAction::Dispute)
    }
}

/// The day a rating issued on `issued` is due for review, `months` later. A day the
/// later month lacks becomes its last day (31 January + 1 month = 28 or 29 February).
pub fn review_due(issued: Date, months: u8) -> Date {
    let index = i32::from(u8::from(issued.month())) - 1 + i32::from(months);
    let year = issued.year() + index.div_euclid(12);
    let month = Month::try_from((index.rem_euclid(12) + 1) as u8).expect("1 to 12");
    let day = issued.day().min(time::util::days_in_month(month, year));
    Date::from_calendar_date(year, month, day).expect("a day within the month")
}

/// First reminder this long after a rating was issued, then one a day, until
/// `REMINDERS_UNTIL` after it was issued.
pub const FIRST_REMINDER: Duration = Duration::hours(48);
pub const REMINDERS_UNTIL: Duration = Duration::days(7);

/// Whether a pending rating issued at `issued` is due a reminder at `now`, given the
/// last one sent. A day is allowed five minutes' slack: the reminder job runs hourly,
/// and its fire times drift by a few seconds.
pub fn reminder_due(
    issued: OffsetDateTime,
    last: Option<OffsetDateTime>,
    now: OffsetDateTime,
) -> bool {
    let age = now - issued;
    if age < FIRST_REMINDER || age > REMINDERS_UNTIL {
        return false;
    }
    last.is_none_or(|last| now - last >= Duration::days(1) - Duration::minutes(5))
}

/// How a review date reads next to today: overdue, due within `soon_days`, or later.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReviewStatus {
    Overdue,
    DueSoon,
    Later,
}

pub fn review_status(due: Date, today: Date, soon_days: i64) -> ReviewStatus {
    let days = (due - today).whole_days();
    if days < 0 {
        ReviewStatus::Overdue
    } else if days <= soon_days {
        ReviewStatus::DueSoon
    } else {
        ReviewStatus::Later
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    #[test]
    fn the_carer_confirms_or_disputes_a_pending_rating() {
        assert_eq!(
            RatingAction::Confirm.apply(RatingState::Pending),
            Ok(RatingState::Confirmed)
        );
        assert_eq!(
            RatingAction::Dispute.apply(RatingState::Pending),
            Ok(RatingState::Disputed)
        );
        let err = RatingAction::Confirm
            .apply(RatingState::Confirmed)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "This rating is confirmed now, so it cannot be confirmed."
        );
        assert!(RatingAction::Dispute.apply(RatingState::Disputed).is_err());
        assert!(RatingAction::Confirm.by_carer() && !RatingAction::Uphold.by_carer());
    }

    #[test]
    fn a_dispute_is_upheld_amended_or_reassessed() {
        use RatingAction as A;
        assert_eq!(
            A::Uphold.apply(RatingState::Disputed),
            Ok(RatingState::Confirmed)
        );
        assert_eq!(
            A::Amend.apply(RatingState::Disputed),
            Ok(RatingState::Pending)
        );
        assert_eq!(
            A::Reassess.apply(RatingState::Disputed),
            Ok(RatingState::Withdrawn)
        );
        for action in [A::Uphold, A::Amend, A::Reassess] {
            assert!(action.apply(RatingState::Pending).is_err());
            assert!(action.apply(RatingState::Confirmed).is_err());
        }
        assert!(A::Uphold.makes_effective() && A::Confirm.makes_effective());
        assert!(!A::Amend.makes_effective() && !A::Reassess.makes_effective());
    }

    proptest! {
        /// Nothing leaves a withdrawn rating, and only confirming or upholding makes a
        /// rating effective.
        #[test]
        fn only_confirmed_ratings_count(state in 0usize..4, action in 0usize..5) {
            let state = RatingState::ALL[state];
            let action = RatingAction::ALL[action];
            if let Ok(next) = action.apply(state) {
                prop_assert!(state != RatingState::Withdrawn);
                prop_assert_eq!(next == RatingState::Confirmed, action.makes_effective());
            }
        }
    }

    #[test]
    fn review_dates_keep_the_day_or_take_the_months_last() {
        assert_eq!(review_due(date!(2026 - 11 - 21), 12), date!(2027 - 11 - 21));
        assert_eq!(review_due(date!(2026 - 01 - 31), 1), date!(2026 - 02 - 28));
        assert_eq!(review_due(date!(2027 - 12 - 31), 2), date!(2028 - 02 - 29));
        assert_eq!(review_due(date!(2026 - 06 - 15), 60), date!(2031 - 06 - 15));
        assert_eq!(review_due(date!(2026 - 10 - 31), 3), date!(2027 - 01 - 31));
    }

    #[test]
    fn reminders_start_at_48_hours_then_daily_for_a_week() {
        use time::macros::datetime;
        let issued = datetime!(2026-11-02 09:00 UTC);
        let at = |h: i64| issued + Duration::hours(h);
        assert!(!reminder_due(issued, None, at(47)));
        assert!(reminder_due(issued, None, at(48)));
        // Reminded at 48 h: not again the same day, but again a day later.
        assert!(!reminder_due(issued, Some(at(48)), at(60)));
        assert!(reminder_due(issued, Some(at(48)), at(72)));
        // An hourly job a few seconds early still sends the daily one.
        assert!(reminder_due(
            issued,
            Some(at(48)),
            at(72) - Duration::seconds(20)
        ));
        // Nothing after seven days.
        assert!(reminder_due(issued, Some(at(144)), at(168)));
        assert!(!reminder_due(issued, Some(at(168)), at(192)));
        assert!(!reminder_due(issued, None, at(169)));
    }

    #[test]
    fn reviews_read_as_overdue_due_soon_or_later() {
        let today = date!(2026 - 11 - 21);
        assert_eq!(
            review_status(date!(2026 - 11 - 20), today, 30),
            ReviewStatus::Overdue
        );
        assert_eq!(review_status(today, today, 30), ReviewStatus::DueSoon);
        assert_eq!(
            review_status(date!(2026 - 12 - 21), today, 30),
            ReviewStatus::DueSoon
        );
        assert_eq!(
            review_status(date!(2026 - 12 - 22), today, 30),
            ReviewStatus::Later
        );
    }
}
