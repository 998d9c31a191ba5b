//! Request bodies shaped as the phones and pages send them, and the world's checks
//! that what was refused stayed untouched.

use super::*;

/// A browser's push keys as the subscription check reads them (an uncompressed point's
/// prefix; a 16-byte secret), base64url.
pub(super) const P256DH: &str =
    "BAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
pub(super) const AUTH: &str = "AAAAAAAAAAAAAAAAAAAAAA";
/// Another browser's keys (carer A's own phone).
pub(super) const OTHER_P256DH: &str =
    "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBA";
pub(super) const OTHER_AUTH: &str = "BBBBBBBBBBBBBBBBBBBBBA";

/// A value for a form body.
pub(super) fn form_value(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Now, as a phone stamps a log it kept offline.
pub(super) fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap()
}

/// A log as a phone queues it while offline (`api::QueuedLog`).
pub(super) fn queued_log(carer: Uuid, task: Uuid, package: Uuid) -> Value {
    json!({
        "idempotency_key": Uuid::new_v4().to_string(),
        "carer": carer,
        "task_id": task,
        "care_package_id": package,
        "count": "1",
        "logged_at": now_rfc3339(),
        "task_name": "Medication",
    })
}

pub(super) fn completion(task: Uuid, package: Uuid) -> Value {
    json!({
        "task_id": task,
        "care_package_id": package,
        "count": 1,
        "idempotency_key": Uuid::new_v4().to_string(),
    })
}

/// A draft edit that moves the step on (so a save that got through would show).
pub(super) fn draft_edit() -> Value {
    json!({ "device_id": "tablet", "step": "PRACTICAL", "items": [], "review": null })
}

impl World {
    pub(super) fn token(&self, who: Who) -> &str {
        &self
            .tokens
            .iter()
            .find(|(w, _)| *w == who)
            .expect("everyone is signed in")
            .1
    }

    pub(super) async fn send(&self, call: &Call) -> TestResponse {
        let bearer = format!("Bearer {}", self.token(call.who));
        let body = match &call.payload {
            Payload::None => None,
            Payload::Form(body) => Some(("application/x-www-form-urlencoded", body.clone())),
            Payload::Json(body) => Some(("application/json", body.to_string())),
        };
        let request = match call.route {
            Route::Rest(method, path) => {
                let uri = match call.id {
                    Some(id) => path.replace("{id}", &id.to_string()),
                    None => path.to_owned(),
                };
                let request = Request::builder()
                    .method(method)
                    .uri(uri)
                    .header("authorization", bearer);
                match body {
                    Some((content_type, body)) => request
                        .header("content-type", content_type)
                        .body(Body::from(body)),
                    None => request.body(Body::empty()),
                }
            }
            // From our own pages, as a browser says.
            Route::ServerFn(path) => {
                let (content_type, body) =
                    body.unwrap_or(("application/x-www-form-urlencoded", String::new()));
                Request::post(path)
                    .header("content-type", content_type)
                    .header("sec-fetch-site", "same-origin")
                    .header("authorization", bearer)
                    .body(Body::from(body))
            }
        }
        .unwrap();
        common::send(self.router.clone(), request).await
    }

    /// Whether a record is still as it was: `still` is one boolean query.
    pub(super) async fn holds(&self, still: &str) -> bool {
        sqlx::query_scalar::<sqlx::Postgres, bool>(still)
            .fetch_one(&self.db)
            .await
            .unwrap_or_else(|err| panic!("{err}: {still}"))
    }

    pub(super) fn b_subscription_is_bs(&self) -> String {
        format!(
            "select exists (select 1 from push_subscriptions where endpoint = '{}' and user_id = '{}')",
            self.b_endpoint, self.carer_b
        )
    }

    /// What the refused requests must have left as it was, in words and as a query.
    pub(super) fn untouched(&self) -> Vec<(&'static str, String)> {
        let (a, y) = (self.carer_a, self.assessor_y);
        let (g, evidence) = (self.b_in_progress, self.y_evidence);
        vec![
            (
                "carer B's rating is still waiting for them",
                format!(
                    "select state = 'PENDING' from competency_ratings where id = '{}'",
                    self.b_rating
                ),
            ),
            (
                "carer B's notification is still unread",
                format!(
                    "select read_at is null from notifications where id = '{}'",
                    self.b_notice
                ),
            ),
            (
                "carer B's phone is still signed in",
                format!(
                    "select revoked_at is null from sessions where id = '{}'",
                    self.b_device
                ),
            ),
            (
                "carer B's phone subscription is still carer B's",
                self.b_subscription_is_bs(),
            ),
            (
                "assessor Y alone still conducts carer B's assessment, its draft as started",
                format!(
                    "select status = 'IN_PROGRESS' and assessor_id = '{y}' and conductors = array['{y}'::uuid]
                            and (select current_step = 'KNOWLEDGE' from assessment_drafts where assessment_id = '{g}')
                            and not exists (select 1 from assessment_responses where assessment_id = '{g}')
                       from assessments where id = '{g}'"
                ),
            ),
            (
                "carer B's assessment still has assessor Y's evidence, and only that",
                format!(
                    "select coalesce(array_agg(file_id), '{{}}') = array['{evidence}'::uuid]
                            and (select deleted_at is null from files where id = '{evidence}')
                       from assessment_evidence where assessment_id = '{g}'"
                ),
            ),
            (
                "carer A's assessment still waits for a second person's approval",
                format!(
                    "select status = 'AWAITING_APPROVAL' from assessments where id = '{}'",
                    self.a_awaiting
                ),
            ),
            (
                "carer A has logged nothing and applied for nothing",
                format!(
                    "select not exists (select 1 from task_completions where carer_id = '{a}')
                        and not exists (select 1 from task_progress where carer_id = '{a}')
                        and not exists (select 1 from shift_applications where carer_id = '{a}')"
                ),
            ),
        ]
    }
}
