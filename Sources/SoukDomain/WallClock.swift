package import Foundation
import Synchronization

/// The date and time a domain stamps and compares with: the system's, or in tests one that moves only when told.
///
/// A domain reads `now` instead of `Date()` wherever an expiry is set or checked (reservation holds, say), so a
/// test steps past an expiry with ``advance(by:)`` instead of sleeping, and a slow machine cannot make a hold
/// lapse early. Two clocks are equal only when they are the same clock.
package final class WallClock: Sendable, Hashable, CustomStringConvertible {
    /// The system's wall clock.
    package static let system = WallClock(manual: nil)

    /// The manual clock's reading; nil for the system clock.
    private let manual: Mutex<Date?>

    private init(manual: Date?) {
        self.manual = Mutex(manual)
    }

    /// A clock that reads `start` until it is advanced.
    package static func manual(startingAt start: Date = Date()) -> WallClock {
        WallClock(manual: start)
    }

    /// The current date and time.
    package var now: Date {
        self.manual.withLock { $0 } ?? Date()
    }

    /// Moves a manual clock forward by `duration`; the system clock cannot be moved.
    package func advance(by duration: Duration) {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        self.manual.withLock { reading in
            guard let current = reading else {
                preconditionFailure("WallClock.system cannot be advanced; use WallClock.manual() in tests")
            }
            reading = current.addingTimeInterval(seconds)
        }
    }

    package var description: String {
        self.manual.withLock { $0 }.map { "WallClock.manual(\($0))" } ?? "WallClock.system"
    }

    package static func == (lhs: WallClock, rhs: WallClock) -> Bool { lhs === rhs }

    package func hash(into hasher: inout Hasher) {
        hasher.combine(ObjectIdentifier(self))
    }
}
