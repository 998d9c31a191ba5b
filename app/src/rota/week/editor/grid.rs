//! The week's grid: days × DAY/NIGHT slots, each a drop target with its carers; the
//! draft saves itself a moment after the last change.

use super::{
    editing::Editing,
    panels::{CarerPanel, Preview, Sidebar},
    slot_cell::SlotCell,
    slot_plan::{PatternDialog, SlotSettings},
};
use crate::components::toast::{ToastKind, use_toasts};
use crate::rota::week::api::{
    Override, Published, RotaWeek, SavedDraft, SlotAssignment, publish_rota_week, save_rota_draft,
};
use caretrack::{
    ids::UserId,
    rota::{Checker, Rota, ShiftKind, Violation, sort_violations, touching},
};
use leptos::{leptos_dom::helpers::TimeoutHandle, prelude::*};

/// How long after the last change the draft saves itself.
pub(super) const AUTOSAVE_AFTER: std::time::Duration = std::time::Duration::from_secs(3);

#[component]
pub(in crate::rota::week) fn Editor(week: RotaWeek, reload: RwSignal<u32>) -> impl IntoView {
    let rota = match Rota::new(week.input.clone()) {
        Ok(rota) => rota,
        Err(err) => {
            return view! {
                <div class="alert alert--error" role="alert">
                    {format!("This rota cannot be checked: {err}")}
                </div>
            }
            .into_any();
        }
    };
    let checker = StoredValue::new(Checker::new(rota));
    let version = RwSignal::new(0u64);
    let slots = StoredValue::new(week.slots.iter().map(|s| s.shift_id).collect::<Vec<_>>());
    let findings = Memo::new(move |_| {
        version.track();
        let slots = slots.get_value();
        checker.with_value(|c| touching(c.violations(), &slots))
    });
    let editing = Editing {
        checker,
        version,
        undo: RwSignal::new(Vec::new()),
        redo: RwSignal::new(Vec::new()),
        revision: RwSignal::new(week.revision),
        saved_version: RwSignal::new(0),
        chosen: RwSignal::new(None),
        dragging: RwSignal::new(None),
        slots,
        findings,
        mismatch: RwSignal::new(None),
    };
    let carers = StoredValue::new(week.carers.clone());
    let name_of = move |id: UserId| {
        carers
            .with_value(|all| all.iter().find(|c| c.id == id).map(|c| c.name.clone()))
            .unwrap_or_else(|| "Someone".into())
    };
    let toasts = use_toasts();
    let package = week.package.id;
    let week_start = week.week_start.clone();

    // A save carries the version it sent: only a success marks that version saved (a
    // lost connection leaves the changes unsaved), and the server's check is compared
    // only if nothing changed while it was away.
    // Only a save asked for with the button says so in a toast; autosaves show in the
    // save state beside it (failures always toast).
    let announce = StoredValue::new(false);
    let save = Action::new(
        move |(assignments, revision, version): &(Vec<SlotAssignment>, i64, u64)| {
            let (assignments, revision, version, week) =
                (assignments.clone(), *revision, *version, week_start.clone());
            async move {
                (
                    version,
                    save_rota_draft(package, week, assignments, revision).await,
                )
            }
        },
    );
    // The server's check must be the browser's: anything else is a bug worth showing.
    Effect::new(move |_| {
        if let Some((version, result)) = save.value().get() {
            match result {
                Ok(SavedDraft { revision, report }) => {
                    editing.revision.set(revision);
                    editing.saved_version.set(version);
                    if editing.version.get_untracked() == version {
                        let mut mine = editing.findings.get_untracked();
                        sort_violations(&mut mine);
                        editing.mismatch.set((mine != report.violations).then(|| format!(
                            "The server found {} problems where this browser found {}. The server's check is the one that counts; please reload.",
                            report.violations.len(),
                            mine.len()
                        )));
                    }
                    if announce.get_value() {
                        toasts.show(ToastKind::Success, "Draft saved");
                    }
                }
                Err(err) => toasts.show(ToastKind::Error, err.to_string()),
            }
        }
    });
    let dirty = Memo::new(move |_| editing.version.get() != editing.saved_version.get());
    let save_now = move |asked: bool| {
        announce.set_value(asked);
        save.dispatch((
            editing.assignments(),
            editing.revision.get_untracked(),
            editing.version.get_untracked(),
        ));
    };
    // Autosave: a few seconds after the last change, if nothing changed since and no
    // save is on its way; a failed save waits for the next change or the button.
    let autosave = RwSignal::new(true);
    // One timer at a time, cleared when the editor goes (another week, a reload), so
    // it never fires into a disposed page.
    let timer = StoredValue::new(None::<TimeoutHandle>);
    let stop_timer = move || {
        if let Some(handle) = timer.try_update_value(Option::take).flatten() {
            handle.clear();
        }
    };
    on_cleanup(stop_timer);
    Effect::new(move |_| {
        let version = editing.version.get();
        stop_timer();
        if !autosave.get() || version == editing.saved_version.get_untracked() {
            return;
        }
        let handle = set_timeout_with_handle(
            move || {
                timer.set_value(None);
                if autosave.get_untracked()
                    && editing.version.get_untracked() == version
                    && dirty.get_untracked()
                    && !save.pending().get_untracked()
                {
                    save_now(false);
                }
            },
            AUTOSAVE_AFTER,
        );
        timer.set_value(handle.ok());
    });

    let week_start_for_publish = week.week_start.clone();
    let publish = Action::new(move |(revision, overrides): &(i64, Vec<Override>)| {
        let (revision, overrides, week) =
            (*revision, overrides.clone(), week_start_for_publish.clone());
        async move { publish_rota_week(package, week, revision, overrides).await }
    });
    Effect::new(move |_| {
        if let Some(result) = publish.value().get() {
            match result {
                Ok(Published {
                    added,
                    removed,
                    carers_notified,
                }) => {
                    toasts.show(
                        ToastKind::Success,
                        format!("Published: {added} added, {removed} removed, {carers_notified} carers told"),
                    );
                    reload.update(|r| *r += 1);
                }
                Err(err) => toasts.show(ToastKind::Error, err.to_string()),
            }
        }
    });
    let previewing = RwSignal::new(false);
    let clearing = RwSignal::new(false);
    let copying = RwSignal::new(false);
    let patterning = RwSignal::new(false);
    let previous = week.previous.clone();
    let (pattern_week, pattern_next) = (week.week_start.clone(), week.next_week.clone());
    let reasons: RwSignal<Vec<(Violation, String)>> = RwSignal::new(Vec::new());

    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        if (ev.ctrl_key() || ev.meta_key()) && ev.key().eq_ignore_ascii_case("z") {
            ev.prevent_default();
            if ev.shift_key() {
                editing.step_back(editing.redo, editing.undo);
            } else {
                editing.step_back(editing.undo, editing.redo);
            }
        }
    };

    let slots = week.slots.clone();
    let grid_rows = [ShiftKind::Day, ShiftKind::Night].map(|kind| {
        let cells = slots
            .iter()
            .filter(|s| s.kind == kind)
            .cloned()
            .map(|cell| view! { <SlotCell cell editing name_of /> })
            .collect_view();
        view! {
            <tr>
                <th scope="row">{kind.label()}</th>
                {cells}
            </tr>
        }
    });
    let day_heads = slots
        .iter()
        .filter(|s| s.kind == ShiftKind::Day)
        .map(|s| view! { <th scope="col">{s.day_label.clone()}</th> })
        .collect_view();
    let published = week.published.clone();
    let rota_href = |w: &str| format!("/admin/rota?package={package}&week={w}");

    view! {
        <div class="rota" data-test="rota-editor" tabindex="-1" on:keydown=on_keydown>
            <nav class="rota__weeks">
                <a href=rota_href(&week.previous_week) data-test="previous-week">
                    "← Previous week"
                </a>
                <strong data-test="week-label">
                    {format!("{} — week of {}", week.package.name, week.week_label)}
                </strong>
                <a href=rota_href(&week.next_week) data-test="next-week">
                    "Next week →"
                </a>
            </nav>
            <p class="muted small">
                {week
                    .published_at
                    .map(|at| format!("Last published {at}"))
                    .unwrap_or_else(|| "Not published yet".into())}
            </p>
            <div class="rota__toolbar">
                <button
                    class="button"
                    type="button"
                    data-test="undo"
                    disabled=move || editing.undo.with(Vec::is_empty)
                    on:click=move |_| editing.step_back(editing.undo, editing.redo)
                >
                    "Undo"
                </button>
                <button
                    class="button"
                    type="button"
                    data-test="redo"
                    disabled=move || editing.redo.with(Vec::is_empty)
                    on:click=move |_| editing.step_back(editing.redo, editing.undo)
                >
                    "Redo"
                </button>
                <button
                    class="button"
                    type="button"
                    data-test="save-draft"
                    disabled=move || !dirty.get() || save.pending().get()
                    on:click=move |_| save_now(true)
                >
                    "Save draft"
                </button>
                <button
                    class="button button--primary"
                    type="button"
                    data-test="preview"
                    on:click=move |_| {
                        let overridable: Vec<(Violation, String)> = editing
                            .findings
                            .get_untracked()
                            .into_iter()
                            .filter(|v| v.overridable)
                            .map(|v| (v, String::new()))
                            .collect();
                        reasons.set(overridable);
                        previewing.set(true);
                    }
                >
                    "Preview and publish…"
                </button>
                <button
                    class="button"
                    type="button"
                    data-test="copy-previous"
                    on:click=move |_| copying.set(true)
                >
                    "Copy previous week…"
                </button>
                <button
                    class="button"
                    type="button"
                    data-test="clear-week"
                    on:click=move |_| clearing.set(true)
                >
                    "Clear week…"
                </button>
                <button
                    class="button"
                    type="button"
                    data-test="apply-pattern"
                    on:click=move |_| patterning.set(true)
                >
                    "Apply this week to…"
                </button>
                <a
                    class="button"
                    data-test="export-xlsx"
                    download=""
                    href=format!("/api/v1/rota/{package}/week.xlsx?week={}", week.week_start)
                >
                    "Excel"
                </a>
                <a
                    class="button"
                    data-test="export-csv"
                    download=""
                    href=format!("/api/v1/rota/{package}/week.csv?week={}", week.week_start)
                >
                    "CSV"
                </a>
                <button
                    class="button"
                    type="button"
                    data-test="print"
                    on:click=move |_| {
                        #[cfg(feature = "hydrate")]
                        if let Some(window) = web_sys::window() {
                            let _ = window.print();
                        }
                    }
                >
                    "Print"
                </button>
                <label class="checkbox small">
                    <input
                        type="checkbox"
                        data-test="autosave"
                        prop:checked=move || autosave.get()
                        on:change=move |ev| autosave.set(event_target_checked(&ev))
                    />
                    " Save as I go"
                </label>
                <span class="muted small" data-test="save-state">
                    {move || {
                        if save.pending().get() {
                            "Saving…"
                        } else if dirty.get() {
                            "Unsaved changes"
                        } else {
                            "All changes saved"
                        }
                    }}
                </span>
            </div>
            <SlotSettings package current=week.slot_form.clone() reload dirty />
            <Show when=move || copying.get()>
                <div class="confirm" role="alert" data-test="copy-confirmation">
                    "Put last week's carers on this week's slots, replacing who is on them now? You can undo it until you save."
                    <button
                        class="button button--primary"
                        type="button"
                        data-test="confirm-copy"
                        on:click={
                            let previous = previous.clone();
                            move |_| {
                                copying.set(false);
                                editing.apply_all(editing.changes_to(&previous));
                            }
                        }
                    >
                        "Copy previous week"
                    </button>
                    <button class="button" type="button" on:click=move |_| copying.set(false)>
                        "Cancel"
                    </button>
                </div>
            </Show>
            <Show when=move || clearing.get()>
                <div class="confirm" role="alert" data-test="clear-confirmation">
                    "Take everyone off this week's slots? You can undo it until you save."
                    <button
                        class="button button--danger"
                        type="button"
                        data-test="confirm-clear"
                        on:click=move |_| {
                            clearing.set(false);
                            editing.apply_all(editing.changes_to(&[]));
                        }
                    >
                        "Clear week"
                    </button>
                    <button class="button" type="button" on:click=move |_| clearing.set(false)>
                        "Cancel"
                    </button>
                </div>
            </Show>
            <Show when=move || patterning.get()>
                <PatternDialog
                    package
                    week_start=pattern_week.clone()
                    next_week=pattern_next.clone()
                    dirty
                    on_close={move || patterning.set(false)}
                />
            </Show>
            {move || {
                editing
                    .mismatch
                    .get()
                    .map(|message| {
                        view! {
                            <div
                                class="alert alert--error"
                                role="alert"
                                data-test="engine-mismatch"
                            >
                                {message}
                            </div>
                        }
                    })
            }}
            <div class="rota__body">
                <div class="rota__grid-wrap">
                    <table class="rota__grid" data-test="rota-grid">
                        <thead>
                            <tr>
                                <th></th>
                                {day_heads}
                            </tr>
                        </thead>
                        <tbody>{grid_rows}</tbody>
                    </table>
                    <CarerPanel
                        carers=week.carers.clone()
                        editing
                        week_start=week.week_start.clone()
                    />
                </div>
                <Sidebar editing name_of />
            </div>
            <Show when=move || previewing.get()>
                <Preview
                    editing
                    published=published.clone()
                    reasons
                    name_of
                    on_cancel={move || previewing.set(false)}
                    on_publish={move |overrides: Vec<Override>| {
                        previewing.set(false);
                        let revision = editing.revision.get_untracked();
                        if dirty.get_untracked() {
                            toasts
                                .show(
                                    ToastKind::Error,
                                    "Save the draft first, so the server checks what you publish.",
                                );
                        } else {
                            publish.dispatch((revision, overrides));
                        }
                    }}
                />
            </Show>
        </div>
    }
    .into_any()
}
