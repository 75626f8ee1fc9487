/// Why a basket file or an evaluation cannot be used: one line naming the file, the line and the field.
package struct BasketFileError: Error, Sendable, Hashable, CustomStringConvertible {
    package var file: String
    /// The 1-based line, or nil for the file as a whole.
    package var line: Int?
    package var field: String?
    package var message: String

    package init(file: String, line: Int? = nil, field: String? = nil, message: String) {
        self.file = file
        self.line = line
        self.field = field
        self.message = message
    }

    package var description: String {
        var place = self.file
        if let line = self.line { place += ":\(line)" }
        if let field = self.field { place += ": \(field)" }
        return "\(place): \(self.message)"
    }
}
