//! Notifications: what people are told about, through which channels, and their
//! choices. A notification always has a place in the notification centre unless the
//! person turned the in-app channel off for its kind; email and push follow their
//! choices too. Push is offered only for the kinds that need a carer's attention away
//! from the app (a rating to confirm, a shift they were given, a rota change).

use crate::Role;

crate::closed_set::closed_set! {
    /// What a notification is about. Stored in `notifications.kind`.
    pub enum NotificationKind: "notification kind" {
        AssessmentReady = "assessment_ready", "An assessment is ready to be conducted";
        AssessmentApproval = "assessment_approval", "An assessment needs approval";
        AssessmentReturned = "assessment_returned", "An assessment was returned to you";
        RatingPending = "rating_pending", "A rating waits for your confirmation";
        RatingReminder = "rating_reminder", "Reminders to confirm a rating";
        RatingDisputed = "rating_disputed", "A carer disputes a rating";
        RatingResolved = "rating_resolved", "Your disputed rating was resolved";
        RatingSet = "rating_set", "A manager set your rating";
        ReviewsDue = "reviews_due", "Competency reviews are due";
        RotaPublished = "rota_published", "Your rota changed";
        ShiftSelected = "shift_selected", "You were given a shift";
        ShiftDecision = "shift_decision", "A shift you asked for went elsewhere";
        ShiftInterest = "shift_interest", "A carer would like an open shift";
    }
}

crate::closed_set::closed_set! {
    /// How a person hears of a notification.
    pub enum Channel: "notification channel" {
        InApp = "in_app", "In the app";
        Email = "email", "Email";
        Push = "push", "Push to your phone";
    }
}

impl NotificationKind {
    /// Whether the kind is ever sent through `channel`.
    pub const fn offers(self, channel: Channel) -> bool {
        use NotificationKind::*;
        match channel {
            Channel::InApp => true,
            // The kinds that have an email (`app::mail::Email`).
            Channel::Email => matches!(
                self,
                AssessmentReady
                    | RatingPending
                    | RatingReminder
                    | RatingDisputed
                    | RotaPublished
                    | ShiftSelected
                    | ShiftDecision
            ),
            Channel::Push => matches!(self, RatingPending | ShiftSelected | RotaPublished),
        }
    }

    /// Whether people of `role` ever receive this kind (their preferences list only
    /// those).
    pub const fn reaches(self, role: Role) -> bool {
        use NotificationKind::*;
        match self {
            AssessmentReady => true,
            RatingPending | RatingReminder | RatingResolved | RatingSet | RotaPublished
            | ShiftSelected | ShiftDecision => matches!(role, Role::Carer),
            AssessmentApproval | AssessmentReturned => {
                matches!(role, Role::Admin | Role::Assessor)
            }
            RatingDisputed | ReviewsDue | ShiftInterest => matches!(role, Role::Admin),
        }
    }
}

/// One person's choice for one kind. Without a stored choice every offered channel
/// is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Choice {
    pub kind: NotificationKind,
    pub in_app: bool,
    pub email: bool,
    pub push: bool,
}

impl Choice {
    pub const fn default_for(kind: NotificationKind) -> Self {
        Self {
            kind,
            in_app: true,
            email: kind.offers(Channel::Email),
            push: kind.offers(Channel::Push),
        }
    }

    /// Whether `channel` is on; a channel the kind does not offer never is.
    pub const fn wants(&self, channel: Channel) -> bool {
        let chosen = match channel {
            Channel::InApp => self.in_app,
            Channel::Email => self.email,
            Channel::Push => self.push,
        };
        chosen && self.kind.offers(channel)
    }

    /// The choice as it can be kept: channels the kind does not offer are off.
    pub const fn normalised(self) -> Self {
        Self {
            kind: self.kind,
            in_app: self.in_app,
            email: self.email && self.kind.offers(Channel::Email),
            push: self.push && self.kind.offers(Channel::Push),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn push_is_for_the_three_events_that_need_a_carer_away_from_the_app() {
        let pushed: Vec<_> = NotificationKind::ALL
            .iter()
            .filter(|k| k.offers(Channel::Push))
            .map(|k| k.as_str())
            .collect();
        assert_eq!(
            pushed,
            ["rating_pending", "rota_published", "shift_selected"]
        );
        assert!(
            NotificationKind::ALL
                .iter()
                .all(|k| k.offers(Channel::InApp)),
            "every kind can be seen in the app"
        );
    }

    #[test]
    fn every_kind_reaches_someone_and_carers_are_not_told_of_disputes() {
        for kind in NotificationKind::ALL {
            assert!(Role::ALL.iter().any(|&role| kind.reaches(role)), "{kind}");
        }
        assert!(!NotificationKind::RatingDisputed.reaches(Role::Carer));
        assert!(NotificationKind::RotaPublished.reaches(Role::Carer));
        assert!(!NotificationKind::RotaPublished.reaches(Role::Viewer));
    }

    #[test]
    fn a_choice_never_turns_on_a_channel_the_kind_lacks() {
        assert!(!NotificationKind::ReviewsDue.offers(Channel::Email));
        let choice = Choice {
            kind: NotificationKind::ShiftInterest,
            in_app: false,
            email: true,
            push: true,
        };
        assert!(!choice.wants(Channel::Push));
        assert!(!choice.wants(Channel::Email));
        assert!(!choice.wants(Channel::InApp));
        assert_eq!(
            choice.normalised(),
            Choice {
                email: false,
                push: false,
                ..choice
            }
        );
        let default = Choice::default_for(NotificationKind::RatingPending);
        assert!(default.wants(Channel::Push) && default.wants(Channel::Email));
    }

    #[test]
    fn kinds_fit_the_database_check() {
        for kind in NotificationKind::ALL {
            assert!(
                kind.as_str()
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '_')
            );
        }
    }
}
