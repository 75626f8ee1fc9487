import ArgumentParser
import Foundation
import SoukAPI
import SoukCtlKit

/// `soukctl orders list|show|move|next|watch|place|pay|mine|cancel`: orders and their state machine.
struct Orders: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "List, show, move and watch orders (staff); place one from your cart, pay it, list and cancel your own (customers).",
        subcommands: [
            List.self, Show.self, Move.self, Next.self, Watch.self, Place.self, Pay.self, Mine.self, Cancel.self,
        ]
    )

    /// The columns of an order row.
    static let header = ["ID", "NO", "STATUS", "CUSTOMER", "TOTAL", "LINES", "PLACED (UTC)"]

    static func row(_ order: Souk_Catalog_V1_Order, names: AccountNames) -> [String] {
        [
            order.id, "\(order.number)", OrderStatusName.name(order.status), names.name(order.customerAccountID),
            MoneyText.format(order.total), "\(order.lines.count)", DayParsing.format(unixMs: order.createdAtUnixMs),
        ]
    }

    /// Orders as a table, customers by email; JSON keeps the ids.
    static func printList(_ orders: [Souk_Catalog_V1_Order], global: GlobalOptions, session: Session) async throws {
        if global.isJSON { return try Printer.json(orders) }
        let names = try await AccountNames.lookUp(in: orders, session: session)
        Printer.table(Self.header, orders.map { Self.row($0, names: names) })
    }

    /// One order with its lines, rates and history, people by email; JSON keeps the ids.
    static func printOne(_ order: Souk_Catalog_V1_Order, global: GlobalOptions, session: Session) async throws {
        if global.isJSON { return try Printer.json(order) }
        let names = try await AccountNames.lookUp(in: [order], session: session)
        Printer.fields([
            ("order", "\(order.id) (no. \(order.number))"), ("status", OrderStatusName.name(order.status)),
            ("customer", names.name(order.customerAccountID)), ("total", MoneyText.format(order.total)),
            ("placed", DayParsing.format(unixMs: order.createdAtUnixMs) + " UTC"),
        ])
        if order.hasShipping { Self.printShipping(order) }
        Printer.line("")
        Printer.table(
            ["SKU", "TITLE", "QTY", "UNIT PRICE", "LINE TOTAL", "WAREHOUSE"],
            order.lines.map { line in
                [
                    line.sku, line.title, "\(line.quantity)", MoneyText.format(line.unitPrice),
                    MoneyText.format(line.lineTotal), line.warehouse,
                ]
            }
        )
        if !order.rates.isEmpty {
            Printer.line("")
            Printer.table(
                ["RATE", "VALUE", "SOURCE", "DATE"],
                order.rates.map { rate in
                    [
                        "\(rate.base)→\(rate.quote)", Self.decimal(rate.mantissa, scale: rate.scale), rate.source,
                        rate.effectiveDate,
                    ]
                }
            )
        }
        Printer.line("")
        Printer.table(
            ["WHEN (UTC)", "FROM", "TO", "BY", "NOTE"],
            order.history.map { change in
                [
                    DayParsing.format(unixMs: change.atUnixMs),
                    change.from == .unspecified ? "" : OrderStatusName.name(change.from),
                    OrderStatusName.name(change.to),
                    names.name(change.actorAccountID), change.note,
                ]
            }
        )
    }

    /// The goods, the shipping line and where it goes, under the order's fields.
    static func printShipping(_ order: Souk_Catalog_V1_Order) {
        let shipping = order.shipping
        let address = shipping.address
        var fields: [(String, String)] = [
            ("goods", MoneyText.format(order.goodsTotal)),
            (
                "shipping",
                "\(shipping.serviceName) (\(shipping.carrier)), \(MoneyText.format(shipping.price)), "
                    + ShipmentText.days(min: shipping.minDays, max: shipping.maxDays)
            ),
            ("quote", shipping.quoteID),
        ]
        if !address.recipient.isEmpty { fields.append(("deliver to", address.recipient)) }
        fields.append(("address", Warehouses.address(address)))
        if !address.phone.isEmpty { fields.append(("phone", address.phone)) }
        Printer.fields(fields)
    }

    /// Up to `limit` orders, following page tokens from the first page (`""`) until there are enough or no more.
    static func collect(
        limit: Int,
        page: (_ token: String) async throws -> (orders: [Souk_Catalog_V1_Order], next: String)
    ) async throws -> [Souk_Catalog_V1_Order] {
        var orders: [Souk_Catalog_V1_Order] = []
        var token = ""
        repeat {
            let (batch, next) = try await page(token)
            orders += batch
            token = next
        } while !token.isEmpty && orders.count < limit
        return Array(orders.prefix(limit))
    }

    /// `mantissa / 10^scale` as an exact decimal.
    static func decimal(_ mantissa: Int64, scale: Int32) -> String {
        guard scale > 0 else { return "\(mantissa)" }
        var digits = String(mantissa.magnitude)
        let count = Int(scale)
        if digits.count <= count { digits = String(repeating: "0", count: count - digits.count + 1) + digits }
        let point = digits.index(digits.endIndex, offsetBy: -count)
        return (mantissa < 0 ? "-" : "") + digits[..<point] + "." + digits[point...]
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List orders, newest first (staff).")

        @OptionGroup var global: GlobalOptions
        @Option(help: "Only this status; repeat for several (pending_payment, paid, packed, …).") var status: [String] =
            []
        @Option(help: "Only this customer's orders: their email, account id or the start of it.") var customer: String?
        @Option(help: "Only orders in this currency.") var currency: String?
        @Option(help: "Placed on or after this day (YYYY-MM-DD, UTC).") var since: String?
        @Option(help: "At most this many orders (1-1000).") var limit: Int = 50

        func validate() throws {
            guard (1...1000).contains(self.limit) else { throw ValidationError("--limit: 1 to 1000") }
            try validating {
                for status in self.status { _ = try OrderStatusName.parse(status) }
                if let since { _ = try DayParsing.startOfDay(since, flag: "--since") }
            }
        }

        func run() async throws {
            try await reportingErrors {
                let session = try Session(self.global)
                var request = Souk_Catalog_V1_ListOrdersRequest()
                request.statuses = try self.status.map(OrderStatusName.parse)
                request.currency = self.currency?.uppercased() ?? ""
                request.placedFromUnixMs = try self.since.map { try DayParsing.startOfDay($0, flag: "--since") } ?? 0
                request.pageSize = Int32(min(self.limit, 100))
                let orders = try await session.authenticated { api in
                    var filtered = request
                    if let customer = self.customer {
                        // Identity says whose account an email or a cut id names.
                        var account = Souk_Identity_V1_GetAccountRequest()
                        account.accountID = customer
                        filtered.customerAccountID = try await api.identity.getAccount(account, options: api.options)
                            .account.id
                    }
                    return try await Orders.collect(limit: self.limit) { token in
                        var page = filtered
                        page.pageToken = token
                        let response = try await api.orders.listOrders(page, options: api.options)
                        return (response.orders, response.nextPageToken)
                    }
                }
                try await Orders.printList(orders, global: self.global, session: session)
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One order: lines, total, rates and history.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The order: its number (24), its id, or the start of its id as a table shows it.") var id:
            String

        func run() async throws {
            try await reportingErrors {
                let session = try Session(self.global)
                let order = try await Orders.fetch(self.id, session: session)
                try await Orders.printOne(order, global: self.global, session: session)
            }
        }
    }

    struct Move: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move an order to a status (paid, packed, shipped, delivered, cancelled, refunded)."
        )

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The order: its number (24), its id, or the start of its id as a table shows it.") var id:
            String
        @Argument(help: "The new status.") var status: String
        @Option(help: "A note kept in the order's history.") var note: String?

        func validate() throws { try validating { _ = try OrderStatusName.parse(self.status) } }

        func run() async throws {
            try await reportingErrors {
                let session = try Session(self.global)
                let order = try await Orders.move(
                    self.id,
                    to: try OrderStatusName.parse(self.status),
                    note: self.note,
                    session: session
                )
                try await Orders.printList([order], global: self.global, session: session)
            }
        }
    }

    struct Next: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move an order one step along pending_payment → paid → packed → shipped → delivered."
        )

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The order: its number (24), its id, or the start of its id as a table shows it.") var id:
            String
        @Option(help: "A note kept in the order's history.") var note: String?

        func run() async throws {
            try await reportingErrors {
                let session = try Session(self.global)
                let current = try await Orders.fetch(self.id, session: session)
                guard let next = OrderStatusName.next(after: current.status) else {
                    throw CtlError(
                        .refused,
                        "order \(self.id) is \(OrderStatusName.name(current.status)): there is no next status",
                        hint: "use `soukctl orders move ID STATUS` for refunds"
                    )
                }
                let order = try await Orders.move(current.id, to: next, note: self.note, session: session)
                try await Orders.printList([order], global: self.global, session: session)
            }
        }
    }

    static func fetch(_ id: String, session: Session) async throws -> Souk_Catalog_V1_Order {
        var request = Souk_Catalog_V1_GetOrderRequest()
        request.orderID = id
        return try await session.authenticated { api in try await api.orders.getOrder(request, options: api.options) }
    }

    static func move(
        _ id: String,
        to status: Souk_Catalog_V1_OrderStatus,
        note: String?,
        session: Session
    ) async throws -> Souk_Catalog_V1_Order {
        var request = Souk_Catalog_V1_UpdateOrderStatusRequest()
        request.orderID = id
        request.status = status
        request.note = note ?? ""
        return try await session.authenticated { api in
            try await api.orders.updateOrderStatus(request, options: api.options)
        }
    }
}
