//! What may be uploaded, for what purpose: the rules the browser checks before an upload
//! starts and the server enforces when the bytes arrive. A file's type is decided by its
//! leading bytes ("magic numbers"), never by its name or the type the browser claims.

use crate::{Role, permissions::Permission};
use std::fmt;

crate::closed_set::closed_set! {
    /// Why a file is kept. Stored in `files.purpose`.
    pub enum FilePurpose: "file purpose" {
        /// A photo or document attached to a competency assessment.
        AssessmentEvidence = "ASSESSMENT_EVIDENCE", "Assessment evidence";
        /// A person's profile photo.
        Avatar = "AVATAR", "Profile photo";
        /// A signed Working Time Regulations opt-out agreement.
        WtrOptOut = "WTR_OPT_OUT", "Working-time opt-out agreement";
        /// A report the server generated (PDF evidence packs, exports).
        Report = "REPORT", "Report";
        /// The provider's logo for emails and printed reports.
        Branding = "BRANDING", "Organisation logo";
        /// Any other document a manager keeps.
        Other = "OTHER", "Document";
    }
}

crate::closed_set::closed_set! {
    /// Where a stored file is in its life. Stored in `files.status`.
    pub enum FileStatus: "file status" {
        /// Registered; the bytes are not yet stored and checked.
        Pending = "PENDING", "Uploading";
        /// Stored, checked and downloadable.
        Ready = "READY", "Ready";
        /// Held back: waiting for, or failed, the virus scan.
        Quarantined = "QUARANTINED", "Quarantined";
        /// Deleted; the object is removed by the garbage collector.
        Deleted = "DELETED", "Deleted";
    }
}

/// A file type the product accepts, recognised from the file's first bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FileKind {
    Jpeg,
    Png,
    Pdf,
}

impl FileKind {
    /// How many leading bytes [`FileKind::sniff`] needs to decide.
    pub const SNIFF_LEN: usize = 8;

    /// Recognises a type from the file's leading bytes.
    pub fn sniff(head: &[u8]) -> Option<FileKind> {
        if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(FileKind::Jpeg)
        } else if head.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
            Some(FileKind::Png)
        } else if head.starts_with(b"%PDF-") {
            Some(FileKind::Pdf)
        } else {
            None
        }
    }

    pub const fn mime_type(self) -> &'static str {
        match self {
            FileKind::Jpeg => "image/jpeg",
            FileKind::Png => "image/png",
            FileKind::Pdf => "application/pdf",
        }
    }

    pub const fn extension(self) -> &'static str {
        match self {
            FileKind::Jpeg => "jpg",
            FileKind::Png => "png",
            FileKind::Pdf => "pdf",
        }
    }

    /// How the type is named to people.
    pub const fn label(self) -> &'static str {
        match self {
            FileKind::Jpeg => "JPEG photo",
            FileKind::Png => "PNG image",
            FileKind::Pdf => "PDF",
        }
    }

    /// Photos and images are re-encoded on upload so that no EXIF/GPS data survives.
    pub const fn is_image(self) -> bool {
        matches!(self, FileKind::Jpeg | FileKind::Png)
    }
}

const MIB: u64 = 1024 * 1024;
const IMAGES: &[FileKind] = &[FileKind::Jpeg, FileKind::Png];
const DOCUMENTS: &[FileKind] = &[FileKind::Pdf, FileKind::Jpeg, FileKind::Png];

/// What a purpose accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UploadRules {
    pub max_bytes: u64,
    pub kinds: &'static [FileKind],
}

impl UploadRules {
    /// The `accept` attribute for a file input offering these kinds.
    pub fn accept_attribute(&self) -> String {
        self.kinds
            .iter()
            .map(|k| k.mime_type())
            .collect::<Vec<_>>()
            .join(",")
    }
}

impl FilePurpose {
    /// The rules for files people upload for this purpose; `None` for files only the
    /// server writes (reports).
    pub const fn upload_rules(self) -> Option<UploadRules> {
        match self {
            FilePurpose::Avatar => Some(UploadRules {
                max_bytes: 5 * MIB,
                kinds: IMAGES,
            }),
            FilePurpose::Branding => Some(UploadRules {
                max_bytes: 2 * MIB,
                kinds: IMAGES,
            }),
            FilePurpose::AssessmentEvidence => Some(UploadRules {
                max_bytes: 20 * MIB,
                kinds: DOCUMENTS,
            }),
            FilePurpose::WtrOptOut | FilePurpose::Other => Some(UploadRules {
                max_bytes: 10 * MIB,
                kinds: DOCUMENTS,
            }),
            FilePurpose::Report => None,
        }
    }
}

/// Why an upload was refused. The message says what to do instead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UploadRejection {
    NotUploadable {
        purpose: FilePurpose,
    },
    Empty,
    TooLarge {
        purpose: FilePurpose,
        limit: u64,
    },
    UnsupportedType {
        purpose: FilePurpose,
    },
    /// The bytes start like an image but do not decode as one.
    Unreadable {
        kind: FileKind,
    },
    /// An image with more pixels than any phone photo needs (a small file can claim an
    /// enormous canvas: it is refused before it is decoded).
    TooManyPixels {
        megapixels: u64,
    },
}

/// The most pixels an uploaded image may have: a 40-megapixel photo, more than phone
/// cameras save by default.
pub const MAX_IMAGE_PIXELS: u64 = 40_000_000;

impl fmt::Display for UploadRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UploadRejection::NotUploadable { purpose } => {
                write!(
                    f,
                    "{} files are created by CareTrack and cannot be uploaded.",
                    purpose.label()
                )
            }
            UploadRejection::Empty => f.write_str("The file is empty. Choose the file again."),
            UploadRejection::TooLarge { purpose, limit } => write!(
                f,
                "The file is too large: a {} may be at most {}.",
                purpose.label().to_lowercase(),
                format_size(*limit)
            ),
            UploadRejection::UnsupportedType { purpose } => {
                let kinds = purpose.upload_rules().map_or(&[][..], |r| r.kinds);
                write!(
                    f,
                    "This type of file cannot be used as a {}: choose a {}.",
                    purpose.label().to_lowercase(),
                    list_with_or(kinds.iter().map(|k| k.label()))
                )
            }
            UploadRejection::Unreadable { kind } => write!(
                f,
                "The file looks like a {} but could not be read; it may be damaged.",
                kind.label()
            ),
            UploadRejection::TooManyPixels { megapixels } => write!(
                f,
                "The picture is too large: {megapixels} megapixels, where {} is the most. Save it at a smaller size and try again.",
                MAX_IMAGE_PIXELS / 1_000_000
            ),
        }
    }
}

impl std::error::Error for UploadRejection {}

/// Checks what is known before the whole file has arrived: the purpose, and the size
/// so far against the limit.
pub fn check_size(purpose: FilePurpose, size: u64) -> Result<UploadRules, UploadRejection> {
    let rules = purpose
        .upload_rules()
        .ok_or(UploadRejection::NotUploadable { purpose })?;
    if size > rules.max_bytes {
        return Err(UploadRejection::TooLarge {
            purpose,
            limit: rules.max_bytes,
        });
    }
    Ok(rules)
}

/// Checks a complete upload: size and type by magic bytes.
pub fn check_upload(purpose: FilePurpose, bytes: &[u8]) -> Result<FileKind, UploadRejection> {
    let rules = check_size(purpose, bytes.len() as u64)?;
    if bytes.is_empty() {
        return Err(UploadRejection::Empty);
    }
    FileKind::sniff(bytes)
        .filter(|kind| rules.kinds.contains(kind))
        .ok_or(UploadRejection::UnsupportedType { purpose })
}

/// How the person asking for a file relates to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Relation {
    /// They uploaded it, or it is their own (their avatar, their opt-out).
    Owner,
    /// It is evidence in their own competency assessment.
    Subject,
    Unrelated,
}

/// Whether someone in `role` may download a file kept for `purpose`.
///
/// Anyone signed in may see profile photos and the logo; people always see their own
/// files and the evidence of their own assessments. Assessors see evidence; managers
/// see everything; viewers (inspectors) see reports.
pub fn may_download(role: Role, purpose: FilePurpose, relation: Relation) -> bool {
    if matches!(relation, Relation::Owner | Relation::Subject) {
        return true;
    }
    match purpose {
        FilePurpose::Avatar | FilePurpose::Branding => true,
        _ if role == Role::Admin => true,
        FilePurpose::AssessmentEvidence => role == Role::Assessor,
        FilePurpose::Report => role == Role::Viewer,
        FilePurpose::WtrOptOut | FilePurpose::Other => false,
    }
}

/// The permission needed to upload a file for `purpose`; `None` when nobody uploads
/// such files (the server writes them).
pub const fn upload_permission(purpose: FilePurpose) -> Option<Permission> {
    match purpose {
        FilePurpose::Avatar => Some(Permission::ManageOwnAccount),
        FilePurpose::AssessmentEvidence => Some(Permission::ConductAssessments),
        FilePurpose::WtrOptOut => Some(Permission::ManageRota),
        FilePurpose::Branding => Some(Permission::ManageSettings),
        FilePurpose::Other => Some(Permission::ManageUsers),
        FilePurpose::Report => None,
    }
}

/// Whether someone in `role` may upload a file for `purpose` (beyond that, what it is
/// attached to decides).
pub fn may_upload(role: Role, purpose: FilePurpose) -> bool {
    upload_permission(purpose).is_some_and(|permission| role.can(permission))
}

/// A byte count as people read it: "5 MB", "820 KB", "12 bytes" (binary units).
pub fn format_size(bytes: u64) -> String {
    const KIB: u64 = 1024;
    if bytes >= MIB {
        let tenths = (bytes * 10 + MIB / 2) / MIB;
        if tenths.is_multiple_of(10) {
            format!("{} MB", tenths / 10)
        } else {
            format!("{}.{} MB", tenths / 10, tenths % 10)
        }
    } else if bytes >= KIB {
        format!("{} KB", (bytes + KIB / 2) / KIB)
    } else if bytes == 1 {
        "1 byte".to_owned()
    } else {
        format!("{bytes} bytes")
    }
}

fn list_with_or<'a>(items: impl Iterator<Item = &'a str>) -> String {
    let items: Vec<&str> = items.collect();
    match items.split_last() {
        None => String::new(),
        Some((last, [])) => (*last).to_owned(),
        Some((last, rest)) => format!("{} or {}", rest.join(", "), last),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const JPEG: &[u8] = &[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F'];
    const PNG: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0];

    #[test]
    fn types_are_recognised_by_their_bytes_not_their_names() {
        assert_eq!(FileKind::sniff(JPEG), Some(FileKind::Jpeg));
        assert_eq!(FileKind::sniff(PNG), Some(FileKind::Png));
        assert_eq!(FileKind::sniff(b"%PDF-1.7\n"), Some(FileKind::Pdf));
        assert_eq!(FileKind::sniff(b"GIF89a"), None);
        assert_eq!(FileKind::sniff(b"<svg xmlns="), None);
        assert_eq!(FileKind::sniff(b"MZ\x90\0"), None, "a Windows executable");
        assert_eq!(FileKind::sniff(&JPEG[..2]), None, "too short to tell");
    }

    #[test]
    fn each_purpose_accepts_only_its_own_types() {
        assert_eq!(check_upload(FilePurpose::Avatar, PNG), Ok(FileKind::Png));
        assert_eq!(
            check_upload(FilePurpose::Avatar, b"%PDF-1.4"),
            Err(UploadRejection::UnsupportedType {
                purpose: FilePurpose::Avatar
            })
        );
        assert_eq!(
            check_upload(FilePurpose::WtrOptOut, b"%PDF-1.4"),
            Ok(FileKind::Pdf)
        );
        assert_eq!(
            check_upload(FilePurpose::AssessmentEvidence, JPEG),
            Ok(FileKind::Jpeg)
        );
        assert_eq!(
            check_upload(FilePurpose::Report, b"%PDF-1.4"),
            Err(UploadRejection::NotUploadable {
                purpose: FilePurpose::Report
            })
        );
        assert_eq!(
            check_upload(FilePurpose::Other, b""),
            Err(UploadRejection::Empty)
        );
    }

    #[test]
    fn size_limits_are_inclusive() {
        let limit = FilePurpose::Avatar.upload_rules().unwrap().max_bytes;
        assert!(check_size(FilePurpose::Avatar, limit).is_ok());
        assert_eq!(
            check_size(FilePurpose::Avatar, limit + 1),
            Err(UploadRejection::TooLarge {
                purpose: FilePurpose::Avatar,
                limit
            })
        );
    }

    #[test]
    fn rejections_say_what_to_do() {
        assert_eq!(
            UploadRejection::TooLarge {
                purpose: FilePurpose::Avatar,
                limit: 5 * MIB
            }
            .to_string(),
            "The file is too large: a profile photo may be at most 5 MB."
        );
        assert_eq!(
            UploadRejection::UnsupportedType {
                purpose: FilePurpose::WtrOptOut
            }
            .to_string(),
            "This type of file cannot be used as a working-time opt-out agreement: \
             choose a PDF, JPEG photo or PNG image."
        );
        assert_eq!(
            UploadRejection::UnsupportedType {
                purpose: FilePurpose::Avatar
            }
            .to_string(),
            "This type of file cannot be used as a profile photo: choose a JPEG photo or PNG image."
        );
    }

    #[test]
    fn downloads_follow_ownership_and_role() {
        use FilePurpose::*;
        use Relation::*;
        assert!(may_download(Role::Carer, WtrOptOut, Owner));
        assert!(
            !may_download(Role::Carer, WtrOptOut, Unrelated),
            "another carer's opt-out"
        );
        assert!(!may_download(Role::Assessor, WtrOptOut, Unrelated));
        assert!(may_download(Role::Admin, WtrOptOut, Unrelated));
        assert!(may_download(Role::Carer, AssessmentEvidence, Subject));
        assert!(!may_download(Role::Carer, AssessmentEvidence, Unrelated));
        assert!(may_download(Role::Assessor, AssessmentEvidence, Unrelated));
        assert!(may_download(Role::Viewer, Report, Unrelated));
        assert!(!may_download(Role::Carer, Report, Unrelated));
        assert!(may_download(Role::Carer, Avatar, Unrelated));
    }

    #[test]
    fn uploads_follow_the_permission_table() {
        assert!(may_upload(Role::Carer, FilePurpose::Avatar));
        assert!(!may_upload(Role::Carer, FilePurpose::AssessmentEvidence));
        assert!(may_upload(Role::Assessor, FilePurpose::AssessmentEvidence));
        assert!(!may_upload(Role::Assessor, FilePurpose::WtrOptOut));
        assert!(may_upload(Role::Admin, FilePurpose::WtrOptOut));
        assert!(
            !may_upload(Role::Admin, FilePurpose::Report),
            "reports are written by the server"
        );
        assert!(!may_upload(Role::Viewer, FilePurpose::Other));
    }

    #[test]
    fn sizes_read_naturally() {
        assert_eq!(format_size(0), "0 bytes");
        assert_eq!(format_size(1), "1 byte");
        assert_eq!(format_size(2048), "2 KB");
        assert_eq!(format_size(5 * MIB), "5 MB");
        assert_eq!(format_size(5 * MIB + MIB / 4), "5.3 MB");
    }

    #[test]
    fn accept_attribute_lists_mime_types() {
        assert_eq!(
            FilePurpose::Avatar
                .upload_rules()
                .unwrap()
                .accept_attribute(),
            "image/jpeg,image/png"
        );
    }
}
