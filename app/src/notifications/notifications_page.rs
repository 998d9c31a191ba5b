//! The bell in the header and the notification centre (`/notifications`): the list,
//! mark read, and one's choices of channel per kind.

use super::api::{
    MarkAllNotificationsRead, MarkNotificationRead, NotificationItem, PAGE_SIZE,
    SaveNotificationChoices, my_notifications, notification_choices, unread_notifications,
};
use crate::{
    components::{
        pager::Pager,
        toast::{ToastKind, use_toasts},
    },
    live::{Event, Live, Topic, use_live},
};
use caretrack::notification::{Channel, Choice};
use leptos::prelude::*;
use leptos_meta::Title;

const TOPICS: &[Topic] = &[Topic::Notification];

/// The unread count for the bell, live and again after each navigation; made by the
/// layout outside its Transition (a resource made inside one hydrates out of order).
pub fn unread_count() -> Resource<Result<i64, crate::error::AppError>> {
    let live = use_live(TOPICS);
    let location = leptos_router::hooks::use_location();
    Resource::new(
        move || (location.pathname.get(), live.get()),
        |_| unread_notifications(),
    )
}

/// The bell: the unread count; a new notification also shows as a toast.
#[component]
pub fn NotificationBell(unread: Resource<Result<i64, crate::error::AppError>>) -> impl IntoView {
    let toasts = use_toasts();
    if let Some(live) = use_context::<Live>() {
        Effect::new(move |_| {
            if let Some(Event::NotificationCreated { title, .. }) = live.notification.get() {
                toasts.show(ToastKind::Info, title);
            }
        });
    }
    let count = move || unread.get().and_then(Result::ok).unwrap_or(0);
    view! {
        <a
            class="bell"
            href="/notifications"
            data-test="bell"
            aria-label=move || format!("Notifications: {} unread", count())
        >
            <span aria-hidden="true">"🔔"</span>
            {move || {
                (count() > 0)
                    .then(|| {
                        view! {
                            <span class="badge badge--warn bell__count" data-test="bell-count">
                                {count()}
                            </span>
                        }
                    })
            }}
        </a>
    }
}

#[component]
pub fn NotificationsPage() -> impl IntoView {
    let page = RwSignal::new(1i64);
    let unread_only = RwSignal::new(false);
    let live = use_live(TOPICS);
    let mark = ServerAction::<MarkNotificationRead>::new();
    let mark_all = ServerAction::<MarkAllNotificationsRead>::new();
    let list = Resource::new(
        move || {
            (
                page.get(),
                unread_only.get(),
                live.get(),
                mark.version().get() + mark_all.version().get(),
            )
        },
        |(page, unread_only, _, _)| my_notifications(page, unread_only),
    );
    // The bell counts again after a change made here.
    if let Some(live) = use_context::<Live>() {
        Effect::new(move |_| {
            if mark.version().get() + mark_all.version().get() > 0 {
                live.touch(Topic::Notification);
            }
        });
    }
    let confirm_all = RwSignal::new(false);
    view! {
        <Title text="Notifications" />
        <div class="page-header">
            <div>
                <h1>"Notifications"</h1>
                <p class="muted">
                    "What happened that concerns you. New ones arrive without reloading."
                </p>
            </div>
            <div class="actions">
                <label class="field field--inline">
                    <input
                        type="checkbox"
                        data-test="unread-only"
                        on:change=move |ev| {
                            unread_only.set(event_target_checked(&ev));
                            page.set(1);
                        }
                    />
                    <span>"Unread only"</span>
                </label>
                <Show
                    when=move || !confirm_all.get()
                    fallback=move || {
                        view! {
                            <span class="confirm-inline">
                                "Mark every notification read? "
                                <button
                                    class="button button--primary"
                                    type="button"
                                    data-test="confirm-mark-all"
                                    on:click=move |_| {
                                        mark_all.dispatch(MarkAllNotificationsRead {});
                                        confirm_all.set(false);
                                    }
                                >
                                    "Mark all read"
                                </button>
                                <button
                                    class="button"
                                    type="button"
                                    on:click=move |_| confirm_all.set(false)
                                >
                                    "Cancel"
                                </button>
                            </span>
                        }
                    }
                >
                    <button
                        class="button"
                        type="button"
                        data-test="mark-all"
                        on:click=move |_| confirm_all.set(true)
                    >
                        "Mark all read"
                    </button>
                </Show>
            </div>
        </div>
        <Transition fallback=|| {
            view! { <p class="muted">"Loading…"</p> }
        }>
            {move || {
                list.get()
                    .map(|result| match result {
                        Err(err) => {
                            view! {
                                <p class="form-error" role="alert">
                                    {err.to_string()}
                                </p>
                            }
                                .into_any()
                        }
                        Ok(found) if found.items.is_empty() => {
                            view! {
                                <p class="muted" data-test="no-notifications">
                                    "Nothing here yet."
                                </p>
                            }
                                .into_any()
                        }
                        Ok(found) => {
                            let (current, total) = (found.page, found.total);
                            view! {
                                <p class="muted" data-test="unread-total">
                                    {format!("{} unread", found.unread)}
                                </p>
                                <ul class="notification-list" data-test="notifications">
                                    {found
                                        .items
                                        .into_iter()
                                        .map(|item| row(item, mark))
                                        .collect_view()}
                                </ul>
                                <Pager
                                    page
                                    current
                                    total
                                    page_size=PAGE_SIZE
                                    what="notifications"
                                />
                            }
                                .into_any()
                        }
                    })
            }}
        </Transition>
        <Choices />
    }
}

fn row(item: NotificationItem, mark: ServerAction<MarkNotificationRead>) -> impl IntoView {
    let id = item.id;
    let read = item.read;
    view! {
        <li class="notification" class:notification--unread=!read data-test="notification" data-kind=item.kind.clone()>
            <div>
                <strong>{item.title}</strong>
                {(!item.body.is_empty()).then(|| view! { <p>{item.body}</p> })}
                <p class="muted">{item.when}</p>
            </div>
            <div class="actions">
                {item.link.map(|link| view! { <a class="button" href=link>"Open"</a> })}
                {(!read).then(|| view! {
                    <button class="button" type="button" data-test="mark-read"
                        on:click=move |_| { mark.dispatch(MarkNotificationRead { id }); }>
                        "Mark read"
                    </button>
                })}
            </div>
        </li>
    }
}

/// One's channels per kind: in the app, by email, pushed to the phone.
#[component]
fn Choices() -> impl IntoView {
    let save = ServerAction::<SaveNotificationChoices>::new();
    let stored = Resource::new(move || save.version().get(), |_| notification_choices());
    let toasts = use_toasts();
    Effect::new(move |_| match save.value().get() {
        Some(Ok(_)) => toasts.show(ToastKind::Success, "Your choices are saved."),
        Some(Err(err)) => toasts.show(ToastKind::Error, err.to_string()),
        None => {}
    });
    view! {
        <section class="card" data-test="notification-choices">
            <h2>"How you hear about things"</h2>
            <Transition fallback=|| {
                view! { <p class="muted">"Loading…"</p> }
            }>
                {move || {
                    stored
                        .get()
                        .map(|result| match result {
                            Err(err) => {
                                view! { <p class="form-error">{err.to_string()}</p> }.into_any()
                            }
                            Ok(choices) => choice_form(choices, save).into_any(),
                        })
                }}
            </Transition>
            <super::push_switch::PushSwitch />
        </section>
    }
}

fn choice_form(choices: Vec<Choice>, save: ServerAction<SaveNotificationChoices>) -> impl IntoView {
    let edited = RwSignal::new(choices.clone());
    let toggle = move |index: usize, channel: Channel, on: bool| {
        edited.update(|all| {
            if let Some(choice) = all.get_mut(index) {
                match channel {
                    Channel::InApp => choice.in_app = on,
                    Channel::Email => choice.email = on,
                    Channel::Push => choice.push = on,
                }
            }
        });
    };
    let cell = move |index: usize, choice: Choice, channel: Channel| {
        if !choice.kind.offers(channel) {
            return view! { <td class="muted">"—"</td> }.into_any();
        }
        let checked = choice.wants(channel);
        view! {
            <td>
                <input
                    type="checkbox"
                    checked=checked
                    aria-label=format!("{}: {}", choice.kind.label(), channel.label())
                    data-test=format!("choice-{}-{}", choice.kind.as_str(), channel.as_str())
                    on:change=move |ev| toggle(index, channel, event_target_checked(&ev))
                />
            </td>
        }
        .into_any()
    };
    view! {
        <table class="table">
            <thead>
                <tr>
                    <th scope="col">"About"</th>
                    {Channel::ALL
                        .iter()
                        .map(|c| view! { <th scope="col">{c.label()}</th> })
                        .collect_view()}
                </tr>
            </thead>
            <tbody>
                {choices
                    .into_iter()
                    .enumerate()
                    .map(|(index, choice)| {
                        view! {
                            <tr>
                                <th scope="row">{choice.kind.label()}</th>
                                {Channel::ALL
                                    .iter()
                                    .map(|&channel| cell(index, choice, channel))
                                    .collect_view()}
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
        <button
            class="button button--primary"
            type="button"
            data-test="save-choices"
            disabled=move || save.pending().get()
            on:click=move |_| {
                save.dispatch(SaveNotificationChoices {
                    choices: edited.get_untracked(),
                });
            }
        >
            "Save choices"
        </button>
    }
}
