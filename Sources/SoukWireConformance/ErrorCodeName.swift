/// The GOAWAY error codes of PROTOCOL.md §16.2.
package enum ErrorCodeName {
    /// NO_ERROR (0x0).
    package static let noError: UInt32 = 0x0
    /// PROTOCOL_ERROR (0x1).
    package static let protocolError: UInt32 = 0x1
    /// INTERNAL_ERROR (0x2).
    package static let internalError: UInt32 = 0x2
    /// FLOW_CONTROL_ERROR (0x3).
    package static let flowControlError: UInt32 = 0x3
    /// SETTINGS_TIMEOUT (0x4).
    package static let settingsTimeout: UInt32 = 0x4
    /// FRAME_SIZE_ERROR (0x6).
    package static let frameSizeError: UInt32 = 0x6
    /// ENHANCE_YOUR_CALM (0xB).
    package static let enhanceYourCalm: UInt32 = 0xB
    /// VERSION_UNSUPPORTED (0xD).
    package static let versionUnsupported: UInt32 = 0xD

    /// The code's name, or its number.
    package static func name(_ code: UInt32) -> String {
        let names: [UInt32: String] = [
            0x0: "NO_ERROR", 0x1: "PROTOCOL_ERROR", 0x2: "INTERNAL_ERROR", 0x3: "FLOW_CONTROL_ERROR",
            0x4: "SETTINGS_TIMEOUT", 0x5: "STREAM_CLOSED", 0x6: "FRAME_SIZE_ERROR", 0x7: "REFUSED_STREAM",
            0x8: "CANCEL", 0x9: "COMPRESSION_ERROR", 0xB: "ENHANCE_YOUR_CALM", 0xC: "INADEQUATE_SECURITY",
            0xD: "VERSION_UNSUPPORTED",
        ]
        return names[code] ?? "0x\(String(code, radix: 16))"
    }
}
