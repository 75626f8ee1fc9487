package import NIOCore

/// The 8 bytes each side sends first: "SOUK\r\n", major version, minor version.
package struct Preface: Sendable, Hashable {
    /// The bytes identifying SWP.
    package static let magic: [UInt8] = [0x53, 0x4F, 0x55, 0x4B, 0x0D, 0x0A]
    /// The size of a preface in bytes.
    package static let size = 8
    /// The version this implementation speaks.
    package static let current = Preface(major: 1, minor: 0)

    /// The major version; peers with different majors cannot talk.
    package var major: UInt8
    /// The minor version; higher minors are compatible.
    package var minor: UInt8

    /// Creates a preface.
    package init(major: UInt8, minor: UInt8) {
        self.major = major
        self.minor = minor
    }

    /// Appends the preface to `buffer`.
    package func write(to buffer: inout ByteBuffer) {
        buffer.writeBytes(Self.magic)
        buffer.writeInteger(self.major)
        buffer.writeInteger(self.minor)
    }
}
