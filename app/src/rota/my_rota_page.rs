//! `/carer/rota`: the carer's own confirmed shifts for the next eight weeks (phone
//! first). It refreshes itself, so a newly published shift appears without a reload.

use super::api::{MyShift, my_rota};
use crate::components::ticker::use_ticker;
use leptos::prelude::*;
use leptos_meta::Title;
use std::time::Duration;

/// How often the page looks for a newly published rota (the real-time hub replaces it).
const REFRESH: Duration = Duration::from_secs(5);

#[component]
pub fn MyRotaPage() -> impl IntoView {
    let tick = use_ticker(REFRESH);
    let shifts = Resource::new(move || tick.get(), |_| my_rota());
    view! {
        <Title text="Your rota" />
        <p><a href="/carer">"← Today"</a></p>
        <h1>"Your rota"</h1>
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || shifts.get().map(|result| match result {
                Ok(shifts) if shifts.is_empty() => view! {
                    <p class="muted" data-test="no-shifts">"No shifts in the next eight weeks yet."</p>
                }.into_any(),
                Ok(shifts) => view! { <ShiftList shifts /> }.into_any(),
                Err(err) => view! { <div class="alert alert--error" role="alert">{err.to_string()}</div> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn ShiftList(shifts: Vec<MyShift>) -> impl IntoView {
    view! {
        <ul class="history" data-test="my-shifts">
            {shifts.into_iter().map(|shift| {
                let with = if shift.colleagues.is_empty() {
                    String::new()
                } else {
                    format!(" · with {}", shift.colleagues.join(", "))
                };
                view! {
                    <li class="card" data-test="my-shift" data-shift=shift.shift_id.to_string()>
                        <strong>{format!("{} · {}", shift.day_label, shift.times)}</strong>
                        <p>{format!("{} shift at {}{with}", shift.kind.label(), shift.package)}</p>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}
