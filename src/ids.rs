//! Typed identifiers. A `TaskId` can never be passed where a `UserId` is expected, yet on
//! the wire and in the database each is a plain UUID.

use serde::{Deserialize, Serialize};
use std::{fmt, str::FromStr};
use uuid::Uuid;

macro_rules! entity_id {
    ($($(#[$doc:meta])* $name:ident;)+) => {$(
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            pub const fn from_uuid(id: Uuid) -> Self {
                Self(id)
            }

            pub const fn as_uuid(&self) -> &Uuid {
                &self.0
            }

            pub const fn into_uuid(self) -> Uuid {
                self.0
            }
        }

        /// A UUID on the wire, written where it is used.
        #[cfg(feature = "schemars")]
        impl ::schemars::JsonSchema for $name {
            fn inline_schema() -> bool {
                true
            }

            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema(_: &mut ::schemars::SchemaGenerator) -> ::schemars::Schema {
                ::schemars::json_schema!({ "type": "string", "format": "uuid" })
            }
        }

        impl From<Uuid> for $name {
            fn from(id: Uuid) -> Self {
                Self(id)
            }
        }

        impl From<$name> for Uuid {
            fn from(id: $name) -> Self {
                id.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0, f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    )+};
}

entity_id! {
    /// Anyone with an account: admin, assessor, carer or viewer.
    UserId;
    /// A pending invitation to join the organisation.
    InvitationId;
    /// A signed-in device (one browser or API client).
    SessionId;
    /// A client or location receiving care.
    CarePackageId;
    /// A care activity with a target count, e.g. "Medication administration".
    TaskId;
    /// One entry in the daily completion log.
    TaskCompletionId;
    /// A competency assessment template (all of its versions).
    AssessmentTemplateId;
    /// One immutable version of an assessment template.
    AssessmentTemplateVersionId;
    /// One assessment of one carer against one template version.
    AssessmentId;
    /// A shift at a care package.
    ShiftId;
    /// A carer placed on a shift in the rota.
    RotaEntryId;
    /// An in-app notification.
    NotificationId;
    /// A stored file (evidence, document, report).
    FileId;
    /// A competency rating of one carer in one task (and its history).
    RatingId;
    /// A generated report (an evidence pack, a rota week, a compliance summary).
    ReportId;
    /// A background job in the queue.
    JobId;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_through_text_and_json() {
        let raw = "67e55044-10b1-426f-9247-bb680e5fe0c8";
        let id: TaskId = raw.parse().unwrap();
        assert_eq!(id.to_string(), raw);
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(json, format!("\"{raw}\""));
        let back: TaskId = serde_json::from_str(&json).unwrap();
        assert_eq!(back, id);
    }

    #[test]
    fn garbage_is_not_an_id() {
        assert!("not-a-uuid".parse::<UserId>().is_err());
    }
}
