//! Organisation-wide security settings a care manager may change: two-step verification
//! for care managers, session lifetimes, devices per person and the sign-in lockout.
//! The limits here are the database's own checks (`organisation_settings`), shown in the
//! form and checked in the browser and again on the server.

use crate::{Role, ValidationError};
use serde::{Deserialize, Serialize};

/// One whole-number setting: its form name, label and allowed range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NumberSetting {
    pub field: &'static str,
    pub label: &'static str,
    pub unit: &'static str,
    pub min: i32,
    pub max: i32,
    pub hint: &'static str,
}

impl NumberSetting {
    /// Reads the value typed into the form.
    pub fn parse(&self, raw: &str) -> Result<i32, ValidationError> {
        let out_of_range = || {
            ValidationError::new(
                self.field,
                format!(
                    "Enter a whole number of {} from {} to {}.",
                    self.unit, self.min, self.max
                ),
            )
        };
        let value: i32 = raw.trim().parse().map_err(|_| out_of_range())?;
        if (self.min..=self.max).contains(&value) {
            Ok(value)
        } else {
            Err(out_of_range())
        }
    }
}

pub const MAX_SESSIONS: NumberSetting = NumberSetting {
    field: "max_sessions_per_user",
    label: "Devices signed in at once, per person",
    unit: "devices",
    min: 1,
    max: 20,
    hint: "Signing in on one more device signs the oldest out. Applies from each person's next sign-in.",
};

pub const OFFICE_SESSION_HOURS: NumberSetting = NumberSetting {
    field: "admin_session_hours",
    label: "Office staff stay signed in for (hours)",
    unit: "hours",
    min: 1,
    max: 72,
    hint: "Care managers, assessors and viewers. Applies to sign-ins from now on.",
};

pub const CARER_SESSION_HOURS: NumberSetting = NumberSetting {
    field: "carer_session_hours",
    label: "Carers stay signed in for (hours)",
    unit: "hours",
    min: 1,
    max: 72,
    hint: "Long enough for a whole shift. Applies to sign-ins from now on.",
};

pub const LOCKOUT_THRESHOLD: NumberSetting = NumberSetting {
    field: "lockout_threshold",
    label: "Wrong passwords before an account is locked",
    unit: "attempts",
    min: 1,
    max: 100,
    hint: "Counted within the lockout period.",
};

pub const LOCKOUT_MINUTES: NumberSetting = NumberSetting {
    field: "lockout_minutes",
    label: "Lockout period (minutes)",
    unit: "minutes",
    min: 1,
    max: 1440,
    hint: "How long a locked account stays locked.",
};

/// Every number setting, in the order the form shows them.
pub const NUMBER_SETTINGS: [NumberSetting; 5] = [
    MAX_SESSIONS,
    OFFICE_SESSION_HOURS,
    CARER_SESSION_HOURS,
    LOCKOUT_THRESHOLD,
    LOCKOUT_MINUTES,
];

/// The settings, valid by construction when built by [`SecuritySettings::parse`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecuritySettings {
    pub require_admin_2fa: bool,
    pub max_sessions_per_user: i32,
    pub admin_session_hours: i32,
    pub carer_session_hours: i32,
    pub lockout_threshold: i32,
    pub lockout_minutes: i32,
}

/// The form as typed: numbers as text, so that a slip is an error beside its field.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecuritySettingsForm {
    /// A checkbox: present ("on") when ticked.
    pub require_admin_2fa: Option<String>,
    pub max_sessions_per_user: String,
    pub admin_session_hours: String,
    pub carer_session_hours: String,
    pub lockout_threshold: String,
    pub lockout_minutes: String,
}

impl SecuritySettings {
    pub fn parse(form: &SecuritySettingsForm) -> Result<Self, ValidationError> {
        Ok(Self {
            require_admin_2fa: form.require_admin_2fa.is_some(),
            max_sessions_per_user: MAX_SESSIONS.parse(&form.max_sessions_per_user)?,
            admin_session_hours: OFFICE_SESSION_HOURS.parse(&form.admin_session_hours)?,
            carer_session_hours: CARER_SESSION_HOURS.parse(&form.carer_session_hours)?,
            lockout_threshold: LOCKOUT_THRESHOLD.parse(&form.lockout_threshold)?,
            lockout_minutes: LOCKOUT_MINUTES.parse(&form.lockout_minutes)?,
        })
    }

    /// Absolute session lifetime: office roles get the office lifetime, carers (long
    /// shifts) theirs.
    pub fn session_lifetime(&self, role: Role) -> time::Duration {
        let hours = match role {
            Role::Carer => self.carer_session_hours,
            Role::Admin | Role::Assessor | Role::Viewer => self.admin_session_hours,
        };
        time::Duration::hours(i64::from(hours))
    }

    /// The value of a number setting, by its field name.
    pub fn number(&self, field: &str) -> Option<i32> {
        Some(match field {
            "max_sessions_per_user" => self.max_sessions_per_user,
            "admin_session_hours" => self.admin_session_hours,
            "carer_session_hours" => self.carer_session_hours,
            "lockout_threshold" => self.lockout_threshold,
            "lockout_minutes" => self.lockout_minutes,
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> SecuritySettingsForm {
        SecuritySettingsForm {
            require_admin_2fa: Some("on".into()),
            max_sessions_per_user: "3".into(),
            admin_session_hours: " 9 ".into(),
            carer_session_hours: "12".into(),
            lockout_threshold: "5".into(),
            lockout_minutes: "30".into(),
        }
    }

    #[test]
    fn a_filled_form_parses() {
        let settings = SecuritySettings::parse(&form()).unwrap();
        assert!(settings.require_admin_2fa);
        assert_eq!(settings.admin_session_hours, 9);
        let unticked = SecuritySettingsForm {
            require_admin_2fa: None,
            ..form()
        };
        assert!(
            !SecuritySettings::parse(&unticked)
                .unwrap()
                .require_admin_2fa
        );
    }

    #[test]
    fn numbers_outside_the_range_name_their_field() {
        for (raw, ok) in [
            ("0", false),
            ("1", true),
            ("72", true),
            ("73", false),
            ("", false),
            ("9.5", false),
            ("nine", false),
        ] {
            let result = SecuritySettings::parse(&SecuritySettingsForm {
                carer_session_hours: raw.into(),
                ..form()
            });
            match result {
                Ok(_) => assert!(ok, "{raw:?} accepted"),
                Err(err) => {
                    assert!(!ok, "{raw:?} refused");
                    assert_eq!(err.field, "carer_session_hours");
                    assert!(err.message.contains("from 1 to 72"), "{}", err.message);
                }
            }
        }
    }

    #[test]
    fn every_number_setting_is_reachable_by_its_field_name() {
        let settings = SecuritySettings::parse(&form()).unwrap();
        for setting in NUMBER_SETTINGS {
            let value = settings.number(setting.field).unwrap();
            assert!(
                (setting.min..=setting.max).contains(&value),
                "{}",
                setting.field
            );
        }
        assert_eq!(settings.number("nonsense"), None);
    }
}
