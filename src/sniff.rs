//! Telling text from binary before anything is published. An article file or a page served as
//! `text/html` can really be an image, an archive or an executable (a misnamed upload, a broken
//! CDN); decoded as Windows-1252 it would become a feed item of mojibake. The magic numbers are
//! the few formats that turn up where text is expected; each is long enough that no text starts
//! with it (general detectors' two-byte signatures such as `MZ` or `BM` would refuse prose).

use std::fmt;

/// How much of the start is looked at: binary formats show themselves early.
const SAMPLE: usize = 8192;

/// Why bytes are not text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Binary {
    Png,
    Jpeg,
    Gif,
    WebP,
    Pdf,
    /// ZIP and the formats built on it (docx, xlsx, epub, jar).
    Zip,
    Gzip,
    Mp3,
    Mp4,
    Ogg,
    Elf,
    /// NUL bytes, which no text encoding we read produces.
    NulBytes,
    /// Mostly replacement and control characters once decoded.
    Garbled,
}

impl fmt::Display for Binary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Binary::Png => "a PNG image",
            Binary::Jpeg => "a JPEG image",
            Binary::Gif => "a GIF image",
            Binary::WebP => "a WebP image",
            Binary::Pdf => "a PDF document",
            Binary::Zip => "a ZIP archive (or docx, xlsx, epub)",
            Binary::Gzip => "a gzip archive",
            Binary::Mp3 => "an MP3 file",
            Binary::Mp4 => "an MP4 file",
            Binary::Ogg => "an Ogg file",
            Binary::Elf => "an ELF executable",
            Binary::NulBytes => "binary data (NUL bytes)",
            Binary::Garbled => "binary data (mostly undecodable bytes)",
        })
    }
}

/// The binary format `bytes` start with, if any.
fn magic(b: &[u8]) -> Option<Binary> {
    let at = |offset: usize, sig: &[u8]| b.get(offset..offset + sig.len()) == Some(sig);
    Some(if at(0, b"\x89PNG\r\n\x1a\n") {
        Binary::Png
    } else if at(0, b"\xff\xd8\xff") {
        Binary::Jpeg
    } else if at(0, b"GIF87a") || at(0, b"GIF89a") {
        Binary::Gif
    } else if at(0, b"RIFF") && at(8, b"WEBP") {
        Binary::WebP
    } else if at(0, b"%PDF-") {
        Binary::Pdf
    } else if at(0, b"PK\x03\x04") || at(0, b"PK\x05\x06") || at(0, b"PK\x07\x08") {
        Binary::Zip
    } else if at(0, b"\x1f\x8b\x08") {
        Binary::Gzip
    } else if (at(0, b"ID3") && b.get(3).is_some_and(|v| *v <= 4))
        || (b.len() >= 2 && b[0] == 0xff && matches!(b[1], 0xfb | 0xf3 | 0xf2 | 0xfa))
    {
        // ID3v2 tag, or a bare MPEG-1/2 layer III frame header (not 0xFF 0xFE: a UTF-16 BOM).
        Binary::Mp3
    } else if at(4, b"ftyp") {
        Binary::Mp4
    } else if at(0, b"OggS\0") {
        Binary::Ogg
    } else if at(0, b"\x7fELF") {
        Binary::Elf
    } else {
        return None;
    })
}

/// Whether raw bytes are binary: a known magic number, or NUL bytes near the start. A stray NUL
/// or two is hostile text, which hygiene cleans (and tests publish cleaned); binary formats have
/// them by the dozen. UTF-16 text (announced by its byte-order mark) is full of NUL bytes and is
/// text all the same.
pub fn sniff_bytes(bytes: &[u8]) -> Option<Binary> {
    if bytes.starts_with(b"\xff\xfe") || bytes.starts_with(b"\xfe\xff") {
        return None;
    }
    if let Some(kind) = magic(bytes) {
        return Some(kind);
    }
    let sample = &bytes[..bytes.len().min(SAMPLE)];
    let nuls = sample.iter().filter(|&&b| b == 0).count();
    (nuls >= 8 || (nuls > 0 && nuls * 64 > sample.len())).then_some(Binary::NulBytes)
}

/// Whether decoded text is binary in disguise: more than a few percent of its start is
/// replacement characters or control characters (other than white space), which text in a
/// correctly named encoding never has.
pub fn sniff_text(text: &str) -> Option<Binary> {
    let (mut total, mut bad) = (0usize, 0usize);
    for c in text.chars().take(SAMPLE) {
        total += 1;
        if c == '\u{fffd}' || (c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}')) {
            bad += 1;
        }
    }
    // At least 8 so one stray byte in a short file is not judged; 5% is far above what a
    // mis-encoded text file has (a few percent of its letters at most, and no controls).
    (bad >= 8 && bad * 20 > total).then_some(Binary::Garbled)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Both checks, as a reader makes them: the bytes as read, then the text they decoded to.
    fn sniff(bytes: &[u8], decoded: &str) -> Option<Binary> {
        sniff_bytes(bytes).or_else(|| sniff_text(decoded))
    }

    #[test]
    fn magic_numbers() {
        let cases: &[(&[u8], Binary)] = &[
            (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", Binary::Png),
            (b"\xff\xd8\xff\xe0\0\x10JFIF", Binary::Jpeg),
            (b"GIF89a\x01\x00", Binary::Gif),
            (b"GIF87a\x01\x00", Binary::Gif),
            (b"RIFF\x24\0\0\0WEBPVP8 ", Binary::WebP),
            (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3", Binary::Pdf),
            (b"PK\x03\x04\x14\0\x06\0", Binary::Zip),
            (b"\x1f\x8b\x08\0\0\0\0\0", Binary::Gzip),
            (b"ID3\x04\0\0\0\0\x01\x00", Binary::Mp3),
            (b"\xff\xfb\x90\x64", Binary::Mp3),
            (b"\0\0\0\x20ftypisom\0\0\x02\0", Binary::Mp4),
            (b"OggS\0\x02\0\0", Binary::Ogg),
            (b"\x7fELF\x02\x01\x01", Binary::Elf),
        ];
        for (bytes, kind) in cases {
            assert_eq!(sniff_bytes(bytes), Some(*kind), "{bytes:?}");
        }
    }

    #[test]
    fn text_is_text() {
        for t in [
            "Plain prose, with commas.\n\nAnd a second paragraph.",
            "<!doctype html><html><body><p>Caf\u{e9}</p></body></html>",
            "# PNG files explained\n\nGIF8 is not a header here; MZ and BM start words too.",
            "ID3 tags are metadata.",
            "PK is a name.",
            "%PDF is text when it is not followed by a dash",
            "",
        ] {
            assert_eq!(sniff(t.as_bytes(), t), None, "{t}");
        }
        // Windows-1252 text decodes without replacement characters.
        let latin = b"Caf\xe9 cr\xe8me br\xfbl\xe9e, \xe0 la carte. ".repeat(50);
        let decoded = encoding_rs::WINDOWS_1252.decode(&latin).0;
        assert_eq!(sniff(&latin, &decoded), None);
        // UTF-16 with its byte-order mark is full of NUL bytes, and text.
        let utf16: Vec<u8> = b"\xff\xfe"
            .iter()
            .copied()
            .chain("Hello".encode_utf16().flat_map(|u| u.to_le_bytes()))
            .collect();
        assert_eq!(sniff_bytes(&utf16), None);
    }

    #[test]
    fn nul_bytes_and_garbage() {
        assert_eq!(sniff_bytes(b"text\0more"), Some(Binary::NulBytes));
        let mut many = b"x".repeat(4000);
        for i in 0..8 {
            many[i * 400] = 0;
        }
        assert_eq!(sniff_bytes(&many), Some(Binary::NulBytes));
        // A stray NUL in a page of text is hostile text, not binary.
        let mut stray = b"Body text with a stray control. ".repeat(20);
        stray[100] = 0;
        assert_eq!(sniff_bytes(&stray), None);
        // A NUL past the sample is not looked for.
        let mut late = vec![b'a'; SAMPLE];
        late.push(0);
        assert_eq!(sniff_bytes(&late), None);
        // Bytes with no NUL and no magic, but undecodable: caught after decoding.
        let noise: Vec<u8> = (0..4096u32)
            .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8 | 1)
            .collect();
        let lossy = String::from_utf8_lossy(&noise);
        assert_eq!(sniff(&noise, &lossy), Some(Binary::Garbled));
        let latin = encoding_rs::WINDOWS_1252.decode(&noise).0;
        assert_eq!(sniff_text(&latin), Some(Binary::Garbled));
        // One stray control character in a short text is not garbage.
        assert_eq!(sniff_text("a\u{1}b"), None);
    }
}
