import Foundation
package import GRPCCore
import Logging
package import SoukAPI
import SoukDomain
import SoukMoney
import SoukPaymentProviders
import SwiftProtobuf

extension PaymentService {
    /// Compares Souk's payments of a period with each provider's, repairs what the provider proves (a capture Souk
    /// missed moves the payment, and its order, forward), and keeps the differences as a report.
    package func reconcile(
        request: Souk_Payments_V1_ReconcileRequest,
        context: ServerContext
    ) async throws -> Souk_Payments_V1_ReconciliationReport {
        let (actor, _) = try Self.signedIn()
        guard request.fromUnixMs >= 0, request.beforeUnixMs > request.fromUnixMs else {
            throw PaymentsError.invalidArgument("before_unix_ms: must be after from_unix_ms (Unix milliseconds)")
        }
        guard request.beforeUnixMs - request.fromUnixMs <= 92 * 86_400_000 else {
            throw PaymentsError.invalidArgument("before_unix_ms: a period of at most 92 days")
        }
        let names: [String]
        if request.provider.isEmpty {
            names = self.providers.byName.keys.sorted()
        } else {
            guard self.providers.byName[request.provider] != nil else {
                throw PaymentsError.invalidArgument("provider: \(request.provider.prefix(20)) is not configured here")
            }
            names = [request.provider]
        }
        let from = Date(timeIntervalSince1970: TimeInterval(request.fromUnixMs) / 1000)
        let before = Date(timeIntervalSince1970: TimeInterval(request.beforeUnixMs) / 1000)
        var report = Souk_Payments_V1_ReconciliationReport()
        report.id = UUID().uuidString.lowercased()
        report.fromUnixMs = request.fromUnixMs
        report.beforeUnixMs = request.beforeUnixMs
        report.actorAccountID = actor.uuidString.lowercased()
        report.createdAtUnixMs = PaymentRecord.unixMilliseconds(self.now)
        for name in names {
            let (souk, theirs, differences) = try await self.reconcile(
                provider: try self.providers.named(name),
                from: from,
                before: before
            )
            report.soukCount += Int32(souk)
            report.providerCount += Int32(theirs)
            report.discrepancies += differences
        }
        try await self.store.saveReport(
            id: UUID(uuidString: report.id)!,
            from: from,
            before: before,
            provider: request.provider.isEmpty ? "all" : request.provider,
            soukCount: Int(report.soukCount),
            providerCount: Int(report.providerCount),
            report: try report.serializedBytes(),
            actor: report.actorAccountID
        )
        return report
    }

    private func reconcile(
        provider: any PaymentProvider,
        from: Date,
        before: Date
    ) async throws -> (souk: Int, provider: Int, [Souk_Payments_V1_Discrepancy]) {
        let theirs: [ProviderPayment]
        do {
            theirs = try await provider.payments(createdFrom: from, before: before)
        } catch let error as ProviderError {
            throw PaymentsError.provider(error, doing: "listing payments for reconciliation")
        }
        let ours = try await self.store.payments(provider: provider.name, createdFrom: from, before: before)
        var unmatched = Dictionary(uniqueKeysWithValues: ours.map { ($0.id, $0) })
        var differences: [Souk_Payments_V1_Discrepancy] = []
        for reported in theirs {
            var payment = try await self.store.payment(provider: provider.name, reference: reported.reference)
            if payment == nil, let text = reported.metadata["payment_id"], let id = UUID(uuidString: text) {
                payment = try await self.store.payment(id).flatMap { $0.provider == provider.name ? $0 : nil }
            }
            guard var payment else {
                differences.append(
                    Self.discrepancy(
                        "missing_in_souk",
                        provider.name,
                        reported.reference,
                        nil,
                        "no payment",
                        Self.words(reported)
                    )
                )
                continue
            }
            unmatched[payment.id] = nil
            if reported.currency != payment.currency.code {
                differences.append(
                    Self.discrepancy(
                        "currency_mismatch",
                        provider.name,
                        reported.reference,
                        payment,
                        Self.words(payment),
                        Self.words(reported)
                    )
                )
                continue
            }
            if reported.amount != payment.state.amount {
                differences.append(
                    Self.discrepancy(
                        "amount_mismatch",
                        provider.name,
                        reported.reference,
                        payment,
                        Self.words(payment),
                        Self.words(reported)
                    )
                )
            }
            guard !Self.agrees(payment.status, with: reported) else { continue }
            let before = Self.words(payment)
            payment = try await self.record(
                reported,
                on: payment.id,
                actor: "reconciliation",
                note: "reconciled with \(provider.name)"
            )
            var difference = Self.discrepancy(
                "status_mismatch",
                provider.name,
                reported.reference,
                payment,
                before,
                Self.words(reported)
            )
            if Self.agrees(payment.status, with: reported) { difference.souk += "; repaired: now \(payment.status)" }
            differences.append(difference)
        }
        for payment in unmatched.values.sorted(by: { $0.createdAt < $1.createdAt }) {
            differences.append(
                Self.discrepancy(
                    "missing_at_provider",
                    provider.name,
                    payment.providerReference ?? "",
                    payment,
                    Self.words(payment),
                    "no payment"
                )
            )
        }
        return (ours.count, theirs.count, differences)
    }

    /// Whether Souk's status is one the provider's report allows (refunds are not part of a payment's status at
    /// every provider, so a captured payment agrees with a refunded one).
    static func agrees(_ status: PaymentStatus, with reported: ProviderPayment) -> Bool {
        guard let last = reported.facts.last else { return status == .created }
        switch last {
        case .actionRequired: return status == .requiresAction
        case .authorized: return status == .authorized
        case .captured, .refunded: return status.hasCaptured
        case .failed, .cancelled, .expired: return status.endedWithoutCapture
        }
    }

    private static func discrepancy(
        _ kind: String,
        _ provider: String,
        _ reference: String,
        _ payment: PaymentRecord?,
        _ souk: String,
        _ atProvider: String
    ) -> Souk_Payments_V1_Discrepancy {
        var difference = Souk_Payments_V1_Discrepancy()
        difference.kind = kind
        difference.provider = provider
        difference.providerReference = reference
        difference.paymentID = payment?.id.uuidString.lowercased() ?? ""
        difference.souk = souk
        difference.atProvider = atProvider
        return difference
    }

    private static func words(_ payment: PaymentRecord) -> String {
        "\(payment.status) \(Money(minorUnits: payment.state.amount, currency: payment.currency))"
    }

    private static func words(_ reported: ProviderPayment) -> String {
        let amount =
            Currency.supported[reported.currency].map { "\(Money(minorUnits: reported.amount, currency: $0))" }
            ?? "\(reported.amount) \(reported.currency)"
        return "\(reported.providerStatus) \(amount)"
    }
}
