import Foundation
import Logging
import NIOCore
import PostgresNIO
import SoukAPI
import SoukDomain
import SoukMoney
import SoukStorage
import SwiftProtobuf

/// The delivery schema on PostgreSQL: tariff, quotes, shipments, outbox and followed positions.
struct DeliveryStore: Sendable {
    let client: PostgresClient
    let logger: Logger

    /// Delivery's events: shipments created and changed.
    static let outbox = Outbox(schema: "delivery", lock: 0x736f_756b_6465_6c31)  // "soukdel1"

    // MARK: Tariff

    /// The tariff the merchant set, and when; nil before any was set.
    func tariff() async throws -> (tariff: Souk_Delivery_V1_Tariff, updatedAt: Date)? {
        let rows = try await self.client.guardedQuery(
            "SELECT tariff, updated_at FROM delivery.tariff",
            logger: self.logger
        )
        for try await (bytes, at) in rows.decode((ByteBuffer, Date).self) {
            return (try Souk_Delivery_V1_Tariff(serializedBytes: Array(buffer: bytes)), at)
        }
        return nil
    }

    func setTariff(_ tariff: Souk_Delivery_V1_Tariff, actor: String, at: Date) async throws {
        let bytes = ByteBuffer(bytes: try tariff.serializedBytes() as [UInt8])
        try await self.client.guardedQuery(
            """
            INSERT INTO delivery.tariff (id, tariff, actor, updated_at) VALUES (1, \(bytes), \(actor), \(at))
            ON CONFLICT (id) DO UPDATE SET tariff = EXCLUDED.tariff, actor = EXCLUDED.actor,
                updated_at = EXCLUDED.updated_at
            """,
            logger: self.logger
        )
    }

    // MARK: Quotes

    func insert(_ quotes: [QuoteRecord]) async throws {
        guard !quotes.isEmpty else { return }
        try await self.transaction { connection in
            for quote in quotes {
                try await connection.guardedQuery(
                    """
                    INSERT INTO delivery.quotes (id, customer_id, carrier, service_code, service_name, courier_reference,
                        currency, price_minor, min_days, max_days, country, region, city, postal_code, cart,
                        weight_grams, volume_cm3, length_mm, width_mm, height_mm, expires_at, created_at)
                    VALUES (\(quote.id), \(quote.customer), \(quote.carrier), \(quote.serviceCode),
                        \(quote.serviceName), \(quote.courierReference), \(quote.price.currency.code),
                        \(quote.price.minorUnits), \(quote.minDays), \(quote.maxDays), \(quote.destination.country),
                        \(quote.destination.region), \(quote.destination.city), \(quote.destination.postalCode),
                        \(quote.cart), \(quote.parcel.weightGrams), \(quote.parcel.volumeCM3),
                        \(quote.parcel.lengthMM), \(quote.parcel.widthMM), \(quote.parcel.heightMM), \(quote.expiresAt),
                        \(quote.createdAt))
                    """,
                    logger: self.logger
                )
            }
        }
    }

    func quote(_ id: UUID) async throws -> QuoteRecord? {
        let rows = try await self.client.guardedQuery(
            """
            SELECT id, customer_id, carrier, service_code, service_name, courier_reference, currency, price_minor,
                min_days, max_days, country, region, city, postal_code, cart, weight_grams, volume_cm3, expires_at,
                created_at, length_mm, width_mm, height_mm
            FROM delivery.quotes WHERE id = \(id)
            """,
            logger: self.logger
        )
        for try await row in rows {
            let cells = row.makeRandomAccess()
            let currency = try Currency.named(try cells[6].decode(String.self))
            return QuoteRecord(
                id: try cells[0].decode(UUID.self),
                customer: try cells[1].decode(UUID.self),
                carrier: try cells[2].decode(String.self),
                serviceCode: try cells[3].decode(String.self),
                serviceName: try cells[4].decode(String.self),
                courierReference: try cells[5].decode(String.self),
                price: Money(minorUnits: try cells[7].decode(Int64.self), currency: currency),
                minDays: try cells[8].decode(Int.self),
                maxDays: try cells[9].decode(Int.self),
                destination: Destination(
                    country: try cells[10].decode(String.self),
                    region: try cells[11].decode(String.self),
                    city: try cells[12].decode(String.self),
                    postalCode: try cells[13].decode(String.self)
                ),
                cart: try cells[14].decode(String.self),
                parcel: Parcel(
                    weightGrams: try cells[15].decode(Int.self),
                    volumeCM3: try cells[16].decode(Int64.self),
                    lengthMM: try cells[19].decode(Int.self),
                    widthMM: try cells[20].decode(Int.self),
                    heightMM: try cells[21].decode(Int.self)
                ),
                expiresAt: try cells[17].decode(Date.self),
                createdAt: try cells[18].decode(Date.self)
            )
        }
        return nil
    }

    // MARK: Followed streams

    func position(of stream: String) async throws -> Int64 {
        let rows = try await self.client.guardedQuery(
            "SELECT position FROM delivery.followed_streams WHERE stream = \(stream)",
            logger: self.logger
        )
        for try await position in rows.decode(Int64.self) { return position }
        return 0
    }

    func setPosition(_ position: Int64, of stream: String) async throws {
        try await self.client.withConnection { connection in
            try await Self.setPosition(position, of: stream, on: connection, logger: self.logger)
        }
    }

    static func setPosition(
        _ position: Int64,
        of stream: String,
        on connection: PostgresConnection,
        logger: Logger
    )
        async throws
    {
        try await connection.guardedQuery(
            """
            INSERT INTO delivery.followed_streams (stream, position) VALUES (\(stream), \(position))
            ON CONFLICT (stream) DO UPDATE SET position = greatest(delivery.followed_streams.position, EXCLUDED.position)
            """,
            logger: logger
        )
    }

    // MARK: Outbox

    func events(after position: Int64, limit: Int) async throws -> [OutboxEvent] {
        try await Self.outbox.events(after: position, limit: limit, client: self.client, logger: self.logger)
    }

    func lastEventPosition() async throws -> Int64 {
        try await Self.outbox.lastPosition(client: self.client, logger: self.logger)
    }

    static func appendEvent(
        type: String,
        shipment: ShipmentRecord,
        on connection: PostgresConnection,
        logger: Logger
    ) async throws {
        try await Self.outbox.append(
            type: type,
            aggregate: shipment.id,
            occurredAt: shipment.updatedAt,
            payload: try shipment.message.serializedBytes(),
            on: connection,
            logger: logger
        )
    }

    func transaction<Result: Sendable>(_ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        try await self.client.withGuardedTransaction(logger: self.logger) { connection in
            try await body(connection)
        }
    }
}
