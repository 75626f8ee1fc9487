import SoukAllocator
import SoukHost

/// The lines soukd prints on standard output once it accepts calls.
struct ReadyBanner {
    let info: ReadyInfo

    var text: String {
        let security = self.info.isTLS ? "TLS" : "plaintext"
        var lines = [
            "soukd ready: swp \(self.info.swpAddress) grpc \(self.info.grpcAddress) (\(security))"
        ]
        if let ca = self.info.certificateAuthorityPath {
            lines.append("  clients trust \(ca)")
        }
        lines.append("  services: \(self.info.services.map(\.rawValue).joined(separator: ", ")), grpc.health.v1.Health")
        if let metrics = self.info.metricsAddress {
            lines.append("  metrics: \(metrics)")
        }
        lines.append("  memory allocator: \(MemoryAllocator.summary)")
        // Last: readers take the database line as the banner's end.
        lines.append("  database: \(self.info.database) (start #\(self.info.startCount))")
        return lines.joined(separator: "\n")
    }
}
