import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SoukMoney

extension CDEKClient {
    /// Sends a JSON call with the current token; on a 401, fetches a new token once and sends it again (a refused
    /// call was not processed, so even a registration may be).
    func call<Reply: Decodable>(
        _ method: HTTPMethod,
        _ path: String,
        body: [UInt8]?,
        _ retrying: CourierHTTP.Repeat
    ) async throws -> Reply {
        var isRefreshed = false
        while true {
            let token = try await self.tokens.token(now: self.elapsed()) { try await self.fetchToken() }
            var request = HTTPClientRequest(url: self.config.baseURL + path)
            request.method = method
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
            request.headers.add(name: "Accept", value: "application/json")
            if let body {
                request.headers.add(name: "Content-Type", value: "application/json")
                request.body = .bytes(ByteBuffer(bytes: body))
            }
            let answer = try await self.http.send(request, retrying, path: path)
            if answer.status == 401, !isRefreshed {
                await self.tokens.invalidate(token)
                isRefreshed = true
                continue
            }
            guard answer.isSuccess else { throw Self.error(answer) }
            if let refusal = Self.refusal(answer) { throw refusal }
            do {
                return try CDEKJSON.decoder().decode(Reply.self, from: answer.data)
            } catch {
                throw CourierError(
                    .unexpected,
                    courier: "CDEK",
                    message: "CDEK answered \(answer.status) with a body Souk cannot read as \(Reply.self)",
                    httpStatus: answer.status
                )
            }
        }
    }

    /// `POST /oauth/token` with the client credentials as a form: the token and how long to use it.
    func fetchToken() async throws -> (String, lifetime: Duration) {
        var request = HTTPClientRequest(url: self.config.baseURL + "/oauth/token")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "Accept", value: "application/json")
        let form = [
            ("grant_type", "client_credentials"), ("client_id", self.config.clientID),
            ("client_secret", self.config.clientSecret.value),
        ]
        let text = form.map { "\($0)=\(Self.formEncoded($1))" }.joined(separator: "&")
        request.body = .bytes(ByteBuffer(string: text))
        let answer = try await self.http.send(request, .safe, path: "/oauth/token")
        guard answer.isSuccess else {
            guard answer.status == 400 || answer.status == 401 || answer.status == 403 else {
                throw Self.error(answer)
            }
            let oauth = try? CDEKJSON.decoder().decode(CDEKOAuthError.self, from: answer.data)
            throw CourierError(
                .unauthorized,
                courier: "CDEK",
                message: "CDEK refused Souk's client id or secret" + (oauth.map { " (\($0.error))" } ?? ""),
                field: "client_secret",
                courierCode: oauth?.error,
                httpStatus: answer.status
            )
        }
        guard let token = try? CDEKJSON.decoder().decode(CDEKToken.self, from: answer.data),
            !token.accessToken.isEmpty, token.expiresIn > 0
        else {
            throw CourierError(.unexpected, courier: "CDEK", message: "CDEK answered a token Souk cannot read")
        }
        let lifetime = Duration.seconds(token.expiresIn) - self.config.tokenRefreshMargin
        return (token.accessToken, lifetime: max(lifetime, .zero))
    }

    /// A calculator request's body.
    func calculator(
        tariffCode: Int?,
        from: CourierAddress,
        to: CourierAddress,
        parcels: [CourierParcel]
    ) throws(CourierError) -> [UInt8] {
        guard let currency = Self.currencyNumbers[self.config.currency.code] else {
            throw CourierError(
                .invalidRequest,
                courier: "CDEK",
                message: "currency: CDEK does not price in \(self.config.currency)",
                field: "currency"
            )
        }
        let request = CDEKCalculatorRequest(
            tariffCode: tariffCode,
            type: self.config.contractType,
            currency: currency,
            fromLocation: Self.location(from, withAddress: false),
            toLocation: Self.location(to, withAddress: false),
            packages: try Self.packages(parcels, numbered: false)
        )
        return try Self.json(request)
    }

    /// The supported currency CDEK named, or the configured one when it named none.
    func currency(named code: String?) throws(CourierError) -> Currency {
        guard let code else { return self.config.currency }
        guard let currency = Currency.supported[code] else {
            throw CourierError(
                .unexpected,
                courier: "CDEK",
                message: "CDEK priced in '\(code.prefix(8))', a currency Souk does not support",
                field: "currency"
            )
        }
        return currency
    }

    /// CDEK's decimal `sum` in minor units of `currency`, exactly, or an error naming `field`.
    static func minorUnits(_ sum: Decimal, currency: Currency, field: String) throws(CourierError) -> Int64 {
        guard let minorUnits = CourierMoney.minorUnits(sum, currency: currency) else {
            throw CourierError(
                .unexpected,
                courier: "CDEK",
                message: "CDEK sent \(field) '\(sum.description.prefix(24))', not an exact amount in \(currency)",
                field: field
            )
        }
        return minorUnits
    }

    /// `address` as a CDEK location: postcode, country, city, region, and the street for orders.
    static func location(_ address: CourierAddress, withAddress: Bool) -> CDEKLocation {
        CDEKLocation(
            postalCode: address.postalCode,
            countryCode: address.country,
            city: address.city,
            region: address.region.isEmpty ? nil : address.region,
            address: withAddress ? address.streetLine : nil
        )
    }

    /// `parcels` as CDEK packages: grams as they are, sides in centimetres rounded up.
    static func packages(_ parcels: [CourierParcel], numbered: Bool) throws(CourierError) -> [CDEKPackage] {
        guard !parcels.isEmpty else {
            throw CourierError(.invalidRequest, courier: "CDEK", message: "packages: none", field: "packages")
        }
        var packages: [CDEKPackage] = []
        for (index, parcel) in parcels.enumerated() {
            if let field = parcel.invalidField(index: index) {
                throw CourierError(
                    .invalidRequest,
                    courier: "CDEK",
                    message: "\(field): must be positive",
                    field: field
                )
            }
            packages.append(
                CDEKPackage(
                    number: numbered ? String(index + 1) : nil,
                    weight: parcel.weightGrams,
                    length: CourierUnits.centimetres(millimetres: parcel.lengthMM),
                    width: CourierUnits.centimetres(millimetres: parcel.widthMM),
                    height: CourierUnits.centimetres(millimetres: parcel.heightMM)
                )
            )
        }
        return packages
    }

    /// `value` as a JSON body.
    static func json(_ value: some Encodable) throws(CourierError) -> [UInt8] {
        do {
            return Array(try CDEKJSON.encoder().encode(value))
        } catch {
            throw CourierError(.invalidRequest, courier: "CDEK", message: "CDEK: the request cannot be encoded")
        }
    }

    /// `text` when it can stand in a path as it is (CDEK's uuids: hex digits and `-`).
    static func pathComponent(_ text: String) throws(CourierError) -> String {
        guard !text.isEmpty, text.utf8.count <= 64,
            text.allSatisfy({ $0 == "-" || ($0.isASCII && ($0.isLetter || $0.isNumber)) })
        else {
            throw CourierError(.invalidRequest, courier: "CDEK", message: "uuid: not a CDEK uuid", field: "uuid")
        }
        return text
    }

    /// A 2xx answer whose request state is `INVALID`: CDEK refused it after all.
    static func refusal(_ answer: CourierHTTP.Answer) -> CourierError? {
        guard let body = try? CDEKJSON.decoder().decode(CDEKErrorBody.self, from: answer.data),
            body.requests?.contains(where: { $0.state == "INVALID" }) == true
        else { return nil }
        return Self.error(answer)
    }

    /// The ``CourierError`` for a CDEK error answer: by its errors' codes, then by the HTTP status.
    ///
    /// CDEK's error shape is unverified (providers.md §4.1): Souk reads `errors[]` at the top level and in
    /// `requests[]`, and maps codes naming a location, a city or a postcode to
    /// ``CourierError/Code/unknownLocation``, codes naming a weight to ``CourierError/Code/overweight``.
    static func error(_ answer: CourierHTTP.Answer) -> CourierError {
        let body = try? CDEKJSON.decoder().decode(CDEKErrorBody.self, from: answer.data)
        let items = (body?.errors ?? []) + (body?.requests ?? []).flatMap { $0.errors ?? [] }
        let first = items.first
        let code = first?.code.lowercased() ?? ""
        let status = answer.status
        let kind: CourierError.Code
        let summary: String
        var field: String?
        if code.contains("to_location") {
            field = "to_location"
        } else if code.contains("from_location") {
            field = "from_location"
        } else if code.contains("weight") {
            field = "packages.weight"
        }
        switch status {
        case 401, 403:
            (kind, summary) = (.unauthorized, "CDEK refused Souk's access token")
        case 429:
            (kind, summary) = (.unavailable, "CDEK is limiting the request rate")
        case 500...:
            (kind, summary) = (.unavailable, "CDEK is unavailable (HTTP \(status))")
        case _ where code.contains("weight"):
            (kind, summary) = (.overweight, "CDEK does not take a package this heavy")
        case _ where ["location", "city", "postal", "postcode"].contains(where: { code.contains($0) }):
            (kind, summary) = (.unknownLocation, "CDEK does not know the place")
        case 404,
            _ where code.contains("not_found"):
            (kind, summary) = (.notFound, "CDEK has no such order")
        case 400..<500:
            (kind, summary) = (.invalidRequest, "CDEK refused the request")
        default:
            (kind, summary) = (.unexpected, "CDEK answered HTTP \(status)")
        }
        var message = summary
        if let field { message += " (\(field))" }
        let texts = items.compactMap(\.message).filter { !$0.isEmpty }
        if !texts.isEmpty { message += ": " + texts.joined(separator: "; ") }
        return CourierError(
            kind,
            courier: "CDEK",
            message: message,
            field: field,
            courierCode: first?.code,
            httpStatus: status
        )
    }

    /// `text` percent-encoded for a form value (RFC 3986 unreserved characters kept).
    static func formEncoded(_ text: String) -> String {
        var encoded = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                encoded += "%" + (hex.count == 1 ? "0" : "") + hex
            }
        }
        return encoded
    }
}

/// Any CDEK error answer: `errors[]` at the top level or in `requests[]`.
struct CDEKErrorBody: Decodable {
    var errors: [CDEKErrorItem]?
    var requests: [CDEKRequestState]?
}
