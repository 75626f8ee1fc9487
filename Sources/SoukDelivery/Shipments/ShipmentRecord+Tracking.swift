import Foundation
import SoukCouriers

extension ShipmentRecord {
    /// What applying a courier's report did.
    struct TrackingOutcome: Sendable {
        /// The statuses the shipment moved to, in order.
        var applied: [ShipmentStatus] = []
        /// Reports of the status the shipment was already in when they came: nothing changed.
        var duplicates = 0
        /// Reports the status machine does not allow (a step back, or after a final status): not applied.
        var ignored: [(code: String, status: ShipmentStatus)] = []
        /// Whether the courier's tracking number was new.
        var trackingNumberSet = false

        /// Whether the shipment changed and must be stored.
        var changed: Bool { !self.applied.isEmpty || self.trackingNumberSet }
    }

    /// Applies every report of `report`'s history the shipment has not recorded yet, oldest first: a status the
    /// shipment is in already is a duplicate; one the machine does not allow (going backwards, or after a final
    /// status) is ignored; any other moves the shipment, at the courier's time, from `courier:<name>`. `now` stamps
    /// a change of the tracking number alone.
    ///
    /// A report already recorded is skipped; a refused one no later than the last change this courier made was
    /// weighed on an earlier read and is not reported as ignored again.
    mutating func apply(_ report: CourierTrackingReport, courier: String, now: Date) -> TrackingOutcome {
        var outcome = TrackingOutcome()
        if let number = report.trackingNumber, !number.isEmpty, number != self.trackingNumber {
            self.trackingNumber = number
            self.updatedAt = max(self.updatedAt, now)
            outcome.trackingNumberSet = true
        }
        let source = "courier:\(courier)"
        // Couriers answer the whole history on every read, often with times to the second: a report already in the
        // history is skipped, and one no later than the last change this courier made was weighed on an earlier
        // read, so it is not ignored (and logged) again.
        let seenUntil = self.history.last { $0.source == source }?.at
        for tracking in report.history {
            guard let courierStatus = tracking.status else { continue }
            let status = ShipmentStatus(courierStatus)
            let recorded = self.history.contains {
                $0.source == source && $0.courierStatus == tracking.code && $0.at == tracking.at
            }
            if recorded { continue }
            if status == self.status {
                outcome.duplicates += 1
                continue
            }
            guard self.status.canMove(to: status) else {
                if let seenUntil, tracking.at <= seenUntil { continue }
                outcome.ignored.append((tracking.code, status))
                continue
            }
            // Checked just above: the move is allowed.
            try? self.move(
                to: status,
                source: source,
                at: tracking.at,
                courierStatus: tracking.code,
                note: [tracking.message, tracking.city].compactMap { $0 }.joined(separator: ", ")
            )
            outcome.applied.append(status)
        }
        return outcome
    }
}

extension ShipmentStatus {
    /// Souk's shipment status for a courier's.
    init(_ status: CourierStatus) {
        switch status {
        case .created: self = .created
        case .handedOver: self = .handedOver
        case .inTransit: self = .inTransit
        case .outForDelivery: self = .outForDelivery
        case .delivered: self = .delivered
        case .failedAttempt: self = .failedAttempt
        case .returned: self = .returned
        }
    }
}
