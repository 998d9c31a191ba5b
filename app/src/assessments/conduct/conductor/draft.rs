//! The conductor's draft in the browser: each item's state, the save status, the
//! local-storage backup, and merging what another device saved.

use crate::assessments::conduct::api::{
    ConductItem, DraftEdit, DraftState, ItemEdit, ReviewEdit, save_assessment_draft,
};
use crate::{components::local_store, error::AppError};
use caretrack::conduct::{JudgementForm, Response, Step, adopt_stored};
use leptos::{prelude::*, task::spawn_local};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// One item's response in this browser: what is shown, the revision last seen from the
/// server, and whether it holds an edit the server does not have yet.
#[derive(Clone, Copy)]
pub(in crate::assessments) struct ItemState {
    pub(in crate::assessments) item: StoredValue<ConductItem>,
    pub(in crate::assessments) response: RwSignal<Response>,
    pub(in crate::assessments) known: RwSignal<i64>,
    pub(in crate::assessments) dirty: RwSignal<bool>,
    pub(in crate::assessments) updated_by: RwSignal<Option<String>>,
}

#[derive(Clone, Debug, PartialEq)]
pub(in crate::assessments) enum SaveStatus {
    Saved,
    Waiting,
    Saving,
    /// Not reachable: kept on this device, retried.
    Offline,
    /// Refused (a validation error): the message says why.
    Refused(String),
}

/// What local storage keeps until the server has it.
#[derive(Default, Serialize, Deserialize)]
pub(in crate::assessments) struct Backup {
    pub(in crate::assessments) items: Vec<(String, Response)>,
    pub(in crate::assessments) review: Option<JudgementForm>,
}

/// The conductor's draft in this browser, and its syncing with the server.
#[derive(Clone, Copy)]
pub(in crate::assessments) struct Draft {
    pub(in crate::assessments) id: StoredValue<caretrack::ids::AssessmentId>,
    pub(in crate::assessments) device: StoredValue<String>,
    pub(in crate::assessments) items: StoredValue<Vec<ItemState>>,
    pub(in crate::assessments) review: RwSignal<JudgementForm>,
    pub(in crate::assessments) review_known: RwSignal<i64>,
    pub(in crate::assessments) review_dirty: RwSignal<bool>,
    pub(in crate::assessments) step: RwSignal<Step>,
    pub(in crate::assessments) step_dirty: RwSignal<bool>,
    pub(in crate::assessments) saving: RwSignal<bool>,
    pub(in crate::assessments) again: RwSignal<bool>,
    pub(in crate::assessments) status: RwSignal<SaveStatus>,
    pub(in crate::assessments) notice: RwSignal<Option<String>>,
    pub(in crate::assessments) generation: StoredValue<u64>,
}

impl Draft {
    pub(in crate::assessments) fn backup_key(&self) -> String {
        format!("ct-assessment-draft-{}", self.id.get_value())
    }

    pub(in crate::assessments) fn anything_dirty(&self) -> bool {
        self.review_dirty.get_untracked()
            || self.step_dirty.get_untracked()
            || self
                .items
                .with_value(|items| items.iter().any(|s| s.dirty.get_untracked()))
    }

    /// Keeps the unsaved edits on this device.
    pub(in crate::assessments) fn backup(&self) {
        let backup = Backup {
            items: self.items.with_value(|items| {
                items
                    .iter()
                    .filter(|s| s.dirty.get_untracked())
                    .map(|s| {
                        (
                            s.item.with_value(|i| i.id.clone()),
                            s.response.get_untracked(),
                        )
                    })
                    .collect()
            }),
            review: self
                .review_dirty
                .get_untracked()
                .then(|| self.review.get_untracked()),
        };
        if let Ok(json) = serde_json::to_string(&backup) {
            local_store::set(&self.backup_key(), &json);
        }
    }

    /// After a local edit: keep it here and save it soon.
    pub(in crate::assessments) fn changed(self) {
        self.backup();
        self.status.set(SaveStatus::Waiting);
        self.schedule(Duration::from_millis(600));
    }

    pub(in crate::assessments) fn schedule(self, delay: Duration) {
        let generation = self.generation.get_value() + 1;
        self.generation.set_value(generation);
        set_timeout(
            move || {
                if self.generation.get_value() == generation {
                    self.save_now();
                }
            },
            delay,
        );
    }

    pub(in crate::assessments) fn save_now(self) {
        if self.saving.get_untracked() {
            self.again.set(true);
            return;
        }
        let sent: Vec<(ItemState, Response)> = self.items.with_value(|items| {
            items
                .iter()
                .filter(|s| s.dirty.get_untracked())
                .map(|s| (*s, s.response.get_untracked()))
                .collect()
        });
        let review = self
            .review_dirty
            .get_untracked()
            .then(|| self.review.get_untracked());
        if sent.is_empty() && review.is_none() && !self.step_dirty.get_untracked() {
            self.status.set(SaveStatus::Saved);
            return;
        }
        let edit = DraftEdit {
            device_id: self.device.get_value(),
            step: self.step.get_untracked(),
            items: sent
                .iter()
                .map(|(s, response)| ItemEdit {
                    item_id: s.item.with_value(|i| i.id.clone()),
                    response: response.clone(),
                    base_revision: s.known.get_untracked(),
                })
                .collect(),
            review: review.clone().map(|form| ReviewEdit {
                form,
                base_revision: self.review_known.get_untracked(),
            }),
        };
        self.saving.set(true);
        self.step_dirty.set(false);
        self.status.set(SaveStatus::Saving);
        spawn_local(async move {
            let result = save_assessment_draft(self.id.get_value(), edit).await;
            self.saving.set(false);
            match result {
                Ok(stored) => {
                    for (s, response) in &sent {
                        if s.response.get_untracked() == *response {
                            s.dirty.set(false);
                        }
                    }
                    if review.is_some_and(|form| self.review.get_untracked() == form) {
                        self.review_dirty.set(false);
                    }
                    let overwritten = stored.overwritten.clone();
                    let sent_ids: Vec<String> = sent
                        .iter()
                        .map(|(s, _)| s.item.with_value(|i| i.id.clone()))
                        .collect();
                    self.merge(stored, &sent_ids);
                    if !overwritten.is_empty() {
                        self.notice.set(Some(format!(
                            "Saved. Your change replaced a newer edit made on another device: {}.",
                            overwritten.join("; ")
                        )));
                    }
                    if self.anything_dirty() {
                        self.backup();
                        self.schedule(Duration::from_millis(300));
                    } else {
                        local_store::remove(&self.backup_key());
                        self.status.set(SaveStatus::Saved);
                    }
                }
                Err(AppError::Transport(_) | AppError::Unavailable(_)) => {
                    self.step_dirty.set(true);
                    self.status.set(SaveStatus::Offline);
                    self.schedule(Duration::from_secs(5));
                }
                Err(err) => self.status.set(SaveStatus::Refused(err.to_string())),
            }
            if self.again.get_untracked() {
                self.again.set(false);
                self.save_now();
            }
        });
    }

    /// Takes what the server holds where this device has nothing newer; `sent` are the
    /// items this device just saved (their stored revision is now the one it knows).
    pub(in crate::assessments) fn merge(&self, stored: DraftState, sent: &[String]) {
        let mut from_elsewhere = Vec::new();
        self.items.with_value(|items| {
            for remote in stored.items {
                let Some(s) = items
                    .iter()
                    .find(|s| s.item.with_value(|i| i.id == remote.item_id))
                else {
                    continue;
                };
                let known = s.known.get_untracked();
                if sent.contains(&remote.item_id) {
                    s.known.set(remote.revision);
                    s.updated_by.set(remote.updated_by);
                } else if adopt_stored(known, remote.revision, s.dirty.get_untracked()) {
                    if s.response.get_untracked() != remote.response {
                        from_elsewhere.push(s.item.with_value(|i| i.prompt.clone()));
                        s.response.set(remote.response);
                    }
                    s.known.set(remote.revision);
                    s.updated_by.set(remote.updated_by);
                }
            }
        });
        let review_known = self.review_known.get_untracked();
        if adopt_stored(
            review_known,
            stored.review.revision,
            self.review_dirty.get_untracked(),
        ) {
            if self.review.get_untracked() != stored.review.form && review_known > 0 {
                from_elsewhere.push(Step::Review.label().to_owned());
            }
            self.review.set(stored.review.form);
        }
        self.review_known
            .set(stored.review.revision.max(review_known));
        if !from_elsewhere.is_empty() {
            self.notice.set(Some(format!(
                "Updated from another device: {}.",
                from_elsewhere.join("; ")
            )));
        }
    }

    /// Edits this device kept while the server did not have them: shown again and saved.
    pub(in crate::assessments) fn restore_backup(self) {
        let Some(backup) = local_store::get(&self.backup_key())
            .and_then(|json| serde_json::from_str::<Backup>(&json).ok())
        else {
            return;
        };
        self.items.with_value(|items| {
            for (id, response) in backup.items {
                if let Some(s) = items.iter().find(|s| s.item.with_value(|i| i.id == id))
                    && s.response.get_untracked() != response
                {
                    s.response.set(response);
                    s.dirty.set(true);
                }
            }
        });
        if let Some(form) = backup.review
            && self.review.get_untracked() != form
        {
            self.review.set(form);
            self.review_dirty.set(true);
        }
        if self.anything_dirty() {
            self.notice.set(Some(
                "Unsaved answers kept on this device were restored and are being saved.".into(),
            ));
            self.changed();
        }
    }
}
