import ArgumentParser
import GRPCCore
import SoukAPI
import SoukCtlKit

extension Orders {
    struct Watch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print new orders and status changes as they happen, until Ctrl-C (staff).",
            discussion: "One line per update; with --output json, one JSON object per line (JSON lines)."
        )

        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await reportingErrors {
                let session = try Session(self.global)
                let isJSON = self.global.isJSON
                if !isJSON { Printer.note("watching orders on \(session.context.name); Ctrl-C to stop") }
                try await session.authenticated { api in
                    // No deadline: the stream stays open until the user stops it or the server ends it.
                    try await api.orders.watchOrders(.init(), options: .defaults) { response in
                        for try await update in response.messages {
                            if isJSON {
                                try Printer.json(update)
                            } else {
                                let order = update.order
                                Printer.line(
                                    "\(DayParsing.format(unixMs: order.updatedAtUnixMs))  \(update.type)  \(order.id)  "
                                        + "no. \(order.number)  \(OrderStatusName.name(order.status))  "
                                        + MoneyText.format(order.total)
                                )
                            }
                        }
                    }
                }
                throw CtlError(.unavailable, "the server ended the watch", hint: "run `soukctl orders watch` again")
            }
        }
    }

    struct Place: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Place an order from your cart (the stock is held until payment)."
        )

        @OptionGroup var global: GlobalOptions
        @Option(help: "The order's currency (ISO 4217).") var currency: String
        @Option(help: "Idempotency key: retrying with the same key returns the same order (default: a new UUID).")
        var key: String?
        @Option(help: "Deliver with this shipping quote (an id from `soukctl delivery quotes`); needs the address.")
        var quote: String?
        @OptionGroup(title: "Delivery address (with --quote)") var address: Delivery.AddressOptions

        func validate() throws {
            if self.quote != nil, self.address.country == nil || self.address.postalCode == nil {
                throw ValidationError("--quote needs the delivery address: at least --country and --postal-code")
            }
            if self.quote == nil, !self.address.isEmpty {
                throw ValidationError("a delivery address needs --quote (see `soukctl delivery quotes`)")
            }
        }

        func run() async throws {
            try await reportingErrors {
                let session = try Session(self.global)
                var request = Souk_Catalog_V1_PlaceOrderRequest()
                request.currency = self.currency.uppercased()
                request.idempotencyKey = self.key ?? UUIDText.random()
                if let quote = self.quote {
                    request.shippingQuoteID = quote
                    request.deliveryAddress = self.address.address
                }
                let order = try await session.authenticated { api in
                    try await api.orders.placeOrder(request, options: api.options)
                }
                try await Orders.printOne(order, global: self.global, session: session)
            }
        }
    }
}
