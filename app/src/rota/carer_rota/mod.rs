//! A carer's own rota (`/carer/rota`): their shifts as a list and a calendar, and the
//! secret calendar link whose iCalendar feed puts them in their phone's calendar.

pub mod api;
mod my_rota_page;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use my_rota_page::MyRotaPage;
