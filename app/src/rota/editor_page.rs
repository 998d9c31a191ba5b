//! `/admin/rota?package=…&week=…`: the rota editor. A week of one package as a grid of
//! days × DAY/NIGHT; carers are dragged onto slots, between them and off the rota (or,
//! from the keyboard, chosen and placed with buttons). Every change is checked at once
//! in the browser by the same engine the server runs (`caretrack::rota::Checker`, in
//! WASM); the server checks again on save and publish, and a difference is shown as the
//! bug it would be.

use super::api::{
    MAX_PATTERN_WEEKS, Override, PanelCarer, Published, RotaWeek, SavedDraft, SlotAssignment,
    apply_rota_pattern, load_rota_week, publish_rota_week, save_rota_draft, save_slot_plan,
};
use super::sender::send_shift_out;
use crate::{
    care::api::list_packages,
    components::toast::{ToastKind, use_toasts},
};
use caretrack::{
    ids::{CarePackageId, ShiftId, UserId},
    london,
    rota::{
        Change, Checker, Rota, Severity, ShiftKind, SlotForm, SlotPlan, Violation, sort_violations,
        touching,
    },
};
use leptos::{leptos_dom::helpers::TimeoutHandle, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};

/// How long after the last change the draft saves itself.
const AUTOSAVE_AFTER: std::time::Duration = std::time::Duration::from_secs(3);

#[component]
pub fn RotaPage() -> impl IntoView {
    let query = use_query_map();
    let package = Memo::new(move |_| {
        query
            .read()
            .get("package")
            .and_then(|id| id.parse::<CarePackageId>().ok())
    });
    // No week: the server picks this week (the browser's `time` has no clock).
    let week = Memo::new(move |_| query.read().get("week").unwrap_or_default());
    let reload = RwSignal::new(0u32);
    let rota = Resource::new(
        move || (package.get(), week.get(), reload.get()),
        |(package, week, _)| async move {
            match package {
                Some(package) => load_rota_week(package, week).await.map(Some),
                None => Ok(None),
            }
        },
    );
    view! {
        <Title text="Rota" />
        <h1>"Rota"</h1>
        <PackagePicker package />
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || rota.get().map(|result| match result {
                Ok(Some(week)) => view! { <Editor week reload /> }.into_any(),
                Ok(None) => view! { <p class="muted">"Choose a care package to plan its rota."</p> }.into_any(),
                Err(err) => view! { <div class="alert alert--error" role="alert">{err.to_string()}</div> }.into_any(),
            })}
        </Transition>
    }
}

/// Which package's rota: a search (the list is paged on the server, so any package can
/// be found) and a select of what it finds, which navigates.
#[component]
fn PackagePicker(package: Memo<Option<CarePackageId>>) -> impl IntoView {
    let search = RwSignal::new(String::new());
    let packages = Resource::new(move || search.get(), |search| list_packages(search, 1));
    let navigate = use_navigate();
    view! {
        <label class="field field--inline">
            <span>"Find a package"</span>
            <input type="search" data-test="rota-package-search" placeholder="Name or postcode district"
                on:change=move |ev| search.set(event_target_value(&ev)) />
        </label>
        <Transition fallback=|| ()>
            {move || {
                let navigate = navigate.clone();
                packages.get().map(|result| match result {
                    Ok(page) => view! {
                        <label class="field field--inline">
                            <span>"Care package"</span>
                            <select data-test="rota-package" on:change=move |ev| {
                                let id = event_target_value(&ev);
                                navigate(&format!("/admin/rota?package={id}"), Default::default());
                            }>
                                <option value="" selected=package.get_untracked().is_none()>"Choose…"</option>
                                {page.items.into_iter().map(|p| {
                                    let chosen = package.get_untracked() == Some(p.id);
                                    view! { <option value=p.id.to_string() selected=chosen>{p.name}</option> }
                                }).collect_view()}
                            </select>
                        </label>
                    }.into_any(),
                    Err(err) => view! { <div class="alert alert--error" role="alert">{err.to_string()}</div> }.into_any(),
                })
            }}
        </Transition>
    }
}

/// The editor's state: the engine's checker, the undo and redo stacks, and what is
/// being dragged or has been chosen from the keyboard.
#[derive(Clone, Copy)]
struct Editing {
    checker: StoredValue<Checker>,
    /// Bumped after every change; everything drawn from the checker tracks it.
    version: RwSignal<u64>,
    /// Each step is a group of changes undone together (a bulk action is one step).
    undo: RwSignal<Vec<Vec<Change>>>,
    redo: RwSignal<Vec<Vec<Change>>>,
    revision: RwSignal<i64>,
    saved_version: RwSignal<u64>,
    chosen: RwSignal<Option<UserId>>,
    dragging: RwSignal<Option<(UserId, Option<ShiftId>)>>,
    slots: StoredValue<Vec<ShiftId>>,
    /// The violations that concern this week's slots, as the engine finds them now.
    findings: Memo<Vec<Violation>>,
    mismatch: RwSignal<Option<String>>,
}

impl Editing {
    /// Applies a change the manager made: checked at once, undoable.
    fn apply(self, change: Change) {
        self.apply_all(vec![change]);
    }

    /// Applies changes as one undoable step (those the rota refuses are skipped).
    fn apply_all(self, changes: Vec<Change>) {
        let done = self.run(changes);
        if !done.is_empty() {
            self.undo.update(|u| u.push(done));
            self.redo.update(Vec::clear);
            self.version.update(|v| *v += 1);
        }
    }

    /// Applies changes to the checker; answers those the rota took (the rest are
    /// skipped: a carer already on a shift, say).
    fn run(self, changes: Vec<Change>) -> Vec<Change> {
        self.checker
            .try_update_value(|c| {
                changes
                    .into_iter()
                    .filter(|&change| c.apply(change).is_ok())
                    .collect()
            })
            .unwrap_or_default()
    }

    fn step_back(self, from: RwSignal<Vec<Vec<Change>>>, to: RwSignal<Vec<Vec<Change>>>) {
        let Some(group) = from.try_update(Vec::pop).flatten() else {
            return;
        };
        let inverse: Vec<Change> = group.iter().rev().map(|c| c.inverse()).collect();
        let done = self.run(inverse);
        if !done.is_empty() {
            to.update(|stack| stack.push(done));
            self.version.update(|v| *v += 1);
        }
    }

    /// The changes that make each slot hold exactly `wanted[i]` (slot order).
    fn changes_to(self, wanted: &[Vec<UserId>]) -> Vec<Change> {
        let slots = self.slots.get_value();
        let mut changes = Vec::new();
        for (i, shift) in slots.into_iter().enumerate() {
            let want = wanted.get(i).cloned().unwrap_or_default();
            let now = self.checker.with_value(|c| c.rota().carers_on(shift));
            for &carer in now.iter().filter(|c| !want.contains(c)) {
                changes.push(Change::Unassign { carer, shift });
            }
            for &carer in want.iter().filter(|c| !now.contains(c)) {
                changes.push(Change::Assign { carer, shift });
            }
        }
        changes
    }

    fn carers_on(self, shift: ShiftId) -> Vec<UserId> {
        self.version.track();
        self.checker.with_value(|c| c.rota().carers_on(shift))
    }

    fn assignments(self) -> Vec<SlotAssignment> {
        self.slots
            .get_value()
            .into_iter()
            .map(|shift_id| SlotAssignment {
                shift_id,
                carer_ids: self.checker.with_value(|c| c.rota().carers_on(shift_id)),
            })
            .collect()
    }

    /// Drops what is being dragged (or the carer chosen from the keyboard) on `shift`.
    fn place(self, shift: ShiftId) {
        if let Some((carer, from)) = self.dragging.get_untracked() {
            self.dragging.set(None);
            match from {
                Some(from) if from != shift => self.apply(Change::Move {
                    carer,
                    from,
                    to: shift,
                }),
                Some(_) => {}
                None => self.apply(Change::Assign { carer, shift }),
            }
        } else if let Some(carer) = self.chosen.get_untracked() {
            self.apply(Change::Assign { carer, shift });
        }
    }
}

#[component]
fn Editor(week: RotaWeek, reload: RwSignal<u32>) -> impl IntoView {
    let rota = match Rota::new(week.input.clone()) {
        Ok(rota) => rota,
        Err(err) => {
            return view! { <div class="alert alert--error" role="alert">{format!("This rota cannot be checked: {err}")}</div> }
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
        view! { <tr><th scope="row">{kind.label()}</th>{cells}</tr> }
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
                <a href=rota_href(&week.previous_week) data-test="previous-week">"← Previous week"</a>
                <strong data-test="week-label">{format!("{} — week of {}", week.package.name, week.week_label)}</strong>
                <a href=rota_href(&week.next_week) data-test="next-week">"Next week →"</a>
            </nav>
            <p class="muted small">{week.published_at.map(|at| format!("Last published {at}")).unwrap_or_else(|| "Not published yet".into())}</p>
            <div class="rota__toolbar">
                <button class="button" type="button" data-test="undo"
                    disabled=move || editing.undo.with(Vec::is_empty)
                    on:click=move |_| editing.step_back(editing.undo, editing.redo)>"Undo"</button>
                <button class="button" type="button" data-test="redo"
                    disabled=move || editing.redo.with(Vec::is_empty)
                    on:click=move |_| editing.step_back(editing.redo, editing.undo)>"Redo"</button>
                <button class="button" type="button" data-test="save-draft"
                    disabled=move || !dirty.get() || save.pending().get()
                    on:click=move |_| save_now(true)>"Save draft"</button>
                <button class="button button--primary" type="button" data-test="preview"
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
                    }>"Preview and publish…"</button>
                <button class="button" type="button" data-test="copy-previous"
                    on:click=move |_| copying.set(true)>"Copy previous week…"</button>
                <button class="button" type="button" data-test="clear-week"
                    on:click=move |_| clearing.set(true)>"Clear week…"</button>
                <button class="button" type="button" data-test="apply-pattern"
                    on:click=move |_| patterning.set(true)>"Apply this week to…"</button>
                <a class="button" data-test="export-xlsx" download=""
                    href=format!("/api/v1/rota/{package}/week.xlsx?week={}", week.week_start)>"Excel"</a>
                <a class="button" data-test="export-csv" download=""
                    href=format!("/api/v1/rota/{package}/week.csv?week={}", week.week_start)>"CSV"</a>
                <button class="button" type="button" data-test="print"
                    on:click=move |_| {
                        #[cfg(feature = "hydrate")]
                        if let Some(window) = web_sys::window() {
                            let _ = window.print();
                        }
                    }>"Print"</button>
                <label class="checkbox small">
                    <input type="checkbox" data-test="autosave" prop:checked=move || autosave.get()
                        on:change=move |ev| autosave.set(event_target_checked(&ev)) />
                    " Save as I go"
                </label>
                <span class="muted small" data-test="save-state">
                    {move || if save.pending().get() { "Saving…" } else if dirty.get() { "Unsaved changes" } else { "All changes saved" }}
                </span>
            </div>
            <SlotSettings package current=week.slot_form.clone() reload dirty />
            <Show when=move || copying.get()>
                <div class="confirm" role="alert" data-test="copy-confirmation">
                    "Put last week's carers on this week's slots, replacing who is on them now? You can undo it until you save."
                    <button class="button button--primary" type="button" data-test="confirm-copy"
                        on:click={
                            let previous = previous.clone();
                            move |_| { copying.set(false); editing.apply_all(editing.changes_to(&previous)); }
                        }>"Copy previous week"</button>
                    <button class="button" type="button" on:click=move |_| copying.set(false)>"Cancel"</button>
                </div>
            </Show>
            <Show when=move || clearing.get()>
                <div class="confirm" role="alert" data-test="clear-confirmation">
                    "Take everyone off this week's slots? You can undo it until you save."
                    <button class="button button--danger" type="button" data-test="confirm-clear"
                        on:click=move |_| { clearing.set(false); editing.apply_all(editing.changes_to(&[])); }>"Clear week"</button>
                    <button class="button" type="button" on:click=move |_| clearing.set(false)>"Cancel"</button>
                </div>
            </Show>
            <Show when=move || patterning.get()>
                <PatternDialog package week_start=pattern_week.clone() next_week=pattern_next.clone() dirty
                    on_close={move || patterning.set(false)} />
            </Show>
            {move || editing.mismatch.get().map(|message| view! {
                <div class="alert alert--error" role="alert" data-test="engine-mismatch">{message}</div>
            })}
            <div class="rota__body">
                <div class="rota__grid-wrap">
                    <table class="rota__grid" data-test="rota-grid">
                        <thead><tr><th></th>{day_heads}</tr></thead>
                        <tbody>{grid_rows}</tbody>
                    </table>
                    <CarerPanel carers=week.carers.clone() editing week_start=week.week_start.clone() />
                </div>
                <Sidebar editing name_of />
            </div>
            <Show when=move || previewing.get()>
                <Preview editing published=published.clone() reasons name_of
                    on_cancel={move || previewing.set(false)}
                    on_publish={move |overrides: Vec<Override>| {
                        previewing.set(false);
                        let revision = editing.revision.get_untracked();
                        if dirty.get_untracked() {
                            toasts.show(ToastKind::Error, "Save the draft first, so the server checks what you publish.");
                        } else {
                            publish.dispatch((revision, overrides));
                        }
                    }} />
            </Show>
        </div>
    }
    .into_any()
}

/// One DAY or NIGHT slot: its carers, its findings, and the drop target.
#[component]
fn SlotCell(
    cell: super::api::Slot,
    editing: Editing,
    name_of: impl Fn(UserId) -> String + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let slot = cell;
    let shift = slot.shift_id;
    let headcount = slot.headcount as usize;
    let findings = Memo::new(move |_| {
        editing
            .findings
            .get()
            .into_iter()
            .filter(|v| v.shift_ids.contains(&shift))
            .collect::<Vec<_>>()
    });
    let class = move || {
        let found = findings.get();
        if found.iter().any(|v| v.severity == Severity::Error) {
            "rota__slot rota__slot--error"
        } else if found.is_empty() {
            "rota__slot"
        } else {
            "rota__slot rota__slot--warning"
        }
    };
    let label = format!(
        "{} {} shift, {}",
        slot.day_label,
        slot.kind.label().to_lowercase(),
        slot.times
    );
    view! {
        <td class=class data-test="slot" data-shift=shift.to_string() data-weekday=slot.weekday.to_string()
            data-kind=slot.kind.as_str()
            on:dragover=move |ev: leptos::ev::DragEvent| ev.prevent_default()
            on:drop=move |ev: leptos::ev::DragEvent| { ev.prevent_default(); editing.place(shift); }>
            <div class="rota__slot-head">
                <span class="small">{slot.times.clone()}</span>
                <span class="small muted" data-test="staffing">
                    {move || format!("{}/{headcount}", editing.carers_on(shift).len())}
                </span>
            </div>
            <ul class="rota__chips">
                {move || editing.carers_on(shift).into_iter().map(|carer| {
                    let name = name_of(carer);
                    view! {
                        <li class="chip" draggable="true" data-test="placed" data-carer=carer.to_string()
                            on:dragstart=move |ev: leptos::ev::DragEvent| {
                                if let Some(data) = ev.data_transfer() {
                                    let _ = data.set_data("text/plain", &carer.to_string());
                                    data.set_effect_allowed("move");
                                }
                                editing.dragging.set(Some((carer, Some(shift))));
                            }>
                            {name.clone()}
                            <button type="button" class="chip__remove" data-test="remove"
                                aria-label=format!("Take {name} off this shift")
                                on:click=move |_| editing.apply(Change::Unassign { carer, shift })>"×"</button>
                        </li>
                    }
                }).collect_view()}
            </ul>
            {move || editing.chosen.get().map(|carer| view! {
                <button type="button" class="button button--small" data-test="place-here"
                    aria-label=format!("Place {} on the {label}", name_of(carer))
                    on:click=move |_| editing.place(shift)>"Place here"</button>
            })}
            <SlotTools shift headcount open=slot.open editing name_of />
            <ul class="rota__findings">
                {move || findings.get().into_iter().map(|v| view! {
                    <li class=if v.severity == Severity::Error { "small text-error" } else { "small text-warning" }
                        data-test="slot-finding" data-rule=v.rule.as_str() title=v.message.clone()>
                        {v.rule.label()}
                    </li>
                }).collect_view()}
            </ul>
        </td>
    }
}

/// The package's DAY and NIGHT slots: times, break and headcount, checked as typed
/// by the same `SlotPlan::parse` the server runs; saving asks first (future shifts
/// nobody is on move to the new times).
#[component]
fn SlotSettings(
    package: CarePackageId,
    current: SlotForm,
    reload: RwSignal<u32>,
    dirty: Memo<bool>,
) -> impl IntoView {
    let toasts = use_toasts();
    // Loaded with the week (no resource of its own to hydrate).
    let form = RwSignal::new(Some(current));
    let asking = RwSignal::new(false);
    let save = Action::new(move |form: &SlotForm| save_slot_plan(package, form.clone()));
    Effect::new(move |_| {
        if let Some(result) = save.value().get() {
            match result {
                Ok(moved) => {
                    toasts.show(
                        ToastKind::Success,
                        format!("Shift times saved; {moved} future shifts moved to them."),
                    );
                    reload.update(|r| *r += 1);
                }
                Err(err) => toasts.show(ToastKind::Error, err.to_string()),
            }
        }
    });
    let problem = Memo::new(move |_| form.get().and_then(|f| SlotPlan::parse(&f).err()));
    let input = move |label: &'static str,
                      name: &'static str,
                      kind: &'static str,
                      get: fn(&SlotForm) -> &String,
                      set: fn(&mut SlotForm, String)| {
        view! {
            <label class="field field--inline">
                <span class="small">{label}</span>
                <input type=kind data-test=name name=name
                    prop:value=move || form.with(|f| f.as_ref().map(|f| get(f).clone()).unwrap_or_default())
                    on:input=move |ev| {
                        let value = event_target_value(&ev);
                        form.update(|f| if let Some(f) = f { set(f, value) });
                    } />
                {move || problem.get().filter(|p| p.field == name).map(|p| view! { <span class="field__error" role="alert">{p.message}</span> })}
            </label>
        }
    };
    view! {
        <details class="card rota__slot-settings" data-test="slot-settings">
            <summary>"Shift times for this package"</summary>
            {
                        view! {
                            <div class="rota__slot-fields">
                                {input("Day starts", "day_starts", "time", |f| &f.day_starts, |f, v| f.day_starts = v)}
                                {input("Day ends", "day_ends", "time", |f| &f.day_ends, |f, v| f.day_ends = v)}
                                {input("Day break (minutes)", "day_break_minutes", "number", |f| &f.day_break_minutes, |f, v| f.day_break_minutes = v)}
                                {input("Carers by day", "day_headcount", "number", |f| &f.day_headcount, |f, v| f.day_headcount = v)}
                            </div>
                            <div class="rota__slot-fields">
                                {input("Night starts", "night_starts", "time", |f| &f.night_starts, |f, v| f.night_starts = v)}
                                {input("Night ends", "night_ends", "time", |f| &f.night_ends, |f, v| f.night_ends = v)}
                                {input("Night break (minutes)", "night_break_minutes", "number", |f| &f.night_break_minutes, |f, v| f.night_break_minutes = v)}
                                {input("Carers by night", "night_headcount", "number", |f| &f.night_headcount, |f, v| f.night_headcount = v)}
                            </div>
                            {move || if asking.get() {
                                view! {
                                    <div class="confirm" role="alert">
                                        "Save these times? Future shifts nobody is on yet move to them; shifts carers have been told about keep theirs. Every future shift takes the new break and number of carers."
                                        <button class="button button--primary" type="button" data-test="confirm-slot-settings"
                                            on:click=move |_| {
                                                asking.set(false);
                                                if let Some(f) = form.get_untracked() { save.dispatch(f); }
                                            }>"Save"</button>
                                        <button class="button" type="button" on:click=move |_| asking.set(false)>"Cancel"</button>
                                    </div>
                                }.into_any()
                            } else {
                                view! {
                                    {move || dirty.get().then(|| view! {
                                        <p class="small muted">"Save the rota draft first: saving shift times reloads the week."</p>
                                    })}
                                    <button class="button" type="button" data-test="save-slot-settings"
                                        disabled=move || problem.get().is_some() || save.pending().get() || dirty.get()
                                        on:click=move |_| asking.set(true)>"Save shift times…"</button>
                                }.into_any()
                            }}
                        }
            }
        </details>
    }
}

/// "Apply this week to …": the saved week is copied into the drafts of the weeks chosen
/// (asks first: their drafts are replaced), and the server's check of each is listed.
#[component]
fn PatternDialog(
    package: CarePackageId,
    week_start: String,
    next_week: String,
    dirty: Memo<bool>,
    on_close: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let from = RwSignal::new(next_week);
    let weeks = RwSignal::new(4u32);
    let toasts = use_toasts();
    let apply = Action::new(move |(from, weeks): &(String, u32)| {
        let (week, from, weeks) = (week_start.clone(), from.clone(), *weeks);
        async move { apply_rota_pattern(package, week, from, weeks).await }
    });
    Effect::new(move |_| {
        if let Some(Err(err)) = apply.value().get() {
            toasts.show(ToastKind::Error, err.to_string());
        }
    });
    view! {
        <div class="confirm card" role="dialog" aria-label="Apply this week to other weeks" data-test="pattern-dialog">
            <h2>"Apply this week to other weeks"</h2>
            {move || dirty.get().then(|| view! {
                <p class="alert alert--error" role="alert">"Save the draft first: the pattern is the week as saved."</p>
            })}
            <label class="field">
                <span>"From the week starting (a Monday)"</span>
                <input type="date" data-test="pattern-from" prop:value=move || from.get()
                    on:change=move |ev| from.set(event_target_value(&ev)) />
            </label>
            <label class="field">
                <span>{format!("For how many weeks (1–{MAX_PATTERN_WEEKS})")}</span>
                <input type="number" min="1" max=MAX_PATTERN_WEEKS.to_string() data-test="pattern-weeks" prop:value=move || weeks.get().to_string()
                    on:change=move |ev| weeks.set(event_target_value(&ev).parse().unwrap_or(0)) />
            </label>
            <p class="small">"Each of those weeks gets this week's carers as its draft, replacing any draft it had. Nothing is published until you publish each week."</p>
            <div class="confirm__actions">
                <button class="button" type="button" on:click=move |_| on_close()>"Close"</button>
                <button class="button button--primary" type="button" data-test="confirm-pattern"
                    disabled=move || dirty.get() || apply.pending().get()
                    on:click=move |_| { apply.dispatch((from.get_untracked(), weeks.get_untracked())); }>
                    {move || if apply.pending().get() { "Applying…" } else { "Replace those drafts" }}
                </button>
            </div>
            {move || apply.value().get().and_then(Result::ok).map(|done| view! {
                <ul class="history" data-test="pattern-results">
                    {done.into_iter().map(|w| {
                        let href = format!("/admin/rota?package={package}&week={}", w.week_start);
                        let found = if w.errors + w.warnings == 0 {
                            "no rule broken".to_owned()
                        } else {
                            format!("{} errors ({} blocking), {} warnings", w.errors, w.blocking, w.warnings)
                        };
                        view! {
                            <li data-test="pattern-week"><a href=href>{format!("Week of {}", w.week_label)}</a>{format!(" · draft saved · {found}")}</li>
                        }
                    }).collect_view()}
                </ul>
            })}
        </div>
    }
}

/// For a slot short of carers: "Who can cover?" (every panel carer tried on it by the
/// engine, here in the browser) and sending it out to carers.
#[component]
fn SlotTools(
    shift: ShiftId,
    headcount: usize,
    open: bool,
    editing: Editing,
    name_of: impl Fn(UserId) -> String + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let short = move || editing.carers_on(shift).len() < headcount;
    let covering = RwSignal::new(false);
    let sending = RwSignal::new(false);
    let open = RwSignal::new(open);
    view! {
        {move || open.get().then(|| view! { <span class="badge" data-test="slot-open">"Out to carers"</span> })}
        <Show when=short>
            <div class="rota__slot-tools">
                <button type="button" class="button button--small" data-test="cover"
                    aria-expanded=move || covering.get().to_string()
                    on:click=move |_| covering.update(|c| *c = !*c)>"Who can cover?"</button>
                {move || (!open.get()).then(|| view! {
                    <button type="button" class="button button--small" data-test="send-out"
                        on:click=move |_| sending.set(true)>"Send out…"</button>
                })}
            </div>
        </Show>
        <Show when=move || covering.get() && short()>
            <CoverList shift editing name_of />
        </Show>
        <Show when=move || sending.get()>
            <SendOut shift open sending />
        </Show>
    }
}

/// The best five candidates for a slot, with the reasons; "Place" assigns one.
#[component]
fn CoverList(
    shift: ShiftId,
    editing: Editing,
    name_of: impl Fn(UserId) -> String + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let ranked = move || {
        editing.version.track();
        editing
            .checker
            .try_update_value(|c| c.cover(shift).unwrap_or_default())
            .unwrap_or_default()
    };
    view! {
        <ol class="rota__cover small" data-test="cover-list">
            {move || ranked().into_iter().take(5).map(|c| {
                let carer = c.carer_id;
                let class = if c.blocked() { "text-error" } else if c.violations.is_empty() { "" } else { "text-warning" };
                view! {
                    <li data-test="candidate" data-carer=carer.to_string() class=class>
                        <strong>{name_of(carer)}</strong>
                        <button type="button" class="button button--small" data-test="place-candidate"
                            on:click=move |_| editing.apply(Change::Assign { carer, shift })>"Place"</button>
                        <ul>{c.reasons.into_iter().map(|r| view! { <li>{r}</li> }).collect_view()}</ul>
                    </li>
                }
            }).collect_view()}
        </ol>
    }
}

/// Sends a slot out to carers (asks first): any carer, or only competent ones.
#[component]
fn SendOut(shift: ShiftId, open: RwSignal<bool>, sending: RwSignal<bool>) -> impl IntoView {
    let toasts = use_toasts();
    let competent_only = RwSignal::new(true);
    let note = RwSignal::new(String::new());
    let send = Action::new(move |(competent_only, note): &(bool, String)| {
        let (competent_only, note) = (*competent_only, note.clone());
        async move { send_shift_out(shift, competent_only, note).await }
    });
    Effect::new(move |_| {
        if let Some(result) = send.value().get() {
            match result {
                Ok(()) => {
                    open.set(true);
                    sending.set(false);
                    toasts.show(
                        ToastKind::Success,
                        "Sent out: carers who may work it can now say so.",
                    );
                }
                Err(err) => toasts.show(ToastKind::Error, err.to_string()),
            }
        }
    });
    view! {
        <div class="confirm" role="dialog" aria-label="Send this shift out to carers" data-test="send-out-dialog">
            <p class="small">"Send this shift out? Carers who may work it see it under Shifts and can confirm interest; you choose on Open shifts."</p>
            <label class="checkbox small">
                <input type="checkbox" data-test="competent-only-shift" prop:checked=move || competent_only.get()
                    on:change=move |ev| competent_only.set(event_target_checked(&ev)) />
                " Only carers competent in this package's tasks"
            </label>
            <label class="field">
                <span class="small">"Note for carers (optional)"</span>
                <input type="text" data-test="send-out-note" on:input=move |ev| note.set(event_target_value(&ev)) />
            </label>
            <button class="button button--primary button--small" type="button" data-test="confirm-send-out"
                disabled=move || send.pending().get()
                on:click=move |_| { send.dispatch((competent_only.get_untracked(), note.get_untracked())); }>"Send out"</button>
            <button class="button button--small" type="button" on:click=move |_| sending.set(false)>"Cancel"</button>
        </div>
    }
}

/// The carers who can be placed: competence colour-coded, hours this week, a filter.
#[component]
fn CarerPanel(carers: Vec<PanelCarer>, editing: Editing, week_start: String) -> impl IntoView {
    let competent_only = RwSignal::new(false);
    let week = super::parse_week(&week_start).ok().map(|monday| {
        (
            london::start_of_day(monday),
            london::start_of_day(monday + time::Duration::weeks(1)),
        )
    });
    let carers = StoredValue::new(carers);
    view! {
        <section class="card rota__carers" data-test="carer-panel">
            <h2>"Carers"</h2>
            <label class="checkbox small">
                <input type="checkbox" data-test="competent-only" on:change=move |ev| competent_only.set(event_target_checked(&ev)) />
                " Competent only"
            </label>
            <p class="small muted">"Drag a carer onto a shift, or choose one and use “Place here”. Drag a placed carer off the grid (here) to take them off."</p>
            <ul class="rota__chips"
                on:dragover=move |ev: leptos::ev::DragEvent| ev.prevent_default()
                on:drop=move |ev: leptos::ev::DragEvent| {
                    ev.prevent_default();
                    if let Some((carer, Some(shift))) = editing.dragging.get_untracked() {
                        editing.dragging.set(None);
                        editing.apply(Change::Unassign { carer, shift });
                    }
                }>
                {move || carers.get_value().into_iter()
                    .filter(|c| !competent_only.get() || c.competent)
                    .map(|c| {
                        let id = c.id;
                        let hours = move || {
                            editing.version.track();
                            week.map(|(from, to)| {
                                editing.checker.with_value(|checker| checker.rota().hours_within(id, from, to))
                            })
                            .unwrap_or_default()
                        };
                        let class = if c.competent { "chip chip--competent" } else { "chip chip--learning" };
                        let status = if c.competent { "competent" } else { "not yet competent" };
                        view! {
                            <li class=class draggable="true" data-test="panel-carer" data-carer=id.to_string()
                                data-competent=c.competent.to_string()
                                on:dragstart=move |ev: leptos::ev::DragEvent| {
                                    if let Some(data) = ev.data_transfer() {
                                        let _ = data.set_data("text/plain", &id.to_string());
                                        data.set_effect_allowed("copy");
                                    }
                                    editing.dragging.set(Some((id, None)));
                                }>
                                <strong>{c.name.clone()}</strong>
                                <span class="small muted">{status}</span>
                                <span class="small" data-test="hours">{move || format!("{:.1} h this week", hours())}</span>
                                {(!c.on_team).then(|| view! { <span class="small muted">"other package"</span> })}
                                <button type="button" class="button button--small chip__choose" data-test="choose"
                                    aria-pressed=move || (editing.chosen.get() == Some(id)).to_string()
                                    aria-label=format!("Choose {} to place", c.name)
                                    on:click=move |_| editing.chosen.update(|chosen| {
                                        *chosen = if *chosen == Some(id) { None } else { Some(id) };
                                    })>
                                    {move || if editing.chosen.get() == Some(id) { "Chosen" } else { "Choose" }}
                                </button>
                            </li>
                        }
                    }).collect_view()}
            </ul>
        </section>
    }
}

/// Every finding for the week, explained.
#[component]
fn Sidebar(
    editing: Editing,
    name_of: impl Fn(UserId) -> String + Copy + Send + Sync + 'static,
) -> impl IntoView {
    view! {
        <aside class="card rota__sidebar" data-test="violations" aria-live="polite">
            <h2>"Rule check"</h2>
            {move || {
                let found = editing.findings.get();
                if found.is_empty() {
                    return view! { <p class="muted" data-test="no-violations">"No rule is broken this week."</p> }.into_any();
                }
                view! {
                    <ul class="history">
                        {found.into_iter().map(|v| {
                            let who = v.carer_id.map(|c| format!("{}: ", name_of(c))).unwrap_or_default();
                            let kind = match (v.severity, v.overridable) {
                                (Severity::Error, false) => "Blocks publishing",
                                (Severity::Error, true) => "Error — can be accepted with a reason",
                                (Severity::Warning, _) => "Warning — accept with a reason to publish",
                            };
                            view! {
                                <li data-test="violation" data-rule=v.rule.as_str()>
                                    <strong>{v.rule.label()}</strong>
                                    <span class="small muted">{format!(" · {kind}")}</span>
                                    <p>{format!("{who}{}", v.message)}</p>
                                    <p class="small muted">{v.rule.explanation()}</p>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </aside>
    }
}

/// What publishing will change, the reasons for accepting findings, and the last word.
#[component]
fn Preview(
    editing: Editing,
    published: Vec<SlotAssignment>,
    reasons: RwSignal<Vec<(Violation, String)>>,
    name_of: impl Fn(UserId) -> String + Copy + Send + Sync + 'static,
    on_cancel: impl Fn() + Copy + Send + Sync + 'static,
    on_publish: impl Fn(Vec<Override>) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let now = editing.assignments();
    let mut changes = Vec::new();
    for (after, before) in now.iter().zip(&published) {
        for carer in after
            .carer_ids
            .iter()
            .filter(|c| !before.carer_ids.contains(c))
        {
            changes.push(format!(
                "+ {} on {}",
                name_of(*carer),
                slot_name(editing, after.shift_id)
            ));
        }
        for carer in before
            .carer_ids
            .iter()
            .filter(|c| !after.carer_ids.contains(c))
        {
            changes.push(format!(
                "− {} off {}",
                name_of(*carer),
                slot_name(editing, after.shift_id)
            ));
        }
    }
    let blocking = editing
        .findings
        .get_untracked()
        .iter()
        .filter(|v| v.blocks_publishing())
        .count();
    let nothing = changes.is_empty();
    // (`view!` attributes cannot hold a `>`.)
    let blocked = blocking > 0;
    view! {
        <div class="confirm card" role="dialog" aria-label="Publish the rota" data-test="publish-preview">
            <h2>"Publish this week"</h2>
            {if nothing {
                view! { <p class="muted">"Nothing differs from what carers were last told."</p> }.into_any()
            } else {
                view! { <ul data-test="changes">{changes.into_iter().map(|c| view! { <li>{c}</li> }).collect_view()}</ul> }.into_any()
            }}
            {(blocking > 0).then(|| view! {
                <div class="alert alert--error" role="alert">{format!("{blocking} broken rules block publishing: fix them first.")}</div>
            })}
            {move || reasons.get().into_iter().enumerate().map(|(i, (violation, reason))| view! {
                <label class="field" data-test="override">
                    <span>{format!("Reason to accept: {}", violation.message)}</span>
                    <input type="text" prop:value=reason data-test="override-reason"
                        on:input=move |ev| {
                            let text = event_target_value(&ev);
                            reasons.update(|all| all[i].1 = text);
                        } />
                </label>
            }).collect_view()}
            <div class="confirm__actions">
                <button class="button" type="button" data-test="cancel-publish" on:click=move |_| on_cancel()>"Keep editing"</button>
                <button class="button button--primary" type="button" data-test="confirm-publish"
                    disabled=move || blocked || reasons.with(|all| all.iter().any(|(_, r)| r.trim().is_empty()))
                    on:click=move |_| {
                        let overrides = reasons.get_untracked().into_iter().map(|(v, reason)| Override {
                            rule: v.rule,
                            carer_id: v.carer_id,
                            shift_ids: v.shift_ids,
                            reason,
                        }).collect();
                        on_publish(overrides);
                    }>"Publish and tell carers"</button>
            </div>
        </div>
    }
}

fn slot_name(editing: Editing, shift: ShiftId) -> String {
    let position = editing
        .slots
        .with_value(|slots| slots.iter().position(|s| *s == shift))
        .unwrap_or(0);
    let day = [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ][position / 2 % 7];
    let kind = if position % 2 == 0 { "day" } else { "night" };
    format!("{day} {kind}")
}
