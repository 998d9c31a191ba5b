//! "Who can cover?" a shift: the wire types (served by REST, `server::api::rota`).

use caretrack::{ids::ShiftId, rota::Candidate};
use serde::{Deserialize, Serialize};

/// A carer who could take a shift, ranked (see `caretrack::rota::Candidate`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct CoverCandidate {
    pub name: String,
    #[serde(flatten)]
    pub candidate: Candidate,
}

/// "Who can cover?": the shift and its candidates, best first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct Cover {
    pub shift_id: ShiftId,
    pub package: String,
    pub when: String,
    pub candidates: Vec<CoverCandidate>,
}
