//! What a thumbnail file holds, judged by its bytes and not by its name: the magic bytes of a
//! PNG, JPEG or WebP image, then its header read by a real decoder (the whole pixel stream for
//! PNG, a row at a time), within size limits checked before anything is decoded.

use std::io::Cursor;

/// Largest thumbnail file copied, in bytes.
pub const MAX_BYTES: u64 = 5 * 1024 * 1024;

/// Largest width or height of a thumbnail, in pixels.
pub const MAX_SIDE: u32 = 8192;

/// Most memory a decoder may take for its own buffers.
const DECODER_BYTES: usize = 64 * 1024 * 1024;

/// An image format a thumbnail may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// PNG.
    Png,
    /// JPEG.
    Jpeg,
    /// WebP.
    Webp,
}

impl Format {
    /// The file name extension the copy gets.
    #[must_use]
    pub const fn extension(self) -> &'static str {
        match self {
            Self::Png => "png",
            Self::Jpeg => "jpg",
            Self::Webp => "webp",
        }
    }

    /// The media type, for STAC assets.
    #[must_use]
    pub const fn media_type(self) -> &'static str {
        match self {
            Self::Png => "image/png",
            Self::Jpeg => "image/jpeg",
            Self::Webp => "image/webp",
        }
    }
}

/// A decoded image header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// The format the bytes are in.
    pub format: Format,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

/// Why bytes are not a thumbnail image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// SVG (or other XML): refused, since it can hold scripts.
    Svg,
    /// Not one of the accepted formats.
    Unknown,
    /// The format's magic bytes, but the decoder refused it; the decoder's words.
    Broken(Format, String),
    /// Wider or taller than [`MAX_SIDE`].
    TooLarge(Header),
}

/// What `bytes` are: a PNG, JPEG or WebP image whose header (for PNG, every row) decodes.
///
/// # Errors
///
/// A [`Problem`] saying why the bytes are not such an image.
pub fn sniff(bytes: &[u8]) -> Result<Header, Problem> {
    let format = magic(bytes).ok_or_else(|| {
        if looks_like_markup(bytes) {
            Problem::Svg
        } else {
            Problem::Unknown
        }
    })?;
    let header = match format {
        Format::Png => png_header(bytes),
        Format::Jpeg => jpeg_header(bytes),
        Format::Webp => webp_header(bytes),
    }
    .map_err(|message| Problem::Broken(format, message))?;
    if header.width == 0 || header.height == 0 {
        return Err(Problem::Broken(format, "the image has no pixels".into()));
    }
    if header.width > MAX_SIDE || header.height > MAX_SIDE {
        return Err(Problem::TooLarge(header));
    }
    if format == Format::Png {
        png_rows(bytes).map_err(|message| Problem::Broken(format, message))?;
    }
    Ok(header)
}

fn magic(bytes: &[u8]) -> Option<Format> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(Format::Png)
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(Format::Jpeg)
    } else if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
        Some(Format::Webp)
    } else {
        None
    }
}

/// Whether the bytes start like XML or HTML (after a byte-order mark and white space).
fn looks_like_markup(bytes: &[u8]) -> bool {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace());
    start.is_some_and(|i| bytes[i] == b'<')
}

fn png_decoder(bytes: &[u8]) -> png::Decoder<Cursor<&[u8]>> {
    png::Decoder::new_with_limits(
        Cursor::new(bytes),
        png::Limits {
            bytes: DECODER_BYTES,
        },
    )
}

fn png_header(bytes: &[u8]) -> Result<Header, String> {
    let mut decoder = png_decoder(bytes);
    let info = decoder.read_header_info().map_err(|e| e.to_string())?;
    Ok(Header {
        format: Format::Png,
        width: info.width,
        height: info.height,
    })
}

/// Decodes every row of the first frame, one row in memory at a time.
fn png_rows(bytes: &[u8]) -> Result<(), String> {
    let mut reader = png_decoder(bytes).read_info().map_err(|e| e.to_string())?;
    while reader.next_row().map_err(|e| e.to_string())?.is_some() {}
    Ok(())
}

fn jpeg_header(bytes: &[u8]) -> Result<Header, String> {
    let mut decoder = jpeg_decoder::Decoder::new(Cursor::new(bytes));
    decoder.set_max_decoding_buffer_size(DECODER_BYTES);
    decoder.read_info().map_err(|e| e.to_string())?;
    let info = decoder.info().ok_or("the JPEG has no frame header")?;
    Ok(Header {
        format: Format::Jpeg,
        width: u32::from(info.width),
        height: u32::from(info.height),
    })
}

fn webp_header(bytes: &[u8]) -> Result<Header, String> {
    let mut decoder =
        image_webp::WebPDecoder::new(Cursor::new(bytes)).map_err(|e| e.to_string())?;
    decoder.set_memory_limit(DECODER_BYTES);
    let (width, height) = decoder.dimensions();
    Ok(Header {
        format: Format::Webp,
        width,
        height,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A valid RGBA PNG of `width` × `height` transparent pixels.
    pub(crate) fn png(width: u32, height: u32) -> Vec<u8> {
        let mut bytes = Vec::new();
        let mut encoder = png::Encoder::new(&mut bytes, width, height);
        encoder.set_color(png::ColorType::Rgba);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().expect("header");
        let pixels = vec![0; (width * height * 4) as usize];
        writer.write_image_data(&pixels).expect("data");
        writer.finish().expect("finish");
        bytes
    }

    /// The smallest JPEG header that names a `width` × `height` frame (SOI, DQT, SOF0).
    fn jpeg(width: u16, height: u16) -> Vec<u8> {
        let mut bytes = vec![0xFF, 0xD8];
        bytes.extend([0xFF, 0xDB, 0x00, 0x43, 0x00]);
        bytes.extend([1u8; 64]);
        bytes.extend([0xFF, 0xC0, 0x00, 0x0B, 0x08]);
        bytes.extend(height.to_be_bytes());
        bytes.extend(width.to_be_bytes());
        bytes.extend([0x01, 0x01, 0x11, 0x00]);
        // Start of scan: the header is complete.
        bytes.extend([0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3F, 0x00]);
        bytes.extend([0xFF, 0xD9]);
        bytes
    }

    /// A lossless WebP header (VP8L) of `width` × `height`.
    fn webp(width: u32, height: u32) -> Vec<u8> {
        let bits = (width - 1) | ((height - 1) << 14);
        let mut chunk = vec![0x2F];
        chunk.extend(bits.to_le_bytes());
        chunk.push(0);
        let mut bytes = b"RIFF".to_vec();
        bytes.extend(
            u32::try_from(4 + 8 + chunk.len())
                .expect("small")
                .to_le_bytes(),
        );
        bytes.extend(b"WEBPVP8L");
        bytes.extend(u32::try_from(chunk.len()).expect("small").to_le_bytes());
        bytes.extend(chunk);
        bytes
    }

    #[test]
    fn a_png_decodes_with_its_size() {
        assert_eq!(
            sniff(&png(3, 2)),
            Ok(Header {
                format: Format::Png,
                width: 3,
                height: 2
            })
        );
    }

    #[test]
    fn png_magic_with_a_broken_body_is_refused() {
        assert!(matches!(
            sniff(b"\x89PNG\r\n\x1a\nroot:x:0:0:root:/root:/bin/bash\n"),
            Err(Problem::Broken(Format::Png, _))
        ));
        let mut cut = png(16, 16);
        cut.truncate(cut.len() - 20);
        assert!(matches!(sniff(&cut), Err(Problem::Broken(Format::Png, _))));
    }

    #[test]
    fn jpeg_and_webp_headers_are_read() {
        assert_eq!(
            sniff(&jpeg(40, 30)).map(|h| (h.format, h.width, h.height)),
            Ok((Format::Jpeg, 40, 30))
        );
        assert_eq!(
            sniff(&webp(50, 20)).map(|h| (h.format, h.width, h.height)),
            Ok((Format::Webp, 50, 20))
        );
        assert!(matches!(
            sniff(b"\xFF\xD8\xFFroot:x:0:0"),
            Err(Problem::Broken(Format::Jpeg, _))
        ));
        assert!(matches!(
            sniff(b"RIFF\x10\x00\x00\x00WEBPjunkjunk"),
            Err(Problem::Broken(Format::Webp, _))
        ));
    }

    #[test]
    fn huge_declared_sizes_are_refused_before_decoding() {
        assert!(matches!(
            sniff(&jpeg(9000, 10)),
            Err(Problem::TooLarge(Header { width: 9000, .. }))
        ));
        assert!(matches!(
            sniff(&webp(16000, 16000)),
            Err(Problem::TooLarge(_))
        ));
    }

    #[test]
    fn svg_and_text_are_not_images() {
        assert_eq!(
            sniff(b"\xEF\xBB\xBF  <svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"),
            Err(Problem::Svg)
        );
        assert_eq!(sniff(b"<?xml version='1.0'?><svg/>"), Err(Problem::Svg));
        assert_eq!(
            sniff(b"root:x:0:0:root:/root:/bin/bash\n"),
            Err(Problem::Unknown)
        );
        assert_eq!(sniff(b"GIF89a"), Err(Problem::Unknown));
        assert_eq!(sniff(b""), Err(Problem::Unknown));
    }
}
