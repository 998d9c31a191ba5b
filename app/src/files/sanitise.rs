//! Images are decoded and encoded again before they are stored, so nothing but pixels
//! survives: no EXIF (camera, time, GPS position), no comments, no trailing data. The
//! EXIF orientation is applied first, so a phone photo still stands the right way up.
//! Decoding is bounded so a small file cannot claim an enormous canvas.

use caretrack::files::{FileKind, MAX_IMAGE_PIXELS, UploadRejection};
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use std::io::Cursor;

/// Larger than any phone camera; a bigger canvas is refused before it is allocated.
const MAX_DIMENSION: u32 = 12_000;
/// What decoding may allocate: a 40-megapixel picture in 8-bit RGBA, and a little more.
const MAX_DECODE_BYTES: u64 = 176 * 1024 * 1024;
const JPEG_QUALITY: u8 = 88;

/// Re-encodes an image of `kind`; other kinds are returned unchanged. CPU-bound: call
/// it off the async runtime.
pub fn strip_metadata(kind: FileKind, bytes: Vec<u8>) -> Result<Vec<u8>, UploadRejection> {
    let format = match kind {
        FileKind::Jpeg => ImageFormat::Jpeg,
        FileKind::Png => ImageFormat::Png,
        FileKind::Pdf => return Ok(bytes),
    };
    let unreadable = |err: image::ImageError| {
        tracing::info!(error = %err, kind = kind.label(), "image upload could not be decoded");
        UploadRejection::Unreadable { kind }
    };
    let mut reader = ImageReader::with_format(Cursor::new(&bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_DIMENSION);
    limits.max_image_height = Some(MAX_DIMENSION);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(unreadable)?;
    // The header says how big the canvas is: refuse before anything is allocated.
    let (width, height) = decoder.dimensions();
    let pixels = u64::from(width) * u64::from(height);
    if pixels > MAX_IMAGE_PIXELS {
        return Err(UploadRejection::TooManyPixels {
            megapixels: pixels.div_ceil(1_000_000),
        });
    }
    let orientation = decoder.orientation().map_err(unreadable)?;
    let mut image = DynamicImage::from_decoder(decoder).map_err(unreadable)?;
    image.apply_orientation(orientation);

    let mut out = Cursor::new(Vec::with_capacity(bytes.len()));
    match kind {
        FileKind::Jpeg => {
            // JPEG has no alpha channel; photos arrive as RGB (or greyscale) anyway.
            let encoder =
                image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY);
            DynamicImage::ImageRgb8(image.into_rgb8()).write_with_encoder(encoder)
        }
        _ => image.write_with_encoder(image::codecs::png::PngEncoder::new(&mut out)),
    }
    .map_err(|err| {
        tracing::error!(error = %err, "re-encoding a decoded image failed");
        UploadRejection::Unreadable { kind }
    })?;
    Ok(out.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{ImageEncoder, Rgb, RgbImage};

    /// A JPEG with an APP1 EXIF segment holding a GPS-looking marker string.
    fn jpeg_with_exif() -> Vec<u8> {
        let mut plain = Cursor::new(Vec::new());
        DynamicImage::ImageRgb8(RgbImage::from_pixel(8, 4, Rgb([200, 30, 30])))
            .write_to(&mut plain, ImageFormat::Jpeg)
            .unwrap();
        let plain = plain.into_inner();
        let payload = b"Exif\0\0GPSLatitude 53.4808N GPSLongitude 2.2426W";
        let mut with_exif = plain[..2].to_vec(); // SOI
        with_exif.extend_from_slice(&[0xFF, 0xE1]);
        with_exif.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
        with_exif.extend_from_slice(payload);
        with_exif.extend_from_slice(&plain[2..]);
        with_exif
    }

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }

    /// A PNG header claiming a 10000 × 10000 canvas (100 megapixels, 400 MB to decode)
    /// in a few dozen bytes: refused before decoding, however small the file.
    #[test]
    fn a_small_file_claiming_a_huge_canvas_is_refused_before_decoding() {
        let mut big = Cursor::new(Vec::new());
        image::codecs::png::PngEncoder::new(&mut big)
            .write_image(&[0u8; 4], 1, 1, image::ExtendedColorType::Rgba8)
            .unwrap();
        let mut png = big.into_inner();
        // IHDR's width and height (bytes 16..24), then its CRC fixed up.
        png[16..20].copy_from_slice(&10_000u32.to_be_bytes());
        png[20..24].copy_from_slice(&10_000u32.to_be_bytes());
        let crc = crc32(&png[12..29]);
        png[29..33].copy_from_slice(&crc.to_be_bytes());
        assert_eq!(
            strip_metadata(FileKind::Png, png),
            Err(UploadRejection::TooManyPixels { megapixels: 100 })
        );
    }

    #[test]
    fn exif_does_not_survive_and_the_picture_does() {
        let original = jpeg_with_exif();
        assert!(contains(&original, b"GPSLatitude"));
        let cleaned = strip_metadata(FileKind::Jpeg, original).unwrap();
        assert!(!contains(&cleaned, b"GPSLatitude"));
        assert!(!contains(&cleaned, b"Exif\0\0"));
        let decoded = image::load_from_memory(&cleaned).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (8, 4));
    }

    #[test]
    fn png_text_chunks_are_dropped() {
        let mut png = Cursor::new(Vec::new());
        DynamicImage::ImageRgb8(RgbImage::new(3, 3))
            .write_to(&mut png, ImageFormat::Png)
            .unwrap();
        let mut png = png.into_inner();
        // Insert a tEXt chunk before IEND (CRC is not checked by the decoder we use).
        let iend = png.len() - 12;
        let text = b"tEXtLocation\0Flat 2, 10 Acacia Road";
        let mut chunk = ((text.len() - 4) as u32).to_be_bytes().to_vec();
        chunk.extend_from_slice(text);
        chunk.extend_from_slice(&crc32(text).to_be_bytes());
        png.splice(iend..iend, chunk);
        assert!(contains(&png, b"Acacia Road"));
        let cleaned = strip_metadata(FileKind::Png, png).unwrap();
        assert!(!contains(&cleaned, b"Acacia Road"));
    }

    #[test]
    fn a_file_that_only_starts_like_an_image_is_refused() {
        let mut fake = vec![0xFF, 0xD8, 0xFF, 0xE0];
        fake.extend_from_slice(b"this is not really a photo");
        assert_eq!(
            strip_metadata(FileKind::Jpeg, fake),
            Err(UploadRejection::Unreadable {
                kind: FileKind::Jpeg
            })
        );
    }

    #[test]
    fn pdfs_pass_through_unchanged() {
        let pdf = b"%PDF-1.4\n%%EOF\n".to_vec();
        assert_eq!(strip_metadata(FileKind::Pdf, pdf.clone()).unwrap(), pdf);
    }

    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
}
