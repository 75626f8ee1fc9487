import Foundation
import GRPCCore
import Logging
import SoukAPI
import SoukCouriers
import SoukDomain

extension DeliveryService {
    // MARK: Registration

    /// Books `shipment` with its courier, once: the order's full address is read from the order service (as the
    /// host's service account), the sender from the shipment's warehouse, the service and parcel from the quote.
    /// Stores the courier's tracking reference, tracking number and label, or the reason it failed; the poller
    /// tries a failed booking again after a delay that doubles each time (``DeliveryStore/deferRegistration``), and
    /// the courier finds what an interrupted attempt made before making it again. Never throws: a courier outage
    /// must not stop the orders' follower. The address never reaches the log.
    func register(_ shipment: ShipmentRecord) async {
        guard shipment.carrier != Self.ownCarrier, shipment.courierReference.isEmpty, !shipment.status.isFinal else {
            return
        }
        _ = await self.registering.ifIdle(shipment.id) {
            // Read again under the guard: the copy the poller listed may predate a registration that just ended,
            // or a failure that just put the next attempt off.
            guard let current = try? await self.store.shipment(shipment.id), current.courierReference.isEmpty,
                !current.status.isFinal,
                (try? await self.store.registrationIsDue(of: shipment.id, now: self.wallClock.now)) == true
            else { return }
            let outcome: Result<CourierRegistration, DeliveryError>
            do {
                outcome = .success(try await self.book(current))
            } catch let error as DeliveryError {
                outcome = .failure(error)
            } catch let error as RPCError {
                outcome = .failure(
                    DeliveryError(.unavailable, "order: not read from the order service (\(error.code)); retried")
                )
            } catch {
                outcome = .failure(
                    DeliveryError(.unavailable, Self.reason(error, timeout: self.settings.requestTimeout))
                )
            }
            do {
                let (stored, changed) = try await self.store.update(shipment.id) { record in
                    // Someone registered it meanwhile (another process): keep theirs. A cancelled one stays so.
                    guard record.courierReference.isEmpty, !record.status.isFinal else { return nil }
                    switch outcome {
                    case .success(let registration):
                        record.courierReference = registration.trackingReference
                        record.trackingNumber = registration.trackingNumber ?? ""
                        record.labelURL = registration.labelURL ?? ""
                        record.registrationError = ""
                        record.updatedAt = self.wallClock.now
                        return "shipment.registered"
                    case .failure(let error):
                        let message = String(error.message.prefix(500))
                        guard record.registrationError != message else { return nil }
                        record.registrationError = message
                        record.updatedAt = self.wallClock.now
                        return "shipment.registration_failed"
                    }
                }
                if changed { self.signal.pulse() }
                if case .success(let registration) = outcome, stored.status.isFinal, stored.courierReference.isEmpty {
                    // The order was refunded while the courier was being called: the refund found no booking to
                    // cancel, and this one must not stand.
                    await self.withdrawLateBooking(registration, of: stored)
                    return
                }
                if case .failure = outcome {
                    _ = try await self.store.deferRegistration(
                        of: shipment.id,
                        now: self.wallClock.now,
                        base: self.settings.pollInterval
                    )
                }
                switch outcome {
                case .success:
                    self.logger.info(
                        "delivery: shipment registered",
                        metadata: ["order": "\(stored.orderNumber)", "carrier": "\(stored.carrier)"]
                    )
                case .failure(let error):
                    self.logger.warning(
                        "delivery: shipment not registered, retried by the poller",
                        metadata: [
                            // The code only: the message may quote the buyer's postcode (it is stored on the shipment).
                            "order": "\(stored.orderNumber)", "carrier": "\(stored.carrier)", "code": "\(error.code)",
                        ]
                    )
                }
            } catch {
                self.logger.warning("delivery: storing a registration failed: \(type(of: error))")
            }
        }
    }

    /// Cancels with the courier a booking that came back after its shipment was cancelled (its order refunded
    /// while the booking was under way, so the refund had no booking to cancel). When the courier cannot cancel
    /// it, the shipment keeps the booking's tracking reference and a registration error that says so, for staff to
    /// cancel it there; the log names the order and the carrier, never the address.
    func withdrawLateBooking(_ registration: CourierRegistration, of shipment: ShipmentRecord) async {
        guard let courier = self.courier(named: shipment.carrier) else { return }
        let metadata: Logger.Metadata = ["order": "\(shipment.orderNumber)", "carrier": "\(shipment.carrier)"]
        let failure: String
        do {
            try await courier.cancel(
                trackingReference: registration.trackingReference,
                draft: try await self.store.registrationDraft(of: shipment.id)
            )
            self.logger.notice("delivery: a booking made as its order was refunded was cancelled", metadata: metadata)
            return
        } catch let error as CourierError where error.code == .notFound {
            return
        } catch {
            failure =
                "a \(shipment.carrier) booking (\(registration.trackingReference)) was made as the order was refunded "
                + "and could not be cancelled (\(Self.code(of: error))): cancel it with the courier"
        }
        self.logger.warning(
            "delivery: a booking made as its order was refunded was not cancelled; cancel it with the courier",
            metadata: metadata
        )
        let now = self.wallClock.now
        let recorded = try? await self.store.update(shipment.id) { record in
            guard record.courierReference.isEmpty else { return nil }
            record.courierReference = registration.trackingReference
            record.trackingNumber = registration.trackingNumber ?? ""
            record.registrationError = failure
            record.updatedAt = now
            return "shipment.registration_failed"
        }
        if recorded?.changed == true { self.signal.pulse() }
    }

    /// Calls the courier for `shipment`, from the draft an earlier attempt saved.
    private func book(_ shipment: ShipmentRecord) async throws -> CourierRegistration {
        guard let courier = self.courier(named: shipment.carrier) else {
            throw DeliveryError.failedPrecondition("carrier: \(shipment.carrier) is not configured on this host")
        }
        guard let quoteID = shipment.quote, let quote = try await self.store.quote(quoteID),
            !quote.courierReference.isEmpty
        else {
            throw DeliveryError.failedPrecondition("quote: the shipment's courier quote is gone; book it by hand")
        }
        var request = Souk_Catalog_V1_GetOrderRequest()
        request.orderID = shipment.order.uuidString.lowercased()
        // Signed as the host's service account (orders.manage): the full address is sealed in the order.
        let order = try await self.orders.getOrder(request, options: Self.backgroundCall)
        let booking = CourierBooking(
            serviceCode: quote.serviceCode,
            quoteReference: quote.courierReference,
            from: await self.origin(ofWarehouse: shipment.originWarehouse),
            to: CourierAddress(order.shipping.address),
            parcel: quote.parcel.withSides,
            number: shipment.id.uuidString.lowercased()
        )
        let store = self.store
        let id = shipment.id
        return try await courier.register(
            booking,
            draft: try await self.store.registrationDraft(of: shipment.id),
            saveDraft: { draft in try await store.saveRegistrationDraft(draft, for: id) }
        )
    }

    /// Where a warehouse's parcels leave from, as the catalog has its address (read as the host's service
    /// account), with its dispatch desk as the sender; ``DeliverySettings/origin`` when the catalog has no street,
    /// city and postcode for it or cannot be read.
    func origin(ofWarehouse code: String) async -> CourierAddress {
        guard let warehouse = await self.warehouse(code) else { return self.settings.origin }
        let address = warehouse.address
        guard !address.country.isEmpty, !address.city.isEmpty, !address.postalCode.isEmpty, !address.line1.isEmpty
        else { return self.settings.origin }
        var origin = CourierAddress(address)
        if origin.recipient.isEmpty { origin.recipient = "Souk warehouse \(warehouse.code)" }
        if origin.phone.isEmpty { origin.phone = self.settings.origin.phone }
        return origin
    }

    // MARK: Tracking

    /// Every ``DeliverySettings/pollInterval``: registers the courier shipments that are not registered yet, then
    /// asks the couriers about every shipment in flight and applies what is new. Returns at once with no courier.
    func pollCouriersForever() async throws {
        guard !self.couriers.isEmpty else { return }
        while !Task.isCancelled {
            do {
                try await self.pollCouriers()
            } catch is CancellationError {
                return
            } catch {
                if Task.isCancelled { return }
                self.logger.warning("delivery: polling the couriers failed: \(error)")
            }
            do {
                try await Task.sleep(for: self.settings.pollInterval)
            } catch {
                return
            }
        }
    }

    /// One pass of the poller.
    func pollCouriers() async throws {
        let names = self.couriers.map(\.name)
        for shipment in try await self.store.unregistered(carriers: names, now: self.wallClock.now, limit: 100) {
            try Task.checkCancellation()
            await self.register(shipment)
        }
        for shipment in try await self.store.inFlight(carriers: names, limit: 500) {
            try Task.checkCancellation()
            guard let courier = self.courier(named: shipment.carrier) else { continue }
            let report: CourierTrackingReport
            do {
                report = try await courier.track(reference: shipment.courierReference)
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                self.logger.warning(
                    "delivery: tracking failed",
                    metadata: [
                        "order": "\(shipment.orderNumber)", "carrier": "\(shipment.carrier)",
                        "error": "\(Self.code(of: error))",
                    ]
                )
                continue
            }
            _ = try await self.apply(report, to: shipment.id, courier: courier.name)
        }
    }

    /// Applies a courier's report to the shipment `id` (``ShipmentRecord/apply(_:courier:now:)``), then moves its
    /// order along; with `event`, only once per event.
    ///
    /// - Returns: whether the shipment changed.
    func apply(
        _ report: CourierTrackingReport,
        to id: UUID,
        courier: String,
        event: (carrier: String, id: String)? = nil
    ) async throws -> Bool {
        let now = self.wallClock.now
        var ignored: [(code: String, status: ShipmentStatus)] = []
        let (shipment, changed) = try await self.store.update(id, courierEvent: event) { shipment in
            let outcome = shipment.apply(report, courier: courier, now: now)
            ignored = outcome.ignored
            guard outcome.changed else { return nil }
            return outcome.applied.isEmpty ? "shipment.registered" : "shipment.status_changed"
        }
        for (code, status) in ignored {
            self.logger.notice(
                "delivery: a courier status the shipment cannot move to was ignored",
                metadata: [
                    "order": "\(shipment.orderNumber)", "carrier": "\(courier)", "courier_status": "\(code)",
                    "from": "\(shipment.status.rawValue)", "to": "\(status.rawValue)",
                ]
            )
        }
        guard changed else { return false }
        self.signal.pulse()
        await self.followOrder(of: shipment)
        return true
    }
}

extension Parcel {
    /// The parcel with sides: a quote made before quotes kept them has only its weight and volume, so a cube of
    /// that volume stands in.
    var withSides: Parcel {
        guard self.lengthMM == 0 || self.widthMM == 0 || self.heightMM == 0 else { return self }
        let side = max(10, Int((cbrt(Double(max(self.volumeCM3, 1))) * 10).rounded(.up)))
        return Parcel(
            weightGrams: self.weightGrams,
            volumeCM3: self.volumeCM3,
            lengthMM: side,
            widthMM: side,
            heightMM: side
        )
    }
}

extension CourierAddress {
    /// `address` as couriers take it: the country upper-cased, the postcode without spaces.
    init(_ address: Souk_Identity_V1_Address) {
        self.init(
            country: address.country.uppercased(),
            region: address.region,
            city: address.city,
            postalCode: address.postalCode.filter { $0 != " " },
            line1: address.line1,
            line2: address.line2,
            recipient: address.recipient,
            phone: address.phone
        )
    }
}
