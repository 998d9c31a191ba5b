//! Compile-time checked templates (askama): HTML and plain text for every email, on a
//! shared layout carrying the provider's name and logo.

use super::Brand;
use app::mail::*;
use askama::Template;

macro_rules! email_templates {
    ($($data:ident => $html:ident $html_path:tt, $text:ident $text_path:tt;)+) => {$(
        #[derive(Template)]
        #[template(path = $html_path)]
        struct $html<'a> {
            subject: &'a str,
            brand: &'a Brand,
            e: &'a $data,
        }

        #[derive(Template)]
        #[template(path = $text_path)]
        struct $text<'a> {
            brand: &'a Brand,
            e: &'a $data,
        }
    )+};
}

email_templates! {
    Invitation => InvitationHtml "email/invitation.html", InvitationText "email/invitation.txt";
    EmailVerification => EmailVerificationHtml "email/email_verification.html", EmailVerificationText "email/email_verification.txt";
    PasswordReset => PasswordResetHtml "email/password_reset.html", PasswordResetText "email/password_reset.txt";
    EmailChange => EmailChangeHtml "email/email_change.html", EmailChangeText "email/email_change.txt";
    RatingPendingConfirmation => RatingPendingHtml "email/rating_pending_confirmation.html", RatingPendingText "email/rating_pending_confirmation.txt";
    DisputeRaised => DisputeRaisedHtml "email/dispute_raised.html", DisputeRaisedText "email/dispute_raised.txt";
    AssessmentAvailable => AssessmentAvailableHtml "email/assessment_available.html", AssessmentAvailableText "email/assessment_available.txt";
    ShiftDecision => ShiftDecisionHtml "email/shift_decision.html", ShiftDecisionText "email/shift_decision.txt";
    RotaPublished => RotaPublishedHtml "email/rota_published.html", RotaPublishedText "email/rota_published.txt";
    RetentionWarning => RetentionWarningHtml "email/retention_warning.html", RetentionWarningText "email/retention_warning.txt";
}

/// A rendered email, ready to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub html: String,
    pub text: String,
}

fn subject(email: &Email, brand: &Brand) -> String {
    let org = &brand.organisation_name;
    match email {
        Email::Invitation(_) => format!("You're invited to join {org} on CareTrack Pro"),
        Email::EmailVerification(_) => format!("Confirm your email address for {org}"),
        Email::PasswordReset(_) => "Reset your CareTrack Pro password".into(),
        Email::EmailChange(_) => "Confirm your new email address".into(),
        Email::RatingPendingConfirmation(e) if e.reminder => {
            format!("Reminder: please confirm your rating for {}", e.task_name)
        }
        Email::RatingPendingConfirmation(e) => {
            format!("Please confirm your new competency rating: {}", e.task_name)
        }
        Email::DisputeRaised(e) => format!("{} has disputed a competency rating", e.carer_name),
        Email::AssessmentAvailable(e) if e.for_carer => {
            format!("Ready for your assessment: {}", e.assessment_title)
        }
        Email::AssessmentAvailable(e) => {
            format!("Assessment ready: {}, {}", e.carer_name, e.assessment_title)
        }
        Email::ShiftDecision(e) if e.selected => {
            format!("You have the shift: {}, {}", e.package_name, e.shift_when)
        }
        Email::ShiftDecision(e) => format!("Shift update: {}, {}", e.package_name, e.shift_when),
        Email::RotaPublished(e) => {
            format!(
                "Your rota for the week of {} at {}",
                e.week_of, e.package_name
            )
        }
        Email::RetentionWarning(e) => {
            format!("Recycle bin items will be deleted on {}", e.purge_on)
        }
    }
}

pub fn render(email: &Email, brand: &Brand) -> Result<Rendered, askama::Error> {
    let subject = subject(email, brand);
    let s = subject.as_str();
    macro_rules! both {
        ($html:ident, $text:ident, $e:expr) => {
            (
                $html {
                    subject: s,
                    brand,
                    e: $e,
                }
                .render()?,
                $text { brand, e: $e }.render()?,
            )
        };
    }
    let (html, text) = match email {
        Email::Invitation(e) => both!(InvitationHtml, InvitationText, e),
        Email::EmailVerification(e) => both!(EmailVerificationHtml, EmailVerificationText, e),
        Email::PasswordReset(e) => both!(PasswordResetHtml, PasswordResetText, e),
        Email::EmailChange(e) => both!(EmailChangeHtml, EmailChangeText, e),
        Email::RatingPendingConfirmation(e) => both!(RatingPendingHtml, RatingPendingText, e),
        Email::DisputeRaised(e) => both!(DisputeRaisedHtml, DisputeRaisedText, e),
        Email::AssessmentAvailable(e) => both!(AssessmentAvailableHtml, AssessmentAvailableText, e),
        Email::ShiftDecision(e) => both!(ShiftDecisionHtml, ShiftDecisionText, e),
        Email::RotaPublished(e) => both!(RotaPublishedHtml, RotaPublishedText, e),
        Email::RetentionWarning(e) => both!(RetentionWarningHtml, RetentionWarningText, e),
    };
    Ok(Rendered {
        subject,
        html,
        text,
    })
}

/// One example of every email, for tests and the template preview.
pub fn examples() -> Vec<Email> {
    let s = |v: &str| v.to_owned();
    vec![
        Email::Invitation(Invitation {
            invitee_name: s("Sam Okafor"),
            inviter_name: s("Alex Morgan"),
            role: s("a care worker"),
            accept_url: s("https://care.example/invite/abc"),
            expires_on: s("28 Nov 2026"),
        }),
        Email::EmailVerification(EmailVerification {
            name: s("Sam Okafor"),
            verify_url: s("https://care.example/verify/abc"),
        }),
        Email::PasswordReset(PasswordReset {
            name: s("Sam Okafor"),
            reset_url: s("https://care.example/reset/abc"),
            valid_for: s("1 hour"),
        }),
        Email::EmailChange(EmailChange {
            name: s("Sam Okafor"),
            new_email: s("sam.new@example.com"),
            confirm_url: s("https://care.example/email/abc"),
        }),
        Email::RatingPendingConfirmation(RatingPendingConfirmation {
            carer_name: s("Sam Okafor"),
            task_name: s("Medication administration"),
            level: s("Competent"),
            assessor_name: s("Priya Shah"),
            confirm_url: s("https://care.example/ratings/1"),
            reminder: false,
        }),
        Email::RatingPendingConfirmation(RatingPendingConfirmation {
            carer_name: s("Sam Okafor"),
            task_name: s("Medication administration"),
            level: s("Competent"),
            assessor_name: s("Priya Shah"),
            confirm_url: s("https://care.example/ratings/1"),
            reminder: true,
        }),
        Email::DisputeRaised(DisputeRaised {
            admin_name: s("Alex Morgan"),
            carer_name: s("Sam Okafor"),
            task_name: s("Moving and handling (hoist)"),
            level: s("Advanced beginner"),
            reason: s("I was not shown the new sling before the assessment."),
            review_url: s("https://care.example/disputes/1"),
        }),
        Email::AssessmentAvailable(AssessmentAvailable {
            recipient_name: s("Priya Shah"),
            carer_name: s("Sam Okafor"),
            assessment_title: s("Medication competency"),
            assessment_url: s("https://care.example/assessments/1"),
            for_carer: false,
        }),
        Email::AssessmentAvailable(AssessmentAvailable {
            recipient_name: s("Sam Okafor"),
            carer_name: s("Sam Okafor"),
            assessment_title: s("Medication competency"),
            assessment_url: s("https://care.example/carer"),
            for_carer: true,
        }),
        Email::ShiftDecision(ShiftDecision {
            carer_name: s("Sam Okafor"),
            package_name: s("Maple Court"),
            shift_when: s("Sat 28 Nov 2026, 08:00 to 20:00"),
            selected: true,
            shifts_url: s("https://care.example/shifts"),
        }),
        Email::ShiftDecision(ShiftDecision {
            carer_name: s("Jo Williams"),
            package_name: s("Maple Court"),
            shift_when: s("Sat 28 Nov 2026, 08:00 to 20:00"),
            selected: false,
            shifts_url: s("https://care.example/shifts"),
        }),
        Email::RotaPublished(RotaPublished {
            carer_name: s("Sam Okafor"),
            package_name: s("Maple Court"),
            week_of: s("30 Nov 2026"),
            rota_url: s("https://care.example/rota"),
        }),
        Email::RetentionWarning(RetentionWarning {
            admin_name: s("Alex Morgan"),
            item_count: 3,
            purge_on: s("28 Nov 2026"),
            recycle_bin_url: s("https://care.example/recycle-bin"),
        }),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn brand() -> Brand {
        Brand {
            organisation_name: "Sunrise Home Care".into(),
            logo_url: "https://care.example/logo.png".into(),
        }
    }

    #[test]
    fn every_email_renders_in_html_and_text() {
        let examples = examples();
        let templates: std::collections::HashSet<_> =
            examples.iter().map(Email::template).collect();
        assert_eq!(templates.len(), 10, "one example per template");
        for email in &examples {
            let r = render(email, &brand()).unwrap();
            assert!(!r.subject.is_empty());
            assert!(r.html.contains("Sunrise Home Care"), "{}", email.template());
            assert!(r.html.contains("https://care.example/logo.png"));
            assert!(r.text.contains("Sunrise Home Care"));
            assert!(
                !r.text.contains("<p>"),
                "plain text has no markup: {}",
                email.template()
            );
            assert!(
                r.text.contains("https://care.example/"),
                "the link is in the text part: {}",
                email.template()
            );
        }
    }

    #[test]
    fn values_are_escaped_in_html_but_not_in_text() {
        let email = Email::DisputeRaised(DisputeRaised {
            admin_name: "Alex".into(),
            carer_name: "Sam <script>alert(1)</script>".into(),
            task_name: "Meds & more".into(),
            level: "Competent".into(),
            reason: "It's \"wrong\"".into(),
            review_url: "https://care.example/d/1".into(),
        });
        let r = render(&email, &brand()).unwrap();
        // Escaped (askama writes numeric entities), never raw markup.
        assert!(!r.html.contains("<script>"));
        assert!(r.html.contains("&#60;script&#62;"), "{}", r.html);
        assert!(!r.html.contains("Meds & more"));
        assert!(r.html.contains("Meds &#38; more"));
        assert!(r.text.contains("Meds & more"));
        assert!(r.text.contains("It's \"wrong\""));
    }

    #[test]
    fn reminders_and_decisions_read_differently() {
        let all = examples();
        let subjects: Vec<_> = all
            .iter()
            .map(|e| render(e, &brand()).unwrap().subject)
            .collect();
        assert!(subjects.contains(
            &"Reminder: please confirm your rating for Medication administration".to_owned()
        ));
        assert!(subjects.contains(
            &"You have the shift: Maple Court, Sat 28 Nov 2026, 08:00 to 20:00".to_owned()
        ));
        let not_selected = all
            .iter()
            .find(|e| matches!(e, Email::ShiftDecision(d) if !d.selected))
            .expect("an example of a shift not given");
        let not_selected = render(not_selected, &brand()).unwrap();
        assert!(
            not_selected
                .text
                .contains("another colleague has been selected")
        );
        let no_logo = Brand {
            logo_url: String::new(),
            ..brand()
        };
        assert!(!render(&all[0], &no_logo).unwrap().html.contains("<img"));
    }
}
