use serde::{Deserialize, Serialize};
use std::{fmt, str::FromStr};

/// A carer's competency in one task, ordered from least to most competent.
/// Stored as the Postgres enum `competency_level`; competency is global per carer × task.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CompetencyLevel {
    #[default]
    NotAssessed,
    NotCompetent,
    AdvancedBeginner,
    Competent,
    Proficient,
    Expert,
}

impl CompetencyLevel {
    pub const ALL: [CompetencyLevel; 6] = [
        CompetencyLevel::NotAssessed,
        CompetencyLevel::NotCompetent,
        CompetencyLevel::AdvancedBeginner,
        CompetencyLevel::Competent,
        CompetencyLevel::Proficient,
        CompetencyLevel::Expert,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            CompetencyLevel::NotAssessed => "NOT_ASSESSED",
            CompetencyLevel::NotCompetent => "NOT_COMPETENT",
            CompetencyLevel::AdvancedBeginner => "ADVANCED_BEGINNER",
            CompetencyLevel::Competent => "COMPETENT",
            CompetencyLevel::Proficient => "PROFICIENT",
            CompetencyLevel::Expert => "EXPERT",
        }
    }

    pub const fn label(self) -> &'static str {
        match self {
            CompetencyLevel::NotAssessed => "Not assessed",
            CompetencyLevel::NotCompetent => "Not competent",
            CompetencyLevel::AdvancedBeginner => "Advanced beginner",
            CompetencyLevel::Competent => "Competent",
            CompetencyLevel::Proficient => "Proficient",
            CompetencyLevel::Expert => "Expert",
        }
    }

    /// "Competent for shifts" means COMPETENT or above (SPEC §2). Callers must pass the
    /// carer's *confirmed* level: pending ratings never count.
    pub fn is_competent_for_shifts(self) -> bool {
        self >= CompetencyLevel::Competent
    }
}

impl fmt::Display for CompetencyLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown competency level {0:?}")]
pub struct UnknownCompetencyLevel(pub String);

impl FromStr for CompetencyLevel {
    type Err = UnknownCompetencyLevel;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        CompetencyLevel::ALL
            .into_iter()
            .find(|l| l.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| UnknownCompetencyLevel(s.to_owned()))
    }
}

/// Where a rating came from. Stored as the Postgres enum `rating_source`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RatingSource {
    /// Issued by a completed assessment; the carer must confirm it.
    Assessment,
    /// Set directly by an admin with a written reason.
    Manual,
}

/// The carer's legal confirmation state of a rating. Stored as `rating_state`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RatingState {
    /// Issued, waiting for the carer to confirm or dispute.
    Pending,
    /// The carer confirmed it: it now counts for shift eligibility.
    Confirmed,
    /// The carer disputed it with a reason: waiting for an admin's resolution.
    Disputed,
}

impl RatingState {
    pub const fn as_str(self) -> &'static str {
        match self {
            RatingState::Pending => "PENDING",
            RatingState::Confirmed => "CONFIRMED",
            RatingState::Disputed => "DISPUTED",
        }
    }
}

impl RatingSource {
    pub const fn as_str(self) -> &'static str {
        match self {
            RatingSource::Assessment => "ASSESSMENT",
            RatingSource::Manual => "MANUAL",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_are_ordered_as_the_spec_lists_them() {
        let mut shuffled = CompetencyLevel::ALL;
        shuffled.reverse();
        shuffled.sort();
        assert_eq!(shuffled, CompetencyLevel::ALL);
        assert!(CompetencyLevel::NotAssessed < CompetencyLevel::NotCompetent);
        assert!(CompetencyLevel::Proficient < CompetencyLevel::Expert);
    }

    #[test]
    fn competent_for_shifts_means_competent_or_above() {
        let eligible: Vec<_> = CompetencyLevel::ALL
            .into_iter()
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
    fn levels_round_trip_through_database_spelling() {
        for level in CompetencyLevel::ALL {
            assert_eq!(level.as_str().parse::<CompetencyLevel>().unwrap(), level);
            assert_eq!(
                serde_json::to_string(&level).unwrap(),
                format!("\"{}\"", level.as_str())
            );
        }
        assert!("GURU".parse::<CompetencyLevel>().is_err());
    }
}
