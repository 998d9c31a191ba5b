crate::closed_set::closed_set! {
    /// A carer's competency in one task, ordered from least to most competent.
    /// Stored as the Postgres enum `competency_level`; competency is global per carer × task.
    #[derive(Default, PartialOrd, Ord)]
    pub enum CompetencyLevel: "competency level" {
        #[default]
        NotAssessed = "NOT_ASSESSED", "Not assessed";
        NotCompetent = "NOT_COMPETENT", "Not competent";
        AdvancedBeginner = "ADVANCED_BEGINNER", "Advanced beginner";
        Competent = "COMPETENT", "Competent";
        Proficient = "PROFICIENT", "Proficient";
        Expert = "EXPERT", "Expert";
    }
}

impl CompetencyLevel {
    /// "Competent for shifts" means COMPETENT or above (SPEC §2). Callers must pass the
    /// carer's *confirmed* level: pending ratings never count.
    pub fn is_competent_for_shifts(self) -> bool {
        self >= CompetencyLevel::Competent
    }
}

crate::closed_set::closed_set! {
    /// Where a rating came from. Stored as the Postgres enum `rating_source`.
    pub enum RatingSource: "rating source" {
        /// Issued by a completed assessment; the carer must confirm it.
        Assessment = "ASSESSMENT", "Assessment";
        /// Set directly by an admin with a written reason.
        Manual = "MANUAL", "Set by a manager";
    }
}

crate::closed_set::closed_set! {
    /// The carer's legal confirmation state of a rating. Stored as `rating_state`.
    pub enum RatingState: "rating state" {
        /// Issued, waiting for the carer to confirm or dispute.
        Pending = "PENDING", "Awaiting confirmation";
        /// The carer confirmed it: it now counts for shift eligibility.
        Confirmed = "CONFIRMED", "Confirmed";
        /// The carer disputed it with a reason: waiting for an admin's resolution.
        Disputed = "DISPUTED", "Disputed";
        /// A manager withdrew the disputed rating and ordered a reassessment.
        Withdrawn = "WITHDRAWN", "Withdrawn for reassessment";
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_are_ordered_as_the_spec_lists_them() {
        let mut shuffled = CompetencyLevel::ALL.to_vec();
        shuffled.reverse();
        shuffled.sort();
        assert_eq!(shuffled, CompetencyLevel::ALL);
        assert!(CompetencyLevel::NotAssessed < CompetencyLevel::NotCompetent);
        assert!(CompetencyLevel::Proficient < CompetencyLevel::Expert);
        assert_eq!(CompetencyLevel::default(), CompetencyLevel::NotAssessed);
    }

    #[test]
    fn competent_for_shifts_means_competent_or_above() {
        let eligible: Vec<_> = CompetencyLevel::ALL
            .iter()
            .copied()
            .filter(|l| l.is_competent_for_shifts())
            .collect();
        assert_eq!(
            eligible,
            [
                CompetencyLevel::Competent,
                CompetencyLevel::Proficient,
                CompetencyLevel::Expert
            ]
        );
    }

    #[test]
    fn closed_sets_round_trip_through_database_spelling() {
        for &level in CompetencyLevel::ALL {
            assert_eq!(level.as_str().parse::<CompetencyLevel>().unwrap(), level);
            assert_eq!(
                serde_json::to_string(&level).unwrap(),
                format!("\"{}\"", level.as_str())
            );
        }
        for &state in RatingState::ALL {
            assert_eq!(state.as_str().parse::<RatingState>().unwrap(), state);
        }
        for &source in RatingSource::ALL {
            assert_eq!(source.as_str().parse::<RatingSource>().unwrap(), source);
        }
        let err = "GURU".parse::<CompetencyLevel>().unwrap_err();
        assert_eq!(err.kind, "competency level");
        assert!(err.to_string().contains("NOT_ASSESSED, NOT_COMPETENT"));
    }
}
