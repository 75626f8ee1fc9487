import ArgumentParser
import GRPCCore
import SoukAPI
import SoukCtlKit

extension Shipments {
    struct Watch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print new shipments and status changes as they happen, until Ctrl-C.",
            discussion: "One line per update; with --output json, one JSON object per line (JSON lines)."
        )

        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await reportingErrors {
                let session = try Session(self.global)
                let isJSON = self.global.isJSON
                if !isJSON { Printer.note("watching shipments on \(session.context.name); Ctrl-C to stop") }
                try await session.authenticated { api in
                    // No deadline: the stream stays open until the user stops it or the server ends it.
                    try await api.delivery.watchShipments(.init(), options: .defaults) { response in
                        for try await update in response.messages {
                            if isJSON {
                                try Printer.json(update)
                            } else {
                                let shipment = update.shipment
                                Printer.line(
                                    "\(DayParsing.format(unixMs: shipment.updatedAtUnixMs))  \(update.type)  "
                                        + "\(shipment.id)  order no. \(shipment.orderNumber)  "
                                        + "\(ShipmentStatusName.name(shipment.status))  \(shipment.carrier)  "
                                        + shipment.trackingNumber
                                )
                            }
                        }
                    }
                }
                throw CtlError(.unavailable, "the server ended the watch", hint: "run `soukctl shipments watch` again")
            }
        }
    }
}
