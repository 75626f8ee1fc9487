/// A fixture could not be set up; the message says what is missing.
package struct TestSupportError: Error, CustomStringConvertible {
    /// What went wrong.
    package var description: String

    /// Creates an error.
    package init(_ description: String) {
        self.description = description
    }
}
