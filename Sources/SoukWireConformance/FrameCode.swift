/// The frame types of PROTOCOL.md §5, as the cases name them.
package enum FrameCode: UInt8, Sendable, CustomStringConvertible {
    /// DATA (0x00).
    case data = 0x00
    /// HEADERS (0x01).
    case headers = 0x01
    /// TRAILERS (0x02).
    case trailers = 0x02
    /// CANCEL (0x03).
    case cancel = 0x03
    /// SETTINGS (0x04).
    case settings = 0x04
    /// PING (0x05).
    case ping = 0x05
    /// GOAWAY (0x06).
    case goAway = 0x06
    /// WINDOW_UPDATE (0x07).
    case windowUpdate = 0x07

    package var description: String {
        switch self {
        case .data: "DATA"
        case .headers: "HEADERS"
        case .trailers: "TRAILERS"
        case .cancel: "CANCEL"
        case .settings: "SETTINGS"
        case .ping: "PING"
        case .goAway: "GOAWAY"
        case .windowUpdate: "WINDOW_UPDATE"
        }
    }
}
