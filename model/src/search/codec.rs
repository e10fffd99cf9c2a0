//! Byte-level encoding of the binary search files: LEB128 variable-length integers,
//! zig-zag signed integers and length-prefixed UTF-8 strings.

/// Why a search file could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// The file does not start with the expected magic bytes and version.
    Header {
        /// What the file should have been.
        expected: &'static str,
    },
    /// The file ends in the middle of a value.
    Truncated,
    /// A string is not valid UTF-8.
    Utf8,
    /// A value is out of range (an integer too long, a document number past the end).
    Invalid(&'static str),
    /// `index.json` is not valid JSON for an [`super::IndexEntry`].
    Json(String),
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Header { expected } => write!(f, "not a {expected} file of this version"),
            Self::Truncated => f.write_str("file ends too early"),
            Self::Utf8 => f.write_str("invalid UTF-8 in a string"),
            Self::Invalid(what) => write!(f, "invalid value: {what}"),
            Self::Json(message) => write!(f, "invalid index entry: {message}"),
        }
    }
}

impl std::error::Error for DecodeError {}

/// Appends values to a byte buffer.
#[derive(Debug, Default)]
pub(crate) struct Writer {
    pub(crate) bytes: Vec<u8>,
}

impl Writer {
    pub(crate) fn header(magic: &[u8; 4], version: u8) -> Self {
        let mut writer = Self::default();
        writer.bytes.extend_from_slice(magic);
        writer.bytes.push(version);
        writer
    }

    pub(crate) fn byte(&mut self, value: u8) {
        self.bytes.push(value);
    }

    pub(crate) fn uint(&mut self, mut value: u64) {
        loop {
            let low = (value & 0x7f) as u8;
            value >>= 7;
            if value == 0 {
                self.bytes.push(low);
                return;
            }
            self.bytes.push(low | 0x80);
        }
    }

    pub(crate) fn int(&mut self, value: i64) {
        self.uint(((value << 1) ^ (value >> 63)) as u64);
    }

    pub(crate) fn len(&mut self, value: usize) {
        self.uint(value as u64);
    }

    pub(crate) fn str(&mut self, value: &str) {
        self.len(value.len());
        self.bytes.extend_from_slice(value.as_bytes());
    }
}

/// Reads values from a byte slice.
#[derive(Debug)]
pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn header(
        bytes: &'a [u8],
        magic: &[u8; 4],
        version: u8,
        expected: &'static str,
    ) -> Result<Self, DecodeError> {
        if bytes.len() < 5 || &bytes[..4] != magic || bytes[4] != version {
            return Err(DecodeError::Header { expected });
        }
        Ok(Self { bytes, at: 5 })
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.at >= self.bytes.len()
    }

    /// Checks that nothing follows the last value.
    pub(crate) fn finish(&self) -> Result<(), DecodeError> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(DecodeError::Invalid("bytes after the end"))
        }
    }

    pub(crate) fn byte(&mut self) -> Result<u8, DecodeError> {
        let value = *self.bytes.get(self.at).ok_or(DecodeError::Truncated)?;
        self.at += 1;
        Ok(value)
    }

    pub(crate) fn uint(&mut self) -> Result<u64, DecodeError> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = self.byte()?;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(DecodeError::Invalid("integer longer than 64 bits"))
    }

    pub(crate) fn u32(&mut self) -> Result<u32, DecodeError> {
        u32::try_from(self.uint()?).map_err(|_| DecodeError::Invalid("integer past 32 bits"))
    }

    pub(crate) fn int(&mut self) -> Result<i64, DecodeError> {
        let raw = self.uint()?;
        Ok(((raw >> 1) as i64) ^ -((raw & 1) as i64))
    }

    pub(crate) fn len(&mut self) -> Result<usize, DecodeError> {
        let len = usize::try_from(self.uint()?).map_err(|_| DecodeError::Invalid("length"))?;
        // A length can never exceed what is left; checking here keeps allocations bounded.
        if len > self.bytes.len() - self.at.min(self.bytes.len()) {
            return Err(DecodeError::Truncated);
        }
        Ok(len)
    }

    pub(crate) fn raw(&mut self, len: usize) -> Result<&'a [u8], DecodeError> {
        let end = self.at.checked_add(len).ok_or(DecodeError::Truncated)?;
        let slice = self.bytes.get(self.at..end).ok_or(DecodeError::Truncated)?;
        self.at = end;
        Ok(slice)
    }

    pub(crate) fn str(&mut self) -> Result<&'a str, DecodeError> {
        let len = self.len()?;
        std::str::from_utf8(self.raw(len)?).map_err(|_| DecodeError::Utf8)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_round_trip() {
        let mut writer = Writer::header(b"TEST", 1);
        let values = [0u64, 1, 127, 128, 300, u64::from(u32::MAX), u64::MAX];
        for value in values {
            writer.uint(value);
        }
        for value in [0i64, -1, 1, -64, 64, i64::MIN, i64::MAX] {
            writer.int(value);
        }
        writer.str("température");
        let mut reader = Reader::header(&writer.bytes, b"TEST", 1, "test").expect("header");
        for value in values {
            assert_eq!(reader.uint(), Ok(value));
        }
        for value in [0i64, -1, 1, -64, 64, i64::MIN, i64::MAX] {
            assert_eq!(reader.int(), Ok(value));
        }
        assert_eq!(reader.str(), Ok("température"));
        assert!(reader.is_empty());
        assert_eq!(reader.byte(), Err(DecodeError::Truncated));
    }

    #[test]
    fn bad_headers_and_truncation_are_errors() {
        assert!(Reader::header(b"NOPE\x01", b"TEST", 1, "test").is_err());
        assert!(Reader::header(b"TEST\x02", b"TEST", 1, "test").is_err());
        let mut reader = Reader::header(b"TEST\x01\x80", b"TEST", 1, "test").expect("header");
        assert_eq!(reader.uint(), Err(DecodeError::Truncated));
        let mut reader = Reader::header(b"TEST\x01\x05ab", b"TEST", 1, "test").expect("header");
        assert_eq!(reader.str(), Err(DecodeError::Truncated));
    }
}
