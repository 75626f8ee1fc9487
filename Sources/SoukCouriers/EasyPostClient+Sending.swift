import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SoukMoney

extension EasyPostClient {
    /// Sends a JSON call with the API key and decodes the answer.
    func call<Reply: Decodable>(
        _ method: HTTPMethod,
        _ path: String,
        body: [UInt8]?,
        _ retrying: CourierHTTP.Repeat
    ) async throws -> Reply {
        var request = HTTPClientRequest(url: self.config.baseURL + path)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(self.config.apiKey.value)")
        request.headers.add(name: "Accept", value: "application/json")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let answer = try await self.http.send(request, retrying, path: path)
        guard answer.isSuccess else { throw Self.error(answer) }
        do {
            return try EasyPostJSON.decoder().decode(Reply.self, from: answer.data)
        } catch {
            throw CourierError(
                .unexpected,
                courier: "EasyPost",
                message: "EasyPost answered \(answer.status) with a body Souk cannot read as \(Reply.self)",
                httpStatus: answer.status
            )
        }
    }

    /// `address` as EasyPost's.
    static func address(_ address: CourierAddress) -> EasyPostAddress {
        EasyPostAddress(
            name: address.recipient,
            street1: address.line1,
            street2: address.line2.isEmpty ? nil : address.line2,
            city: address.city,
            state: address.region.isEmpty ? nil : address.region,
            zip: address.postalCode,
            country: address.country,
            phone: address.phone
        )
    }

    /// EasyPost's rate as Souk's, its decimal string converted exactly.
    static func rate(_ rate: EasyPostRate) throws(CourierError) -> CourierRate {
        guard let currency = Currency.supported[rate.currency] else {
            throw CourierError(
                .unexpected,
                courier: "EasyPost",
                message: "EasyPost priced in '\(rate.currency.prefix(8))', a currency Souk does not support",
                field: "rates.currency"
            )
        }
        guard let minorUnits = CourierMoney.minorUnits(rate.rate, exponent: currency.exponent) else {
            throw CourierError(
                .unexpected,
                courier: "EasyPost",
                message: "EasyPost sent rate '\(rate.rate.prefix(24))', not an exact amount in \(currency)",
                field: "rates.rate"
            )
        }
        return CourierRate(
            code: rate.id,
            name: "\(rate.carrier) \(rate.service)",
            minorUnits: minorUnits,
            currency: currency,
            minDays: rate.deliveryDays ?? rate.estDeliveryDays,
            maxDays: rate.estDeliveryDays ?? rate.deliveryDays
        )
    }

    /// A tracker as Souk's report: details oldest first, the current report from its status.
    static func report(_ tracker: EasyPostTracker) throws(CourierError) -> CourierTrackingReport {
        var history: [CourierTracking] = []
        for detail in tracker.trackingDetails ?? [] {
            guard let at = EasyPostJSON.date(detail.datetime) else {
                throw CourierError(
                    .unexpected,
                    courier: "EasyPost",
                    message: "EasyPost sent a tracking time Souk cannot read: '\(detail.datetime.prefix(40))'",
                    field: "tracking_details.datetime"
                )
            }
            history.append(
                CourierTracking(
                    status: EasyPostStatus.status(detail.status),
                    code: detail.status,
                    at: at,
                    city: detail.trackingLocation?.city,
                    message: detail.message
                )
            )
        }
        let latest = history.last
        let at = latest?.at ?? tracker.updatedAt.flatMap(EasyPostJSON.date)
        // The tracker's status is the current one; its latest detail says when and where, if it is the same.
        let isLatest = latest?.code == tracker.status
        let current = at.map { at in
            CourierTracking(
                status: EasyPostStatus.status(tracker.status),
                code: tracker.status,
                at: at,
                city: isLatest ? latest?.city : nil,
                message: isLatest ? latest?.message : nil
            )
        }
        return CourierTrackingReport(
            reference: tracker.id,
            trackingNumber: tracker.trackingCode,
            current: current,
            history: history
        )
    }

    /// `value` as a JSON body.
    static func json(_ value: some Encodable) throws(CourierError) -> [UInt8] {
        do {
            return Array(try EasyPostJSON.encoder().encode(value))
        } catch {
            throw CourierError(.invalidRequest, courier: "EasyPost", message: "EasyPost: the request cannot be encoded")
        }
    }

    /// `text` when it can stand in a path as it is (EasyPost's ids: letters, digits and `_`).
    static func pathComponent(_ text: String, field: String) throws(CourierError) -> String {
        guard !text.isEmpty, text.utf8.count <= 64,
            text.allSatisfy({ $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) })
        else {
            throw CourierError(
                .invalidRequest,
                courier: "EasyPost",
                message: "\(field): not an EasyPost id",
                field: field
            )
        }
        return text
    }

    /// The ``CourierError`` for an EasyPost error answer: by the HTTP status, then its code and fields.
    static func error(_ answer: CourierHTTP.Answer) -> CourierError {
        let detail = (try? EasyPostJSON.decoder().decode(EasyPostErrorBody.self, from: answer.data))?.error
        let code = detail?.code?.uppercased() ?? ""
        let field = detail?.errors?.first?.field
        let fieldText = field?.lowercased() ?? ""
        let status = answer.status
        let kind: CourierError.Code
        let summary: String
        switch status {
        case 401, 403:
            (kind, summary) = (.unauthorized, "EasyPost refused Souk's API key")
        case 429:
            (kind, summary) = (.unavailable, "EasyPost is limiting the request rate")
        case 500...:
            (kind, summary) = (.unavailable, "EasyPost is unavailable (HTTP \(status))")
        case _ where code.contains("WEIGHT") || fieldText.contains("weight"):
            (kind, summary) = (.overweight, "EasyPost does not take a parcel this heavy")
        case _ where code.contains("ADDRESS") || fieldText.contains("zip") || fieldText.contains("address"):
            (kind, summary) = (.unknownLocation, "EasyPost cannot use the address")
        case 404,
            _ where code.contains("NOT_FOUND"):
            (kind, summary) = (.notFound, "EasyPost has no such object")
        case 400..<500:
            (kind, summary) = (.invalidRequest, "EasyPost refused the request")
        default:
            (kind, summary) = (.unexpected, "EasyPost answered HTTP \(status)")
        }
        var message = summary
        if let field { message += " (\(field))" }
        var texts = [detail?.message].compactMap { $0 }
        texts += (detail?.errors ?? []).compactMap(\.message)
        texts = texts.filter { !$0.isEmpty }
        if !texts.isEmpty { message += ": " + texts.joined(separator: "; ") }
        return CourierError(
            kind,
            courier: "EasyPost",
            message: message,
            field: field,
            courierCode: detail?.code,
            httpStatus: status
        )
    }
}
