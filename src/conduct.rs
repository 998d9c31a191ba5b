//! Conducting an assessment (SPEC §3): the conductor's steps, what one item's response
//! may hold, which of two devices' edits wins, the score of the responses so far, and
//! the assessor's final judgement. The conductor in the browser and the server that
//! keeps the draft and records the submission call these same functions.

use crate::{
    CompetencyLevel, ValidationError,
    assessment::weighted_score,
    assessment::{ItemScore, ScoringError, Section, Thresholds, WeightedScore, Weights},
};
use serde::{Deserialize, Serialize};

crate::closed_set::closed_set! {
    /// The conductor's steps, in order: one per section, then review and rating.
    /// Stored in `assessment_drafts.current_step`.
    #[derive(Default, PartialOrd, Ord)]
    pub enum Step: "assessment step" {
        #[default]
        Knowledge = "KNOWLEDGE", "Knowledge";
        Practical = "PRACTICAL", "Practical skills";
        Emergency = "EMERGENCY", "Emergency scenarios";
        Review = "REVIEW", "Review and rating";
    }
}

crate::closed_set::closed_set! {
    /// Where an assessment stands. Stored as the Postgres enum `assessment_status`.
    pub enum AssessmentStatus: "assessment status" {
        /// The carer's practice reached every covered task's target.
        Ready = "READY", "Ready";
        /// An assessor started it; the draft autosaves.
        InProgress = "IN_PROGRESS", "In progress";
        /// Submitted; a second assessor or a manager approves it (approval chain).
        AwaitingApproval = "AWAITING_APPROVAL", "Awaiting approval";
        /// The approver sent it back to the assessor with comments.
        Returned = "RETURNED", "Returned";
        /// The rating went to the carer.
        Completed = "COMPLETED", "Completed";
        Cancelled = "CANCELLED", "Cancelled";
    }
}

impl AssessmentStatus {
    /// Whether the assessor may still change answers and scores.
    pub fn is_editable(self) -> bool {
        matches!(
            self,
            AssessmentStatus::InProgress | AssessmentStatus::Returned
        )
    }
}

impl Step {
    /// The section this step scores (review scores none).
    pub fn section(self) -> Option<Section> {
        match self {
            Step::Knowledge => Some(Section::Knowledge),
            Step::Practical => Some(Section::Practical),
            Step::Emergency => Some(Section::Emergency),
            Step::Review => None,
        }
    }

    /// 1 to 4, for "Step 2 of 4".
    pub fn number(self) -> usize {
        Self::ALL
            .iter()
            .position(|s| *s == self)
            .map_or(1, |i| i + 1)
    }

    pub fn next(self) -> Option<Step> {
        Self::ALL.get(self.number()).copied()
    }

    pub fn previous(self) -> Option<Step> {
        self.number()
            .checked_sub(2)
            .and_then(|i| Self::ALL.get(i).copied())
    }
}

/// Longest answer the assessor can note for one item, and longest comment or reason.
pub const ANSWER_MAX: usize = 8000;
pub const REASON_MAX: usize = 4000;

/// What an item allows, as the conductor needs it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct ItemRule {
    pub section: Section,
    pub allows_not_applicable: bool,
}

/// One item as the assessor left it: the carer's answer (or what was observed), a
/// score, or "not applicable".
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Response {
    pub answer: String,
    pub score: Option<u8>,
    pub not_applicable: bool,
}

impl Response {
    /// Whether the item is done: scored, or marked not applicable.
    pub fn is_settled(&self) -> bool {
        self.score.is_some() || self.not_applicable
    }
}

/// Whether `response` fits its item and the template's scale (0..=`scale_max`).
pub fn check_response(
    rule: ItemRule,
    scale_max: u8,
    response: &Response,
) -> Result<(), ValidationError> {
    if let Some(score) = response.score
        && score > scale_max
    {
        return Err(ValidationError::new(
            "score",
            format!("Scores run from 0 to {scale_max}"),
        ));
    }
    if response.not_applicable {
        if !rule.allows_not_applicable {
            return Err(ValidationError::new(
                "not_applicable",
                "This item cannot be marked not applicable",
            ));
        }
        if response.score.is_some() {
            return Err(ValidationError::new(
                "score",
                "An item marked not applicable carries no score",
            ));
        }
    }
    if response.answer.chars().count() > ANSWER_MAX {
        return Err(ValidationError::new(
            "answer",
            format!("An answer can be at most {ANSWER_MAX} characters"),
        ));
    }
    Ok(())
}

/// An item's stored version: every write raises `revision`, and remembers the device.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Stamp {
    pub revision: i64,
    pub device_id: String,
}

/// Last write wins, per item. A device saves with the revision it last saw
/// (`base_revision`; 0 for an item it never saw stored). Its write always lands; the
/// answer is whether it replaced a newer edit made on *another* device, which the
/// assessor is then told about.
pub fn overwrites_other_device(
    base_revision: i64,
    stored: Option<&Stamp>,
    device_id: &str,
) -> bool {
    stored.is_some_and(|stamp| stamp.revision > base_revision && stamp.device_id != device_id)
}

/// Whether a device should take the stored version of an item over what it shows: the
/// stored one is newer than anything the device has seen, and the device holds no edit
/// of its own still waiting to be saved (that edit will win when it is saved).
pub fn adopt_stored(known_revision: i64, stored_revision: i64, edited_locally: bool) -> bool {
    stored_revision > known_revision && !edited_locally
}

/// The score so far and the level it suggests, once every item is settled.
pub fn suggestion(
    weights: Weights,
    scale_max: u8,
    thresholds: &Thresholds,
    items: impl IntoIterator<Item = (ItemRule, Response)>,
) -> Result<(WeightedScore, CompetencyLevel), ScoringError> {
    let scores: Vec<ItemScore> = items
        .into_iter()
        .map(|(rule, response)| ItemScore {
            section: rule.section,
            score: response.score,
            not_applicable: response.not_applicable,
        })
        .collect();
    let score = weighted_score(weights, scale_max, &scores)?;
    Ok((score, thresholds.suggest(score)))
}

/// The levels an assessor can award (an assessment never awards "not assessed").
pub const AWARDABLE: [CompetencyLevel; 5] = [
    CompetencyLevel::NotCompetent,
    CompetencyLevel::AdvancedBeginner,
    CompetencyLevel::Competent,
    CompetencyLevel::Proficient,
    CompetencyLevel::Expert,
];

/// The review step as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct JudgementForm {
    /// A `CompetencyLevel` spelling; blank until chosen.
    pub final_level: String,
    /// Why the level differs from the suggestion.
    pub reason: String,
    /// The assessor's comments for the carer.
    pub comments: String,
}

/// The assessor's checked decision.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Judgement {
    pub final_level: CompetencyLevel,
    /// Present when the level differs from the suggestion (and kept if given anyway).
    pub reason: Option<String>,
    pub comments: String,
}

/// A comment, reason or note as typed: trimmed, at most `REASON_MAX` characters (may be
/// empty; callers that need one say so).
pub fn long_text(raw: &str, field: &'static str) -> Result<String, ValidationError> {
    let text = raw.trim();
    if text.chars().count() > REASON_MAX {
        return Err(ValidationError::new(
            field,
            format!("This can be at most {REASON_MAX} characters"),
        ));
    }
    Ok(text.to_owned())
}

impl Judgement {
    /// A level other than `suggested` is professional judgement: it needs a reason.
    pub fn parse(
        form: &JudgementForm,
        suggested: CompetencyLevel,
    ) -> Result<Self, ValidationError> {
        let final_level = form
            .final_level
            .parse::<CompetencyLevel>()
            .ok()
            .filter(|level| AWARDABLE.contains(level))
            .ok_or_else(|| ValidationError::new("final_level", "Choose the level you award"))?;
        let reason = long_text(&form.reason, "reason")?;
        if final_level != suggested && reason.is_empty() {
            return Err(ValidationError::new(
                "reason",
                format!(
                    "You chose {} where the score suggests {}: give the reason for your professional judgement",
                    final_level.label(),
                    suggested.label()
                ),
            ));
        }
        Ok(Self {
            final_level,
            reason: (!reason.is_empty()).then_some(reason),
            comments: long_text(&form.comments, "comments")?,
        })
    }

    /// Whether the level overrides the suggestion.
    pub fn overrides(&self, suggested: CompetencyLevel) -> bool {
        self.final_level != suggested
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const PRACTICAL_NA: ItemRule = ItemRule {
        section: Section::Practical,
        allows_not_applicable: true,
    };
    const KNOWLEDGE: ItemRule = ItemRule {
        section: Section::Knowledge,
        allows_not_applicable: false,
    };

    fn scored(score: u8) -> Response {
        Response {
            score: Some(score),
            ..Response::default()
        }
    }

    #[test]
    fn steps_run_knowledge_to_review() {
        assert_eq!(Step::default(), Step::Knowledge);
        assert_eq!(Step::Knowledge.next(), Some(Step::Practical));
        assert_eq!(Step::Emergency.next(), Some(Step::Review));
        assert_eq!(Step::Review.next(), None);
        assert_eq!(Step::Knowledge.previous(), None);
        assert_eq!(Step::Review.previous(), Some(Step::Emergency));
        assert_eq!(
            Step::ALL.iter().map(|s| s.number()).collect::<Vec<_>>(),
            [1, 2, 3, 4]
        );
        assert_eq!(Step::Review.section(), None);
        assert_eq!(Step::Practical.section(), Some(Section::Practical));
        assert_eq!("REVIEW".parse::<Step>().unwrap(), Step::Review);
    }

    #[test]
    fn responses_fit_the_item_and_the_scale() {
        assert!(check_response(KNOWLEDGE, 4, &scored(4)).is_ok());
        assert_eq!(
            check_response(KNOWLEDGE, 4, &scored(5)).unwrap_err().field,
            "score"
        );
        let na = Response {
            not_applicable: true,
            ..Response::default()
        };
        assert!(check_response(PRACTICAL_NA, 4, &na).is_ok());
        assert_eq!(
            check_response(KNOWLEDGE, 4, &na).unwrap_err().field,
            "not_applicable"
        );
        let both = Response {
            score: Some(2),
            not_applicable: true,
            ..Response::default()
        };
        assert_eq!(
            check_response(PRACTICAL_NA, 4, &both).unwrap_err().field,
            "score"
        );
        let long = Response {
            answer: "x".repeat(ANSWER_MAX + 1),
            ..Response::default()
        };
        assert_eq!(
            check_response(KNOWLEDGE, 4, &long).unwrap_err().field,
            "answer"
        );
        // Unsettled is allowed in a draft.
        assert!(check_response(KNOWLEDGE, 4, &Response::default()).is_ok());
        assert!(!Response::default().is_settled());
    }

    #[test]
    fn last_write_wins_and_says_when_it_replaced_another_devices_edit() {
        let tablet = Stamp {
            revision: 3,
            device_id: "tablet".into(),
        };
        // The laptop last saw revision 2; the tablet wrote 3 since: the laptop's write
        // lands and replaces it, with a notice.
        assert!(overwrites_other_device(2, Some(&tablet), "laptop"));
        // Saw revision 3 already: an ordinary edit.
        assert!(!overwrites_other_device(3, Some(&tablet), "laptop"));
        // The tablet's own earlier write (e.g. a retried save) is no conflict.
        assert!(!overwrites_other_device(1, Some(&tablet), "tablet"));
        // Nothing stored yet.
        assert!(!overwrites_other_device(0, None, "laptop"));

        assert!(adopt_stored(2, 3, false));
        assert!(
            !adopt_stored(2, 3, true),
            "an unsaved local edit wins when saved"
        );
        assert!(!adopt_stored(3, 3, false));
    }

    #[test]
    fn the_suggestion_needs_every_item_settled() {
        let weights = Weights::new(50, 50, 0).unwrap();
        let thresholds = Thresholds::standard();
        let unsettled = [(KNOWLEDGE, scored(4)), (PRACTICAL_NA, Response::default())];
        assert_eq!(
            suggestion(weights, 4, &thresholds, unsettled),
            Err(ScoringError::Unscored(1))
        );
        // N/A drops the practical section: knowledge alone, 3 of 4 = 75 % → Competent.
        let na = Response {
            not_applicable: true,
            ..Response::default()
        };
        let (score, level) = suggestion(
            weights,
            4,
            &thresholds,
            [(KNOWLEDGE, scored(3)), (PRACTICAL_NA, na)],
        )
        .unwrap();
        assert_eq!(score.to_string(), "75.00 %");
        assert_eq!(level, CompetencyLevel::Competent);
    }

    fn form(level: &str, reason: &str) -> JudgementForm {
        JudgementForm {
            final_level: level.into(),
            reason: reason.into(),
            comments: "  Calm and thorough.  ".into(),
        }
    }

    #[test]
    fn a_level_other_than_the_suggestion_needs_a_reason() {
        let agreed = Judgement::parse(&form("COMPETENT", ""), CompetencyLevel::Competent).unwrap();
        assert_eq!(agreed.final_level, CompetencyLevel::Competent);
        assert_eq!(agreed.reason, None);
        assert_eq!(agreed.comments, "Calm and thorough.");
        assert!(!agreed.overrides(CompetencyLevel::Competent));

        let err =
            Judgement::parse(&form("PROFICIENT", "   "), CompetencyLevel::Competent).unwrap_err();
        assert_eq!(err.field, "reason");
        assert!(err.message.contains("Proficient"), "{}", err.message);

        let judged = Judgement::parse(
            &form("PROFICIENT", "Handled an unplanned fall during the visit"),
            CompetencyLevel::Competent,
        )
        .unwrap();
        assert!(judged.overrides(CompetencyLevel::Competent));
        assert!(judged.reason.is_some());

        for bad in ["", "NOT_ASSESSED", "GURU"] {
            assert_eq!(
                Judgement::parse(&form(bad, "x"), CompetencyLevel::Competent)
                    .unwrap_err()
                    .field,
                "final_level"
            );
        }
    }

    proptest! {
        /// Whatever the level and reason, the rule holds: overriding without a reason
        /// is refused, and everything accepted either agrees or carries a reason.
        #[test]
        fn no_override_goes_unexplained(
            chosen in 0usize..5, suggested in 0usize..5, reason in "[ a-z]{0,12}"
        ) {
            let suggested = AWARDABLE[suggested];
            let result = Judgement::parse(&form(AWARDABLE[chosen].as_str(), &reason), suggested);
            match result {
                Ok(judgement) => prop_assert!(
                    !judgement.overrides(suggested) || judgement.reason.is_some()
                ),
                Err(err) => {
                    prop_assert_eq!(err.field, "reason");
                    prop_assert!(reason.trim().is_empty() && AWARDABLE[chosen] != suggested);
                }
            }
        }
    }
}
