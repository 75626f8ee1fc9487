import ArgumentParser
import Foundation
import SoukAPI
import SoukCtlKit

/// `soukctl shipments list|show|watch|move`: the parcels of packed orders, their couriers and timelines (staff).
struct Shipments: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List, show, watch and move shipments (staff; delivery.manage).",
        subcommands: [List.self, Show.self, Watch.self, Move.self]
    )

    /// The columns of a shipment row.
    static let header = ["ID", "ORDER", "STATUS", "CARRIER", "SERVICE", "ROUTE", "COST", "TRACKING", "UPDATED (UTC)"]

    static func row(_ shipment: Souk_Delivery_V1_Shipment) -> [String] {
        [
            shipment.id, "no. \(shipment.orderNumber)", ShipmentStatusName.name(shipment.status), shipment.carrier,
            shipment.serviceName, ShipmentText.route(shipment.route), MoneyText.format(shipment.cost),
            shipment.trackingNumber, DayParsing.format(unixMs: shipment.updatedAtUnixMs),
        ]
    }

    static func printList(_ shipments: [Souk_Delivery_V1_Shipment], global: GlobalOptions) throws {
        if global.isJSON { return try Printer.json(shipments) }
        Printer.table(Self.header, shipments.map(Self.row))
    }

    /// One shipment with its route, cost, promise, tracking and timeline, people by email; JSON keeps the ids.
    static func printOne(_ shipment: Souk_Delivery_V1_Shipment, global: GlobalOptions, session: Session) async throws {
        if global.isJSON { return try Printer.json(shipment) }
        // Sources are account ids, "courier:…" or "delivery": only the accounts have an email to look up.
        let accounts = shipment.history.map(\.source).filter { UUID(uuidString: $0) != nil }
        let names = try await AccountNames.lookUp(accounts, session: session)
        var promise = ShipmentText.days(min: shipment.promisedMinDays, max: shipment.promisedMaxDays)
        if shipment.deliveredAtUnixMs > 0 {
            promise += " (delivered in \(shipment.actualDays) day\(shipment.actualDays == 1 ? "" : "s"))"
        }
        var fields: [(String, String)] = [
            ("shipment", shipment.id), ("order", "\(shipment.orderID) (no. \(shipment.orderNumber))"),
            ("status", ShipmentStatusName.name(shipment.status)),
            ("carrier", "\(shipment.carrier) · \(shipment.serviceName) (\(shipment.serviceCode))"),
            ("route", ShipmentText.route(shipment.route)), ("cost", MoneyText.format(shipment.cost)),
            ("promise", promise),
            ("tracking", shipment.trackingNumber.isEmpty ? "(not registered yet)" : shipment.trackingNumber),
        ]
        if !shipment.labelURL.isEmpty { fields.append(("label", shipment.labelURL)) }
        if !shipment.registrationError.isEmpty { fields.append(("registration", shipment.registrationError)) }
        if shipment.handedOverAtUnixMs > 0 {
            fields.append(("handed over", DayParsing.format(unixMs: shipment.handedOverAtUnixMs) + " UTC"))
        }
        if shipment.deliveredAtUnixMs > 0 {
            fields.append(("delivered", DayParsing.format(unixMs: shipment.deliveredAtUnixMs) + " UTC"))
        }
        Printer.fields(fields)
        Printer.line("")
        Printer.table(
            ["WHEN (UTC)", "STATUS", "SOURCE", "COURIER STATUS", "NOTE"],
            shipment.history.map { change in
                [
                    DayParsing.format(unixMs: change.atUnixMs), ShipmentStatusName.name(change.to),
                    names.name(change.source), change.courierStatus, change.note,
                ]
            }
        )
    }

    /// The shipment of `id`: a shipment id or its order's id.
    static func fetch(_ id: String, session: Session) async throws -> Souk_Delivery_V1_Shipment {
        var request = Souk_Delivery_V1_GetShipmentRequest()
        request.id = id
        return try await session.authenticated { api in
            try await api.delivery.getShipment(request, options: api.options)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List shipments, newest first.")

        @OptionGroup var global: GlobalOptions
        @Option(help: "Only this status; repeat for several (created, handed_over, in_transit, …).") var status:
            [String] = []
        @Option(help: "Only this carrier: souk, cdek or easypost.") var carrier: String?
        @Option(help: "At most this many shipments (1-1000).") var limit: Int = 50

        func validate() throws {
            guard (1...1000).contains(self.limit) else { throw ValidationError("--limit: 1 to 1000") }
            try validating { for status in self.status { _ = try ShipmentStatusName.parse(status) } }
        }

        func run() async throws {
            try await reportingErrors {
                let session = try Session(self.global)
                var request = Souk_Delivery_V1_ListShipmentsRequest()
                request.statuses = try self.status.map(ShipmentStatusName.parse)
                request.carrier = self.carrier?.lowercased() ?? ""
                request.pageSize = Int32(min(self.limit, 100))
                let shipments = try await session.authenticated { api in
                    var shipments: [Souk_Delivery_V1_Shipment] = []
                    var token = ""
                    repeat {
                        var page = request
                        page.pageToken = token
                        let response = try await api.delivery.listShipments(page, options: api.options)
                        shipments += response.shipments
                        token = response.nextPageToken
                    } while !token.isEmpty && shipments.count < self.limit
                    return Array(shipments.prefix(self.limit))
                }
                try Shipments.printList(shipments, global: self.global)
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "One shipment: route, cost, promise, tracking and its timeline."
        )

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The shipment's id, or its order's id.") var id: String

        func run() async throws {
            try await reportingErrors {
                let session = try Session(self.global)
                let shipment = try await Shipments.fetch(self.id, session: session)
                try await Shipments.printOne(shipment, global: self.global, session: session)
            }
        }
    }

    struct Move: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move a shipment of the shop's own delivery (carrier souk) to a status.",
            discussion: """
                created → handed_over → in_transit → out_for_delivery → delivered; out_for_delivery ↔ \
                failed_attempt; returned from anything not yet delivered. handed_over marks the order shipped and \
                delivered marks it delivered. Couriers move their own shipments; a shipment is cancelled by \
                refunding its order before hand-over, never moved to cancelled by hand.
                """
        )

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The shipment's id, or its order's id.") var id: String
        @Argument(help: "The new status.") var status: String
        @Option(help: "A note kept in the shipment's timeline.") var note: String?

        func validate() throws { try validating { _ = try ShipmentStatusName.parse(self.status) } }

        func run() async throws {
            try await reportingErrors {
                let session = try Session(self.global)
                // The id may be the order's: the shipment's own id comes from reading it.
                let current = try await Shipments.fetch(self.id, session: session)
                var request = Souk_Delivery_V1_UpdateShipmentStatusRequest()
                request.shipmentID = current.id
                request.status = try ShipmentStatusName.parse(self.status)
                request.note = self.note ?? ""
                let shipment = try await session.authenticated { api in
                    try await api.delivery.updateShipmentStatus(request, options: api.options)
                }
                try Shipments.printList([shipment], global: self.global)
            }
        }
    }
}
