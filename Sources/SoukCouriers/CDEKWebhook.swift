package import Foundation

/// A CDEK `ORDER_STATUS` webhook (providers.md §4.1): `{type, date_time, uuid, attributes{cdek_number, number,
/// code, status_date_time, city_name, …}}`.
///
/// CDEK does not sign its webhooks, so nothing in one is trusted: the delivery domain re-reads the order
/// (``CDEKClient/order(_:)``) and acts on what that says. This only parses, to learn which order to re-read.
package struct CDEKWebhook: Sendable, Hashable {
    /// `ORDER_STATUS` (the only type Souk subscribes to).
    package var type: String
    /// The order's uuid.
    package var uuid: String
    /// When CDEK sent it.
    package var sentAt: Date?
    /// The waybill number.
    package var cdekNumber: String?
    /// The shop's own number of the order.
    package var number: String?
    /// The status code (``CDEKStatus``).
    package var code: String?
    /// Souk's status for ``code``.
    package var status: CourierStatus? { self.code.flatMap(CDEKStatus.status) }
    /// When the status happened.
    package var statusAt: Date?
    /// The city where it happened.
    package var city: String?
    /// Whether the order is a return.
    package var isReturn: Bool

    /// Parses a webhook's raw body.
    ///
    /// - Throws: ``CourierError`` (``CourierError/Code/invalidRequest``) naming what is missing or malformed.
    package init(parsing body: some DataProtocol) throws(CourierError) {
        let wire: Wire
        do {
            wire = try CDEKJSON.decoder().decode(Wire.self, from: Data(body))
        } catch {
            throw CourierError(.invalidRequest, courier: "CDEK", message: "CDEK webhook: not an ORDER_STATUS body")
        }
        guard let uuid = wire.uuid ?? wire.attributes?.uuid, !uuid.isEmpty else {
            throw CourierError(.invalidRequest, courier: "CDEK", message: "CDEK webhook: no uuid", field: "uuid")
        }
        guard let type = wire.type, !type.isEmpty else {
            throw CourierError(.invalidRequest, courier: "CDEK", message: "CDEK webhook: no type", field: "type")
        }
        self.type = type
        self.uuid = uuid
        self.sentAt = wire.dateTime.flatMap(CDEKJSON.date)
        let attributes = wire.attributes
        self.cdekNumber = attributes?.cdekNumber
        self.number = attributes?.number
        self.code = attributes?.code ?? attributes?.statusCode
        self.statusAt = attributes?.statusDateTime.flatMap(CDEKJSON.date)
        self.city = attributes?.cityName ?? attributes?.city
        self.isReturn = attributes?.isReturn ?? false
    }

    /// The body as CDEK sends it.
    struct Wire: Codable {
        struct Attributes: Codable {
            var uuid: String?
            var isReturn: Bool?
            var isReverse: Bool?
            var isClientReturn: Bool?
            var cdekNumber: String?
            var number: String?
            var code: String?
            var statusCode: String?
            var statusReasonCode: String?
            var statusDateTime: String?
            var cityName: String?
            var cityCode: String?
            var city: String?
        }

        var type: String?
        var dateTime: String?
        var uuid: String?
        var attributes: Attributes?
    }
}

extension CDEKWebhook {
    /// An `ORDER_STATUS` body as CDEK sends it: for the local CDEK server and tests.
    package static func body(
        uuid: String,
        cdekNumber: String?,
        number: String?,
        code: String,
        statusAt: String,
        city: String?,
        sentAt: String
    ) -> [UInt8] {
        let wire = Wire(
            type: "ORDER_STATUS",
            dateTime: sentAt,
            uuid: uuid,
            attributes: .init(
                isReturn: false,
                isReverse: false,
                isClientReturn: false,
                cdekNumber: cdekNumber,
                number: number,
                code: code,
                statusCode: code,
                statusDateTime: statusAt,
                cityName: city
            )
        )
        // Strings and booleans always encode.
        return Array(try! CDEKJSON.encoder().encode(wire))
    }
}
