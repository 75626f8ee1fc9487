package import Foundation

// EasyPost's JSON objects (providers.md §4.2), shared by ``EasyPostClient`` and the local EasyPost server.
// Property names are EasyPost's keys in camel case: ``EasyPostJSON`` converts them to and from snake case.

/// An address.
package struct EasyPostAddress: Codable, Sendable, Hashable {
    /// The name.
    package var name: String?
    /// The street line.
    package var street1: String?
    /// More of the street line.
    package var street2: String?
    /// The city.
    package var city: String?
    /// The state or region.
    package var state: String?
    /// The postcode.
    package var zip: String?
    /// ISO 3166-1 alpha-2.
    package var country: String?
    /// A phone number.
    package var phone: String?

    /// A value of the fields given.
    package init(
        name: String?,
        street1: String?,
        street2: String?,
        city: String?,
        state: String?,
        zip: String?,
        country: String?,
        phone: String?
    ) {
        self.name = name
        self.street1 = street1
        self.street2 = street2
        self.city = city
        self.state = state
        self.zip = zip
        self.country = country
        self.phone = phone
    }
}

/// A parcel: inches and ounces, decimals with one digit as Souk sends them.
package struct EasyPostParcel: Codable, Sendable, Hashable {
    /// Inches.
    package var length: Decimal?
    /// Inches.
    package var width: Decimal?
    /// Inches.
    package var height: Decimal?
    /// Ounces.
    package var weight: Decimal

    /// A value of the fields given.
    package init(length: Decimal?, width: Decimal?, height: Decimal?, weight: Decimal) {
        self.length = length
        self.width = width
        self.height = height
        self.weight = weight
    }
}

/// `POST /v2/shipments`'s body: `{"shipment": {from_address, to_address, parcel}}`.
package struct EasyPostShipmentRequest: Codable, Sendable, Hashable {
    /// The wrapped shipment.
    package struct Shipment: Codable, Sendable, Hashable {
        /// Where from.
        package var fromAddress: EasyPostAddress
        /// Where to.
        package var toAddress: EasyPostAddress
        /// What goes.
        package var parcel: EasyPostParcel
    }

    /// The wrapped shipment.
    package var shipment: Shipment

    /// A value of the fields given.
    package init(fromAddress: EasyPostAddress, toAddress: EasyPostAddress, parcel: EasyPostParcel) {
        self.shipment = Shipment(fromAddress: fromAddress, toAddress: toAddress, parcel: parcel)
    }
}

/// `POST /v2/shipments/{id}/buy`'s body: `{"rate": {"id": "rate_…"}}`.
package struct EasyPostBuyRequest: Codable, Sendable, Hashable {
    /// The rate chosen.
    package struct Rate: Codable, Sendable, Hashable {
        /// EasyPost's id.
        package var id: String
    }

    /// The chosen rate.
    package var rate: Rate

    /// A value of the fields given.
    package init(rateID: String) { self.rate = Rate(id: rateID) }
}

/// A rate of a shipment.
package struct EasyPostRate: Codable, Sendable, Hashable {
    /// EasyPost's id.
    package var id: String
    /// The carrier (`USPS`).
    package var carrier: String
    /// The carrier's service (`Priority`).
    package var service: String
    /// Major units, a decimal string (`"34.15"`).
    package var rate: String
    /// The ISO code of the price.
    package var currency: String
    /// Days on the way, when the carrier says.
    package var deliveryDays: Int?
    /// Estimated days on the way.
    package var estDeliveryDays: Int?
    /// The shipment the object belongs to.
    package var shipmentId: String?

    /// A value of the fields given.
    package init(
        id: String,
        carrier: String,
        service: String,
        rate: String,
        currency: String,
        deliveryDays: Int?,
        estDeliveryDays: Int?,
        shipmentId: String?
    ) {
        self.id = id
        self.carrier = carrier
        self.service = service
        self.rate = rate
        self.currency = currency
        self.deliveryDays = deliveryDays
        self.estDeliveryDays = estDeliveryDays
        self.shipmentId = shipmentId
    }
}

/// One tracking event of a tracker.
package struct EasyPostTrackingDetail: Codable, Sendable, Hashable {
    /// Where it happened.
    package struct Location: Codable, Sendable, Hashable {
        /// The city.
        package var city: String?
        /// The state or region.
        package var state: String?
        /// ISO 3166-1 alpha-2.
        package var country: String?
        /// The postcode.
        package var zip: String?

        /// A value of the fields given.
        package init(city: String?, state: String?, country: String?, zip: String?) {
            self.city = city
            self.state = state
            self.country = country
            self.zip = zip
        }
    }

    /// `in_transit`, … (``EasyPostStatus``).
    package var status: String
    /// Why, in words.
    package var message: String?
    /// ISO 8601 (`2026-01-02T10:00:00Z`).
    package var datetime: String
    /// Where it happened.
    package var trackingLocation: Location?

    /// A value of the fields given.
    package init(status: String, message: String?, datetime: String, trackingLocation: Location?) {
        self.status = status
        self.message = message
        self.datetime = datetime
        self.trackingLocation = trackingLocation
    }
}

/// A tracker.
package struct EasyPostTracker: Codable, Sendable, Hashable {
    /// EasyPost's id.
    package var id: String
    /// The object's kind (`Tracker`, `Shipment`, `Event`).
    package var object: String?
    /// The carrier's tracking code.
    package var trackingCode: String?
    /// The current status (``EasyPostStatus``).
    package var status: String
    /// The carrier (`USPS`).
    package var carrier: String?
    /// The shipment the object belongs to.
    package var shipmentId: String?
    /// Oldest first.
    package var trackingDetails: [EasyPostTrackingDetail]?
    /// When it last changed (ISO 8601).
    package var updatedAt: String?

    /// A value of the fields given.
    package init(
        id: String,
        object: String? = "Tracker",
        trackingCode: String?,
        status: String,
        carrier: String?,
        shipmentId: String?,
        trackingDetails: [EasyPostTrackingDetail]?,
        updatedAt: String?
    ) {
        self.id = id
        self.object = object
        self.trackingCode = trackingCode
        self.status = status
        self.carrier = carrier
        self.shipmentId = shipmentId
        self.trackingDetails = trackingDetails
        self.updatedAt = updatedAt
    }
}

/// A shipment: its rates, and after a purchase its tracking code, label and tracker.
package struct EasyPostShipment: Codable, Sendable, Hashable {
    /// The label.
    package struct PostageLabel: Codable, Sendable, Hashable {
        /// Where the label is.
        package var labelUrl: String?
        /// A value of the fields given.
        package init(labelUrl: String?) { self.labelUrl = labelUrl }
    }

    /// EasyPost's id.
    package var id: String
    /// The object's kind (`Tracker`, `Shipment`, `Event`).
    package var object: String?
    /// The rates to choose from.
    package var rates: [EasyPostRate]?
    /// The rate bought.
    package var selectedRate: EasyPostRate?
    /// The carrier's tracking code.
    package var trackingCode: String?
    /// The label, once bought.
    package var postageLabel: PostageLabel?
    /// The tracker, once bought.
    package var tracker: EasyPostTracker?
    /// A bought label's refund: `submitted`, `refunded` or `rejected`; nil before one was asked for.
    package var refundStatus: String?

    /// A value of the fields given.
    package init(
        id: String,
        object: String? = "Shipment",
        rates: [EasyPostRate]?,
        selectedRate: EasyPostRate?,
        trackingCode: String?,
        postageLabel: PostageLabel?,
        tracker: EasyPostTracker?,
        refundStatus: String? = nil
    ) {
        self.refundStatus = refundStatus
        self.id = id
        self.object = object
        self.rates = rates
        self.selectedRate = selectedRate
        self.trackingCode = trackingCode
        self.postageLabel = postageLabel
        self.tracker = tracker
    }
}

/// EasyPost's error answer: `{"error": {"code", "message", "errors": [{"field", "message"}]}}`.
package struct EasyPostErrorBody: Codable, Sendable, Hashable {
    /// The error.
    package struct Detail: Codable, Sendable, Hashable {
        /// One field at fault.
        package struct FieldError: Codable, Sendable, Hashable {
            /// The field at fault.
            package var field: String?
            /// Why, in words.
            package var message: String?
            /// A value of the fields given.
            package init(field: String?, message: String?) {
                self.field = field
                self.message = message
            }
        }

        /// The error's code.
        package var code: String?
        /// Why, in words.
        package var message: String?
        /// What CDEK refused, if anything.
        package var errors: [FieldError]?

        /// A value of the fields given.
        package init(code: String?, message: String?, errors: [FieldError]?) {
            self.code = code
            self.message = message
            self.errors = errors
        }
    }

    /// The OAuth error code (`invalid_client`).
    package var error: Detail

    /// A value of the fields given.
    package init(code: String?, message: String?, errors: [Detail.FieldError] = []) {
        self.error = Detail(code: code, message: message, errors: errors)
    }
}

/// An event, as a webhook delivers it (`tracker.updated` with the tracker as `result`).
package struct EasyPostEventBody: Codable, Sendable, Hashable {
    /// EasyPost's id.
    package var id: String?
    /// The object's kind (`Tracker`, `Shipment`, `Event`).
    package var object: String?
    /// `tracker.updated`, `tracker.created`, …
    package var description: String
    /// `test` or `production`.
    package var mode: String?
    /// When it happened (ISO 8601).
    package var createdAt: String?
    /// The object the event is about.
    package var result: EasyPostTracker?

    /// A value of the fields given.
    package init(
        id: String?,
        object: String? = "Event",
        description: String,
        mode: String?,
        createdAt: String?,
        result: EasyPostTracker?
    ) {
        self.id = id
        self.object = object
        self.description = description
        self.mode = mode
        self.createdAt = createdAt
        self.result = result
    }
}
