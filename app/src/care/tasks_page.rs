//! Tasks for the office: search, a page at a time, add, change and delete (after asking).

use super::api::{SaveTask, TaskSummary, delete_task, list_tasks};
use crate::wire::Page;
use crate::{
    components::{
        form::{Field, field_error, form_error},
        pager::{Pager, SearchBox},
        toast::{ToastKind, use_toasts},
    },
    identity::use_can,
};
use caretrack::{TargetCount, permissions::Permission};
use leptos::prelude::*;
use leptos_meta::Title;

const FIELDS: [&str; 4] = ["name", "category", "description", "target_count"];

#[component]
pub fn TasksPage() -> impl IntoView {
    let search = RwSignal::new(String::new());
    let page = RwSignal::new(1i64);
    let version = RwSignal::new(0u32);
    let tasks = Resource::new(
        move || (search.get(), page.get(), version.get()),
        |(search, page, _)| list_tasks(search, page),
    );
    let may_manage = use_can(Permission::ManageCare);
    view! {
        <Title text="Tasks" />
        <div class="page-header">
            <div>
                <h1>"Tasks"</h1>
                <p class="muted">
                    "Care activities with a target: the completions that make a carer 100 % practised."
                </p>
            </div>
        </div>
        <Transition fallback=|| ()>
            <Show when=move || may_manage.get()>
                <TaskEditor task=None version />
            </Show>
        </Transition>
        <SearchBox search page placeholder="Name or category" test="task-search" />
        <Transition fallback=|| {
            view! { <p class="muted">"Loading…"</p> }
        }>
            {move || {
                tasks
                    .get()
                    .map(|result| match result {
                        Ok(list) => view! { <TaskTable list page version may_manage /> }.into_any(),
                        Err(err) => {
                            view! {
                                <div class="alert alert--error" role="alert">
                                    {err.to_string()}
                                </div>
                            }
                                .into_any()
                        }
                    })
            }}
        </Transition>
    }
}

#[component]
fn TaskTable(
    list: Page<TaskSummary>,
    page: RwSignal<i64>,
    version: RwSignal<u32>,
    may_manage: Signal<bool>,
) -> impl IntoView {
    if list.total == 0 {
        return view! {
            <p class="card muted" data-test="no-tasks">
                "No tasks match."
            </p>
        }
        .into_any();
    }
    view! {
        <table class="table" data-test="tasks">
            <thead>
                <tr>
                    <th scope="col">"Task"</th>
                    <th scope="col">"Category"</th>
                    <th scope="col">"Target"</th>
                    <th scope="col">"Packages"</th>
                    <th scope="col">
                        <span class="visually-hidden">"Actions"</span>
                    </th>
                </tr>
            </thead>
            <tbody>
                {list
                    .items
                    .into_iter()
                    .map(|task| view! { <TaskRow task version may_manage /> })
                    .collect_view()}
            </tbody>
        </table>
        <Pager page current=list.page total=list.total page_size=list.page_size what="tasks" />
    }
    .into_any()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Show,
    Edit,
    ConfirmDelete,
}

#[component]
fn TaskRow(task: TaskSummary, version: RwSignal<u32>, may_manage: Signal<bool>) -> impl IntoView {
    let toasts = use_toasts();
    let mode = RwSignal::new(Mode::Show);
    let remove = Action::new(move |id: &caretrack::ids::TaskId| delete_task(*id));
    Effect::new(move |_| match remove.value().get() {
        Some(Ok(())) => {
            toasts.show(ToastKind::Success, "Task moved to the recycle bin.");
            version.update(|v| *v += 1);
        }
        Some(Err(err)) => toasts.show(ToastKind::Error, err.to_string()),
        None => {}
    });
    let id = task.id;
    let edit_task = task.clone();
    view! {
        <tr data-test="task" data-name=task.name.clone()>
            <th scope="row">
                {task.name.clone()}<br /><small class="muted">{task.description.clone()}</small>
            </th>
            <td>{task.category.clone()}</td>
            <td>{task.target_count}</td>
            <td>{task.packages}</td>
            <td class="actions">
                <Show when=move || {
                    may_manage.get()
                }>
                    {move || match mode.get() {
                        Mode::Show => {
                            view! {
                                <button
                                    class="button"
                                    type="button"
                                    data-test="edit-task"
                                    on:click=move |_| mode.set(Mode::Edit)
                                >
                                    "Change"
                                </button>
                                <button
                                    class="button button--danger"
                                    type="button"
                                    data-test="delete-task"
                                    on:click=move |_| mode.set(Mode::ConfirmDelete)
                                >
                                    "Delete…"
                                </button>
                            }
                                .into_any()
                        }
                        Mode::ConfirmDelete => {
                            view! {
                                <span class="confirm" role="alert">
                                    "Delete this task? It leaves every carer's list; progress is kept in the recycle bin. "
                                    <button
                                        class="button button--danger"
                                        type="button"
                                        data-test="confirm-delete-task"
                                        on:click=move |_| {
                                            mode.set(Mode::Show);
                                            remove.dispatch(id);
                                        }
                                    >
                                        "Delete"
                                    </button>
                                    <button
                                        class="button"
                                        type="button"
                                        on:click=move |_| mode.set(Mode::Show)
                                    >
                                        "Cancel"
                                    </button>
                                </span>
                            }
                                .into_any()
                        }
                        Mode::Edit => ().into_any(),
                    }}
                </Show>
            </td>
        </tr>
        <Show when=move || mode.get() == Mode::Edit>
            <tr>
                <td colspan="5">
                    <TaskEditor
                        task=Some(edit_task.clone())
                        version
                        on_done=Callback::new(move |()| mode.set(Mode::Show))
                    />
                </td>
            </tr>
        </Show>
    }
}

/// The form for a new task (`task` is `None`) or for changing one.
#[component]
fn TaskEditor(
    task: Option<TaskSummary>,
    version: RwSignal<u32>,
    #[prop(optional)] on_done: Option<Callback<()>>,
) -> impl IntoView {
    let toasts = use_toasts();
    let open = RwSignal::new(task.is_some());
    let save = ServerAction::<SaveTask>::new();
    let editing = task.is_some();
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            toasts.show(
                ToastKind::Success,
                if editing {
                    "Task saved."
                } else {
                    "Task added."
                },
            );
            open.set(editing);
            version.update(|v| *v += 1);
            if let Some(done) = on_done {
                done.run(());
            }
        }
    });
    // Ids stay unique with several tasks open for changing at once.
    let form = StoredValue::new(
        task.as_ref()
            .map_or_else(|| "task".to_owned(), |t| format!("task-{}", t.id)),
    );
    // What the form starts with; read again each time the form opens.
    let initial = StoredValue::new(match &task {
        Some(t) => [
            t.id.to_string(),
            t.name.clone(),
            t.category.clone(),
            t.description.clone(),
            t.target_count.to_string(),
        ],
        None => Default::default(),
    });
    let start = move |i: usize| initial.with_value(|v| v[i].clone());
    view! {
        <Show
            when=move || open.get()
            fallback=move || {
                view! {
                    <p>
                        <button
                            class="button button--primary"
                            type="button"
                            data-test="new-task"
                            on:click=move |_| open.set(true)
                        >
                            "New task"
                        </button>
                    </p>
                }
            }
        >
            <section class="card">
                <h2>{if editing { "Change task" } else { "New task" }}</h2>
                <ActionForm action=save attr:class="form" attr:data-test="task-form">
                    {editing.then(|| view! { <input type="hidden" name="id" value=start(0) /> })}
                    <Field
                        form=form.get_value()
                        label="Task name"
                        name="name"
                        value=start(1)
                        required=true
                        error=field_error(save.value(), "name")
                    />
                    <Field
                        form=form.get_value()
                        label="Category"
                        name="category"
                        value=start(2)
                        hint="e.g. Medication, Personal care; General if left empty"
                        error=field_error(save.value(), "category")
                    />
                    <Field
                        form=form.get_value()
                        label="Description"
                        name="description"
                        value=start(3)
                        error=field_error(save.value(), "description")
                    />
                    <Field
                        form=form.get_value()
                        label="Target (completions for 100 %)"
                        name="target_count"
                        kind="number"
                        min=TargetCount::MIN
                        max=TargetCount::MAX
                        value=start(4)
                        required=true
                        error=field_error(save.value(), "target_count")
                    />
                    {move || {
                        form_error(save.value(), &FIELDS)()
                            .map(|m| {
                                view! {
                                    <p class="alert alert--error" role="alert">
                                        {m}
                                    </p>
                                }
                            })
                    }}
                    <div class="actions">
                        <button class="button button--primary" type="submit">
                            {if editing { "Save task" } else { "Add task" }}
                        </button>
                        <button
                            class="button"
                            type="button"
                            on:click=move |_| {
                                open.set(false);
                                if let Some(done) = on_done {
                                    done.run(());
                                }
                            }
                        >
                            "Cancel"
                        </button>
                    </div>
                </ActionForm>
            </section>
        </Show>
    }
}
