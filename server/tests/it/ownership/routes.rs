//! The matrix's vocabulary: which routes take an id (the server functions' arguments,
//! REST paths with a `{…}` segment), who asks, and how a request must be refused.

use super::*;

/// Every server function and its arguments (a nested field as `outer.field`, a list's
/// items as `list[].field`), from the `#[server]` signatures. A function missing here
/// fails the test: list its arguments, and if one names a record, give it an entry.
pub(super) const ARGUMENTS: &[(&str, &str)] = &[
    // Signing in and one's own account.
    ("/api/system_status", ""),
    ("/api/whoami", ""),
    ("/api/sign_in", "email password"),
    ("/api/sign_in_second_step", "mfa_token code"),
    ("/api/sign_out", ""),
    ("/api/invitation_for", "token"),
    (
        "/api/accept_invitation",
        "token first_name last_name phone password password_again",
    ),
    ("/api/request_password_reset", "email"),
    ("/api/reset_password", "token password password_again"),
    ("/api/confirm_email_change", "token"),
    (
        "/api/change_password",
        "current_password password password_again",
    ),
    ("/api/request_email_change", "new_email current_password"),
    ("/api/my_devices", ""),
    ("/api/sign_out_device", "id"),
    ("/api/two_factor_status", ""),
    ("/api/start_two_factor", ""),
    ("/api/confirm_two_factor", "code"),
    ("/api/disable_two_factor", "current_password code"),
    // Notifications and pushes.
    ("/api/my_notifications", "page unread_only"),
    ("/api/unread_notifications", ""),
    ("/api/mark_notification_read", "id"),
    ("/api/mark_all_notifications_read", ""),
    ("/api/notification_choices", ""),
    (
        "/api/save_notification_choices",
        "choices[].kind choices[].in_app choices[].email choices[].push",
    ),
    ("/api/push_public_key", ""),
    (
        "/api/subscribe_push",
        "subscription.endpoint subscription.p256dh subscription.auth",
    ),
    ("/api/unsubscribe_push", "endpoint"),
    ("/api/who_is_online", ""),
    // Care.
    ("/api/care_packages", "search page"),
    ("/api/care_package", "id"),
    (
        "/api/save_care_package",
        "id name postcode_district client_name address",
    ),
    ("/api/delete_care_package", "id"),
    ("/api/tasks", "search page"),
    (
        "/api/save_task",
        "id name category description target_count",
    ),
    ("/api/delete_task", "id"),
    ("/api/today", ""),
    (
        "/api/log_practice",
        "task_id care_package_id count idempotency_key",
    ),
    (
        "/api/sync_practice",
        "logs[].idempotency_key logs[].carer logs[].task_id logs[].care_package_id logs[].count logs[].logged_at logs[].task_name",
    ),
    ("/api/carer_progress", "carer"),
    ("/api/my_progress", ""),
    ("/api/set_package_tasks", "package tasks"),
    ("/api/set_package_carers", "package carers"),
    ("/api/preview_package_carers", "package carers"),
    ("/api/task_choices", ""),
    ("/api/carer_choices", ""),
    ("/api/reset_progress", "carer task reason"),
    ("/api/dashboard", ""),
    // The recycle bin.
    ("/api/recycle_bin", "kind page"),
    ("/api/recycle_bin_counts", ""),
    ("/api/recycle_bin_restore", "kind ids"),
    ("/api/recycle_bin_purge", "kind ids"),
    // Reports and analytics.
    ("/api/reports_list", "page"),
    ("/api/reports_choices", ""),
    (
        "/api/reports_request",
        "request.kind request.carer_id request.package_id request.week request.from request.to",
    ),
    ("/api/reports_link", "id"),
    ("/api/reports_archive", "id keep"),
    ("/api/analytics_progress", "page"),
    ("/api/analytics_coverage", "page"),
    ("/api/analytics_hours", "from to page"),
    ("/api/analytics_assessments", ""),
    // Settings, jobs, people.
    ("/api/organisation_settings", ""),
    (
        "/api/save_organisation_settings",
        "require_admin_2fa max_sessions_per_user admin_session_hours carer_session_hours lockout_threshold lockout_minutes",
    ),
    ("/api/admin_jobs_overview", "page"),
    ("/api/admin_jobs_retry", "id"),
    ("/api/admin_jobs_discard", "id"),
    ("/api/invite_person", "first_name last_name email role"),
    ("/api/list_invitations", "page"),
    ("/api/resend_invitation", "id"),
    ("/api/revoke_invitation", "id"),
    ("/api/list_users", "tab search fully_assessed page"),
    ("/api/delete_user", "id"),
    ("/api/set_user_active", "id active"),
    ("/api/change_user_role", "id role"),
    ("/api/sign_out_user", "id"),
    (
        "/api/search_audit",
        "filter.user filter.action filter.entity_type filter.from filter.to page",
    ),
    // Assessments and ratings.
    ("/api/assessment_templates", "page"),
    ("/api/assessment_template", "id"),
    ("/api/save_assessment_template", "id form task_ids"),
    ("/api/delete_assessment_template", "id"),
    (
        "/api/assessments",
        "filter.status filter.carer filter.template page",
    ),
    ("/api/start_assessment", "id"),
    ("/api/assessment_for_conduct", "id"),
    ("/api/decide_assessment", "id approve comments"),
    ("/api/assessment_draft", "id"),
    ("/api/save_assessment_draft", "id edit"),
    ("/api/submit_assessment", "id form"),
    ("/api/attach_evidence", "id file_id caption"),
    ("/api/remove_evidence", "id file_id"),
    ("/api/my_ratings", ""),
    ("/api/my_assessment_answers", "assessment_id"),
    ("/api/answer_rating", "id dispute reason"),
    ("/api/rating_queue", "queue page"),
    ("/api/resolve_rating", "id action level note"),
    ("/api/task_ratings", "task"),
    ("/api/set_rating", "carers task level reason"),
    // The rota and the shift sender.
    ("/api/rota_week", "package week"),
    (
        "/api/save_rota_draft",
        "package week assignments[].shift_id assignments[].carer_ids base_revision",
    ),
    (
        "/api/publish_rota_week",
        "package week revision overrides[].rule overrides[].carer_id overrides[].shift_ids overrides[].reason",
    ),
    ("/api/apply_rota_pattern", "package week from weeks"),
    ("/api/save_package_slots", "package form"),
    ("/api/my_rota", ""),
    ("/api/new_calendar_link", ""),
    ("/api/turn_off_calendar_link", ""),
    ("/api/rule_settings", ""),
    ("/api/save_rule_settings", "settings"),
    ("/api/send_shift_out", "shift competent_only note"),
    ("/api/close_shift", "shift"),
    ("/api/open_shifts", "page"),
    ("/api/shift_applicants", "shift"),
    ("/api/decide_application", "shift carer decision reason"),
    ("/api/available_shifts", "page"),
    ("/api/confirm_interest", "shift"),
    ("/api/my_applications", "page"),
];

/// Whether an argument names a record: `id`, `ids`, `…_id`, `…_ids`, or one of the
/// record words the functions use (`package`, `shift`, `carer`, `task`, `template`, and
/// a push subscription's `endpoint`, its key). Tokens (invitations, password resets,
/// email changes) are credentials, not ids: holding one is what allows the request.
pub(super) fn names_a_record(argument: &str) -> bool {
    let leaf = argument
        .rsplit('.')
        .next()
        .unwrap_or(argument)
        .trim_end_matches("[]");
    leaf == "id"
        || leaf == "ids"
        || leaf.ends_with("_id")
        || leaf.ends_with("_ids")
        || [
            "package", "shift", "carer", "carers", "task", "tasks", "template", "endpoint",
        ]
        .contains(&leaf)
}

pub(super) fn takes_an_id(arguments: &str) -> bool {
    arguments.split_whitespace().any(names_a_record)
}

/// Who sends a request: the people of the world, each signed in once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Who {
    Manager,
    CarerA,
    CarerB,
    AssessorX,
    AssessorY,
}

/// A route as the application declares it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Route {
    /// A REST route from `server::api::table()`: its method and path (with `{id}`).
    Rest(&'static str, &'static str),
    /// A server function's path.
    ServerFn(&'static str),
}

impl fmt::Display for Route {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Route::Rest(method, path) => write!(f, "{method} {path}"),
            Route::ServerFn(path) => write!(f, "server fn {path}"),
        }
    }
}

pub(super) fn rest(method: &'static str, path: &'static str) -> Route {
    Route::Rest(method, path)
}

pub(super) fn server_fn(path: &'static str) -> Route {
    Route::ServerFn(path)
}

/// A request's body: a form for most server functions, JSON for the REST API and the
/// server functions that take nested arguments.
#[derive(Clone, Debug)]
pub(super) enum Payload {
    None,
    Form(String),
    Json(Value),
}

/// One request, by one person.
#[derive(Clone, Debug)]
pub(super) struct Call {
    pub(super) route: Route,
    pub(super) who: Who,
    /// What goes in the REST path's `{id}`.
    pub(super) id: Option<Uuid>,
    pub(super) payload: Payload,
}

/// How a request about someone else's record must be answered.
#[derive(Clone, Debug)]
pub(super) enum Refusal {
    /// With one of these statuses (and, if given, an answer that says why).
    Status {
        statuses: &'static [u16],
        says: Option<&'static str>,
    },
    /// A batch answered as a whole (2xx) that refuses each item in its answer: it `says`
    /// the refusal and never `never` (the success).
    InAnswer {
        says: &'static str,
        never: &'static str,
    },
    /// An idempotent request that may answer 2xx (a quiet nothing) or refuse, but must
    /// leave the other person's record as it was: `still` answers true while it is.
    Untouched { still: String },
}

/// Why a route that takes an id has no ownership to prove.
#[derive(Clone, Copy, Debug)]
pub(super) enum Why {
    /// Every role holding the permission holds it over every record (`Scope::All`), and
    /// the service adds no rule of its own for this action: no record is another's to
    /// its caller. Checked against the permission table and, for REST, the route's
    /// declared access.
    AllRecords(P, &'static str),
    /// Something else, said in words.
    Because(&'static str),
}

/// One row of the matrix.
pub(super) enum Entry {
    /// `call` is about `whose` record, and is refused.
    Refused {
        call: Call,
        whose: &'static str,
        refusal: Refusal,
    },
    /// The route takes an id, but no record can be someone else's to its callers.
    NotOwnable { route: Route, why: Why },
}

impl Entry {
    pub(super) fn route(&self) -> Route {
        match self {
            Entry::Refused { call, .. } => call.route,
            Entry::NotOwnable { route, .. } => *route,
        }
    }
}

impl Route {
    pub(super) fn by(self, who: Who) -> Call {
        Call {
            route: self,
            who,
            id: None,
            payload: Payload::None,
        }
    }

    pub(super) fn all_records(self, permission: P, note: &'static str) -> Entry {
        Entry::NotOwnable {
            route: self,
            why: Why::AllRecords(permission, note),
        }
    }

    /// Only care managers hold `permission`, over every record.
    pub(super) fn managers_only(self, permission: P) -> Entry {
        self.all_records(permission, "only care managers hold it, over every record")
    }

    pub(super) fn because(self, why: &'static str) -> Entry {
        Entry::NotOwnable {
            route: self,
            why: Why::Because(why),
        }
    }
}

impl Call {
    pub(super) fn on(mut self, id: Uuid) -> Self {
        self.id = Some(id);
        self
    }

    pub(super) fn form(mut self, body: String) -> Self {
        self.payload = Payload::Form(body);
        self
    }

    pub(super) fn json(mut self, body: Value) -> Self {
        self.payload = Payload::Json(body);
        self
    }

    pub(super) fn refused(self, whose: &'static str, statuses: &'static [u16]) -> Entry {
        Entry::Refused {
            call: self,
            whose,
            refusal: Refusal::Status {
                statuses,
                says: None,
            },
        }
    }

    pub(super) fn refused_saying(
        self,
        whose: &'static str,
        statuses: &'static [u16],
        says: &'static str,
    ) -> Entry {
        Entry::Refused {
            call: self,
            whose,
            refusal: Refusal::Status {
                statuses,
                says: Some(says),
            },
        }
    }

    pub(super) fn refused_item_by_item(
        self,
        whose: &'static str,
        says: &'static str,
        never: &'static str,
    ) -> Entry {
        Entry::Refused {
            call: self,
            whose,
            refusal: Refusal::InAnswer { says, never },
        }
    }

    pub(super) fn leaves_untouched(self, whose: &'static str, still: String) -> Entry {
        Entry::Refused {
            call: self,
            whose,
            refusal: Refusal::Untouched { still },
        }
    }
}

pub(super) const NOT_FOUND: &[u16] = &[404];
pub(super) const FORBIDDEN: &[u16] = &[403];
pub(super) const CONFLICT: &[u16] = &[409];
/// A log's own check: "This task is not on your list at that care package".
// A log at someone else's package is refused as bad input (`practice::log::refusal`,
// 422, the form marks the task), not as a missing record; the message is asserted.
pub(super) const NOT_ON_YOUR_LIST: &[u16] = &[422];
/// What another assessor's change is told: "… is conducting this assessment. Take it
/// over first (that is recorded)."
pub(super) const TAKE_IT_OVER: &str = "Take it over first";
/// What interest in a shift one may not have is told.
pub(super) const NOT_OPEN_TO_YOU: &str = "no longer open to you";
