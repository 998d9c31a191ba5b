//! Which links each role sees in the header.

use caretrack::{Role, permissions::Permission};

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
    if role.can(Permission::ManageJobs) {
        items.push(NavItem {
            label: "Jobs",
            href: "/admin/jobs",
        });
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
