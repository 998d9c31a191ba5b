//! PDF reports, typeset by typst used as a library.
//!
//! Each report is a typst template (`templates/`, compiled into the binary) and the data
//! it shows ([`data`]), handed to the template as a JSON file. Fonts come from
//! `typst-assets` and are embedded too, so rendering reads nothing from disk and
//! downloads nothing. Rendering is CPU-bound and synchronous: the server's job worker
//! calls [`render`] on a blocking thread. Reports are rendered one at a time per
//! process and typst's memo caches are emptied after each one, so memory stays flat
//! however many reports a worker makes.

pub mod data;
#[doc(hidden)]
pub mod sample;
mod world;

use serde::Serialize;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use typst::diag::{SourceDiagnostic, Warned};
use typst::foundations::Smart;
use typst_layout::PagedDocument;

/// A report ready to render.
#[derive(Clone, Debug)]
pub enum Report {
    EvidencePack(data::EvidencePack),
    RotaWeek(data::RotaWeek),
    Compliance(data::Compliance),
}

impl Report {
    fn template(&self) -> &'static str {
        match self {
            Report::EvidencePack(_) => "/evidence_pack.typ",
            Report::RotaWeek(_) => "/rota_week.typ",
            Report::Compliance(_) => "/compliance.typ",
        }
    }

    fn cover(&self) -> &data::Cover {
        match self {
            Report::EvidencePack(r) => &r.cover,
            Report::RotaWeek(r) => &r.cover,
            Report::Compliance(r) => &r.cover,
        }
    }

    fn json(&self) -> Result<Vec<u8>, serde_json::Error> {
        fn encode(value: &impl Serialize) -> Result<Vec<u8>, serde_json::Error> {
            serde_json::to_vec(value)
        }
        match self {
            Report::EvidencePack(r) => encode(r),
            Report::RotaWeek(r) => encode(r),
            Report::Compliance(r) => encode(r),
        }
    }
}

/// A rendered report.
#[derive(Clone, Debug)]
pub struct Pdf {
    pub bytes: Vec<u8>,
    pub pages: usize,
    /// Typesetting and PDF export, without waiting for the render lock.
    pub took: Duration,
}

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("the report's data could not be encoded: {0}")]
    Data(#[from] serde_json::Error),
    /// A template error: a bug in the templates, so the message names the template.
    #[error("typesetting {template} failed: {message}")]
    Typeset {
        template: &'static str,
        message: String,
    },
}

/// One report at a time per process: typesetting a long report takes a core and a few
/// tens of megabytes, and the worker's other jobs should not wait on two of them.
static RENDERING: Mutex<()> = Mutex::new(());

/// Typesets `report` as a PDF. `today` is the London date the report is made on.
pub fn render(report: &Report, today: time::Date) -> Result<Pdf, RenderError> {
    let template = report.template();
    let world = world::ReportWorld::new(template, report.json()?, today);
    let _one_at_a_time = RENDERING
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let started = Instant::now();
    let result = typeset(&world, report.cover());
    // Whatever happened, drop what typst memoised for this document: the next report
    // shares nothing with it but the fonts and the standard library.
    typst::comemo::evict(0);
    let (bytes, pages) = result.map_err(|message| RenderError::Typeset { template, message })?;
    Ok(Pdf {
        bytes,
        pages,
        took: started.elapsed(),
    })
}

fn typeset(world: &world::ReportWorld, cover: &data::Cover) -> Result<(Vec<u8>, usize), String> {
    let Warned { output, warnings } = typst::compile::<PagedDocument>(world);
    let document = output.map_err(|errors| describe(&errors))?;
    if !warnings.is_empty() {
        // Warnings mean a template does something typst will stop accepting: worth
        // knowing, never worth failing a report for.
        tracing::warn!(warnings = %describe(&warnings), "report template warnings");
    }
    let options = typst_pdf::PdfOptions {
        // Stable per report, so a re-render of the same request is the same document.
        ident: Smart::Custom(cover.reference.clone()),
        ..Default::default()
    };
    let bytes = typst_pdf::pdf(&document, &options).map_err(|errors| describe(&errors))?;
    Ok((bytes, document.pages().len()))
}

fn describe(diagnostics: &[SourceDiagnostic]) -> String {
    diagnostics
        .iter()
        .map(|d| {
            let mut line = d.message.to_string();
            for hint in &d.hints {
                line.push_str(&format!(" (hint: {})", hint.v));
            }
            line
        })
        .collect::<Vec<_>>()
        .join("; ")
}
