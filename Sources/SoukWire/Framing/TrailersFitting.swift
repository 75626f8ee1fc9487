import NIOCore

extension Settings {
    /// The largest HEADERS or TRAILERS payload a peer with these settings accepts: its MAX_HEADER_SIZE, and, being
    /// one frame, no more than its MAX_FRAME_SIZE (PROTOCOL.md §5.2).
    package var headerLimit: Int { min(self.maxHeaderSize, self.maxFrameSize) }
}

extension WireProtobuf.Trailers {
    /// What is appended to a status message cut to fit.
    static let cutMarker = "… (cut to fit)"

    /// The trailers as they fit in `limit` encoded bytes (the peer's ``Settings/headerLimit``): unchanged when they
    /// fit; else without their metadata; else with the status message cut at a character boundary and marked. The
    /// code always stays. A status message that quotes a 100 KB field must fail its call, not the connection.
    package func fitted(within limit: Int) -> Self {
        guard Self.encodedSize(self) > limit else { return self }
        var fitted = self
        fitted.metadata = []
        guard Self.encodedSize(fitted) > limit else { return fitted }
        // Code (up to 6 bytes) and the message's tag and length (up to 6) leave the rest to the text.
        let budget = limit - 12 - Self.cutMarker.utf8.count
        var kept = String.UnicodeScalarView()
        var size = 0
        for scalar in self.message.unicodeScalars {
            let width = String(scalar).utf8.count
            guard size + width <= budget else { break }
            kept.append(scalar)
            size += width
        }
        fitted.message = budget > 0 ? String(kept) + Self.cutMarker : ""
        return fitted
    }

    static func encodedSize(_ trailers: Self) -> Int {
        var buffer = ByteBuffer()
        WireProtobuf.write(trailers, to: &buffer)
        return buffer.readableBytes
    }
}
