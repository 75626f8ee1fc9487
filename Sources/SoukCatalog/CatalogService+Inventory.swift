import Foundation
package import GRPCCore
import PostgresNIO
package import SoukAPI
import SoukDomain
import SoukStorage

extension CatalogService {
    package func setStock(
        request: Souk_Catalog_V1_SetStockRequest,
        context: ServerContext
    ) async throws -> Souk_Catalog_V1_StockLevel {
        guard (0...1_000_000_000).contains(request.onHand) else {
            throw CatalogError.invalidArgument("on_hand: 0 to 10^9")
        }
        let level = try await self.store.setStock(
            sku: request.sku,
            warehouse: request.warehouse,
            onHand: Int(request.onHand)
        )
        return Self.level(
            sku: request.sku,
            warehouse: request.warehouse,
            onHand: level.onHand,
            reserved: level.reserved
        )
    }

    package func getStock(
        request: Souk_Catalog_V1_GetStockRequest,
        context: ServerContext
    ) async throws -> Souk_Catalog_V1_GetStockResponse {
        guard try await self.store.skuExists(request.sku) else {
            throw CatalogError.notFound("sku: no SKU \(request.sku.prefix(41))")
        }
        var response = Souk_Catalog_V1_GetStockResponse()
        response.levels = try await self.store.stock(sku: request.sku).map {
            Self.level(sku: request.sku, warehouse: $0.warehouse, onHand: $0.onHand, reserved: $0.reserved)
        }
        return response
    }

    package func reserveStock(
        request: Souk_Catalog_V1_ReserveStockRequest,
        context: ServerContext
    ) async throws -> Souk_Catalog_V1_Reservation {
        guard request.quantity > 0, request.quantity <= 10_000 else {
            throw CatalogError.invalidArgument("quantity: 1 to 10000")
        }
        let hold = request.holdSeconds == 0 ? 900 : Int(request.holdSeconds)
        guard (1...86_400).contains(hold) else {
            throw CatalogError.invalidArgument("hold_seconds: 1 to 86400 (0 means 900)")
        }
        guard request.idempotencyKey.count <= 128 else {
            throw CatalogError.invalidArgument("idempotency_key: at most 128 characters")
        }
        let key = request.idempotencyKey.isEmpty ? nil : request.idempotencyKey
        if let key, let existing = try await self.store.reservation(key: key) {
            guard existing.sku == request.sku, existing.quantity == Int(request.quantity) else {
                throw CatalogError.failedPrecondition("idempotency_key: already used for another reservation")
            }
            return Self.message(existing)
        }
        guard try await self.store.skuExists(request.sku) else {
            throw CatalogError.notFound("sku: no SKU \(request.sku.prefix(41))")
        }
        let expires = self.store.wallClock.now.addingTimeInterval(TimeInterval(hold))
        do {
            guard
                let reservation = try await self.store.reserve(
                    sku: request.sku,
                    quantity: Int(request.quantity),
                    key: key,
                    expiresAt: expires
                )
            else {
                throw CatalogError.failedPrecondition(
                    "quantity: not enough \(request.sku) in stock in any one warehouse"
                )
            }
            return Self.message(reservation)
        } catch let error where SQLState(of: error) == .uniqueViolation {
            // The same key raced in from a retry: answer with the reservation that won.
            guard let key, let existing = try await self.store.reservation(key: key) else { throw error }
            return Self.message(existing)
        }
    }

    package func consumeReservation(
        request: Souk_Catalog_V1_ReservationRequest,
        context: ServerContext
    ) async throws -> Souk_Catalog_V1_Reservation {
        try await self.finish(request, consume: true)
    }

    package func releaseReservation(
        request: Souk_Catalog_V1_ReservationRequest,
        context: ServerContext
    ) async throws -> Souk_Catalog_V1_Reservation {
        try await self.finish(request, consume: false)
    }

    private func finish(
        _ request: Souk_Catalog_V1_ReservationRequest,
        consume: Bool
    ) async throws -> Souk_Catalog_V1_Reservation {
        let id = try Self.id(request.reservationID, field: "reservation_id")
        guard let record = try await self.store.finish(id: id, consume: consume) else {
            throw CatalogError.notFound("reservation_id: no reservation \(request.reservationID.prefix(41))")
        }
        let wanted = consume ? "consumed" : "released"
        guard record.state == wanted else {
            let why = record.state == "held" ? "it has expired" : "it was already \(record.state)"
            throw CatalogError.failedPrecondition("reservation_id: cannot be \(wanted): \(why)")
        }
        return Self.message(record)
    }

    static func level(sku: String, warehouse: String, onHand: Int, reserved: Int) -> Souk_Catalog_V1_StockLevel {
        var level = Souk_Catalog_V1_StockLevel()
        level.sku = sku
        level.warehouse = warehouse
        level.onHand = Int32(onHand)
        level.reserved = Int32(reserved)
        level.available = Int32(onHand - reserved)
        return level
    }

    static func message(_ record: ReservationRecord) -> Souk_Catalog_V1_Reservation {
        var message = Souk_Catalog_V1_Reservation()
        message.id = record.id.uuidString.lowercased()
        message.sku = record.sku
        message.warehouse = record.warehouse
        message.quantity = Int32(record.quantity)
        message.expiresAtUnixMs = Int64(record.expiresAt.timeIntervalSince1970 * 1000)
        switch record.state {
        case "consumed": message.state = .consumed
        case "released": message.state = .released
        default: message.state = .held
        }
        return message
    }
}
