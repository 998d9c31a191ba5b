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
