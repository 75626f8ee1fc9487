import Foundation
import SoukCtlKit

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The terminal soukctl runs in: whether a stream is one, its width, and reading a secret without echo.
enum Terminal {
    /// Whether standard input, output or error (0, 1, 2) is a terminal.
    static func isTTY(_ fd: Int32) -> Bool {
        isatty(fd) == 1
    }

    /// Columns to fit tables in: `COLUMNS` when set, else the terminal's width; unlimited when standard output
    /// is not a terminal (a pipe gets whole cells).
    static var width: Int {
        if let text = ProcessInfo.processInfo.environment["COLUMNS"], let columns = Int(text), columns > 0 {
            return columns
        }
        var size = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 {
            return Int(size.ws_col)
        }
        return Self.isTTY(STDOUT_FILENO) ? 100 : Int.max / 2
    }

    /// One line of standard input without its newline; nil at the end of input.
    static func readLine() -> String? {
        Swift.readLine(strippingNewline: true).map { $0.hasSuffix("\r") ? String($0.dropLast()) : $0 }
    }

    /// Prompts on standard error and reads a line from the terminal without echoing it.
    ///
    /// - Throws: ``CtlError`` (usage) when standard input is not a terminal: scripts use the `--…-stdin` flags.
    static func readSecret(prompt: String, scriptFlag: String) throws -> String {
        guard Self.isTTY(STDIN_FILENO) else {
            throw CtlError(.usage, "standard input is not a terminal", hint: "pass \(scriptFlag) and pipe the value in")
        }
        // Echo goes off before the prompt shows, and without flushing: a person (or a script on a pseudo-terminal)
        // who types as soon as the prompt appears is neither echoed nor thrown away.
        var saved = termios()
        tcgetattr(STDIN_FILENO, &saved)
        var quiet = saved
        quiet.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(STDIN_FILENO, TCSANOW, &quiet)
        defer {
            tcsetattr(STDIN_FILENO, TCSANOW, &saved)
            FileHandle.standardError.write(Data("\n".utf8))
        }
        FileHandle.standardError.write(Data(prompt.utf8))
        guard let line = Self.readLine() else { throw CtlError(.usage, "no input") }
        return line
    }

    /// Prompts on standard error and reads a line with echo (a TOTP code is not a secret for long).
    static func ask(prompt: String, scriptFlag: String) throws -> String {
        guard Self.isTTY(STDIN_FILENO) else {
            throw CtlError(.usage, "standard input is not a terminal", hint: "pass \(scriptFlag)")
        }
        FileHandle.standardError.write(Data(prompt.utf8))
        guard let line = Self.readLine() else { throw CtlError(.usage, "no input") }
        return line.trimmingCharacters(in: .whitespaces)
    }
}
