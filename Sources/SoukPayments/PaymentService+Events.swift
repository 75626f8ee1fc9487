import Foundation
package import GRPCCore
import Logging
package import SoukAPI
import SoukDomain
import SoukMoney
import SoukPaymentProviders
import SoukStorage
import SwiftProtobuf

extension PaymentService {
    package func streamEvents(
        request: Souk_Payments_V1_StreamEventsRequest,
        response: RPCWriter<Souk_Payments_V1_PaymentEvent>,
        context: ServerContext
    ) async throws {
        guard request.afterPosition >= 0 else {
            throw PaymentsError.invalidArgument("after_position: 0 or the position of the last event processed")
        }
        try await self.signal.follow(
            after: request.afterPosition,
            endAtBacklog: !request.follow,
            cancellation: context.cancellation,
            pollInterval: Self.pollInterval,
            positionOf: \.position,
            fetch: { try await self.store.events(after: $0, limit: $1) },
            deliver: { event in
                var message = Souk_Payments_V1_PaymentEvent()
                message.position = event.position
                message.type = event.type
                message.aggregateID = event.aggregate.uuidString.lowercased()
                message.occurredAtUnixMs = PaymentRecord.unixMilliseconds(event.occurredAt)
                message.payment = try Souk_Payments_V1_Payment(serializedBytes: event.payload)
                try await response.write(message)
            }
        )
    }
}
