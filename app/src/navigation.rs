//! Which links each role sees in the header.

use caretrack::{
    Role,
    permissions::{Permission, Scope},
};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NavItem {
    pub label: &'static str,
    pub href: &'static str,
}

/// The navigation for a signed-in role, or for a visitor (`None`).
///
/// Only pages that exist are listed; each feature adds its own entries here.
pub fn nav_items(role: Option<Role>) -> Vec<NavItem> {
    let status = NavItem {
        label: "System status",
        href: "/status",
    };
    let Some(role) = role else {
        return vec![
            NavItem {
                label: "Home",
                href: "/",
            },
            NavItem {
                label: "Sign in",
                href: "/login",
            },
        ];
    };
    let mut items = vec![NavItem {
        label: "Home",
        href: role.home_path(),
    }];
    // Each page once, for whoever may open it, in the order an office works through them.
    let pages = [
        (Permission::ViewCare, "Care packages", "/admin/packages"),
        (Permission::ViewCare, "Tasks", "/admin/tasks"),
        (Permission::ViewProgress, "Progress", "/admin/progress"),
        (
            Permission::ConductAssessments,
            "Assessments",
            "/admin/progress/assessments",
        ),
        (
            Permission::ManageAssessmentTemplates,
            "Assessment templates",
            "/admin/assessments/templates",
        ),
        (Permission::ManageRota, "Rota", "/admin/rota"),
        (Permission::ManageRota, "Open shifts", "/admin/shifts"),
        (Permission::ViewUsers, "People", "/admin/users"),
        (Permission::ManageUsers, "Invitations", "/admin/invitations"),
        (Permission::ViewReports, "Reports", "/admin/reports"),
        (Permission::ViewReports, "Analytics", "/admin/analytics"),
        (Permission::ViewAudit, "Audit log", "/admin/audit"),
        (
            Permission::ManageRecycleBin,
            "Recycle bin",
            "/admin/recycle-bin",
        ),
        (Permission::ManageJobs, "Jobs", "/admin/jobs"),
        (Permission::ManageSettings, "Settings", "/admin/settings"),
    ];
    // Office pages are for roles that see every record; carers reach their own
    // packages and tasks from their home.
    for (permission, label, href) in pages {
        if role.scope(permission) == Some(Scope::All) {
            items.push(NavItem { label, href });
        }
    }
    if role.can(Permission::ConfirmOwnRatings) {
        items.push(NavItem {
            label: "Your ratings",
            href: "/carer/ratings",
        });
    }
    if role.scope(Permission::ViewRota) == Some(Scope::Own) {
        items.push(NavItem {
            label: "Your rota",
            href: "/carer/rota",
        });
    }
    if role.can(Permission::ApplyForShifts) {
        items.push(NavItem {
            label: "Shifts",
            href: "/carer/shifts",
        });
    }
    if role.can(Permission::ManageJobs) {
        items.push(status);
    }
    items.push(NavItem {
        label: "Your account",
        href: "/account",
    });
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn carers_do_not_see_operational_pages() {
        let carer = nav_items(Some(Role::Carer));
        assert!(carer.iter().all(|item| item.href != "/status"));
        let admin = nav_items(Some(Role::Admin));
        assert!(admin.iter().any(|item| item.href == "/status"));
    }

    #[test]
    fn office_pages_are_listed_only_for_those_who_may_open_them() {
        let hrefs = |role| -> Vec<&str> { nav_items(Some(role)).iter().map(|i| i.href).collect() };
        assert!(hrefs(Role::Admin).contains(&"/admin/settings"));
        assert!(hrefs(Role::Admin).contains(&"/admin/users"));
        assert!(hrefs(Role::Assessor).contains(&"/admin/users"));
        assert!(!hrefs(Role::Assessor).contains(&"/admin/invitations"));
        assert!(hrefs(Role::Viewer).contains(&"/admin/audit"));
        assert!(!hrefs(Role::Viewer).contains(&"/admin/settings"));
        assert!(
            hrefs(Role::Carer)
                .iter()
                .all(|href| !href.starts_with("/admin"))
        );
    }

    #[test]
    fn every_role_has_a_way_home() {
        for &role in Role::ALL {
            assert!(
                nav_items(Some(role))
                    .iter()
                    .any(|item| item.href == role.home_path())
            );
        }
        assert!(nav_items(None).iter().any(|item| item.href == "/login"));
    }
}
