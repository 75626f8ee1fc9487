/// One reading of soukd's resources: resident memory, open descriptors and its PostgreSQL connections.
package struct ResourceSample: Sendable, Hashable, Codable {
    package var residentBytes: Int
    package var descriptors: Int
    /// Client backends connected to PostgreSQL (the reading's own excluded); nil if it could not be read.
    package var databaseConnections: Int?

    package init(residentBytes: Int, descriptors: Int, databaseConnections: Int?) {
        self.residentBytes = residentBytes
        self.descriptors = descriptors
        self.databaseConnections = databaseConnections
    }

    /// The median of each figure over `samples` (readings taken a moment apart, so one busy instant does not
    /// decide); nil for none.
    package static func median(_ samples: [ResourceSample]) -> ResourceSample? {
        guard !samples.isEmpty else { return nil }
        let connections = samples.compactMap(\.databaseConnections)
        return ResourceSample(
            residentBytes: Self.median(samples.map(\.residentBytes)),
            descriptors: Self.median(samples.map(\.descriptors)),
            databaseConnections: connections.count == samples.count ? Self.median(connections) : nil
        )
    }

    private static func median(_ values: [Int]) -> Int {
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}

/// How soukd's resources moved between the end of the warm-up and the end of a soak, against the bounds the
/// soak test sets: memory within +10 %, descriptors within +8 (sockets mid-handshake at either reading),
/// PostgreSQL connections within +2.
package struct ResourceDrift: Sendable, Hashable, Codable {
    /// The bounds a drift is held to.
    package struct Bounds: Sendable, Hashable, Codable {
        /// The largest growth of resident memory, as a fraction (0.10 is +10 %).
        package var memoryGrowth: Double
        /// The most descriptors gained.
        package var descriptorGrowth: Int
        /// The most PostgreSQL connections gained.
        package var connectionGrowth: Int

        package init(memoryGrowth: Double, descriptorGrowth: Int, connectionGrowth: Int) {
            self.memoryGrowth = memoryGrowth
            self.descriptorGrowth = descriptorGrowth
            self.connectionGrowth = connectionGrowth
        }

        /// The soak test's bounds: +10 % memory, +8 descriptors, +2 connections.
        package static var soak: Bounds { Bounds(memoryGrowth: 0.10, descriptorGrowth: 8, connectionGrowth: 2) }
    }

    package var warm: ResourceSample
    package var end: ResourceSample
    package var bounds: Bounds

    package init(warm: ResourceSample, end: ResourceSample, bounds: Bounds = .soak) {
        self.warm = warm
        self.end = end
        self.bounds = bounds
    }

    /// Resident memory's growth as a fraction of the warm reading (0.05 is +5 %).
    package var memoryGrowth: Double {
        guard self.warm.residentBytes > 0 else { return 0 }
        return Double(self.end.residentBytes) / Double(self.warm.residentBytes) - 1
    }

    /// Descriptors gained (negative: released).
    package var descriptorGrowth: Int { self.end.descriptors - self.warm.descriptors }

    /// PostgreSQL connections gained; nil if either reading lacks them.
    package var connectionGrowth: Int? {
        guard let warm = self.warm.databaseConnections, let end = self.end.databaseConnections else { return nil }
        return end - warm
    }

    /// What exceeds its bound, one phrase each; empty when the drift is within all of them.
    package var problems: [String] {
        var problems: [String] = []
        if self.memoryGrowth > self.bounds.memoryGrowth {
            problems.append(
                "memory grew \(Self.percent(self.memoryGrowth)) (bound \(Self.percent(self.bounds.memoryGrowth)))"
            )
        }
        if self.descriptorGrowth > self.bounds.descriptorGrowth {
            problems.append("descriptors grew by \(self.descriptorGrowth) (bound +\(self.bounds.descriptorGrowth))")
        }
        if let growth = self.connectionGrowth, growth > self.bounds.connectionGrowth {
            problems.append("PostgreSQL connections grew by \(growth) (bound +\(self.bounds.connectionGrowth))")
        }
        return problems
    }

    /// Whether every figure is within its bound.
    package var isWithinBounds: Bool { self.problems.isEmpty }

    /// `+5.7 %`.
    package static func percent(_ fraction: Double) -> String {
        let tenths = (fraction * 1000).rounded() / 10
        return "\(tenths >= 0 ? "+" : "")\(tenths) %"
    }
}
