package import Foundation

// CDEK API v2's JSON objects (providers.md §4.1), shared by ``CDEKClient`` and the local CDEK server. Property
// names are CDEK's keys in camel case: ``CDEKJSON`` converts them to and from snake case.

/// A place: any of CDEK's ways to name one; Souk sends the postcode, country, city and, for orders, the address.
package struct CDEKLocation: Codable, Sendable, Hashable {
    /// CDEK's city code.
    package var code: Int?
    /// The postcode.
    package var postalCode: String?
    /// ISO 3166-1 alpha-2.
    package var countryCode: String?
    /// The city.
    package var city: String?
    /// The region.
    package var region: String?
    /// The street address (orders).
    package var address: String?

    /// A location.
    package init(
        code: Int? = nil,
        postalCode: String? = nil,
        countryCode: String? = nil,
        city: String? = nil,
        region: String? = nil,
        address: String? = nil
    ) {
        self.code = code
        self.postalCode = postalCode
        self.countryCode = countryCode
        self.city = city
        self.region = region
        self.address = address
    }
}

/// A package: weight in grams, sides in centimetres.
package struct CDEKPackage: Codable, Sendable, Hashable {
    /// The package's number within the order (orders only).
    package var number: String?
    /// Grams.
    package var weight: Int
    /// Centimetres.
    package var length: Int?
    /// Centimetres.
    package var width: Int?
    /// Centimetres.
    package var height: Int?

    /// A package.
    package init(number: String? = nil, weight: Int, length: Int?, width: Int?, height: Int?) {
        self.number = number
        self.weight = weight
        self.length = length
        self.width = width
        self.height = height
    }
}

/// `POST /v2/calculator/tariff` (with a tariff code) and `/tarifflist` (without).
package struct CDEKCalculatorRequest: Codable, Sendable, Hashable {
    /// The tariff to price; nil for the list.
    package var tariffCode: Int?
    /// 1 = online-store contract, 2 = regular delivery.
    package var type: Int?
    /// CDEK's currency number (1 = RUB).
    package var currency: Int?
    /// Where from.
    package var fromLocation: CDEKLocation
    /// Where to.
    package var toLocation: CDEKLocation
    /// What.
    package var packages: [CDEKPackage]
}

/// One tariff of `/tarifflist`'s `tariff_codes`.
package struct CDEKTariff: Codable, Sendable, Hashable {
    /// The tariff's code (`136`).
    package var tariffCode: Int
    /// The tariff's name.
    package var tariffName: String
    /// What the tariff is, in words.
    package var tariffDescription: String?
    /// How it goes: 1 door-door, 2 door-warehouse, 3 warehouse-door, 4 warehouse-warehouse, ….
    package var deliveryMode: Int?
    /// Major units of the requested currency, a JSON number.
    package var deliverySum: Decimal
    /// The fewest business days on the way.
    package var periodMin: Int?
    /// The most business days on the way.
    package var periodMax: Int?
    /// The fewest calendar days on the way.
    package var calendarMin: Int?
    /// The most calendar days on the way.
    package var calendarMax: Int?

    /// A value of the fields given.
    package init(
        tariffCode: Int,
        tariffName: String,
        tariffDescription: String?,
        deliveryMode: Int?,
        deliverySum: Decimal,
        periodMin: Int?,
        periodMax: Int?,
        calendarMin: Int?,
        calendarMax: Int?
    ) {
        self.tariffCode = tariffCode
        self.tariffName = tariffName
        self.tariffDescription = tariffDescription
        self.deliveryMode = deliveryMode
        self.deliverySum = deliverySum
        self.periodMin = periodMin
        self.periodMax = periodMax
        self.calendarMin = calendarMin
        self.calendarMax = calendarMax
    }
}

/// `/tarifflist`'s answer.
package struct CDEKTariffList: Codable, Sendable, Hashable {
    /// The tariffs on offer, priced.
    package var tariffCodes: [CDEKTariff]?
    /// What CDEK refused, if anything.
    package var errors: [CDEKErrorItem]?

    /// A value of the fields given.
    package init(tariffCodes: [CDEKTariff]?, errors: [CDEKErrorItem]? = nil) {
        self.tariffCodes = tariffCodes
        self.errors = errors
    }
}

/// `/tariff`'s answer.
package struct CDEKTariffQuote: Codable, Sendable, Hashable {
    /// The base cost, major units.
    package var deliverySum: Decimal
    /// With services, major units.
    package var totalSum: Decimal?
    /// ISO code of the sums, when CDEK names it.
    package var currency: String?
    /// The fewest business days on the way.
    package var periodMin: Int?
    /// The most business days on the way.
    package var periodMax: Int?
    /// The fewest calendar days on the way.
    package var calendarMin: Int?
    /// The most calendar days on the way.
    package var calendarMax: Int?
    /// The billed weight, grams.
    package var weightCalc: Int?

    /// A value of the fields given.
    package init(
        deliverySum: Decimal,
        totalSum: Decimal?,
        currency: String?,
        periodMin: Int?,
        periodMax: Int?,
        calendarMin: Int?,
        calendarMax: Int?,
        weightCalc: Int?
    ) {
        self.deliverySum = deliverySum
        self.totalSum = totalSum
        self.currency = currency
        self.periodMin = periodMin
        self.periodMax = periodMax
        self.calendarMin = calendarMin
        self.calendarMax = calendarMax
        self.weightCalc = weightCalc
    }
}

/// A contact: a name and phones.
package struct CDEKContact: Codable, Sendable, Hashable {
    /// One phone.
    package struct Phone: Codable, Sendable, Hashable {
        /// The number.
        package var number: String
        /// A value of the fields given.
        package init(number: String) { self.number = number }
    }

    /// The name.
    package var name: String
    /// The phones.
    package var phones: [Phone]

    /// A value of the fields given.
    package init(name: String, phones: [Phone]) {
        self.name = name
        self.phones = phones
    }
}

/// `POST /v2/orders`.
package struct CDEKOrderRequest: Codable, Sendable, Hashable {
    /// 1 = online-store order.
    package var type: Int?
    /// The shop's own number of the order (Souk's shipment id).
    package var number: String
    /// The tariff's code (`136`).
    package var tariffCode: Int
    /// Where from.
    package var fromLocation: CDEKLocation
    /// Where to.
    package var toLocation: CDEKLocation
    /// Who sends.
    package var sender: CDEKContact?
    /// Who receives.
    package var recipient: CDEKContact
    /// What goes.
    package var packages: [CDEKPackage]
}

/// One status of an order.
package struct CDEKOrderStatus: Codable, Sendable, Hashable {
    /// `CREATED`, `TAKEN_BY_COURIER`, … (``CDEKStatus``).
    package var code: String
    /// The status in words.
    package var name: String?
    /// `2026-01-02T10:00:00+0300`.
    package var dateTime: String
    /// Why, for statuses that have a reason (`NOT_DELIVERED`).
    package var reasonCode: String?
    /// The city where it happened.
    package var city: String?
    /// CDEK's code of the city.
    package var cityCode: Int?

    /// A value of the fields given.
    package init(
        code: String,
        name: String?,
        dateTime: String,
        reasonCode: String? = nil,
        city: String?,
        cityCode: Int? = nil
    ) {
        self.code = code
        self.name = name
        self.dateTime = dateTime
        self.reasonCode = reasonCode
        self.city = city
        self.cityCode = cityCode
    }
}

/// An order as `GET /v2/orders/{uuid}` answers it (the fields Souk reads).
package struct CDEKOrder: Codable, Sendable, Hashable {
    /// CDEK's id.
    package var uuid: String
    /// The shop's number.
    package var number: String?
    /// The waybill number, once CDEK has registered the order.
    package var cdekNumber: String?
    /// The tariff's code (`136`).
    package var tariffCode: Int?
    /// Newest first, as CDEK lists them.
    package var statuses: [CDEKOrderStatus]?

    /// A value of the fields given.
    package init(uuid: String, number: String?, cdekNumber: String?, tariffCode: Int?, statuses: [CDEKOrderStatus]?) {
        self.uuid = uuid
        self.number = number
        self.cdekNumber = cdekNumber
        self.tariffCode = tariffCode
        self.statuses = statuses
    }
}

/// What CDEK says of a request (`requests[]`): its state and errors.
package struct CDEKRequestState: Codable, Sendable, Hashable {
    /// The request's id.
    package var requestUuid: String?
    /// `CREATE`, `UPDATE`, …
    package var type: String?
    /// `ACCEPTED`, `WAITING`, `SUCCESSFUL`, `INVALID`.
    package var state: String?
    /// When (`2026-01-02T10:00:00+0300`).
    package var dateTime: String?
    /// What CDEK refused, if anything.
    package var errors: [CDEKErrorItem]?

    /// A value of the fields given.
    package init(
        requestUuid: String?,
        type: String?,
        state: String?,
        dateTime: String?,
        errors: [CDEKErrorItem]? = nil
    ) {
        self.requestUuid = requestUuid
        self.type = type
        self.state = state
        self.dateTime = dateTime
        self.errors = errors
    }
}

/// The envelope of `/v2/orders` and `/v2/webhooks`: an entity, the request states, and top-level errors.
package struct CDEKEntityReply<Entity: Codable & Sendable & Hashable>: Codable, Sendable, Hashable {
    /// The object the answer is about.
    package var entity: Entity?
    /// What CDEK says of the request.
    package var requests: [CDEKRequestState]?
    /// What CDEK refused, if anything.
    package var errors: [CDEKErrorItem]?

    /// A value of the fields given.
    package init(entity: Entity?, requests: [CDEKRequestState]? = nil, errors: [CDEKErrorItem]? = nil) {
        self.entity = entity
        self.requests = requests
        self.errors = errors
    }
}

/// An entity known only by its uuid (a created order or webhook).
package struct CDEKEntityReference: Codable, Sendable, Hashable {
    /// CDEK's id.
    package var uuid: String
    /// A value of the fields given.
    package init(uuid: String) { self.uuid = uuid }
}

/// One of CDEK's `errors[]`.
package struct CDEKErrorItem: Codable, Sendable, Hashable {
    /// `v2_entity_not_found`, …
    package var code: String
    /// Why, in words.
    package var message: String?

    /// A value of the fields given.
    package init(code: String, message: String?) {
        self.code = code
        self.message = message
    }
}

/// `POST /v2/oauth/token`'s answer.
package struct CDEKToken: Codable, Sendable, Hashable {
    /// The bearer token.
    package var accessToken: String
    /// `bearer`.
    package var tokenType: String?
    /// Seconds the token lives.
    package var expiresIn: Int

    /// A value of the fields given.
    package init(accessToken: String, tokenType: String?, expiresIn: Int) {
        self.accessToken = accessToken
        self.tokenType = tokenType
        self.expiresIn = expiresIn
    }
}

/// An OAuth error (`{"error": "invalid_client", "error_description": "…"}`).
package struct CDEKOAuthError: Codable, Sendable, Hashable {
    /// The OAuth error code (`invalid_client`).
    package var error: String
    /// Why, in words.
    package var errorDescription: String?

    /// A value of the fields given.
    package init(error: String, errorDescription: String?) {
        self.error = error
        self.errorDescription = errorDescription
    }
}

/// `POST /v2/webhooks`.
package struct CDEKWebhookSubscription: Codable, Sendable, Hashable {
    /// `ORDER_STATUS`, `PRINT_FORM`, `ANYTHING_OTHER`.
    package var type: String
    /// Where CDEK posts.
    package var url: String

    /// A value of the fields given.
    package init(type: String, url: String) {
        self.type = type
        self.url = url
    }
}
