import Foundation
import SoukCouriers
import SoukMoney

/// A request as the local CDEK ledger sees it.
struct LocalCDEKRequest {
    var method: String
    var path: String
    /// The query's fields (`im_number`), percent-decoded.
    var query: [String: String] = [:]
    /// The bearer token sent, if any.
    var token: String?
    var body: [UInt8]
}

/// An answer: status and JSON body.
struct LocalCDEKReply {
    var status: Int
    var body: [UInt8]
}

/// The local CDEK's state: tokens, orders with their status scripts, the webhook subscription, and the events
/// status changes make. A value, changed under the server's lock.
struct LocalCDEKLedger {
    /// An order and where it is along its script.
    struct Order {
        var uuid: String
        var request: CDEKOrderRequest
        var cdekNumber: String
        /// Newest last (answered newest first, as CDEK lists them).
        var statuses: [CDEKOrderStatus]
        /// The codes still to come, in order.
        var script: [String]
    }

    /// A status change to push as an `ORDER_STATUS` webhook.
    struct Event {
        var id: String
        var body: [UInt8]
    }

    /// The rules the ledger follows (from the server's config).
    var clientID: String
    var clientSecret: String
    var tokenLifetimeSeconds: Int
    var defaultScript: [String]

    var baseURL = ""
    /// Access token → when it expires.
    var tokens: [String: Date] = [:]
    var tokenCount = 0
    var orders: [String: Order] = [:]
    var orderCount = 0
    var subscription: CDEKWebhookSubscription?
    var events: [Event] = []
    var eventCount = 0

    /// CDEK's largest package.
    static let maxPackageGrams = 30_000

    /// The tariffs on offer: code, name, delivery mode, surcharge factor (in zone steps), business days.
    static let tariffs: [(code: Int, name: String, mode: Int, extraSteps: Int64, days: ClosedRange<Int>)] = [
        (136, "Посылка склад-склад", 4, 0, 2...4),
        (137, "Посылка склад-дверь", 3, 6, 3...5),
        (139, "Посылка дверь-дверь", 1, 10, 3...6),
    ]

    /// Prices by CDEK currency number: the currency and, in its minor units, the base, the price per started
    /// kilogram and the step per postcode zone (the postcode's first digit).
    static let prices: [Int: (currency: Currency, base: Int64, perKilogram: Int64, zoneStep: Int64)] = [
        1: (.rub, 30_000, 4_750, 1_525),
        2: (Currency.supported["KZT"]!, 200_000, 31_050, 10_000),
        3: (.usd, 450, 55, 20),
        4: (.eur, 420, 50, 18),
        55: (.jpy, 650, 75, 25),
    ]

    /// Postcode lengths by country: the countries this CDEK serves.
    static let postcodeDigits: [String: Int] = ["RU": 6, "KZ": 6, "BY": 6, "KG": 6, "UZ": 6, "AM": 4]

    /// What each status code reads as.
    static let names: [String: String] = [
        "ACCEPTED": "Принят", "CREATED": "Создан", "RECEIVED_AT_SENDER_WAREHOUSE": "Принят на склад отправителя",
        "SENT_TO_TRANSIT_CITY": "Отправлен в г. транзит", "SENT_TO_RECIPIENT_CITY": "Отправлен в г. получателя",
        "ACCEPTED_AT_RECIPIENT_CITY_WAREHOUSE": "Принят на склад доставки", "TAKEN_BY_COURIER": "Выдан на доставку",
        "ACCEPTED_AT_PICK_UP_POINT": "Принят на склад до востребования", "DELIVERED": "Вручен",
        "NOT_DELIVERED": "Не вручен", "RETURNED_TO_SENDER_CITY_WAREHOUSE": "Возвращен на склад отправителя",
        "REMOVED": "Удален",
    ]

    /// The script a new order follows after `CREATED`.
    static let standardScript = [
        "RECEIVED_AT_SENDER_WAREHOUSE", "SENT_TO_RECIPIENT_CITY", "ACCEPTED_AT_RECIPIENT_CITY_WAREHOUSE",
        "TAKEN_BY_COURIER", "DELIVERED",
    ]

    // MARK: Requests

    /// Serves `request` at `now`; `advancesOnRead` moves an order read one step first.
    mutating func handle(_ request: LocalCDEKRequest, now: Date, advancesOnRead: Bool) -> LocalCDEKReply {
        if request.method == "POST", request.path == "/oauth/token" { return self.token(request, now: now) }
        guard let token = request.token, let expiry = self.tokens[token] else {
            return Self.errors(401, "v2_unauthorized", "Authorization: a valid bearer token is required")
        }
        guard now < expiry else {
            return Self.errors(401, "v2_token_expired", "Authorization: the access token has expired")
        }
        switch (request.method, request.path) {
        case ("POST", "/calculator/tarifflist"):
            return self.calculate(request.body, isSingle: false)
        case ("POST", "/calculator/tariff"):
            return self.calculate(request.body, isSingle: true)
        case ("POST", "/orders"):
            return self.register(request.body, now: now)
        case ("GET", "/orders"):
            return self.read(number: request.query["im_number"] ?? "")
        case ("GET", _) where request.path.hasPrefix("/orders/"):
            let uuid = String(request.path.dropFirst("/orders/".count))
            if advancesOnRead, self.orders[uuid] != nil { _ = self.advance(uuid, now: now) }
            return self.read(uuid)
        case ("DELETE", _) where request.path.hasPrefix("/orders/"):
            return self.delete(String(request.path.dropFirst("/orders/".count)), now: now)
        case ("POST", "/webhooks"):
            return self.subscribe(request.body)
        default:
            return Self.errors(404, "v2_entity_not_found", "No such endpoint: \(request.method) \(request.path)")
        }
    }

    private mutating func token(_ request: LocalCDEKRequest, now: Date) -> LocalCDEKReply {
        var form: [String: String] = [:]
        for pair in String(decoding: request.body, as: UTF8.self).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map {
                String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            if parts.count == 2 { form[parts[0]] = parts[1] }
        }
        guard form["grant_type"] == "client_credentials" else {
            return Self.json(400, CDEKOAuthError(error: "unsupported_grant_type", errorDescription: "grant_type"))
        }
        guard form["client_id"] == self.clientID, form["client_secret"] == self.clientSecret else {
            return Self.json(
                401,
                CDEKOAuthError(error: "invalid_client", errorDescription: "Bad client credentials")
            )
        }
        self.tokenCount += 1
        let token = "local-cdek-token-\(self.tokenCount)"
        self.tokens[token] = now.addingTimeInterval(TimeInterval(self.tokenLifetimeSeconds))
        return Self.json(
            200,
            CDEKToken(accessToken: token, tokenType: "bearer", expiresIn: self.tokenLifetimeSeconds)
        )
    }

    /// Makes every token issued so far expire: the next call with one is answered 401.
    mutating func expireTokens() {
        for token in self.tokens.keys { self.tokens[token] = .distantPast }
    }

    // MARK: Calculator

    private func calculate(_ body: [UInt8], isSingle: Bool) -> LocalCDEKReply {
        guard let request = try? CDEKJSON.decoder().decode(CDEKCalculatorRequest.self, from: Data(body)) else {
            return Self.errors(400, "v2_bad_request", "The body is not a calculator request")
        }
        if let refusal = Self.check(request.fromLocation, "from_location") ?? Self.check(
            request.toLocation,
            "to_location"
        )
            ?? Self.check(request.packages)
        {
            return refusal
        }
        guard let prices = Self.prices[request.currency ?? 1] else {
            return Self.errors(400, "v2_currency_not_supported", "currency: \(request.currency ?? 0) is not served")
        }
        let grams = request.packages.reduce(0) { $0 + $1.weight }
        let kilograms = Int64((grams + 999) / 1000)
        let zone = Int64(request.toLocation.postalCode?.first?.wholeNumberValue ?? 0)
        let isAbroad = request.toLocation.countryCode != "RU" || request.fromLocation.countryCode != "RU"
        let base = prices.base * (isAbroad ? 3 : 1) + prices.perKilogram * kilograms + prices.zoneStep * zone
        let offered = Self.tariffs.map { tariff in
            let sum = base + prices.zoneStep * tariff.extraSteps
            let extraDays = Int(zone / 3) + (isAbroad ? 3 : 0)
            return CDEKTariff(
                tariffCode: tariff.code,
                tariffName: tariff.name,
                tariffDescription: nil,
                deliveryMode: tariff.mode,
                deliverySum: Decimal(string: CourierMoney.decimalText(sum, currency: prices.currency))!,
                periodMin: tariff.days.lowerBound + extraDays,
                periodMax: tariff.days.upperBound + extraDays,
                calendarMin: tariff.days.lowerBound + extraDays + 1,
                calendarMax: tariff.days.upperBound + extraDays + 2
            )
        }
        guard isSingle else { return Self.json(200, CDEKTariffList(tariffCodes: offered)) }
        guard let tariff = offered.first(where: { $0.tariffCode == request.tariffCode }) else {
            return Self.errors(400, "v2_invalid_tariff_code", "tariff_code: \(request.tariffCode ?? 0) is not offered")
        }
        let quote = CDEKTariffQuote(
            deliverySum: tariff.deliverySum,
            totalSum: tariff.deliverySum,
            currency: prices.currency.code,
            periodMin: tariff.periodMin,
            periodMax: tariff.periodMax,
            calendarMin: tariff.calendarMin,
            calendarMax: tariff.calendarMax,
            weightCalc: grams
        )
        return Self.json(200, quote)
    }

    /// A refusal for a place this CDEK does not serve: an unknown country, a postcode not of the country's
    /// format, or one starting with `000`.
    static func check(_ location: CDEKLocation, _ name: String) -> LocalCDEKReply? {
        let country = location.countryCode ?? ""
        let postcode = location.postalCode ?? ""
        guard let digits = Self.postcodeDigits[country] else {
            return Self.errors(400, "v2_\(name)_not_recognized", "\(name).country_code: '\(country)' is not served")
        }
        guard postcode.count == digits, postcode.allSatisfy(\.isASCIIDigitCharacter), !postcode.hasPrefix("000")
        else {
            return Self.errors(
                400,
                "v2_\(name)_not_recognized",
                "\(name).postal_code: '\(postcode)' is not a known postcode in \(country)"
            )
        }
        return nil
    }

    /// A refusal for packages that are missing, weightless, or over 30 kg.
    static func check(_ packages: [CDEKPackage]) -> LocalCDEKReply? {
        guard !packages.isEmpty else { return Self.errors(400, "v2_field_is_empty", "packages: at least one") }
        for (index, package) in packages.enumerated() {
            guard package.weight > 0 else {
                return Self.errors(400, "v2_field_is_empty", "packages[\(index)].weight: must be positive")
            }
            guard package.weight <= Self.maxPackageGrams else {
                return Self.errors(
                    400,
                    "v2_weight_limit_exceeded",
                    "packages[\(index)].weight: \(package.weight) g is over the 30 kg a package may weigh"
                )
            }
        }
        return nil
    }
}

extension Character {
    fileprivate var isASCIIDigitCharacter: Bool { self >= "0" && self <= "9" }
}
