/// Describes the bytes a case sends, frame by frame, for the transcript a failure prints.
enum Transcript {
    static func describeSent(_ bytes: [UInt8], to context: CaseContext) {
        var rest = bytes[...]
        if rest.starts(with: RawFrame.preface().prefix(6)), rest.count >= 8 {
            let version = rest.dropFirst(6).prefix(2)
            context.log("C→S preface \(Array(version))")
            rest = rest.dropFirst(8)
        }
        while rest.count >= 12 {
            let length = rest.prefix(4).reduce(0) { $0 << 8 | Int($1) }
            let frameBytes = Array(rest.prefix(12 + length))
            if frameBytes.count < 12 + length {
                context.log(
                    "C→S partial frame: \(SeenFrame(bytes: frameBytes).headerDescription) (\(frameBytes.count - 12) of \(length) payload bytes)"
                )
                return
            }
            context.log("C→S \(SeenFrame(bytes: frameBytes))")
            rest = rest.dropFirst(12 + length)
        }
        if !rest.isEmpty { context.log("C→S \(rest.count) raw bytes") }
    }
}

extension SeenFrame {
    /// The header alone, for a frame whose payload is not all there.
    var headerDescription: String {
        let name = FrameCode(rawValue: self.type).map { "\($0)" } ?? "type \(self.type)"
        return "\(name) flags=\(self.flags) stream=\(self.rawStreamID) length=\(self.length)"
    }
}
