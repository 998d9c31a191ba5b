//! The matrix itself, and the owners' own requests that prove the refusals are about
//! ownership rather than broken requests.

use super::*;

/// The matrix: for each route that takes an id, who asks about whose record, and how
/// they are refused — or why no record can be someone else's to its callers.
pub(super) fn matrix(w: &World) -> Vec<Entry> {
    use Who::*;
    let (a, b) = (w.carer_a, w.carer_b);
    let mut entries = vec![
        // Care: a carer reaches the packages they work at, and their own progress only.
        rest("GET", "/api/v1/care-packages/{id}")
            .by(CarerA)
            .on(w.package_b)
            .refused("carer B's package", NOT_FOUND),
        server_fn("/api/care_package")
            .by(CarerA)
            .form(format!("id={}", w.package_b))
            .refused("carer B's package", NOT_FOUND),
        rest("GET", "/api/v1/carers/{id}/progress")
            .by(CarerA)
            .on(b)
            .refused("carer B's progress", NOT_FOUND),
        server_fn("/api/carer_progress")
            .by(CarerA)
            .form(format!("carer={b}"))
            .refused("carer B's progress", NOT_FOUND),
        // Logging: at one's own packages only, even a task one has elsewhere.
        rest("POST", "/api/v1/me/task-completions")
            .by(CarerA)
            .json(completion(w.medication, w.package_b))
            .refused_saying(
                "carer B's package (a task carer A has at their own)",
                NOT_ON_YOUR_LIST,
                "not on your list",
            ),
        server_fn("/api/log_practice")
            .by(CarerA)
            .form(format!(
                "task_id={}&care_package_id={}&count=1&idempotency_key={}",
                w.medication,
                w.package_b,
                Uuid::new_v4()
            ))
            .refused_saying(
                "carer B's package (a task carer A has at their own)",
                NOT_ON_YOUR_LIST,
                "not on your list",
            ),
        server_fn("/api/log_practice")
            .by(CarerA)
            .form(format!(
                "task_id={}&care_package_id={}&count=1&idempotency_key={}",
                w.hoist,
                w.package_b,
                Uuid::new_v4()
            ))
            .refused_saying(
                "carer B's task at carer B's package",
                NOT_ON_YOUR_LIST,
                "not on your list",
            ),
        // A phone's queue: carer A's log at carer B's package is refused, and carer B's
        // own log (a shared phone) waits for carer B to send it.
        server_fn("/api/sync_practice")
            .by(CarerA)
            .json(json!({ "logs": [
                queued_log(a, w.medication, w.package_b),
                queued_log(b, w.hoist, w.package_b),
            ] }))
            .refused_item_by_item(
                "carer B's package, and carer B's queued log",
                "Refused",
                "Counted",
            ),
        // Ratings and what is behind them: the carer's own.
        rest("GET", "/api/v1/carers/{id}/competencies")
            .by(CarerA)
            .on(b)
            .refused("carer B's ratings", NOT_FOUND),
        rest("POST", "/api/v1/ratings/{id}/confirm")
            .by(CarerA)
            .on(w.b_rating)
            .refused("carer B's pending rating", NOT_FOUND),
        rest("POST", "/api/v1/ratings/{id}/dispute")
            .by(CarerA)
            .on(w.b_rating)
            .json(json!({ "reason": "I was not there" }))
            .refused("carer B's pending rating", NOT_FOUND),
        server_fn("/api/answer_rating")
            .by(CarerA)
            .form(format!("id={}&dispute=false&reason=", w.b_rating))
            .refused("carer B's pending rating", NOT_FOUND),
        server_fn("/api/my_assessment_answers")
            .by(CarerA)
            .form(format!("assessment_id={}", w.b_completed))
            .refused("carer B's completed assessment", NOT_FOUND),
        // Conducting: only the assessor conducting an assessment changes it (another
        // takes it over first, an audited step), and no one approves their own.
        rest("POST", "/api/v1/assessments/{id}/draft")
            .by(AssessorX)
            .on(w.b_in_progress)
            .json(draft_edit())
            .refused_saying(
                "the assessment assessor Y is conducting",
                CONFLICT,
                TAKE_IT_OVER,
            ),
        server_fn("/api/save_assessment_draft")
            .by(AssessorX)
            .json(json!({ "id": w.b_in_progress, "edit": draft_edit() }))
            .refused_saying(
                "the assessment assessor Y is conducting",
                CONFLICT,
                TAKE_IT_OVER,
            ),
        rest("POST", "/api/v1/assessments/{id}/submit")
            .by(AssessorX)
            .on(w.b_in_progress)
            .json(json!({ "final_level": "COMPETENT", "reason": "", "comments": "" }))
            .refused_saying(
                "the assessment assessor Y is conducting",
                CONFLICT,
                TAKE_IT_OVER,
            ),
        server_fn("/api/submit_assessment")
            .by(AssessorX)
            .json(json!({
                "id": w.b_in_progress,
                "form": { "final_level": "COMPETENT", "reason": "", "comments": "" },
            }))
            .refused_saying(
                "the assessment assessor Y is conducting",
                CONFLICT,
                TAKE_IT_OVER,
            ),
        server_fn("/api/attach_evidence")
            .by(AssessorX)
            .form(format!(
                "id={}&file_id={}&caption=",
                w.b_in_progress, w.x_evidence
            ))
            .refused_saying(
                "the assessment assessor Y is conducting",
                CONFLICT,
                TAKE_IT_OVER,
            ),
        server_fn("/api/attach_evidence")
            .by(AssessorY)
            .form(format!(
                "id={}&file_id={}&caption=",
                w.b_in_progress, w.x_evidence
            ))
            .refused("assessor X's uploaded file", NOT_FOUND),
        server_fn("/api/remove_evidence")
            .by(AssessorX)
            .form(format!("id={}&file_id={}", w.b_in_progress, w.y_evidence))
            .refused_saying(
                "assessor Y's evidence on the assessment they conduct",
                CONFLICT,
                TAKE_IT_OVER,
            ),
        server_fn("/api/decide_assessment")
            .by(AssessorY)
            .form(format!("id={}&approve=true&comments=", w.a_awaiting))
            .refused_saying(
                "the assessment assessor Y conducted and submitted (a second person approves)",
                CONFLICT,
                "A second person approves",
            ),
        // Files: the owner, the assessment's subject, and the roles entitled to the
        // purpose (`caretrack::files::may_download`).
        rest("GET", "/api/v1/files/{id}")
            .by(CarerA)
            .on(w.b_opt_out)
            .refused("carer B's opt-out", FORBIDDEN),
        rest("GET", "/api/v1/files/{id}/url")
            .by(AssessorX)
            .on(w.b_opt_out)
            .refused("carer B's opt-out", FORBIDDEN),
        rest("GET", "/api/v1/files/{id}/url")
            .by(CarerA)
            .on(w.y_evidence)
            .refused("evidence on carer B's assessment", FORBIDDEN),
        // Devices and notifications: one's own, whatever one's role.
        rest("DELETE", "/api/v1/me/sessions/{id}")
            .by(CarerA)
            .on(w.b_device)
            .refused("carer B's phone", NOT_FOUND),
        server_fn("/api/sign_out_device")
            .by(Manager)
            .form(format!("id={}", w.b_device))
            .refused("carer B's phone", NOT_FOUND),
        server_fn("/api/mark_notification_read")
            .by(CarerA)
            .form(format!("id={}", w.b_notice))
            .refused("carer B's notification", NOT_FOUND),
        server_fn("/api/mark_notification_read")
            .by(Manager)
            .form(format!("id={}", w.b_notice))
            .refused("carer B's notification", NOT_FOUND),
        // A phone subscription is keyed by its push address: using another person's
        // address must leave their subscription theirs.
        server_fn("/api/unsubscribe_push")
            .by(CarerA)
            .form(format!("endpoint={}", form_value(&w.b_endpoint)))
            .leaves_untouched("carer B's phone subscription", w.b_subscription_is_bs()),
        // The address alone does not move a subscription: only with the browser's own
        // keys (a shared phone), which carer A does not have.
        server_fn("/api/subscribe_push")
            .by(CarerA)
            .json(json!({ "subscription": {
                "endpoint": w.b_endpoint,
                "p256dh": OTHER_P256DH,
                "auth": OTHER_AUTH,
            } }))
            .leaves_untouched("carer B's phone subscription", w.b_subscription_is_bs()),
        // Shifts: interest only in a shift that is open to the carer.
        rest("POST", "/api/v1/shifts/{id}/interest")
            .by(CarerA)
            .on(w.open_shift)
            .refused_saying(
                "a shift open only to the competent (carer B, not carer A)",
                CONFLICT,
                NOT_OPEN_TO_YOU,
            ),
        server_fn("/api/confirm_interest")
            .by(CarerA)
            .form(format!("shift={}", w.open_shift))
            .refused_saying(
                "a shift open only to the competent (carer B, not carer A)",
                CONFLICT,
                NOT_OPEN_TO_YOU,
            ),
        server_fn("/api/confirm_interest")
            .by(CarerA)
            .form(format!("shift={}", w.b_shift))
            .refused_saying("carer B's shift", CONFLICT, NOT_OPEN_TO_YOU),
    ];

    // Reading assessments: assessors and managers see every one; only changing one is
    // the conductor's (above).
    let conducting = P::ConductAssessments;
    let reading = "assessors and managers read every assessment";
    entries.extend([
        rest("GET", "/api/v1/assessments").all_records(conducting, "the list, by any carer"),
        server_fn("/api/assessments").all_records(conducting, "the list, by any carer"),
        rest("GET", "/api/v1/assessments/{id}").all_records(conducting, reading),
        server_fn("/api/assessment_for_conduct").all_records(conducting, reading),
        server_fn("/api/assessment_draft").all_records(conducting, reading),
        rest("POST", "/api/v1/assessments/{id}/start").because(
            "starting an assessment another assessor is conducting is how it is taken over: \
             an explicit, audited step by design (conduct::ssr::start), after which only the \
             new conductor may change it",
        ),
        server_fn("/api/start_assessment").because(
            "taking over an assessment is by design (conduct::ssr::start); see the REST start",
        ),
    ]);

    // Reports are the organisation's: whoever may see reports sees every one, about any
    // carer or package, whoever asked for it.
    let reports = "reports are one shared list (reports::ssr::list has no requester)";
    entries.extend([
        server_fn("/api/reports_request").all_records(P::ViewReports, reports),
        server_fn("/api/reports_link").all_records(P::ViewReports, reports),
    ]);

    // A link that is its own credential, and the rules engine's dry run.
    entries.extend([
        rest("GET", "/api/v1/calendar/{file}").because(
            "the secret link is the credential (calendar apps send no sign-in): whoever holds \
             it reads the feed; an unknown or turned-off link is a 404 (rota.rs)",
        ),
        rest("POST", "/api/v1/rota/check").all_records(
            P::CheckRota,
            "a dry run over the body alone: it reads no record",
        ),
    ]);

    // Only care managers hold these, over every record.
    entries.extend(
        [
            (rest("PATCH", "/api/v1/care-packages/{id}"), P::ManageCare),
            (rest("DELETE", "/api/v1/care-packages/{id}"), P::ManageCare),
            (
                rest("PUT", "/api/v1/care-packages/{id}/tasks"),
                P::ManageCare,
            ),
            (
                rest("PUT", "/api/v1/care-packages/{id}/carers"),
                P::ManageCare,
            ),
            (rest("PATCH", "/api/v1/tasks/{id}"), P::ManageCare),
            (rest("DELETE", "/api/v1/tasks/{id}"), P::ManageCare),
            (server_fn("/api/save_care_package"), P::ManageCare),
            (server_fn("/api/delete_care_package"), P::ManageCare),
            (server_fn("/api/save_task"), P::ManageCare),
            (server_fn("/api/delete_task"), P::ManageCare),
            (server_fn("/api/set_package_tasks"), P::ManageCare),
            (server_fn("/api/set_package_carers"), P::ManageCare),
            (server_fn("/api/preview_package_carers"), P::ManageCare),
            (server_fn("/api/reset_progress"), P::ResetProgress),
            (server_fn("/api/recycle_bin_restore"), P::ManageRecycleBin),
            (server_fn("/api/recycle_bin_purge"), P::ManageRecycleBin),
            (server_fn("/api/reports_archive"), P::ArchiveReports),
            (rest("POST", "/api/v1/admin/jobs/{id}/retry"), P::ManageJobs),
            (
                rest("POST", "/api/v1/admin/jobs/{id}/discard"),
                P::ManageJobs,
            ),
            (server_fn("/api/admin_jobs_retry"), P::ManageJobs),
            (server_fn("/api/admin_jobs_discard"), P::ManageJobs),
            (server_fn("/api/resend_invitation"), P::ManageUsers),
            (server_fn("/api/revoke_invitation"), P::ManageUsers),
            (server_fn("/api/delete_user"), P::ManageUsers),
            (server_fn("/api/set_user_active"), P::ManageUsers),
            (server_fn("/api/change_user_role"), P::ManageUsers),
            (server_fn("/api/sign_out_user"), P::RevokeAnySession),
            (
                server_fn("/api/assessment_template"),
                P::ManageAssessmentTemplates,
            ),
            (
                server_fn("/api/save_assessment_template"),
                P::ManageAssessmentTemplates,
            ),
            (
                server_fn("/api/delete_assessment_template"),
                P::ManageAssessmentTemplates,
            ),
            (server_fn("/api/resolve_rating"), P::ResolveDisputes),
            (server_fn("/api/task_ratings"), P::ManageRatings),
            (server_fn("/api/set_rating"), P::ManageRatings),
            (rest("GET", "/api/v1/rota/{id}/cover"), P::ManageRota),
            (rest("GET", "/api/v1/rota/{id}"), P::ManageRota),
            (rest("PUT", "/api/v1/rota/{id}/draft"), P::ManageRota),
            (rest("POST", "/api/v1/rota/{id}/publish"), P::ManageRota),
            (rest("GET", "/api/v1/rota/{id}/slots"), P::ManageRota),
            (rest("PUT", "/api/v1/rota/{id}/slots"), P::ManageRota),
            (rest("GET", "/api/v1/rota/{id}/week.xlsx"), P::ManageRota),
            (rest("GET", "/api/v1/rota/{id}/week.csv"), P::ManageRota),
            (rest("POST", "/api/v1/shifts/{id}/send-out"), P::ManageRota),
            (
                rest("GET", "/api/v1/shifts/{id}/applications"),
                P::ManageRota,
            ),
            (rest("POST", "/api/v1/shifts/{id}/decisions"), P::ManageRota),
            (server_fn("/api/rota_week"), P::ManageRota),
            (server_fn("/api/save_rota_draft"), P::ManageRota),
            (server_fn("/api/publish_rota_week"), P::ManageRota),
            (server_fn("/api/apply_rota_pattern"), P::ManageRota),
            (server_fn("/api/save_package_slots"), P::ManageRota),
            (server_fn("/api/send_shift_out"), P::ManageRota),
            (server_fn("/api/close_shift"), P::ManageRota),
            (server_fn("/api/shift_applicants"), P::ManageRota),
            (server_fn("/api/decide_application"), P::ManageRota),
        ]
        .into_iter()
        .map(|(route, permission)| route.managers_only(permission)),
    );
    entries
}

/// The owners' own requests, shaped like the refused ones: each must be answered
/// (2xx, or a download's redirect), and say `Some(text)` where a batch answers 2xx
/// either way. Run after the refusals, in an order where none spoils the next.
pub(super) fn controls(w: &World) -> Vec<(Call, Option<&'static str>)> {
    use Who::*;
    let b = w.carer_b;
    vec![
        (
            rest("GET", "/api/v1/care-packages/{id}")
                .by(CarerB)
                .on(w.package_b),
            None,
        ),
        (
            server_fn("/api/care_package")
                .by(CarerB)
                .form(format!("id={}", w.package_b)),
            None,
        ),
        (
            rest("GET", "/api/v1/carers/{id}/progress").by(CarerB).on(b),
            None,
        ),
        (
            rest("GET", "/api/v1/carers/{id}/competencies")
                .by(CarerB)
                .on(b),
            None,
        ),
        (
            server_fn("/api/carer_progress")
                .by(CarerB)
                .form(format!("carer={b}")),
            None,
        ),
        (
            server_fn("/api/my_assessment_answers")
                .by(CarerB)
                .form(format!("assessment_id={}", w.b_completed)),
            None,
        ),
        (
            rest("POST", "/api/v1/me/task-completions")
                .by(CarerB)
                .json(completion(w.medication, w.package_b)),
            None,
        ),
        (
            server_fn("/api/log_practice").by(CarerB).form(format!(
                "task_id={}&care_package_id={}&count=1&idempotency_key={}",
                w.hoist,
                w.package_b,
                Uuid::new_v4()
            )),
            None,
        ),
        (
            server_fn("/api/sync_practice")
                .by(CarerB)
                .json(json!({ "logs": [queued_log(b, w.medication, w.package_b)] })),
            Some("Counted"),
        ),
        (
            rest("GET", "/api/v1/files/{id}").by(CarerB).on(w.b_opt_out),
            None,
        ),
        (
            rest("GET", "/api/v1/files/{id}/url")
                .by(CarerB)
                .on(w.y_evidence),
            None,
        ),
        (
            server_fn("/api/mark_notification_read")
                .by(CarerB)
                .form(format!("id={}", w.b_notice)),
            None,
        ),
        (
            rest("POST", "/api/v1/assessments/{id}/draft")
                .by(AssessorY)
                .on(w.b_in_progress)
                .json(draft_edit()),
            None,
        ),
        (
            server_fn("/api/save_assessment_draft")
                .by(AssessorY)
                .json(json!({ "id": w.b_in_progress, "edit": draft_edit() })),
            None,
        ),
        // A second person returns it (approving would issue ratings: more than needed).
        (
            server_fn("/api/decide_assessment")
                .by(AssessorX)
                .form(format!(
                    "id={}&approve=false&comments=Score+the+emergency+section+again",
                    w.a_awaiting
                )),
            None,
        ),
        (
            server_fn("/api/confirm_interest")
                .by(CarerB)
                .form(format!("shift={}", w.open_shift)),
            None,
        ),
        (
            rest("POST", "/api/v1/ratings/{id}/confirm")
                .by(CarerB)
                .on(w.b_rating),
            None,
        ),
        (
            rest("DELETE", "/api/v1/me/sessions/{id}")
                .by(CarerB)
                .on(w.b_device),
            None,
        ),
        (
            server_fn("/api/unsubscribe_push")
                .by(CarerB)
                .form(format!("endpoint={}", form_value(&w.b_endpoint))),
            None,
        ),
    ]
}
