/// Cuts an import file arriving in chunks of any size into records, one per line, with the line each starts on.
///
/// In CSV mode a line break inside a quoted field belongs to the field (RFC 4180), so a record may span several
/// lines; in JSON-lines mode every line break ends a record. Records end at LF or CRLF; a UTF-8 character split
/// between chunks is whole again once its record is complete, because records are cut only at ASCII bytes.
struct ProductImportReader {
    /// A complete record: its bytes without the line break, and the 1-based line it starts on.
    struct Record {
        var line: Int
        var bytes: [UInt8]
    }

    /// The limits the file must keep, else the import stops.
    struct LimitError: Error {
        var message: String
    }

    /// Where the CSV scanner is within the current record.
    private enum Quoting {
        /// At the start of a field: a quote here opens a quoted field.
        case fieldStart
        /// In an unquoted field: quotes are plain bytes (the CSV parser refuses them later).
        case unquoted
        /// In a quoted field: commas and line breaks are data.
        case quoted
        /// Just after a quote in a quoted field: another quote is an escaped quote, anything else closes it.
        case quoteInQuoted
    }

    let isCSV: Bool
    let maxRecordBytes: Int
    let maxTotalBytes: Int
    private(set) var totalBytes = 0
    private var buffer: [UInt8] = []
    private var scanned = 0
    private var quoting = Quoting.fieldStart
    private var line = 1
    private var breaksInRecord = 0

    init(isCSV: Bool, maxRecordBytes: Int, maxTotalBytes: Int) {
        self.isCSV = isCSV
        self.maxRecordBytes = maxRecordBytes
        self.maxTotalBytes = maxTotalBytes
    }

    /// Adds `chunk` and returns the records it completes.
    mutating func append(_ chunk: some Collection<UInt8>) throws(LimitError) -> [Record] {
        self.totalBytes += chunk.count
        guard self.totalBytes <= self.maxTotalBytes else {
            throw LimitError(message: "the file is larger than \(self.maxTotalBytes >> 20) MiB")
        }
        self.buffer.append(contentsOf: chunk)
        var records: [Record] = []
        var start = 0
        var index = self.scanned
        while index < self.buffer.count {
            let byte = self.buffer[index]
            if byte == UInt8(ascii: "\n") && self.quoting != .quoted {
                records.append(try self.record(self.buffer[start..<index]))
                start = index + 1
            } else {
                self.scan(byte)
            }
            index += 1
        }
        self.buffer.removeFirst(start)
        self.scanned = self.buffer.count
        guard self.buffer.count <= self.maxRecordBytes else { throw self.tooLong() }
        return records
    }

    /// The last record when the file does not end with a line break; nil when nothing is left.
    mutating func finish() throws(LimitError) -> Record? {
        guard !self.buffer.isEmpty else { return nil }
        let record = try self.record(self.buffer[...])
        self.buffer = []
        self.scanned = 0
        return record
    }

    private mutating func scan(_ byte: UInt8) {
        guard self.isCSV else { return }
        switch (self.quoting, byte) {
        case (.fieldStart, UInt8(ascii: "\"")): self.quoting = .quoted
        case (.fieldStart, UInt8(ascii: ",")), (.unquoted, UInt8(ascii: ",")): self.quoting = .fieldStart
        case (.fieldStart, _): self.quoting = .unquoted
        case (.unquoted, _): break
        case (.quoted, UInt8(ascii: "\"")): self.quoting = .quoteInQuoted
        case (.quoted, UInt8(ascii: "\n")): self.breaksInRecord += 1
        case (.quoted, _): break
        case (.quoteInQuoted, UInt8(ascii: "\"")): self.quoting = .quoted
        case (.quoteInQuoted, UInt8(ascii: ",")): self.quoting = .fieldStart
        case (.quoteInQuoted, _): self.quoting = .unquoted
        }
    }

    private mutating func record(_ bytes: ArraySlice<UInt8>) throws(LimitError) -> Record {
        var bytes = bytes
        if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
        // A byte-order mark some spreadsheet programs write before the first line.
        if self.line == 1, bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        guard bytes.count <= self.maxRecordBytes else { throw self.tooLong() }
        let record = Record(line: self.line, bytes: Array(bytes))
        self.line += 1 + self.breaksInRecord
        self.breaksInRecord = 0
        self.quoting = .fieldStart
        return record
    }

    private func tooLong() -> LimitError {
        LimitError(message: "line \(self.line) is longer than \(self.maxRecordBytes >> 10) KiB")
    }
}
