//! Which links each role sees in the header.

use caretrack::Role;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NavItem {
    pub label: &'static str,
    pub href: &'static str,
}

/// The navigation for a signed-in role, or for a visitor (`None`).
///
/// Only pages that exist are listed; each feature adds its own entries here.
pub fn nav_items(role: Option<Role>) -> Vec<NavItem> {
    let home = NavItem {
        label: "Home",
        href: "/",
    };
    let status = NavItem {
        label: "System status",
        href: "/status",
    };
    match role {
        None => vec![home, status],
        Some(Role::Admin) => vec![home, status],
        Some(Role::Assessor | Role::Carer | Role::Viewer) => vec![home],
    }
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
    fn every_role_has_a_way_home() {
        for role in Role::ALL.iter().copied().map(Some).chain([None]) {
            assert!(nav_items(role).iter().any(|item| item.href == "/"));
        }
    }
}
