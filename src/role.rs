crate::closed_set::closed_set! {
    /// What a signed-in person may do. Stored as the Postgres enum `user_role`.
    pub enum Role: "role" {
        /// Care manager: users, packages, tasks, assessments, rota, audit, reports.
        Admin = "ADMIN", "Care manager";
        /// Conducts competency assessments; may not change the rota or users.
        Assessor = "ASSESSOR", "Assessor";
        /// Care worker: logs daily practice, confirms ratings, applies for shifts.
        Carer = "CARER", "Care worker";
        /// Read-only access to reports and audit for a time-boxed period (e.g. an inspector).
        Viewer = "VIEWER", "Viewer";
    }
}

impl Role {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_round_trips_through_its_database_spelling() {
        for &role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>().unwrap(), role);
            let json = serde_json::to_string(&role).unwrap();
            assert_eq!(json, format!("\"{}\"", role.as_str()));
            assert_eq!(serde_json::from_str::<Role>(&json).unwrap(), role);
        }
        assert_eq!(" carer ".parse::<Role>().unwrap(), Role::Carer);
    }

    #[test]
    fn unknown_role_is_refused_with_the_allowed_values() {
        let err = "MANAGER".parse::<Role>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown role \"MANAGER\": expected one of ADMIN, ASSESSOR, CARER, VIEWER"
        );
        assert!(serde_json::from_str::<Role>("\"MANAGER\"").is_err());
    }

    #[test]
    fn only_admins_and_assessors_conduct_assessments() {
        assert!(Role::Admin.conducts_assessments());
        assert!(Role::Assessor.conducts_assessments());
        assert!(!Role::Carer.conducts_assessments());
        assert!(!Role::Viewer.conducts_assessments());
        assert!(!Role::Assessor.manages_organisation());
        assert_eq!(Role::Carer.label(), "Care worker");
    }
}
