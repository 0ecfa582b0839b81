//! Byte offsets to line and column, computed only for confirmed matches.

/// A 1-based line and a 1-based column counted in Unicode scalar values (bytes of invalid UTF-8 count one each).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// Converts byte offsets of one blob to positions; offsets asked in increasing order cost one pass in total.
pub struct LineIndex<'a> {
    data: &'a [u8],
    offset: usize,
    line: usize,
    line_start: usize,
}

impl<'a> LineIndex<'a> {
    /// An index over `data`.
    pub fn new(data: &'a [u8]) -> Self {
        LineIndex { data, offset: 0, line: 1, line_start: 0 }
    }

    /// The position of byte `offset` (clamped to the data's length).
    pub fn position(&mut self, offset: usize) -> Position {
        let offset = offset.min(self.data.len());
        if offset < self.offset {
            *self = LineIndex::new(self.data);
        }
        let chunk = &self.data[self.offset..offset];
        let newlines = memchr::memchr_iter(b'\n', chunk).count();
        if newlines > 0 {
            self.line += newlines;
            self.line_start = self.offset + memchr::memrchr(b'\n', chunk).unwrap() + 1;
        }
        self.offset = offset;
        let prefix = &self.data[self.line_start..offset];
        // Count characters: every byte that is not a UTF-8 continuation byte starts one.
        let column = prefix.iter().filter(|&&b| (b & 0xC0) != 0x80).count() + 1;
        Position { line: self.line, column }
    }

    /// The text of the line holding byte `offset`, without its line terminator, and the offset where
    /// that line starts.
    pub fn line_text(data: &[u8], offset: usize) -> (usize, &[u8]) {
        let offset = offset.min(data.len());
        let start = memchr::memrchr(b'\n', &data[..offset]).map_or(0, |i| i + 1);
        let end = memchr::memchr(b'\n', &data[offset..]).map_or(data.len(), |i| offset + i);
        let line = &data[start..end];
        (start, line.strip_suffix(b"\r").unwrap_or(line))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_lines_and_characters() {
        let data = "ab\ncdé f\n\ng".as_bytes();
        let mut index = LineIndex::new(data);
        assert_eq!(index.position(0), Position { line: 1, column: 1 });
        assert_eq!(index.position(4), Position { line: 2, column: 2 });
        assert_eq!(index.position(8), Position { line: 2, column: 5 });
        assert_eq!(index.position(11), Position { line: 4, column: 1 });
        assert_eq!(index.position(1), Position { line: 1, column: 2 });
        assert_eq!(LineIndex::line_text(data, 4), (3, "cdé f".as_bytes()));
    }
}
