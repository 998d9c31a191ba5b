//! The typst "world" a report is compiled in: the embedded templates, one data file,
//! the embedded fonts, and nothing else. No file system, no packages, no network.

use std::sync::LazyLock;
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

/// The templates, compiled into the binary. `common.typ` is imported by the others.
const TEMPLATES: [(&str, &str); 4] = [
    ("/common.typ", include_str!("../templates/common.typ")),
    (
        "/evidence_pack.typ",
        include_str!("../templates/evidence_pack.typ"),
    ),
    ("/rota_week.typ", include_str!("../templates/rota_week.typ")),
    (
        "/compliance.typ",
        include_str!("../templates/compliance.typ"),
    ),
];

/// The report's data, read by the templates with `json("/data.json")`.
const DATA_PATH: &str = "/data.json";

/// Fonts and the standard library: parsed once per process, shared by every report.
struct Shared {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    /// The templates, parsed once.
    sources: Vec<Source>,
    data_id: FileId,
}

static SHARED: LazyLock<Shared> = LazyLock::new(|| {
    let fonts: Vec<Font> = typst_assets::fonts()
        .flat_map(|data| Font::iter(Bytes::new(data)))
        .collect();
    Shared {
        library: LazyHash::new(Library::default()),
        book: LazyHash::new(FontBook::from_fonts(&fonts)),
        fonts,
        sources: TEMPLATES
            .iter()
            .map(|(path, text)| Source::new(file_id(path), (*text).to_owned()))
            .collect(),
        data_id: file_id(DATA_PATH),
    }
});

fn file_id(path: &str) -> FileId {
    let vpath = VirtualPath::new(path).expect("template paths are valid virtual paths");
    RootedPath::new(VirtualRoot::Project, vpath).intern()
}

/// One compilation: which template, with what data, dated when.
pub(crate) struct ReportWorld {
    main: FileId,
    data: Bytes,
    today: Datetime,
}

impl ReportWorld {
    /// `template` is one of the names in [`TEMPLATES`], e.g. `/rota_week.typ`.
    pub(crate) fn new(template: &str, data: Vec<u8>, today: time::Date) -> Self {
        debug_assert!(TEMPLATES.iter().any(|(path, _)| *path == template));
        let today = Datetime::from_ymd(today.year(), today.month() as u8, today.day())
            .expect("a calendar date is a valid typst date");
        Self {
            main: file_id(template),
            data: Bytes::new(data),
            today,
        }
    }
}

impl World for ReportWorld {
    fn library(&self) -> &LazyHash<Library> {
        &SHARED.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &SHARED.book
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        SHARED
            .sources
            .iter()
            .find(|source| source.id() == id)
            .cloned()
            .ok_or_else(|| not_found(id))
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == SHARED.data_id {
            return Ok(self.data.clone());
        }
        self.source(id).map(Bytes::from_string)
    }

    fn font(&self, index: usize) -> Option<Font> {
        SHARED.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        Some(self.today)
    }
}

fn not_found(id: FileId) -> FileError {
    FileError::NotFound(id.vpath().get_without_slash().into())
}
