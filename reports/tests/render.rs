//! Every report renders to a PDF that an independent reader (poppler: `pdftoppm`,
//! `pdftotext`, `pdfinfo`, from Debian's poppler-utils) opens, whose first page has
//! ink on it, and whose text is the data it was given.

use reports::{Report, render, sample};
use std::path::PathBuf;
use std::process::Command;
use time::macros::date;

const TODAY: time::Date = date!(2026 - 11 - 21);

fn reports() -> Vec<(&'static str, Report)> {
    vec![
        (
            "evidence",
            Report::EvidencePack(sample::evidence_pack(20, 5)),
        ),
        ("rota", Report::RotaWeek(sample::rota_week())),
        ("compliance", Report::Compliance(sample::compliance())),
    ]
}

/// A scratch directory of this test run's own.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("caretrack-reports-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn poppler(tool: &str, args: &[&str]) -> String {
    let out = Command::new(tool)
        .args(args)
        .output()
        .unwrap_or_else(|err| panic!("{tool} (Debian's poppler-utils) must be installed: {err}"));
    assert!(
        out.status.success(),
        "{tool} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Renders page 1 to a greyscale PNG and returns the share of its pixels that are ink.
fn ink_on_first_page(pdf: &std::path::Path, name: &str) -> f64 {
    let prefix = scratch(&format!("{name}-page1"));
    poppler(
        "pdftoppm",
        &[
            "-png",
            "-gray",
            "-r",
            "50",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            pdf.to_str().unwrap(),
            prefix.to_str().unwrap(),
        ],
    );
    let file = std::fs::File::open(prefix.with_extension("png")).unwrap();
    let mut reader = png::Decoder::new(std::io::BufReader::new(file))
        .read_info()
        .unwrap();
    let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
    let frame = reader.next_frame(&mut pixels).unwrap();
    assert_eq!(frame.bit_depth, png::BitDepth::Eight);
    let samples = frame.color_type.samples();
    let pixels: Vec<u32> = pixels[..frame.buffer_size()]
        .chunks(samples)
        .map(|px| px.iter().map(|&s| u32::from(s)).sum::<u32>() / samples as u32)
        .collect();
    let ink = pixels.iter().filter(|&&grey| grey < 160).count();
    ink as f64 / pixels.len() as f64
}

#[test]
fn every_report_is_a_pdf_with_ink_on_its_first_page() {
    for (name, report) in reports() {
        let pdf = render(&report, TODAY).unwrap_or_else(|err| panic!("{name}: {err}"));
        assert!(pdf.bytes.starts_with(b"%PDF-"), "{name}: not a PDF");
        assert!(pdf.pages >= 1, "{name}: no pages");
        let path = scratch(&format!("{name}.pdf"));
        std::fs::write(&path, &pdf.bytes).unwrap();

        let info = poppler("pdfinfo", &[path.to_str().unwrap()]);
        let pages: usize = info
            .lines()
            .find_map(|l| l.strip_prefix("Pages:"))
            .and_then(|n| n.trim().parse().ok())
            .expect("pdfinfo gives the page count");
        assert_eq!(
            pages, pdf.pages,
            "{name}: pdfinfo disagrees on the page count"
        );

        let ink = ink_on_first_page(&path, name);
        // A blank page is 0; a page of text and tables is a few per cent.
        assert!(ink > 0.01, "{name}: page 1 is blank ({:.4} ink)", ink);
    }
}

#[test]
fn the_rota_is_a4_landscape_and_the_others_portrait() {
    for (name, report) in reports() {
        let pdf = render(&report, TODAY).unwrap();
        let path = scratch(&format!("{name}-size.pdf"));
        std::fs::write(&path, &pdf.bytes).unwrap();
        let info = poppler("pdfinfo", &[path.to_str().unwrap()]);
        let size = info
            .lines()
            .find_map(|l| l.strip_prefix("Page size:"))
            .expect("pdfinfo gives the page size");
        assert!(size.contains("(A4)"), "{name}: {size}");
        let dims: Vec<f64> = size
            .split_whitespace()
            .filter_map(|w| w.parse().ok())
            .collect();
        let landscape = dims[0] > dims[1];
        assert_eq!(landscape, name == "rota", "{name}: {size}");
    }
}

#[test]
fn the_evidence_pack_prints_the_data_it_was_given_literally() {
    let mut pack = sample::evidence_pack(3, 1);
    // Typst markup characters in people's data are text, never markup.
    pack.carer.name = "Zoë O'Brien-Smith #1 *not bold* $x$ [note]".into();
    pack.ratings[0].notes = vec!["Disputed: \"I did it @ Elm House\" <b>".into()];
    pack.assessments[0].judgement_reason = "Observed = safe; 100 % & more".into();
    let pdf = render(&Report::EvidencePack(pack), TODAY).unwrap();
    let path = scratch("literal.pdf");
    std::fs::write(&path, &pdf.bytes).unwrap();
    // Words as they read, whatever the column widths wrapped.
    let text = poppler("pdftotext", &[path.to_str().unwrap(), "-"])
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for expected in [
        "Zoë O'Brien-Smith #1 *not bold* $x$ [note]",
        "Disputed: \"I did it @ Elm House\" <b>",
        "Observed = safe; 100 % & more",
        "Task 01: Personal care",
        "Confirmation history",
        "Page 1 of",
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} missing from:\n{text}"
        );
    }
}

#[test]
fn a_longer_evidence_pack_takes_more_pages() {
    let short = render(&Report::EvidencePack(sample::evidence_pack(2, 0)), TODAY).unwrap();
    let long = render(&Report::EvidencePack(sample::evidence_pack(20, 5)), TODAY).unwrap();
    assert!(
        short.pages < long.pages,
        "{} vs {}",
        short.pages,
        long.pages
    );
}
