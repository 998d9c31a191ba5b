//! Who may do what: the one permission table every server function and REST handler is
//! checked against (through one guard in `app::auth`), and the browser uses to decide
//! what to show. Rows are permissions, columns are roles; `docs/PERMISSIONS.md` is
//! generated from the same table by a test, so the documentation cannot drift.
//!
//! A permission says what kind of thing may be done; *which* records is decided by
//! [`Scope`]: carers act on their own records and their own packages only.

use crate::Role;

crate::closed_set::closed_set! {
    /// Something a signed-in person may be allowed to do.
    pub enum Permission: "permission" {
        /// See and edit one's own profile, password, devices and 2FA.
        ManageOwnAccount = "MANAGE_OWN_ACCOUNT", "Manage their own account";
        /// Invite people, change roles, deactivate and reactivate accounts.
        ManageUsers = "MANAGE_USERS", "Manage users and invitations";
        /// See the people of the organisation.
        ViewUsers = "VIEW_USERS", "See staff";
        /// Revoke anybody's sessions.
        RevokeAnySession = "REVOKE_ANY_SESSION", "Sign anyone out";
        /// Organisation settings: 2FA policy, session lifetimes, approval chain.
        ManageSettings = "MANAGE_SETTINGS", "Change organisation settings";
        /// Care packages, tasks and assignments.
        ManageCare = "MANAGE_CARE", "Manage care packages, tasks and assignments";
        /// See care packages and tasks (carers: their own packages only).
        ViewCare = "VIEW_CARE", "See care packages and tasks";
        /// Record daily task completions (for oneself).
        LogPractice = "LOG_PRACTICE", "Log daily practice";
        /// See progress (carers: their own).
        ViewProgress = "VIEW_PROGRESS", "See progress";
        /// Reset a carer's progress.
        ResetProgress = "RESET_PROGRESS", "Reset progress";
        /// Assessment templates.
        ManageAssessmentTemplates = "MANAGE_ASSESSMENT_TEMPLATES", "Manage assessment templates";
        /// Conduct assessments and approve ratings.
        ConductAssessments = "CONDUCT_ASSESSMENTS", "Conduct assessments";
        /// Confirm or dispute one's own ratings.
        ConfirmOwnRatings = "CONFIRM_OWN_RATINGS", "Confirm their own ratings";
        /// Set ratings directly, with a reason (one carer or many).
        ManageRatings = "MANAGE_RATINGS", "Set ratings directly";
        /// Resolve disputed ratings.
        ResolveDisputes = "RESOLVE_DISPUTES", "Resolve rating disputes";
        /// Build and publish the rota; override rules with a reason.
        ManageRota = "MANAGE_ROTA", "Build and publish the rota";
        /// Check a rota against the rules engine (a dry run that changes nothing).
        CheckRota = "CHECK_ROTA", "Check a rota against the rules";
        /// See the rota (carers: their own shifts and open shifts they may take).
        ViewRota = "VIEW_ROTA", "See the rota";
        /// Apply for open shifts.
        ApplyForShifts = "APPLY_FOR_SHIFTS", "Apply for shifts";
        /// Reports and PDF evidence packs.
        ViewReports = "VIEW_REPORTS", "See reports";
        /// Keep a report past its expiry, or let it expire again.
        ArchiveReports = "ARCHIVE_REPORTS", "Archive reports";
        /// The audit log and its export.
        ViewAudit = "VIEW_AUDIT", "See the audit log";
        /// The background job queue: counts, failures, retry and discard.
        ManageJobs = "MANAGE_JOBS", "Manage background jobs";
        /// The recycle bin: restore and purge.
        ManageRecycleBin = "MANAGE_RECYCLE_BIN", "Restore and purge deleted records";
    }
}

/// Which records a granted permission reaches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Every record of the organisation.
    All,
    /// Only the person's own records (and, for care, their assigned packages).
    Own,
}

impl Role {
    /// Whether this role has `permission`, and over which records; `None` if not at all.
    pub const fn scope(self, permission: Permission) -> Option<Scope> {
        use Permission::*;
        use Role::*;
        use Scope::{All, Own};
        match (permission, self) {
            (ManageOwnAccount, _) => Some(Own),
            (_, Admin) => match permission {
                LogPractice | ConfirmOwnRatings | ApplyForShifts => None,
                _ => Some(All),
            },
            (
                ViewUsers | ViewCare | ViewProgress | ConductAssessments | ViewRota | CheckRota,
                Assessor,
            ) => Some(All),
            (
                ViewCare | LogPractice | ViewProgress | ConfirmOwnRatings | ViewRota
                | ApplyForShifts,
                Carer,
            ) => Some(Own),
            (ViewReports | ViewAudit | ViewProgress, Viewer) => Some(All),
            _ => None,
        }
    }

    pub const fn can(self, permission: Permission) -> bool {
        self.scope(permission).is_some()
    }
}

/// The permission table as Markdown (rows: permissions; columns: roles).
pub fn matrix_markdown() -> String {
    let mut out = String::from("| permission |");
    for role in Role::ALL {
        out.push_str(&format!(" {} |", role.label()));
    }
    out.push_str("\n|---|");
    out.push_str(&"---|".repeat(Role::ALL.len()));
    out.push('\n');
    for &permission in Permission::ALL {
        out.push_str(&format!(
            "| {} (`{}`) |",
            permission.label(),
            permission.as_str()
        ));
        for &role in Role::ALL {
            out.push_str(match role.scope(permission) {
                Some(Scope::All) => " all |",
                Some(Scope::Own) => " own |",
                None => " — |",
            });
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn carers_act_only_on_their_own_records() {
        for &permission in Permission::ALL {
            assert_ne!(
                Role::Carer.scope(permission),
                Some(Scope::All),
                "{permission}"
            );
        }
        assert_eq!(Role::Carer.scope(Permission::LogPractice), Some(Scope::Own));
        assert!(!Role::Carer.can(Permission::ManageUsers));
        assert!(!Role::Carer.can(Permission::ViewAudit));
    }

    #[test]
    fn managers_do_not_log_practice_or_confirm_ratings_for_others() {
        assert!(Role::Admin.can(Permission::ManageUsers));
        assert!(Role::Admin.can(Permission::ManageJobs));
        assert!(!Role::Admin.can(Permission::LogPractice));
        assert!(!Role::Admin.can(Permission::ConfirmOwnRatings));
    }

    #[test]
    fn viewers_only_read() {
        let granted: Vec<Permission> = Permission::ALL
            .iter()
            .copied()
            .filter(|p| Role::Viewer.can(*p))
            .collect();
        assert_eq!(
            granted,
            vec![
                Permission::ManageOwnAccount,
                Permission::ViewProgress,
                Permission::ViewReports,
                Permission::ViewAudit
            ]
        );
    }

    #[test]
    fn assessors_assess_but_do_not_manage() {
        assert!(Role::Assessor.can(Permission::ConductAssessments));
        assert!(!Role::Assessor.can(Permission::ManageRota));
        assert!(!Role::Assessor.can(Permission::ManageUsers));
    }

    #[test]
    fn the_documented_matrix_is_current() {
        let doc = include_str!("../docs/PERMISSIONS.md");
        assert!(
            doc.contains(&matrix_markdown()),
            "docs/PERMISSIONS.md is out of date; paste in:\n{}",
            matrix_markdown()
        );
    }
}
