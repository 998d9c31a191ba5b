//! The editor's state: the engine's checker, undo and redo, what is dragged or chosen.

use crate::rota::week::api::SlotAssignment;
use caretrack::{
    ids::{ShiftId, UserId},
    rota::{Change, Checker, Violation},
};
use leptos::prelude::*;

/// The editor's state: the engine's checker, the undo and redo stacks, and what is
/// being dragged or has been chosen from the keyboard.
#[derive(Clone, Copy)]
pub(super) struct Editing {
    pub(super) checker: StoredValue<Checker>,
    /// Bumped after every change; everything drawn from the checker tracks it.
    pub(super) version: RwSignal<u64>,
    /// Each step is a group of changes undone together (a bulk action is one step).
    pub(super) undo: RwSignal<Vec<Vec<Change>>>,
    pub(super) redo: RwSignal<Vec<Vec<Change>>>,
    pub(super) revision: RwSignal<i64>,
    pub(super) saved_version: RwSignal<u64>,
    pub(super) chosen: RwSignal<Option<UserId>>,
    pub(super) dragging: RwSignal<Option<(UserId, Option<ShiftId>)>>,
    pub(super) slots: StoredValue<Vec<ShiftId>>,
    /// The violations that concern this week's slots, as the engine finds them now.
    pub(super) findings: Memo<Vec<Violation>>,
    pub(super) mismatch: RwSignal<Option<String>>,
}

impl Editing {
    /// Applies a change the manager made: checked at once, undoable.
    pub(super) fn apply(self, change: Change) {
        self.apply_all(vec![change]);
    }

    /// Applies changes as one undoable step (those the rota refuses are skipped).
    pub(super) fn apply_all(self, changes: Vec<Change>) {
        let done = self.run(changes);
        if !done.is_empty() {
            self.undo.update(|u| u.push(done));
            self.redo.update(Vec::clear);
            self.version.update(|v| *v += 1);
        }
    }

    /// Applies changes to the checker; answers those the rota took (the rest are
    /// skipped: a carer already on a shift, say).
    pub(super) fn run(self, changes: Vec<Change>) -> Vec<Change> {
        self.checker
            .try_update_value(|c| {
                changes
                    .into_iter()
                    .filter(|&change| c.apply(change).is_ok())
                    .collect()
            })
            .unwrap_or_default()
    }

    pub(super) fn step_back(
        self,
        from: RwSignal<Vec<Vec<Change>>>,
        to: RwSignal<Vec<Vec<Change>>>,
    ) {
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
    pub(super) fn changes_to(self, wanted: &[Vec<UserId>]) -> Vec<Change> {
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

    pub(super) fn carers_on(self, shift: ShiftId) -> Vec<UserId> {
        self.version.track();
        self.checker.with_value(|c| c.rota().carers_on(shift))
    }

    pub(super) fn assignments(self) -> Vec<SlotAssignment> {
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
    pub(super) fn place(self, shift: ShiftId) {
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

pub(super) fn slot_name(editing: Editing, shift: ShiftId) -> String {
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
