use serde::{Deserialize, Serialize};
use std::{fmt, str::FromStr};

/// What a signed-in person may do. Stored as the Postgres enum `user_role`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Role {
    /// Care manager: users, packages, tasks, assessments, rota, audit, reports.
    Admin,
    /// Conducts competency assessments; may not change the rota or users.
    Assessor,
    /// Care worker: logs daily practice, confirms ratings, applies for shifts.
    Carer,
    /// Read-only access to reports and audit for a time-boxed period (e.g. an inspector).
    Viewer,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Admin, Role::Assessor, Role::Carer, Role::Viewer];

    /// The database and wire spelling.
    pub const fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "ADMIN",
            Role::Assessor => "ASSESSOR",
            Role::Carer => "CARER",
            Role::Viewer => "VIEWER",
        }
    }

    /// How the role is named to people.
    pub const fn label(self) -> &'static str {
        match self {
            Role::Admin => "Care manager",
            Role::Assessor => "Assessor",
            Role::Carer => "Care worker",
            Role::Viewer => "Viewer",
        }
    }

    /// Where this role lands after signing in.
    pub const fn home_path(self) -> &'static str {
        match self {
            Role::Admin => "/admin",
            Role::Assessor => "/assessor",
            Role::Carer => "/carer",
            Role::Viewer => "/viewer",
        }
    }

    /// May change people, packages, tasks and the rota.
    pub const fn manages_organisation(self) -> bool {
        matches!(self, Role::Admin)
    }

    /// May conduct competency assessments.
    pub const fn conducts_assessments(self) -> bool {
        matches!(self, Role::Admin | Role::Assessor)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown role {0:?}: expected ADMIN, ASSESSOR, CARER or VIEWER")]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| UnknownRole(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_round_trips_through_its_database_spelling() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>().unwrap(), role);
            let json = serde_json::to_string(&role).unwrap();
            assert_eq!(json, format!("\"{}\"", role.as_str()));
        }
    }

    #[test]
    fn unknown_role_is_refused_with_the_allowed_values() {
        let err = "MANAGER".parse::<Role>().unwrap_err();
        assert!(err.to_string().contains("ADMIN, ASSESSOR, CARER or VIEWER"));
    }

    #[test]
    fn only_admins_and_assessors_conduct_assessments() {
        assert!(Role::Admin.conducts_assessments());
        assert!(Role::Assessor.conducts_assessments());
        assert!(!Role::Carer.conducts_assessments());
        assert!(!Role::Viewer.conducts_assessments());
        assert!(!Role::Assessor.manages_organisation());
    }
}
