package import AsyncHTTPClient
import Foundation
package import Logging
import NIOCore
import NIOHTTP1
import SoukMoney

/// EasyPost's shipments and trackers over HTTPS (providers.md §4.2): rates, label purchase and tracking, JSON
/// both ways, errors mapped to ``CourierError``.
///
/// Parcels go in ounces and inches, converted from grams and millimetres rounding up to the tenth
/// (``CourierUnits``); rates come back as decimal strings, converted to minor units exactly (``CourierMoney``).
/// Creating a shipment (the quote) and reading a tracker are repeated after connection errors, timeouts, 429 and
/// 5xx with backoff and jitter on the injected clock; buying a label is not, since EasyPost documents no
/// idempotency key and a repeat could buy two labels: it is repeated only when the connection was refused. The
/// API key goes only into the `Authorization` header.
///
/// ```swift
/// let easypost = EasyPostClient(httpClient: .shared, config: .defaults(apiKey: CourierSecret(key)))
/// let quote = try await easypost.quote(from: warehouse, to: buyer, parcel: parcel)
/// let label = try await easypost.buy(shipmentID: quote.shipmentID, rateID: quote.rates[0].code)
/// let report = try await easypost.tracker(label.trackingReference)
/// ```
package struct EasyPostClient: Sendable, CustomStringConvertible {
    let config: Config
    let http: CourierHTTP

    /// A client sending through `httpClient` (owned by the caller), on the continuous clock.
    package init(httpClient: HTTPClient, config: Config, logger: Logger = Logger(label: "souk.easypost")) {
        self.init(httpClient: httpClient, config: config, clock: ContinuousClock(), logger: logger)
    }

    /// A client waiting between retries on `clock`, so tests drive the backoff without sleeping.
    package init<C: Clock>(
        httpClient: HTTPClient,
        config: Config,
        clock: C,
        logger: Logger = Logger(label: "souk.easypost")
    ) where C.Duration == Duration {
        self.config = config
        self.http = CourierHTTP(
            courier: "EasyPost",
            httpClient: httpClient,
            retries: config.retries,
            requestTimeout: config.requestTimeout,
            maxResponseBytes: config.maxResponseBytes,
            logger: logger,
            sleep: { try await clock.sleep(for: $0) }
        )
    }

    /// The base URL only: the key stays out.
    package var description: String { "EasyPostClient(\(self.config.baseURL))" }

    /// Creates a shipment and answers its rates (`POST /shipments`).
    ///
    /// - Returns: the shipment's id, to buy one of its rates with, and the rates: ``CourierRate/code`` is the rate
    ///   id, the name `carrier service`, the days `delivery_days` to `est_delivery_days`.
    /// - Throws: ``CourierError``: ``CourierError/Code/unknownLocation`` for an address EasyPost cannot use,
    ///   ``CourierError/Code/overweight`` for a parcel over its limit; or `CancellationError`.
    package func quote(
        from: CourierAddress,
        to: CourierAddress,
        parcel: CourierParcel
    ) async throws -> EasyPostQuote {
        if let field = parcel.invalidField(index: 0) {
            let name = "parcel." + field.split(separator: ".").last.map(String.init)!
            throw CourierError(.invalidRequest, courier: "EasyPost", message: "\(name): must be positive", field: name)
        }
        let body = EasyPostShipmentRequest(
            fromAddress: Self.address(from),
            toAddress: Self.address(to),
            parcel: EasyPostParcel(
                length: CourierUnits.decimal(tenths: CourierUnits.tenthsOfInch(millimetres: parcel.lengthMM)),
                width: CourierUnits.decimal(tenths: CourierUnits.tenthsOfInch(millimetres: parcel.widthMM)),
                height: CourierUnits.decimal(tenths: CourierUnits.tenthsOfInch(millimetres: parcel.heightMM)),
                weight: CourierUnits.decimal(tenths: CourierUnits.tenthsOfOunce(grams: parcel.weightGrams))
            )
        )
        let shipment: EasyPostShipment = try await self.call(.POST, "/shipments", body: try Self.json(body), .safe)
        return EasyPostQuote(shipmentID: shipment.id, rates: try (shipment.rates ?? []).map(Self.rate))
    }

    /// Buys the label of one of a shipment's rates (`POST /shipments/{id}/buy`).
    ///
    /// - Returns: the shipment id as ``CourierRegistration/reference``, the tracker id as
    ///   ``CourierRegistration/trackingReference``, the tracking code and the label's URL.
    /// - Throws: ``CourierError`` (``CourierError/Code/timeout`` or ``CourierError/Code/unavailable``: the label
    ///   may be bought; not repeated unless the connection was refused), or `CancellationError`.
    package func buy(shipmentID: String, rateID: String) async throws -> CourierRegistration {
        let path = "/shipments/\(try Self.pathComponent(shipmentID, field: "shipment_id"))/buy"
        let body = try Self.json(EasyPostBuyRequest(rateID: try Self.pathComponent(rateID, field: "rate.id")))
        let shipment: EasyPostShipment = try await self.call(.POST, path, body: body, .onlyIfNotSent)
        guard let tracker = shipment.tracker, let trackingCode = shipment.trackingCode else {
            throw CourierError(
                .unexpected,
                courier: "EasyPost",
                message: "EasyPost answered a bought shipment without tracking_code or tracker"
            )
        }
        return CourierRegistration(
            reference: shipment.id,
            trackingReference: tracker.id,
            trackingNumber: trackingCode,
            labelURL: shipment.postageLabel?.labelUrl
        )
    }

    /// Reads a shipment (`GET /shipments/{id}`): how a purchase whose answer was lost is found before it is sent
    /// again.
    ///
    /// - Returns: the registration, as ``buy(shipmentID:rateID:)`` answers it, when a label was bought; nil when
    ///   none was.
    /// - Throws: ``CourierError`` (``CourierError/Code/notFound`` for an unknown id), or `CancellationError`.
    package func shipment(_ id: String) async throws -> CourierRegistration? {
        let path = "/shipments/\(try Self.pathComponent(id, field: "id"))"
        let shipment: EasyPostShipment = try await self.call(.GET, path, body: nil, .safe)
        guard let tracker = shipment.tracker, let trackingCode = shipment.trackingCode else { return nil }
        return CourierRegistration(
            reference: shipment.id,
            trackingReference: tracker.id,
            trackingNumber: trackingCode,
            labelURL: shipment.postageLabel?.labelUrl
        )
    }

    /// Asks for a bought label's refund (`POST /shipments/{id}/refund`): the label will not be used.
    ///
    /// - Returns: the refund's status, `submitted` at first.
    /// - Throws: ``CourierError`` (``CourierError/Code/invalidRequest`` for a label that cannot be refunded, e.g.
    ///   one already scanned by the carrier), or `CancellationError`.
    package func refund(shipmentID: String) async throws -> String {
        let path = "/shipments/\(try Self.pathComponent(shipmentID, field: "shipment_id"))/refund"
        let shipment: EasyPostShipment = try await self.call(.POST, path, body: Array("{}".utf8), .safe)
        return shipment.refundStatus ?? "submitted"
    }

    /// Reads a tracker (`GET /trackers/{id}`): its status and tracking details.
    ///
    /// - Returns: the details oldest first; the current report is the tracker's `status` with the time and place
    ///   of its latest detail.
    /// - Throws: ``CourierError`` (``CourierError/Code/notFound`` for an unknown id), or `CancellationError`.
    package func tracker(_ id: String) async throws -> CourierTrackingReport {
        let path = "/trackers/\(try Self.pathComponent(id, field: "id"))"
        let tracker: EasyPostTracker = try await self.call(.GET, path, body: nil, .safe)
        return try Self.report(tracker)
    }
}
