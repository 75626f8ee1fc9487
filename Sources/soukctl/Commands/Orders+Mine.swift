import ArgumentParser
import SoukAPI
import SoukCtlKit

extension Orders {
    struct Mine: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Your own orders, newest first (customers).")

        @OptionGroup var global: GlobalOptions
        @Option(help: "At most this many orders (1-1000).") var limit: Int = 50

        func validate() throws {
            guard (1...1000).contains(self.limit) else { throw ValidationError("--limit: 1 to 1000") }
        }

        func run() async throws {
            try await reportingErrors {
                let session = try Session(self.global)
                var request = Souk_Catalog_V1_ListMyOrdersRequest()
                request.pageSize = Int32(min(self.limit, 100))
                let orders = try await session.authenticated { api in
                    try await Orders.collect(limit: self.limit) { token in
                        var page = request
                        page.pageToken = token
                        let response = try await api.orders.listMyOrders(page, options: api.options)
                        return (response.orders, response.nextPageToken)
                    }
                }
                try await Orders.printList(orders, global: self.global, session: session)
            }
        }
    }

    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Cancel one of your orders that is not paid yet (its held stock returns)."
        )

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The order: its number (24), its id, or the start of its id as a table shows it.") var id:
            String

        func run() async throws {
            try await reportingErrors {
                let session = try Session(self.global)
                var request = Souk_Catalog_V1_CancelMyOrderRequest()
                request.orderID = self.id
                let order = try await session.authenticated { api in
                    try await api.orders.cancelMyOrder(request, options: api.options)
                }
                try await Orders.printOne(order, global: self.global, session: session)
            }
        }
    }
}
