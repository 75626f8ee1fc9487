package import SoukAPI

/// A shipment's route and promise as tables print them: `SPB-1 → Saint Petersburg, RU`, `1–3 days`.
package enum ShipmentText {
    /// Where a parcel leaves from and where it goes; a place named twice (a warehouse code standing in for its city,
    /// a city that is also its region) is said once.
    package static func route(_ route: Souk_Delivery_V1_Route) -> String {
        let origin = Self.once([route.originWarehouse, route.originCity])
        let destination = Self.once([route.destinationCity, route.destinationRegion, route.destinationCountry])
        return "\(origin.joined(separator: " ")) → \(destination.joined(separator: ", "))"
    }

    /// `2–4 days`, or `1 day` / `3 days` when min and max agree.
    package static func days(min: Int32, max: Int32) -> String {
        min == max ? "\(max) day\(max == 1 ? "" : "s")" : "\(min)–\(max) days"
    }

    private static func once(_ names: [String]) -> [String] {
        var seen: Set<String> = []
        return names.filter { !$0.isEmpty && seen.insert($0.lowercased()).inserted }
    }
}
