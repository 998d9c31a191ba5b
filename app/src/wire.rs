//! Wire types every feature shares: a page of a list, and an id with the name shown for it.

use serde::{Deserialize, Serialize};

/// One page of a list, with the total for the pager.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "ssr",
    derive(schemars::JsonSchema),
    schemars(rename = "{T}Page")
)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub page: i64,
    pub page_size: i64,
}

impl<T> Page<T> {
    pub fn new(items: Vec<T>, total: i64, page: i64, page_size: i64) -> Self {
        Self {
            items,
            total,
            page,
            page_size,
        }
    }
}

/// An id with the name a page shows for it (a task, a carer, a package).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "ssr",
    derive(schemars::JsonSchema),
    schemars(rename = "Named{Id}")
)]
pub struct Named<Id> {
    pub id: Id,
    pub name: String,
}
