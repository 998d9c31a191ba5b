//! One DAY or NIGHT slot of the week's grid: its carers (each removable, draggable to
//! another slot), its rule findings, and the drop target a carer is placed through.

use super::{editing::Editing, slot_tools::SlotTools};
use caretrack::{
    ids::UserId,
    rota::{Change, Severity},
};
use leptos::prelude::*;

/// One DAY or NIGHT slot: its carers, its findings, and the drop target.
#[component]
pub(super) fn SlotCell(
    cell: crate::rota::week::api::Slot,
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
        <td
            class=class
            data-test="slot"
            data-shift=shift.to_string()
            data-weekday=slot.weekday.to_string()
            data-kind=slot.kind.as_str()
            on:dragover=move |ev: leptos::ev::DragEvent| ev.prevent_default()
            on:drop=move |ev: leptos::ev::DragEvent| {
                ev.prevent_default();
                editing.place(shift);
            }
        >
            <div class="rota__slot-head">
                <span class="small">{slot.times.clone()}</span>
                <span class="small muted" data-test="staffing">
                    {move || format!("{}/{headcount}", editing.carers_on(shift).len())}
                </span>
            </div>
            <ul class="rota__chips">
                {move || {
                    editing
                        .carers_on(shift)
                        .into_iter()
                        .map(|carer| {
                            let name = name_of(carer);
                            view! {
                                <li
                                    class="chip"
                                    draggable="true"
                                    data-test="placed"
                                    data-carer=carer.to_string()
                                    on:dragstart=move |ev: leptos::ev::DragEvent| {
                                        if let Some(data) = ev.data_transfer() {
                                            let _ = data.set_data("text/plain", &carer.to_string());
                                            data.set_effect_allowed("move");
                                        }
                                        editing.dragging.set(Some((carer, Some(shift))));
                                    }
                                >
                                    {name.clone()}
                                    <button
                                        type="button"
                                        class="chip__remove"
                                        data-test="remove"
                                        aria-label=format!("Take {name} off this shift")
                                        on:click=move |_| {
                                            editing.apply(Change::Unassign { carer, shift })
                                        }
                                    >
                                        "×"
                                    </button>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
            {move || {
                editing
                    .chosen
                    .get()
                    .map(|carer| {
                        view! {
                            <button
                                type="button"
                                class="button button--small"
                                data-test="place-here"
                                aria-label=format!("Place {} on the {label}", name_of(carer))
                                on:click=move |_| editing.place(shift)
                            >
                                "Place here"
                            </button>
                        }
                    })
            }}
            <SlotTools shift headcount open=slot.open editing name_of />
            <ul class="rota__findings">
                {move || {
                    findings
                        .get()
                        .into_iter()
                        .map(|v| {
                            view! {
                                <li
                                    class=if v.severity == Severity::Error {
                                        "small text-error"
                                    } else {
                                        "small text-warning"
                                    }
                                    data-test="slot-finding"
                                    data-rule=v.rule.as_str()
                                    title=v.message.clone()
                                >
                                    {v.rule.label()}
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
        </td>
    }
}
