import Foundation
import GRPCCore
import Logging
import SoukAPI
import SoukDomain
import SoukPaymentProviders

extension PaymentService {
    /// Expires unfinished attempts every ``PaymentsSettings/sweepInterval`` until cancelled.
    func expireOverdueForever() async throws {
        while !Task.isCancelled {
            do {
                try await self.expireOverdue()
            } catch is CancellationError {
                return
            } catch {
                self.logger.warning(
                    "expiring unfinished payments failed; tried again later",
                    metadata: ["error": "\(error)"]
                )
            }
            try await Task.sleep(for: self.settings.sweepInterval)
        }
    }

    /// Ends every attempt not finished within ``PaymentsSettings/attemptLifetime`` (the order's stock hold):
    /// cancelled at the provider first (a capture that won the race is recorded, and the money goes back as the
    /// order can no longer take it), then expired, and its order cancelled so the hold is released. Attempts of a
    /// provider this host has no keys for are left to a host that has them.
    func expireOverdue() async throws {
        let lifetime = TimeInterval(self.settings.attemptLifetime.components.seconds)
        let overdue = try await self.store.unfinishedPayments(
            createdBefore: self.now.addingTimeInterval(-lifetime),
            limit: 100
        )
        for payment in overdue where self.providers.byName[payment.provider] != nil {
            try await self.expire(payment)
        }
    }

    private func expire(_ payment: PaymentRecord) async throws {
        let note = "not finished before the order's stock hold ran out"
        var expired = payment
        if payment.status != .expired {
            var reported: ProviderPayment?
            if let reference = payment.providerReference {
                do {
                    reported = try await self.providers.named(payment.provider).cancel(
                        reference: reference,
                        reason: "abandoned",
                        idempotencyKey: "souk-expire-\(payment.id.uuidString.lowercased())"
                    )
                } catch let error as ProviderError where error.code == .unavailable {
                    return  // the provider is down: next sweep
                } catch is ProviderError {
                    // It cannot be cancelled: it finished meanwhile. Record what it is.
                    reported = try? await self.providers.named(payment.provider).retrieve(reference: reference)
                }
            }
            if let reported, reported.facts.contains(where: { if case .captured = $0 { true } else { false } }) {
                _ = try await self.record(reported, on: payment.id, actor: "provider:\(payment.provider)", note: note)
                return
            }
            expired = try await self.store.update(payment.id, providerEvent: nil, event: Self.payload) { record in
                try record.apply([.expired], actor: "payments", at: self.now, note: note)
            }.payment
            self.signal.pulse()
            guard expired.status == .expired else { return }
        }
        // The order's hold is released by cancelling it; until that is confirmed the next sweep tries again.
        var request = Souk_Catalog_V1_UpdateOrderStatusRequest()
        request.orderID = payment.order.uuidString.lowercased()
        request.status = .cancelled
        request.note = "payment \(Self.short(payment)) expired: \(note)"
        do {
            _ = try await self.orders.updateOrderStatus(request)
        } catch let error as RPCError where error.code == .failedPrecondition {
            // Paid by another attempt, or cancelled already.
        }
        _ = try await self.store.update(payment.id, providerEvent: nil, event: Self.payload) { record in
            record.orderStatusSynced = "cancelled"
        }
    }
}
