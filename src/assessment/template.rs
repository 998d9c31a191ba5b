//! The template form as typed (sections of items, weights, scale, thresholds, review
//! interval) and the checked draft it becomes: what the browser checks before sending
//! and the server checks again before saving a version.

use super::{Section, Thresholds, Weights};
use crate::{text::single_line, validation::ValidationError};
use serde::{Deserialize, Serialize};

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
