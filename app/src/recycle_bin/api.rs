//! Wire types and server functions of the recycle bin.

#[cfg(feature = "ssr")]
use crate::auth::door::{Caller, serve};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use caretrack::permissions::Permission;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub const PAGE_SIZE: i64 = 25;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum BinKind {
    CarePackage,
    Task,
    AssessmentTemplate,
    Carer,
    /// Care managers, assessors and viewers.
    OfficeStaff,
}

impl BinKind {
    pub const ALL: [BinKind; 5] = [
        BinKind::CarePackage,
        BinKind::Task,
        BinKind::AssessmentTemplate,
        BinKind::Carer,
        BinKind::OfficeStaff,
    ];

    pub const fn label(self) -> &'static str {
        match self {
            BinKind::CarePackage => "Care packages",
            BinKind::Task => "Tasks",
            BinKind::AssessmentTemplate => "Assessment templates",
            BinKind::Carer => "Carers",
            BinKind::OfficeStaff => "Office staff",
        }
    }

    /// People are not deleted by a purge: their personal data is erased and an
    /// anonymous stub keeps the practice and audit history in one piece.
    pub const fn is_person(self) -> bool {
        matches!(self, BinKind::Carer | BinKind::OfficeStaff)
    }

    /// The name `recycle_bin_due` and the audit log give this kind.
    pub const fn as_str(self) -> &'static str {
        match self {
            BinKind::CarePackage => "CarePackage",
            BinKind::Task => "Task",
            BinKind::AssessmentTemplate => "AssessmentTemplate",
            BinKind::Carer => "Carer",
            BinKind::OfficeStaff => "OfficeStaff",
        }
    }
}

/// One deleted record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BinItem {
    pub id: String,
    pub name: String,
    /// UK time, for people.
    pub deleted: String,
    pub deleted_by: String,
    /// UK date from which the nightly sweep purges it, or why it does not.
    pub purge_on: String,
    /// What a restore brings back with it (and a purge removes).
    pub impact: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BinPage {
    pub kind: BinKind,
    pub items: Vec<BinItem>,
    pub total: i64,
    pub page: i64,
    pub page_size: i64,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BinCounts {
    pub care_packages: i64,
    pub tasks: i64,
    pub assessment_templates: i64,
    pub carers: i64,
    pub office_staff: i64,
    /// How long records wait before the nightly purge (organisation settings).
    pub keep_days: i32,
}

#[server(endpoint = "recycle_bin", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn load_bin(kind: BinKind, page: i64) -> Result<BinPage, AppError> {
    serve(
        Permission::ManageRecycleBin,
        async |Caller { state, .. }| super::ssr::list(&state, kind, page).await,
    )
    .await
}

#[server(endpoint = "recycle_bin_counts", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn load_bin_counts() -> Result<BinCounts, AppError> {
    serve(
        Permission::ManageRecycleBin,
        async |Caller { state, .. }| super::ssr::counts(&state).await,
    )
    .await
}

/// Restores the chosen records; answers how many came back.
#[server(endpoint = "recycle_bin_restore", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn restore(kind: BinKind, ids: Vec<String>) -> Result<u64, AppError> {
    serve(
        Permission::ManageRecycleBin,
        async |Caller { actor, state, .. }| {
            super::ssr::restore(&state, &actor, kind, &ids)
                .await
                .map(|n| n as u64)
        },
    )
    .await
}

/// Deletes the chosen records for good (people: erases them, leaving an anonymous
/// stub); answers how many went.
#[server(endpoint = "recycle_bin_purge", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn purge(kind: BinKind, ids: Vec<String>) -> Result<u64, AppError> {
    serve(
        Permission::ManageRecycleBin,
        async |Caller { actor, state, .. }| {
            super::ssr::purge(&state, &actor, kind, &ids)
                .await
                .map(|n| n as u64)
        },
    )
    .await
}
