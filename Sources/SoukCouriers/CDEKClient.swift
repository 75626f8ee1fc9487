package import AsyncHTTPClient
import Foundation
package import Logging
import NIOHTTP1
import SoukMoney

/// CDEK API v2 over HTTPS (providers.md §4.1): OAuth client credentials, tariffs, orders and their statuses, JSON
/// both ways, errors mapped to ``CourierError``.
///
/// The access token is fetched from `POST /oauth/token` when first needed and kept (in an actor every copy of the
/// client shares) until ``Config/tokenRefreshMargin`` before its `expires_in` runs out on the injected clock; one
/// fetch is in flight at a time. A call CDEK answers 401 fetches a new token once and is sent again.
///
/// Token requests, quotes and reads are repeated after connection errors, timeouts, 429 and 5xx with backoff and
/// jitter on the injected clock. Registering an order is not: CDEK documents no idempotency key, so a repeat
/// could register the order twice; it is repeated only when the connection was refused. After its
/// ``CourierError/Code/timeout`` or ``CourierError/Code/unavailable`` the order may exist: look it up before
/// registering again. The client secret and the tokens never reach a description, a log line or an error.
///
/// ```swift
/// let cdek = CDEKClient(
///     httpClient: .shared,
///     config: .defaults(clientID: account, clientSecret: CourierSecret(password))
/// )
/// let rates = try await cdek.tariffs(from: warehouse, to: buyer, parcels: [parcel])
/// let order = try await cdek.register(
///     tariffCode: 136, from: warehouse, to: buyer, parcels: [parcel], number: shipment.id
/// )
/// let report = try await cdek.order(order.reference)
/// ```
package struct CDEKClient: Sendable, CustomStringConvertible {
    let config: Config
    let http: CourierHTTP
    let tokens = CDEKTokenCache()
    /// Time since the client was made, on the injected clock: when a token expires.
    let elapsed: @Sendable () -> Duration

    /// A client sending through `httpClient` (owned by the caller), on the continuous clock.
    package init(httpClient: HTTPClient, config: Config, logger: Logger = Logger(label: "souk.cdek")) {
        self.init(httpClient: httpClient, config: config, clock: ContinuousClock(), logger: logger)
    }

    /// A client on `clock` for its retry waits and its tokens' lifetimes, so tests drive both without sleeping.
    package init<C: Clock>(
        httpClient: HTTPClient,
        config: Config,
        clock: C,
        logger: Logger = Logger(label: "souk.cdek")
    ) where C.Duration == Duration {
        self.config = config
        self.http = CourierHTTP(
            courier: "CDEK",
            httpClient: httpClient,
            retries: config.retries,
            requestTimeout: config.requestTimeout,
            maxResponseBytes: config.maxResponseBytes,
            logger: logger,
            sleep: { try await clock.sleep(for: $0) }
        )
        let start = clock.now
        self.elapsed = { start.duration(to: clock.now) }
    }

    /// The base URL and the account only: the secret stays out.
    package var description: String { "CDEKClient(\(self.config.baseURL), account \(self.config.clientID))" }

    /// Every tariff the contract offers between two places for `parcels`, priced
    /// (`POST /calculator/tarifflist`).
    ///
    /// - Returns: one rate per tariff: ``CourierRate/code`` is the tariff code, the days are CDEK's business-day
    ///   period.
    /// - Throws: ``CourierError``: ``CourierError/Code/unknownLocation`` for a place CDEK does not know,
    ///   ``CourierError/Code/overweight`` for a package over its limit; or `CancellationError`.
    package func tariffs(
        from: CourierAddress,
        to: CourierAddress,
        parcels: [CourierParcel]
    ) async throws -> [CourierRate] {
        let body = try self.calculator(tariffCode: nil, from: from, to: to, parcels: parcels)
        let list: CDEKTariffList = try await self.call(.POST, "/calculator/tarifflist", body: body, .safe)
        return try (list.tariffCodes ?? []).map { tariff in
            CourierRate(
                code: String(tariff.tariffCode),
                name: tariff.tariffName,
                minorUnits: try Self.minorUnits(
                    tariff.deliverySum,
                    currency: self.config.currency,
                    field: "tariff_codes.delivery_sum"
                ),
                currency: self.config.currency,
                minDays: tariff.periodMin,
                maxDays: tariff.periodMax
            )
        }
    }

    /// One tariff's price between two places for `parcels` (`POST /calculator/tariff`): its total with services.
    ///
    /// - Throws: ``CourierError`` as ``tariffs(from:to:parcels:)``, or `CancellationError`.
    package func tariff(
        _ tariffCode: Int,
        from: CourierAddress,
        to: CourierAddress,
        parcels: [CourierParcel]
    ) async throws -> CourierRate {
        let body = try self.calculator(tariffCode: tariffCode, from: from, to: to, parcels: parcels)
        let quote: CDEKTariffQuote = try await self.call(.POST, "/calculator/tariff", body: body, .safe)
        let currency = try self.currency(named: quote.currency)
        return CourierRate(
            code: String(tariffCode),
            name: String(tariffCode),
            minorUnits: try Self.minorUnits(
                quote.totalSum ?? quote.deliverySum,
                currency: currency,
                field: "total_sum"
            ),
            currency: currency,
            minDays: quote.periodMin,
            maxDays: quote.periodMax
        )
    }

    /// Registers an order with CDEK (`POST /orders`).
    ///
    /// CDEK registers asynchronously: the order exists at once (its uuid is the ``CourierRegistration/reference``),
    /// and its waybill number (``CourierRegistration/trackingNumber``) appears in ``order(_:)`` a little later.
    ///
    /// - Parameters:
    ///   - tariffCode: a tariff of ``tariffs(from:to:parcels:)``.
    ///   - from: the sender: the address, with the shop's contact as its recipient and phone.
    ///   - to: the recipient.
    ///   - parcels: one CDEK package each.
    ///   - number: Souk's own number for the order (the shipment id), at most 40 characters.
    /// - Throws: ``CourierError`` (``CourierError/Code/timeout`` or ``CourierError/Code/unavailable``: the order
    ///   may exist; not repeated unless the connection was refused), or `CancellationError`.
    package func register(
        tariffCode: Int,
        from: CourierAddress,
        to: CourierAddress,
        parcels: [CourierParcel],
        number: String
    ) async throws -> CourierRegistration {
        guard !number.isEmpty, number.count <= 40 else {
            throw CourierError(.invalidRequest, courier: "CDEK", message: "number: 1 to 40 characters", field: "number")
        }
        let order = CDEKOrderRequest(
            type: self.config.contractType,
            number: number,
            tariffCode: tariffCode,
            fromLocation: Self.location(from, withAddress: true),
            toLocation: Self.location(to, withAddress: true),
            sender: CDEKContact(name: from.recipient, phones: [.init(number: from.phone)]),
            recipient: CDEKContact(name: to.recipient, phones: [.init(number: to.phone)]),
            packages: try Self.packages(parcels, numbered: true)
        )
        let reply: CDEKEntityReply<CDEKEntityReference> = try await self.call(
            .POST,
            "/orders",
            body: try Self.json(order),
            .onlyIfNotSent
        )
        guard let uuid = reply.entity?.uuid, !uuid.isEmpty else {
            throw CourierError(.unexpected, courier: "CDEK", message: "CDEK answered an order without entity.uuid")
        }
        return CourierRegistration(reference: uuid, trackingReference: uuid, trackingNumber: nil, labelURL: nil)
    }

    /// Reads an order (`GET /orders/{uuid}`): its waybill number and statuses, as a webhook's handler does.
    ///
    /// - Returns: the statuses oldest first; the current one is the newest CDEK lists (it may name an earlier step
    ///   than one before it).
    /// - Throws: ``CourierError`` (``CourierError/Code/notFound`` for an unknown uuid), or `CancellationError`.
    package func order(_ uuid: String) async throws -> CourierTrackingReport {
        let path = "/orders/\(try Self.pathComponent(uuid))"
        let reply: CDEKEntityReply<CDEKOrder> = try await self.call(.GET, path, body: nil, .safe)
        guard let order = reply.entity else {
            throw CourierError(.unexpected, courier: "CDEK", message: "CDEK answered an order without its entity")
        }
        return try Self.report(order)
    }

    /// An order's statuses as a report: oldest first in the history, the newest CDEK lists as the current one.
    static func report(_ order: CDEKOrder) throws(CourierError) -> CourierTrackingReport {
        let reports = try (order.statuses ?? []).map { status throws(CourierError) in
            guard let at = CDEKJSON.date(status.dateTime) else {
                throw CourierError(
                    .unexpected,
                    courier: "CDEK",
                    message: "CDEK sent a status time Souk cannot read: '\(status.dateTime.prefix(40))'",
                    field: "statuses.date_time"
                )
            }
            return CourierTracking(
                status: CDEKStatus.status(status.code),
                code: status.code,
                at: at,
                city: status.city,
                message: status.name
            )
        }
        return CourierTrackingReport(
            reference: order.uuid,
            trackingNumber: order.cdekNumber,
            current: reports.first,
            history: reports.reversed()
        )
    }

    /// Finds the order Souk registered under `number` (`GET /orders?im_number=`): how a registration whose answer
    /// was lost (a timeout, a dropped connection) is found before it is sent again.
    ///
    /// - Returns: the order as ``order(_:)`` reads it, or nil when CDEK has none under that number.
    /// - Throws: ``CourierError``, or `CancellationError`.
    package func order(number: String) async throws -> CourierTrackingReport? {
        guard !number.isEmpty, number.count <= 40 else {
            throw CourierError(.invalidRequest, courier: "CDEK", message: "number: 1 to 40 characters", field: "number")
        }
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let query = number.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
        let path = "/orders?im_number=\(query)"
        do {
            let reply: CDEKEntityReply<CDEKOrder> = try await self.call(.GET, path, body: nil, .safe)
            guard let order = reply.entity else { return nil }
            return try Self.report(order)
        } catch let error as CourierError where error.code == .notFound {
            return nil
        }
    }

    /// Deletes an order CDEK has not received yet (`DELETE /orders/{uuid}`): it will not go.
    ///
    /// - Throws: ``CourierError`` (``CourierError/Code/notFound`` for an unknown uuid,
    ///   ``CourierError/Code/invalidRequest`` for an order CDEK already has in hand), or `CancellationError`.
    package func deleteOrder(_ uuid: String) async throws {
        let path = "/orders/\(try Self.pathComponent(uuid))"
        let _: CDEKEntityReply<CDEKEntityReference> = try await self.call(.DELETE, path, body: nil, .safe)
    }

    /// Subscribes `url` to CDEK's `ORDER_STATUS` webhooks (`POST /webhooks`).
    ///
    /// - Returns: the subscription's uuid.
    /// - Throws: ``CourierError``, or `CancellationError`.
    package func subscribeOrderStatus(url: String) async throws -> String {
        let body = try Self.json(CDEKWebhookSubscription(type: "ORDER_STATUS", url: url))
        let reply: CDEKEntityReply<CDEKEntityReference> = try await self.call(.POST, "/webhooks", body: body, .safe)
        guard let uuid = reply.entity?.uuid else {
            throw CourierError(.unexpected, courier: "CDEK", message: "CDEK answered a webhook without entity.uuid")
        }
        return uuid
    }
}
