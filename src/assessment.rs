//! Assessment templates and scoring (SPEC §3): the template form (sections, items,
//! weights, scale, pass thresholds, review interval), and items scored on the
//! template's scale, sections weighted, a weighted score, and the level it suggests. The conductor in the browser and the
//! server that records the assessment both call these functions.
//!
//! The arithmetic is exact (integers): a score is floored to hundredths of a percent, so
//! 59.999 % stays below a 60 % threshold and never rounds up into a level.

use crate::{CompetencyLevel, text::single_line, validation::ValidationError};
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

/// Longest template title and item prompt or model answer, in characters.
pub const TITLE_MAX: usize = 160;
pub const ITEM_TEXT_MAX: usize = 4000;

/// One item as typed into the template form (over the API, fields left out are blank).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct ItemForm {
    pub prompt: String,
    /// Knowledge and emergency items: what a good answer contains (assessors only).
    pub model_answer: String,
    /// Practical skills only.
    pub allows_not_applicable: bool,
}

/// A template as typed: numbers are text until checked, so a mistake is answered
/// beside its field and nothing typed is lost.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct TemplateForm {
    pub title: String,
    pub description: String,
    pub knowledge_weight: String,
    pub practical_weight: String,
    pub emergency_weight: String,
    pub score_scale_max: String,
    /// Minimum percentages for Advanced beginner, Competent, Proficient and Expert
    /// (`Thresholds::LEVELS`); blank leaves a level out.
    pub thresholds: [String; 4],
    /// Months until a rating from this template is due for review; blank for none.
    pub review_months: String,
    pub knowledge: Vec<ItemForm>,
    pub practical: Vec<ItemForm>,
    pub emergency: Vec<ItemForm>,
}

/// A checked item.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Item {
    pub section: Section,
    pub prompt: String,
    pub model_answer: Option<String>,
    pub allows_not_applicable: bool,
}

/// A checked template version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct TemplateDraft {
    pub title: String,
    pub description: String,
    pub weights: Weights,
    pub score_scale_max: u8,
    pub thresholds: Thresholds,
    pub review_months: Option<u8>,
    pub items: Vec<Item>,
}

fn percent(raw: &str, field: &'static str, what: &str) -> Result<u8, ValidationError> {
    raw.trim()
        .parse::<u8>()
        .ok()
        .filter(|n| *n <= 100)
        .ok_or_else(|| ValidationError::new(field, format!("Enter {what} from 0 to 100 %")))
}

impl TemplateDraft {
    pub fn parse(form: &TemplateForm) -> Result<Self, ValidationError> {
        let title = single_line(
            &form.title,
            "title",
            TITLE_MAX,
            "Enter the assessment's title",
        )?;
        let description = form.description.trim().to_owned();
        if description.chars().count() > crate::care::DESCRIPTION_MAX {
            return Err(ValidationError::new(
                "description",
                format!(
                    "A description can be at most {} characters",
                    crate::care::DESCRIPTION_MAX
                ),
            ));
        }
        let knowledge = percent(&form.knowledge_weight, "knowledge_weight", "a weight")?;
        let practical = percent(&form.practical_weight, "practical_weight", "a weight")?;
        let emergency = percent(&form.emergency_weight, "emergency_weight", "a weight")?;
        let weights = Weights::new(knowledge, practical, emergency)
            .map_err(|err| ValidationError::new("weights", err.to_string()))?;
        let score_scale_max = form
            .score_scale_max
            .trim()
            .parse::<u8>()
            .ok()
            .filter(|n| (1..=10).contains(n))
            .ok_or_else(|| {
                ValidationError::new("score_scale_max", "Items are scored from 0 up to 1–10")
            })?;
        let mut thresholds = Vec::new();
        for (level, raw) in Thresholds::LEVELS.into_iter().zip(&form.thresholds) {
            if !raw.trim().is_empty() {
                thresholds.push((level, percent(raw, "thresholds", "a threshold")?));
            }
        }
        if thresholds.is_empty() {
            return Err(ValidationError::new(
                "thresholds",
                "Set the score needed for at least one level",
            ));
        }
        let thresholds = Thresholds::new(thresholds)
            .map_err(|err| ValidationError::new("thresholds", err.to_string()))?;
        let review_months = match form.review_months.trim() {
            "" => None,
            raw => Some(
                raw.parse::<u8>()
                    .ok()
                    .filter(|n| (1..=60).contains(n))
                    .ok_or_else(|| {
                        ValidationError::new(
                            "review_months",
                            "Enter a review interval from 1 to 60 months, or leave it blank",
                        )
                    })?,
            ),
        };
        let mut items = Vec::new();
        for (section, forms) in [
            (Section::Knowledge, &form.knowledge),
            (Section::Practical, &form.practical),
            (Section::Emergency, &form.emergency),
        ] {
            for (n, item) in forms.iter().enumerate() {
                items.push(Item::parse(section, n + 1, item)?);
            }
            if forms.is_empty() && weights.of(section) > 0 {
                return Err(ValidationError::new(
                    "items",
                    format!(
                        "{} carries {} % of the score: add at least one item, or give it no weight",
                        section.label(),
                        weights.of(section)
                    ),
                ));
            }
        }
        Ok(Self {
            title,
            description,
            weights,
            score_scale_max,
            thresholds,
            review_months,
            items,
        })
    }
}

impl Item {
    fn parse(section: Section, n: usize, form: &ItemForm) -> Result<Self, ValidationError> {
        let named = |message: &str| {
            ValidationError::new("items", format!("{} item {n}: {message}", section.label()))
        };
        let prompt = form.prompt.trim();
        if prompt.is_empty() {
            return Err(named("enter the question or skill"));
        }
        if prompt.chars().count() > ITEM_TEXT_MAX {
            return Err(named(&format!("at most {ITEM_TEXT_MAX} characters")));
        }
        let model_answer = match section {
            Section::Practical => None,
            _ => {
                let answer = form.model_answer.trim();
                if answer.is_empty() {
                    return Err(named("enter the model answer the assessor compares with"));
                }
                if answer.chars().count() > ITEM_TEXT_MAX {
                    return Err(named(&format!("at most {ITEM_TEXT_MAX} characters")));
                }
                Some(answer.to_owned())
            }
        };
        Ok(Self {
            section,
            prompt: prompt.to_owned(),
            model_answer,
            allows_not_applicable: section == Section::Practical && form.allows_not_applicable,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn form() -> TemplateForm {
        let item = |prompt: &str, answer: &str| ItemForm {
            prompt: prompt.into(),
            model_answer: answer.into(),
            allows_not_applicable: false,
        };
        TemplateForm {
            title: " Medication competency ".into(),
            description: "Prompting and administering".into(),
            knowledge_weight: "30".into(),
            practical_weight: "50".into(),
            emergency_weight: "20".into(),
            score_scale_max: "4".into(),
            thresholds: ["40".into(), "60".into(), "80".into(), "95".into()],
            review_months: "12".into(),
            knowledge: vec![item(
                "What are the six rights?",
                "Person, drug, dose, time, route, record",
            )],
            practical: vec![ItemForm {
                allows_not_applicable: true,
                ..item("Checks the MAR chart", "ignored for practical skills")
            }],
            emergency: vec![item(
                "The client refuses a dose",
                "Do not force; record; tell the office",
            )],
        }
    }

    #[test]
    fn a_complete_template_form_is_accepted() {
        let draft = TemplateDraft::parse(&form()).unwrap();
        assert_eq!(draft.title, "Medication competency");
        assert_eq!(draft.weights, Weights::new(30, 50, 20).unwrap());
        assert_eq!(draft.thresholds, Thresholds::standard());
        assert_eq!(draft.review_months, Some(12));
        assert_eq!(draft.items.len(), 3);
        assert_eq!(
            draft.items[1].model_answer, None,
            "practical skills have none"
        );
        assert!(draft.items[1].allows_not_applicable);
    }

    #[test]
    fn template_form_mistakes_name_their_field() {
        let field = |change: fn(&mut TemplateForm)| {
            let mut form = form();
            change(&mut form);
            TemplateDraft::parse(&form).unwrap_err().field
        };
        assert_eq!(field(|f| f.title = "  ".into()), "title");
        assert_eq!(field(|f| f.practical_weight = "60".into()), "weights");
        assert_eq!(
            field(|f| f.knowledge_weight = "x".into()),
            "knowledge_weight"
        );
        assert_eq!(
            field(|f| f.score_scale_max = "11".into()),
            "score_scale_max"
        );
        assert_eq!(field(|f| f.thresholds[2] = "50".into()), "thresholds");
        assert_eq!(field(|f| f.thresholds = Default::default()), "thresholds");
        assert_eq!(field(|f| f.review_months = "0".into()), "review_months");
        assert_eq!(field(|f| f.knowledge[0].model_answer = "".into()), "items");
        assert_eq!(field(|f| f.emergency.clear()), "items");
        // A section without weight may have no items.
        let mut form = form();
        form.emergency.clear();
        form.emergency_weight = "0".into();
        form.practical_weight = "70".into();
        assert!(TemplateDraft::parse(&form).is_ok());
    }

    #[test]
    fn an_item_mistake_says_which_item() {
        let mut form = form();
        form.knowledge.push(ItemForm::default());
        assert_eq!(
            TemplateDraft::parse(&form).unwrap_err().message,
            "Knowledge item 2: enter the question or skill"
        );
    }

    fn item(section: Section, score: u8) -> ItemScore {
        ItemScore {
            section,
            score: Some(score),
            not_applicable: false,
        }
    }

    fn not_applicable() -> ItemScore {
        ItemScore {
            section: Section::Practical,
            score: None,
            not_applicable: true,
        }
    }

    #[test]
    fn sections_count_by_their_weights() {
        let weights = Weights::new(30, 50, 20).unwrap();
        // Knowledge 4/4 = 100 %, practical 2/4 = 50 %, emergency 0/4 = 0 %:
        // 0.3·100 + 0.5·50 + 0.2·0 = 55 %.
        let items = [
            item(Section::Knowledge, 4),
            item(Section::Practical, 2),
            item(Section::Emergency, 0),
        ];
        let score = weighted_score(weights, 4, &items).unwrap();
        assert_eq!(score.to_string(), "55.00 %");
        assert_eq!(
            Thresholds::standard().suggest(score),
            CompetencyLevel::AdvancedBeginner
        );
    }

    #[test]
    fn not_applicable_items_are_left_out_of_their_section() {
        let weights = Weights::new(0, 100, 0).unwrap();
        let with_na = [
            item(Section::Practical, 3),
            not_applicable(),
            item(Section::Practical, 4),
        ];
        let without = [item(Section::Practical, 3), item(Section::Practical, 4)];
        assert_eq!(
            weighted_score(weights, 4, &with_na),
            weighted_score(weights, 4, &without)
        );
        assert_eq!(
            weighted_score(weights, 4, &with_na).unwrap().to_string(),
            "87.50 %"
        );
    }

    #[test]
    fn a_section_with_nothing_scored_hands_its_weight_to_the_others() {
        // Practical is all "not applicable": knowledge and emergency share 100 % in
        // their 30:20 proportion. 0.6·100 + 0.4·50 = 80 %.
        let weights = Weights::new(30, 50, 20).unwrap();
        let items = [
            item(Section::Knowledge, 4),
            not_applicable(),
            item(Section::Emergency, 2),
        ];
        assert_eq!(
            weighted_score(weights, 4, &items).unwrap().to_string(),
            "80.00 %"
        );
        assert_eq!(
            weighted_score(weights, 4, &[not_applicable()]),
            Err(ScoringError::NothingScored)
        );
    }

    #[test]
    fn scores_floor_so_a_level_is_never_reached_by_rounding() {
        // 2/3 of the points: 66.666… % floors to 66.66 %.
        let weights = Weights::new(100, 0, 0).unwrap();
        let items = [item(Section::Knowledge, 2)];
        assert_eq!(
            weighted_score(weights, 3, &items).unwrap().hundredths(),
            6666
        );
        let thresholds = Thresholds::new([(CompetencyLevel::Competent, 67)]).unwrap();
        assert_eq!(
            thresholds.suggest(weighted_score(weights, 3, &items).unwrap()),
            CompetencyLevel::NotCompetent
        );
    }

    #[test]
    fn a_threshold_is_reached_exactly_at_its_value() {
        let thresholds = Thresholds::standard();
        let at = |hundredths| thresholds.suggest(WeightedScore(hundredths));
        assert_eq!(at(3999), CompetencyLevel::NotCompetent);
        assert_eq!(at(4000), CompetencyLevel::AdvancedBeginner);
        assert_eq!(at(5999), CompetencyLevel::AdvancedBeginner);
        assert_eq!(at(6000), CompetencyLevel::Competent);
        assert_eq!(at(8000), CompetencyLevel::Proficient);
        assert_eq!(at(9499), CompetencyLevel::Proficient);
        assert_eq!(at(9500), CompetencyLevel::Expert);
        assert_eq!(at(10_000), CompetencyLevel::Expert);
    }

    #[test]
    fn bad_rules_and_bad_scores_are_refused() {
        assert_eq!(
            Weights::new(30, 50, 30),
            Err(ScoringError::WeightsNot100(110))
        );
        assert!(matches!(
            Thresholds::new([
                (CompetencyLevel::Competent, 60),
                (CompetencyLevel::Proficient, 60)
            ]),
            Err(ScoringError::ThresholdsNotRising { .. })
        ));
        assert_eq!(
            Thresholds::new([(CompetencyLevel::NotCompetent, 10)]),
            Err(ScoringError::ThresholdForUnratedLevel)
        );
        assert_eq!(
            Thresholds::new([(CompetencyLevel::Expert, 101)]),
            Err(ScoringError::ThresholdOutOfRange)
        );
        let weights = Weights::new(100, 0, 0).unwrap();
        assert_eq!(
            weighted_score(weights, 4, &[item(Section::Knowledge, 5)]),
            Err(ScoringError::ScoreAboveScale { score: 5, max: 4 })
        );
        assert_eq!(
            weighted_score(
                weights,
                4,
                &[ItemScore {
                    section: Section::Knowledge,
                    score: None,
                    not_applicable: false
                }]
            ),
            Err(ScoringError::Unscored(1))
        );
        assert_eq!(
            weighted_score(
                weights,
                4,
                &[ItemScore {
                    section: Section::Knowledge,
                    score: None,
                    not_applicable: true
                }]
            ),
            Err(ScoringError::NotApplicableOutsidePractical)
        );
        assert_eq!(weighted_score(weights, 0, &[]), Err(ScoringError::BadScale));
    }

    fn any_items() -> impl Strategy<Value = (u8, Vec<ItemScore>)> {
        (1u8..=10).prop_flat_map(|max| {
            let item = (0usize..3, 0..=max, any::<bool>()).prop_map(|(s, score, na)| {
                let section = Section::ALL[s];
                let na = na && section == Section::Practical;
                ItemScore {
                    section,
                    score: (!na).then_some(score),
                    not_applicable: na,
                }
            });
            (Just(max), proptest::collection::vec(item, 1..20))
        })
    }

    fn any_weights() -> impl Strategy<Value = Weights> {
        (0u8..=100)
            .prop_flat_map(|k| (Just(k), 0..=(100 - k)))
            .prop_map(|(k, p)| Weights::new(k, p, 100 - k - p).unwrap())
    }

    proptest! {
        #[test]
        fn scores_stay_between_0_and_100_percent((max, items) in any_items(), weights in any_weights()) {
            if let Ok(score) = weighted_score(weights, max, &items) {
                prop_assert!(score.hundredths() <= 10_000);
            }
        }

        #[test]
        fn full_marks_score_100_and_nothing_scores_0((max, items) in any_items(), weights in any_weights()) {
            let full: Vec<_> = items.iter().map(|i| ItemScore { score: i.score.map(|_| max), ..*i }).collect();
            let none: Vec<_> = items.iter().map(|i| ItemScore { score: i.score.map(|_| 0), ..*i }).collect();
            if let Ok(score) = weighted_score(weights, max, &full) {
                prop_assert_eq!(score.hundredths(), 10_000);
                prop_assert_eq!(weighted_score(weights, max, &none).unwrap().hundredths(), 0);
            }
        }

        #[test]
        fn a_better_score_on_one_item_never_lowers_the_result((max, items) in any_items(), weights in any_weights(), pick in any::<prop::sample::Index>()) {
            let i = pick.index(items.len());
            if let (Ok(before), Some(score)) = (weighted_score(weights, max, &items), items[i].score)
                && score < max
            {
                let mut better = items.clone();
                better[i].score = Some(score + 1);
                prop_assert!(weighted_score(weights, max, &better).unwrap() >= before);
            }
        }

        #[test]
        fn the_suggestion_rises_with_the_score(a in 0u32..=10_000, b in 0u32..=10_000) {
            let thresholds = Thresholds::standard();
            let (low, high) = (a.min(b), a.max(b));
            prop_assert!(thresholds.suggest(WeightedScore(low)) <= thresholds.suggest(WeightedScore(high)));
        }
    }
}
