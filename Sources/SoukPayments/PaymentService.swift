import Foundation
package import GRPCCore
package import Logging
package import PostgresNIO
package import SoukAPI
import SoukAccess
package import SoukDomain
import SoukMoney
import SoukPaymentProviders
import SoukStorage
import SwiftProtobuf

/// `souk.payments.v1.PaymentService`: customers pay their own orders through the provider configured for the
/// order's currency; staff capture, cancel and refund; providers' webhooks and re-reads move payments forward only;
/// the order follows its payment (paid, refunded, cancelled when its stock hold ran out first).
///
/// The amount and currency always come from the order, read through the order service's client on the customer's
/// behalf. Every provider call carries a key stored before the call, so a retry after a timeout or a crash never
/// charges or refunds twice.
package struct PaymentService: Souk_Payments_V1_PaymentService.SimpleServiceProtocol {
    /// The service's name in health checks.
    package static let serviceName = "souk.payments.v1.PaymentService"
    /// How often a live stream looks for changes committed by other processes.
    static let pollInterval: Duration = .milliseconds(500)

    let store: any PaymentsStore
    let providers: PaymentProviders
    let orders: any Souk_Catalog_V1_OrderService.ClientProtocol
    let settings: PaymentsSettings
    let signal: OutboxSignal
    let logger: Logger

    /// A service on `postgres`, taking payments through `providers` (by name) as `settings` route them.
    package init(
        postgres: PostgresClient,
        logger: Logger,
        wallClock: WallClock,
        orders: any Souk_Catalog_V1_OrderService.ClientProtocol,
        providers: [any PaymentProvider],
        settings: PaymentsSettings
    ) {
        self.init(
            store: PostgresPaymentsStore(client: postgres, logger: logger, wallClock: wallClock),
            orders: orders,
            providers: providers,
            settings: settings,
            logger: logger
        )
    }

    init(
        store: any PaymentsStore,
        orders: any Souk_Catalog_V1_OrderService.ClientProtocol,
        providers: [any PaymentProvider],
        settings: PaymentsSettings,
        logger: Logger
    ) {
        self.store = store
        self.orders = orders
        self.providers = PaymentProviders(
            byName: Dictionary(providers.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first }),
            providerByCurrency: settings.providerByCurrency,
            defaultProvider: settings.defaultProvider
        )
        self.settings = settings
        self.signal = OutboxSignal()
        self.logger = logger
    }

    var now: Date { self.store.wallClock.now }

    // MARK: Customers

    package func createPayment(
        request: Souk_Payments_V1_CreatePaymentRequest,
        context: ServerContext
    ) async throws -> Souk_Payments_V1_CreatePaymentResponse {
        let (customer, caller) = try Self.signedIn()
        guard (1...128).contains(request.idempotencyKey.count) else {
            throw PaymentsError.invalidArgument("idempotency_key: required, 1 to 128 characters")
        }
        let returnURL = try Self.returnURL(request.returnURL, default: self.settings.defaultReturnURL)
        guard request.paymentMethod.count <= 100 else {
            throw PaymentsError.invalidArgument("payment_method: at most 100 characters")
        }
        let paymentMethod = request.paymentMethod.isEmpty ? nil : request.paymentMethod
        let order = try await self.order(request.orderID, for: caller)
        if let existing = try await self.store.payment(customer: customer, key: request.idempotencyKey) {
            guard existing.order.uuidString.lowercased() == order.id else {
                throw PaymentsError.failedPrecondition(
                    "idempotency_key: already used for a payment of another order (\(existing.order.uuidString.lowercased()))"
                )
            }
            return try await self.resume(existing, returnURL: returnURL, paymentMethod: paymentMethod)
        }
        guard order.customerAccountID == customer.uuidString.lowercased() else {
            throw PaymentsError(
                .permissionDenied,
                "order_id: order \(order.number) is another customer's; customers pay their own orders"
            )
        }
        guard order.status == .pendingPayment else {
            throw PaymentsError.failedPrecondition(
                "order_id: order \(order.number) is \(Self.words(order.status)), not pending_payment; only an unpaid order is paid"
            )
        }
        guard let currency = Currency.supported[order.total.currency], order.total.minorUnits > 0,
            order.total.currency == order.currency
        else {
            throw PaymentsError.failedPrecondition("order_id: order \(order.number) has no payable total")
        }
        let provider = try self.providers.provider(for: currency)
        try await self.settleEarlierAttempts(order: order)
        let record = PaymentRecord(
            id: UUID(),
            order: try Self.uuid(order.id, field: "order_id"),
            customer: customer,
            idempotencyKey: request.idempotencyKey,
            currency: currency,
            state: PaymentState(amount: order.total.minorUnits),
            provider: provider.name,
            providerReference: nil,
            manualCapture: self.settings.manualCapture,
            failureReason: "",
            confirmationURL: "",
            orderStatusSynced: "",
            history: [
                .init(
                    from: nil,
                    to: .created,
                    actor: customer.uuidString.lowercased(),
                    at: self.now,
                    providerEventID: "",
                    note: "order \(order.number)"
                )
            ],
            refunds: [],
            createdAt: self.now,
            updatedAt: self.now
        )
        do {
            try await self.store.insert(record, event: Self.payload)
        } catch let error where SQLState(of: error) == .uniqueViolation {
            // The same key raced in from a retry: carry on with the payment that won.
            guard let existing = try await self.store.payment(customer: customer, key: request.idempotencyKey) else {
                throw error
            }
            return try await self.resume(existing, returnURL: returnURL, paymentMethod: paymentMethod)
        }
        self.signal.pulse()
        return try await self.resume(record, returnURL: returnURL, paymentMethod: paymentMethod)
    }

    package func getPayment(
        request: Souk_Payments_V1_GetPaymentRequest,
        context: ServerContext
    ) async throws -> Souk_Payments_V1_Payment {
        try await self.visiblePayment(request.paymentID).message
    }

    package func listPayments(
        request: Souk_Payments_V1_ListPaymentsRequest,
        context: ServerContext
    ) async throws -> Souk_Payments_V1_ListPaymentsResponse {
        let (customer, caller) = try Self.signedIn()
        let staff = caller.has(.managePayments)
        var order: UUID?
        if !request.orderID.isEmpty {
            let found = try await self.order(request.orderID, for: caller)
            guard staff || found.customerAccountID == customer.uuidString.lowercased() else {
                throw PaymentsError.notFound("order_id: no order \(request.orderID.prefix(40))")
            }
            order = try Self.uuid(found.id, field: "order_id")
        } else if !staff {
            throw PaymentsError.invalidArgument("order_id: required; name one of your orders")
        }
        var statuses: [PaymentStatus] = []
        for (index, status) in request.statuses.enumerated() {
            guard let status = PaymentStatus(status) else {
                throw PaymentsError.invalidArgument("statuses[\(index)]: not a status")
            }
            statuses.append(status)
        }
        let size = request.pageSize == 0 ? 20 : Int(request.pageSize)
        guard (1...100).contains(size) else { throw PaymentsError.invalidArgument("page_size: 1…100 (0 means 20)") }
        var before: Int64?
        if !request.pageToken.isEmpty {
            guard let number = Int64(request.pageToken), number > 0 else {
                throw PaymentsError.invalidArgument("page_token: not a token from a previous page")
            }
            before = number
        }
        let found = try await self.store.payments(order: order, statuses: statuses, before: before, limit: size + 1)
        var response = Souk_Payments_V1_ListPaymentsResponse()
        response.payments = found.prefix(size).map(\.payment.message)
        if found.count > size, let last = found.prefix(size).last { response.nextPageToken = String(last.number) }
        return response
    }

    package func syncPayment(
        request: Souk_Payments_V1_SyncPaymentRequest,
        context: ServerContext
    ) async throws -> Souk_Payments_V1_Payment {
        let payment = try await self.visiblePayment(request.paymentID)
        return try await self.refresh(payment, actor: "provider:\(payment.provider)", note: "re-read").message
    }

    // MARK: Helpers shared by the service's parts

    /// The signed-in caller and their account id.
    static func signedIn() throws -> (UUID, Caller) {
        guard let caller = Caller.current, let id = UUID(uuidString: caller.accountID) else {
            throw PaymentsError(.unauthenticated, "payments belong to a signed-in person")
        }
        return (id, caller)
    }

    /// The payment `text` names that the caller may see: their own, or any for staff. Someone else's payment does
    /// not exist for a customer.
    func visiblePayment(_ text: String) async throws -> PaymentRecord {
        let (customer, caller) = try Self.signedIn()
        let staff = caller.has(.managePayments)
        let id = try await self.paymentID(text, owner: staff ? nil : customer)
        guard let payment = try await self.store.payment(id), staff || payment.customer == customer else {
            throw PaymentsError.notFound("payment_id: no payment \(text.prefix(40))")
        }
        return payment
    }

    /// The id of the one payment `text` names: a whole id or the start of one (``IDPrefix``).
    func paymentID(_ text: String, owner: UUID?) async throws -> UUID {
        if let id = UUID(uuidString: text.trimmingCharacters(in: .whitespaces)) { return id }
        guard let prefix = IDPrefix.parse(text) else {
            throw PaymentsError.invalidArgument(
                text.isEmpty
                    ? "payment_id: required" : "payment_id: not an id or the start of one (at least 6 characters)"
            )
        }
        let ids = try await self.store.paymentIDs(prefix: prefix, owner: owner)
        guard let id = ids.first else { throw PaymentsError.notFound("payment_id: no payment \(text.prefix(40))") }
        guard ids.count == 1 else {
            throw PaymentsError.invalidArgument(
                "payment_id: '\(text.prefix(40))' starts more than one payment's id; give more of it"
            )
        }
        return id
    }

    /// The order `reference` names, read as `caller` (a customer sees only their own).
    func order(_ reference: String, for caller: Caller) async throws -> Souk_Catalog_V1_Order {
        guard !reference.isEmpty else { throw PaymentsError.invalidArgument("order_id: required") }
        var request = Souk_Catalog_V1_GetOrderRequest()
        request.orderID = reference
        do {
            return try await self.orders.getOrder(request, metadata: caller.onBehalfMetadata)
        } catch let error as RPCError where [.notFound, .invalidArgument].contains(error.code) {
            throw PaymentsError(error.code, error.message)
        }
    }

    static func uuid(_ text: String, field: String) throws -> UUID {
        guard let id = UUID(uuidString: text) else { throw PaymentsError.invalidArgument("\(field): not an id") }
        return id
    }

    /// A return URL: http or https, at most 2000 characters; the configured one when empty.
    static func returnURL(_ text: String, default fallback: String) throws -> String {
        guard !text.isEmpty else { return fallback }
        guard text.count <= 2000, let url = URL(string: text), ["http", "https"].contains(url.scheme?.lowercased()),
            url.host?.isEmpty == false
        else {
            throw PaymentsError.invalidArgument("return_url: an http or https address, at most 2000 characters")
        }
        return text
    }

    static func payload(_ payment: PaymentRecord) throws -> [UInt8] {
        try payment.message.serializedBytes()
    }

    static func words(_ status: Souk_Catalog_V1_OrderStatus) -> String {
        switch status {
        case .pendingPayment: "pending_payment"
        case .paid: "paid"
        case .packed: "packed"
        case .shipped: "shipped"
        case .delivered: "delivered"
        case .cancelled: "cancelled"
        case .refunded: "refunded"
        case .unspecified, .UNRECOGNIZED: "in no known status"
        }
    }
}
