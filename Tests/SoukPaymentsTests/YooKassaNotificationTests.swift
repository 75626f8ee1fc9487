import Foundation
import SoukMoney
import SoukPaymentProviders
import Testing

@Suite("YooKassa's notifications, decoded")
struct YooKassaNotificationTests {
    /// A notification as YooKassa documents it (providers.md §2.5), with fields Souk does not read.
    static let succeeded = """
        {
          "type": "notification",
          "event": "payment.succeeded",
          "object": {
            "id": "22d6d597-000f-5000-9000-145f6df21d6f",
            "status": "succeeded",
            "paid": true,
            "amount": {"value": "2.00", "currency": "RUB"},
            "income_amount": {"value": "1.93", "currency": "RUB"},
            "authorization_details": {"rrn": "10000000000", "auth_code": "000000"},
            "captured_at": "2018-07-18T10:51:18.139Z",
            "created_at": "2018-07-18T10:51:18.139Z",
            "description": "Order No. 72",
            "metadata": {"order_id": "72"},
            "payment_method": {"type": "bank_card", "id": "22d6d597-000f-5000-9000-145f6df21d6f", "saved": false},
            "refundable": true,
            "refunded_amount": {"value": "0.50", "currency": "RUB"},
            "test": false
          }
        }
        """

    @Test("payment.succeeded: the whole payment, times read with their milliseconds")
    func paymentSucceeded() throws {
        let notification = try YooKassaNotification(decoding: Array(Self.succeeded.utf8))
        #expect(notification.type == "notification" && notification.event == .paymentSucceeded)
        #expect(notification.event.isAboutPayment && !notification.event.isAboutRefund)
        guard case .payment(let payment) = notification.object else {
            Issue.record("not a payment: \(notification.object)")
            return
        }
        #expect(payment.id == "22d6d597-000f-5000-9000-145f6df21d6f" && notification.object.id == payment.id)
        #expect(payment.status == .succeeded && payment.paid && !payment.test)
        #expect(payment.amount.value == "2.00" && payment.refundedAmount?.value == "0.50")
        #expect(payment.metadata == ["order_id": "72"] && payment.description == "Order No. 72")
        #expect(abs(payment.createdAt.timeIntervalSince1970 - 1_531_911_078.139) < 0.000_5)
        #expect(payment.confirmation == nil && payment.cancellationDetails == nil)
        #expect(YooKassaJSON.string(payment.createdAt) == "2018-07-18T10:51:18.139Z")
    }

    @Test("payment.canceled carries who cancelled and why")
    func paymentCanceled() throws {
        let body = """
            {"type":"notification","event":"payment.canceled","object":{"id":"p1","status":"canceled","paid":false,\
            "amount":{"value":"10.00","currency":"RUB"},"created_at":"2026-01-01T00:00:00Z","test":true,\
            "cancellation_details":{"party":"payment_network","reason":"insufficient_funds"}}}
            """
        let notification = try YooKassaNotification(decoding: Array(body.utf8))
        #expect(notification.event == .paymentCanceled)
        guard case .payment(let payment) = notification.object else {
            Issue.record("not a payment")
            return
        }
        #expect(payment.cancellationDetails == .init(party: "payment_network", reason: "insufficient_funds"))
        #expect(payment.createdAt == Date(timeIntervalSince1970: 1_767_225_600))
    }

    @Test("refund.succeeded: the refund and the payment it belongs to")
    func refundSucceeded() throws {
        let body = """
            {"type":"notification","event":"refund.succeeded","object":{"id":"216749f7-0016-50be-b000-078d43a63ae4",\
            "status":"succeeded","amount":{"value":"1.00","currency":"RUB"},"created_at":"2017-10-04T19:27:51.407Z",\
            "payment_id":"216749da-000f-50be-b000-096747fad91e"}}
            """
        let notification = try YooKassaNotification(decoding: Array(body.utf8))
        #expect(notification.event == .refundSucceeded && notification.event.isAboutRefund)
        guard case .refund(let refund) = notification.object else {
            Issue.record("not a refund")
            return
        }
        #expect(refund.paymentID == "216749da-000f-50be-b000-096747fad91e" && refund.status == .succeeded)
        #expect(refund.amount.value == "1.00" && refund.description == nil)
    }

    @Test("an event Souk does not read decodes as other, to be acknowledged")
    func otherEvent() throws {
        let body = #"{"type":"notification","event":"payout.succeeded","object":{"id":"po-1","status":"succeeded"}}"#
        let notification = try YooKassaNotification(decoding: Array(body.utf8))
        #expect(notification.event.rawValue == "payout.succeeded" && notification.object == .other)
        #expect(notification.object.id == nil)
    }

    @Test(
        "a body that is not a notification is invalid, naming the field",
        arguments: [
            (#"{"type":"error","event":"payment.succeeded","object":{}}"#, "type"),
            (#"{"type":"notification","object":{}}"#, "event"),
            (#"{"type":"notification","event":"payment.succeeded","object":{"id":"p1"}}"#, "object.status"),
            (
                #"{"type":"notification","event":"refund.succeeded","object":{"id":"r1","status":"succeeded","amount":{"value":"1.00","currency":"RUB"},"created_at":"yesterday","payment_id":"p"}}"#,
                "object.created_at"
            ),
        ]
    )
    func notANotification(body: String, field: String) {
        let error = #expect(throws: ProviderError.self) { try YooKassaNotification(decoding: Array(body.utf8)) }
        #expect(
            error?.code == .invalid && error?.param == field && error?.provider == "YooKassa",
            "\(String(describing: error))"
        )
    }

    @Test("not JSON at all is invalid without a field")
    func notJSON() {
        let error = #expect(throws: ProviderError.self) { try YooKassaNotification(decoding: Array("hello".utf8)) }
        #expect(error?.code == .invalid && error?.param == nil)
    }

    @Test("encoded by Souk's local server and decoded back, equal")
    func roundTrip() throws {
        let payment = YooKassaPayment(
            id: "00000001-000f-5000-8000-10ca10000000",
            status: .waitingForCapture,
            paid: true,
            amount: try YooKassaAmount(.init(minorUnits: 149_900, currency: .rub)),
            metadata: ["order_id": "A-1"],
            createdAt: Date(timeIntervalSince1970: 1_767_225_600.5),
            test: true
        )
        let notification = YooKassaNotification(event: .paymentWaitingForCapture, object: .payment(payment))
        let body = try YooKassaJSON.encoder().encode(notification)
        #expect(String(decoding: body, as: UTF8.self).contains(#""created_at":"2026-01-01T00:00:00.500Z""#))
        #expect(try YooKassaNotification(decoding: Array(body)) == notification)
    }
}
