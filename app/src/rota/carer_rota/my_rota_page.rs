//! `/carer/rota`: the carer's own confirmed shifts — four weeks as a calendar, eight as
//! a list (phone first) — and the secret link that puts them in their phone's calendar.
//! It is live: a newly published rota or shift appears without a reload.

use super::api::{MyShift, PersonalRota, my_rota, new_calendar_link, turn_off_calendar_link};
use crate::components::toast::{ToastKind, use_toasts};
use crate::error::AppError;
use crate::live::{Topic, use_live};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn MyRotaPage() -> impl IntoView {
    let tick = use_live(&[Topic::Rota, Topic::Shift]);
    let link_version = RwSignal::new(0u32);
    // Kept here: the list refreshes when the rota changes, and a link shown once or a
    // question being asked must survive that.
    let made = RwSignal::new(None::<String>);
    let asking = RwSignal::new(None::<&'static str>);
    let changed = link_version;
    let toasts = use_toasts();
    let create = Action::new(move |_: &()| new_calendar_link());
    let turn_off = Action::new(move |_: &()| turn_off_calendar_link());
    Effect::new(move |_| {
        if let Some(result) = create.value().get() {
            match result {
                Ok(url) => {
                    made.set(Some(url));
                    changed.update(|v| *v += 1);
                }
                Err(err) => toasts.show(ToastKind::Error, err.to_string()),
            }
        }
    });
    Effect::new(move |_| {
        if let Some(result) = turn_off.value().get() {
            match result {
                Ok(()) => {
                    made.set(None);
                    toasts.show(ToastKind::Success, "Calendar link turned off.");
                    changed.update(|v| *v += 1);
                }
                Err(err) => toasts.show(ToastKind::Error, err.to_string()),
            }
        }
    });
    let rota = Resource::new(move || (tick.get(), link_version.get()), |_| my_rota());
    view! {
        <Title text="Your rota" />
        <p>
            <a href="/carer">"← Today"</a>
        </p>
        <h1>"Your rota"</h1>
        <Transition fallback=|| {
            view! { <p class="muted">"Loading…"</p> }
        }>
            {move || {
                rota.get()
                    .map(|result| match result {
                        Ok(PersonalRota { shifts, weeks, calendar_link_since }) => {
                            let calendar = view! { <Calendar weeks shifts=shifts.clone() /> };
                            let list = if shifts.is_empty() {
                                view! {
                                    <p class="muted" data-test="no-shifts">
                                        "No shifts in the next eight weeks yet."
                                    </p>
                                }
                                    .into_any()
                            } else {
                                view! { <ShiftList shifts /> }.into_any()
                            };
                            view! {
                                {calendar}
                                <h2>"Next eight weeks"</h2>
                                {list}
                                <CalendarLink
                                    since=calendar_link_since
                                    made
                                    asking
                                    create
                                    turn_off
                                />
                            }
                                .into_any()
                        }
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

/// Four weeks, Monday first; each day lists its shifts.
#[component]
fn Calendar(weeks: Vec<super::api::CalendarWeek>, shifts: Vec<MyShift>) -> impl IntoView {
    view! {
        <div class="my-calendar" data-test="my-calendar">
            {weeks
                .into_iter()
                .map(|week| {
                    view! {
                        <section class="my-calendar__week" aria-label=week.label.clone()>
                            <h2 class="small">{week.label.clone()}</h2>
                            <ol class="my-calendar__days">
                                {week
                                    .days
                                    .into_iter()
                                    .map(|day| {
                                        let class = if day.today {
                                            "my-calendar__day my-calendar__day--today"
                                        } else {
                                            "my-calendar__day"
                                        };
                                        view! {
                                            <li class=class data-test="calendar-day">
                                                <span class="small muted">{day.label}</span>
                                                {day
                                                    .shifts
                                                    .iter()
                                                    .filter_map(|&i| shifts.get(i as usize))
                                                    .map(|s| {
                                                        view! {
                                                            <span
                                                                class="my-calendar__shift"
                                                                data-test="calendar-shift"
                                                                data-shift=s.shift_id.to_string()
                                                                title=format!("{} · {}", s.package, s.times)
                                                            >
                                                                {format!("{} {}", s.kind.label(), s.times)}
                                                            </span>
                                                        }
                                                    })
                                                    .collect_view()}
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ol>
                        </section>
                    }
                })
                .collect_view()}
        </div>
    }
}

#[component]
fn ShiftList(shifts: Vec<MyShift>) -> impl IntoView {
    view! {
        <ul class="history" data-test="my-shifts">
            {shifts
                .into_iter()
                .map(|shift| {
                    let with = if shift.colleagues.is_empty() {
                        String::new()
                    } else {
                        format!(" · with {}", shift.colleagues.join(", "))
                    };
                    view! {
                        <li class="card" data-test="my-shift" data-shift=shift.shift_id.to_string()>
                            <strong>{format!("{} · {}", shift.day_label, shift.times)}</strong>
                            <p>
                                {format!("{} shift at {}{with}", shift.kind.label(), shift.package)}
                            </p>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}

/// The secret calendar link: made (or made anew, which stops the old one) and turned
/// off, each asked first. The link is shown once, when it is made.
#[component]
fn CalendarLink(
    since: Option<String>,
    made: RwSignal<Option<String>>,
    asking: RwSignal<Option<&'static str>>,
    create: Action<(), Result<String, AppError>>,
    turn_off: Action<(), Result<(), AppError>>,
) -> impl IntoView {
    let has_link = since.is_some();
    view! {
        <section class="card" data-test="calendar-link">
            <h2>"In your phone's calendar"</h2>
            {move || {
                made.get()
                    .map(|url| {
                        let webcal = url
                            .replacen("https://", "webcal://", 1)
                            .replacen("http://", "webcal://", 1);
                        view! {
                            <p>
                                "Copy this link into your calendar app (“Add calendar” → “From URL”). It is shown only now: keep it private, as anyone with it can see your shifts."
                            </p>
                            <input
                                type="text"
                                readonly
                                class="field__input"
                                data-test="calendar-url"
                                prop:value=url.clone()
                            />
                            <p>
                                <a href=webcal>"Open in your calendar app"</a>
                            </p>
                        }
                    })
            }}
            {since
                .map(|since| {
                    view! {
                        <p class="small muted" data-test="calendar-since">
                            {format!("Your link was made {since}.")}
                        </p>
                    }
                })}
            {move || match asking.get() {
                Some(what) => {
                    view! {
                        <div class="confirm" role="alert">
                            {if what == "new" {
                                "Make a new link? Calendars using the old one stop updating."
                            } else {
                                "Turn the link off? Calendars using it stop updating."
                            }}
                            " "
                            <button
                                class="button button--primary"
                                type="button"
                                data-test="confirm-calendar"
                                on:click=move |_| {
                                    asking.set(None);
                                    if what == "new" {
                                        create.dispatch(());
                                    } else {
                                        turn_off.dispatch(());
                                    }
                                }
                            >
                                "Yes"
                            </button>
                            <button class="button" type="button" on:click=move |_| asking.set(None)>
                                "Cancel"
                            </button>
                        </div>
                    }
                        .into_any()
                }
                None if has_link => {
                    view! {
                        <button
                            class="button"
                            type="button"
                            data-test="new-calendar-link"
                            on:click=move |_| asking.set(Some("new"))
                        >
                            "Make a new link…"
                        </button>
                        <button
                            class="button button--danger"
                            type="button"
                            data-test="turn-off-calendar-link"
                            on:click=move |_| asking.set(Some("off"))
                        >
                            "Turn off…"
                        </button>
                    }
                        .into_any()
                }
                None => {
                    view! {
                        <button
                            class="button button--primary"
                            type="button"
                            data-test="make-calendar-link"
                            on:click=move |_| {
                                create.dispatch(());
                            }
                        >
                            "Make a calendar link"
                        </button>
                    }
                        .into_any()
                }
            }}
        </section>
    }
}
