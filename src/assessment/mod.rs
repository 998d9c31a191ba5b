//! Assessment templates and scoring (SPEC §3): the template form (sections, items,
//! weights, scale, pass thresholds, review interval), and items scored on the
//! template's scale, sections weighted, a weighted score, and the level it suggests. The conductor in the browser and the
//! server that records the assessment both call these functions.
//!
//! The arithmetic is exact (integers): a score is floored to hundredths of a percent, so
//! 59.999 % stays below a 60 % threshold and never rounds up into a level.

mod template;

pub use template::{ITEM_TEXT_MAX, Item, ItemForm, TITLE_MAX, TemplateDraft, TemplateForm};

use crate::CompetencyLevel;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

crate::closed_set::closed_set! {
    /// The three scored sections of an assessment. Stored as `assessment_section`.
    #[derive(PartialOrd, Ord)]
    pub enum Section: "assessment section" {
        Knowledge = "KNOWLEDGE", "Knowledge";
        Practical = "PRACTICAL", "Practical skills";
        Emergency = "EMERGENCY", "Emergency scenarios";
    }
}

/// Why a template's scoring rules, or an assessment's scores, cannot be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ScoringError {
    #[error("Section weights must add up to 100 % (they add up to {0} %).")]
    WeightsNot100(u32),
    #[error("Items are scored from 0 to between 1 and 10.")]
    BadScale,
    #[error("Each pass threshold is a percentage from 0 to 100.")]
    ThresholdOutOfRange,
    #[error("Pass thresholds must rise with the level: {higher} needs more than {lower}.")]
    ThresholdsNotRising {
        lower: CompetencyLevel,
        higher: CompetencyLevel,
    },
    #[error("Thresholds are set for Advanced beginner, Competent, Proficient and Expert only.")]
    ThresholdForUnratedLevel,
    #[error("A score of {score} is above the scale's maximum of {max}.")]
    ScoreAboveScale { score: u8, max: u8 },
    #[error("Only practical skills can be marked not applicable.")]
    NotApplicableOutsidePractical,
    #[error("{0} item(s) still need a score or to be marked not applicable.")]
    Unscored(usize),
    #[error("Nothing was scored: at least one item must carry a score.")]
    NothingScored,
}

/// Each section's share of the weighted score, in percent; together 100.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Weights {
    pub knowledge: u8,
    pub practical: u8,
    pub emergency: u8,
}

impl Weights {
    pub fn new(knowledge: u8, practical: u8, emergency: u8) -> Result<Self, ScoringError> {
        let total = u32::from(knowledge) + u32::from(practical) + u32::from(emergency);
        if total != 100 {
            return Err(ScoringError::WeightsNot100(total));
        }
        Ok(Self {
            knowledge,
            practical,
            emergency,
        })
    }

    pub fn of(self, section: Section) -> u8 {
        match section {
            Section::Knowledge => self.knowledge,
            Section::Practical => self.practical,
            Section::Emergency => self.emergency,
        }
    }
}

/// The minimum weighted score (whole percent) for each level an assessment can suggest.
/// Below the lowest threshold the suggestion is `NotCompetent`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Thresholds(BTreeMap<CompetencyLevel, u8>);

impl Thresholds {
    /// The levels a threshold may be set for, lowest first.
    pub const LEVELS: [CompetencyLevel; 4] = [
        CompetencyLevel::AdvancedBeginner,
        CompetencyLevel::Competent,
        CompetencyLevel::Proficient,
        CompetencyLevel::Expert,
    ];

    /// Thresholds must be percentages and rise strictly with the level; a level may be
    /// left out (it is then never suggested).
    pub fn new(
        thresholds: impl IntoIterator<Item = (CompetencyLevel, u8)>,
    ) -> Result<Self, ScoringError> {
        let map: BTreeMap<_, _> = thresholds.into_iter().collect();
        if map.keys().any(|level| !Self::LEVELS.contains(level)) {
            return Err(ScoringError::ThresholdForUnratedLevel);
        }
        if map.values().any(|&percent| percent > 100) {
            return Err(ScoringError::ThresholdOutOfRange);
        }
        let ordered: Vec<_> = map.iter().collect();
        for pair in ordered.windows(2) {
            let ((lower, low), (higher, high)) = (pair[0], pair[1]);
            if high <= low {
                return Err(ScoringError::ThresholdsNotRising {
                    lower: *lower,
                    higher: *higher,
                });
            }
        }
        Ok(Self(map))
    }

    /// The usual thresholds: 40, 60, 80 and 95 %.
    pub fn standard() -> Self {
        Self::new(Self::LEVELS.into_iter().zip([40, 60, 80, 95])).expect("standard thresholds")
    }

    pub fn get(&self, level: CompetencyLevel) -> Option<u8> {
        self.0.get(&level).copied()
    }

    /// The highest level whose threshold the score reaches.
    pub fn suggest(&self, score: WeightedScore) -> CompetencyLevel {
        self.0
            .iter()
            .rev()
            .find(|(_, percent)| score.hundredths() >= u32::from(**percent) * 100)
            .map_or(CompetencyLevel::NotCompetent, |(level, _)| *level)
    }
}

/// One item as the assessor left it: a score, "not applicable", or nothing yet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct ItemScore {
    pub section: Section,
    pub score: Option<u8>,
    pub not_applicable: bool,
}

/// A weighted score, floored to hundredths of a percent (0–10000).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct WeightedScore(u32);

impl WeightedScore {
    /// A stored score (hundredths of a percent), capped at 100 %.
    pub fn from_hundredths(hundredths: u32) -> Self {
        Self(hundredths.min(10_000))
    }

    pub fn hundredths(self) -> u32 {
        self.0
    }

    pub fn percent(self) -> f64 {
        f64::from(self.0) / 100.0
    }
}

impl std::fmt::Display for WeightedScore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{:02} %", self.0 / 100, self.0 % 100)
    }
}

/// The weighted score of `items` on a scale of 0..=`scale_max`.
///
/// Each section scores the share of the points available on its scored items; items
/// marked not applicable are left out. A section with nothing scored (every item not
/// applicable, or no items) drops out and the other sections' weights are scaled up to
/// fill its share. Every item must be scored or marked not applicable first.
pub fn weighted_score(
    weights: Weights,
    scale_max: u8,
    items: &[ItemScore],
) -> Result<WeightedScore, ScoringError> {
    if !(1..=10).contains(&scale_max) {
        return Err(ScoringError::BadScale);
    }
    let mut unscored = 0;
    // Per section: points earned, points available.
    let mut sections: BTreeMap<Section, (u128, u128)> = BTreeMap::new();
    for item in items {
        if item.not_applicable {
            if item.section != Section::Practical {
                return Err(ScoringError::NotApplicableOutsidePractical);
            }
            continue;
        }
        let Some(score) = item.score else {
            unscored += 1;
            continue;
        };
        if score > scale_max {
            return Err(ScoringError::ScoreAboveScale {
                score,
                max: scale_max,
            });
        }
        let entry = sections.entry(item.section).or_default();
        entry.0 += u128::from(score);
        entry.1 += u128::from(scale_max);
    }
    if unscored > 0 {
        return Err(ScoringError::Unscored(unscored));
    }
    // Σ w·earned/available ÷ Σ w, over the sections that count, as one fraction over
    // the product of the denominators.
    let counted: Vec<(u128, u128, u128)> = sections
        .iter()
        .map(|(section, (earned, available))| {
            (u128::from(weights.of(*section)), *earned, *available)
        })
        .filter(|(weight, _, _)| *weight > 0)
        .collect();
    let total_weight: u128 = counted.iter().map(|(w, _, _)| w).sum();
    if total_weight == 0 {
        return Err(ScoringError::NothingScored);
    }
    let denominator: u128 = counted.iter().map(|(_, _, available)| available).product();
    let numerator: u128 = counted
        .iter()
        .map(|(weight, earned, available)| weight * earned * (denominator / available))
        .sum();
    let hundredths = 10_000 * numerator / (total_weight * denominator);
    Ok(WeightedScore(hundredths as u32))
}

#[cfg(test)]
mod tests;
