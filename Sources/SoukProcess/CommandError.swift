/// A program could not be started or waited for (not: it ran and failed; that is its exit status).
package struct CommandError: Error, Hashable, CustomStringConvertible {
    /// What failed, naming the command line, safe to show an operator.
    package let message: String

    package init(message: String) {
        self.message = message
    }

    package var description: String { self.message }
}
