import SoukPaymentProviders
import Testing

@Suite("Stripe's form encoding")
struct StripeFormTests {
    @Test("nested maps become bracketed keys, sorted; lists become indexed keys")
    func nesting() {
        var form = StripeForm()
        form.append("amount", Int64(149_900))
        form.append("confirm", true)
        form.append("metadata", .map(["order_id": "A-1001", "attempt": "1"]))
        form.append("payment_method_types", .list(["card", "link"]))
        form.append("shipping", .map(["address": .map(["city": "Kazan", "lines": .list(["1 Main St"])])]))
        #expect(
            form.encoded
                == "amount=149900&confirm=true&metadata[attempt]=1&metadata[order_id]=A-1001"
                + "&payment_method_types[0]=card&payment_method_types[1]=link"
                + "&shipping[address][city]=Kazan&shipping[address][lines][0]=1%20Main%20St"
        )
        #expect(form.map("metadata") == ["attempt": "1", "order_id": "A-1001"])
        #expect(form["confirm"] == "true")
    }

    @Test("values are percent-encoded per RFC 3986: only A-Z a-z 0-9 - . _ ~ stay as they are")
    func escaping() {
        var form = StripeForm()
        form.append("return_url", "https://shop.example/return?order=A-1&x=1+2")
        form.append("metadata", .map(["note": "café & co. ~50%"]))
        #expect(
            form.encoded
                == "return_url=https%3A%2F%2Fshop.example%2Freturn%3Forder%3DA-1%26x%3D1%2B2"
                + "&metadata[note]=caf%C3%A9%20%26%20co.%20~50%25"
        )
    }

    @Test("an empty map or list adds nothing; an empty form encodes to nothing")
    func empty() {
        var form = StripeForm()
        form.append("metadata", .map([:]))
        form.append("types", .list([]))
        #expect(form.fields.isEmpty && form.encoded.isEmpty)
    }

    @Test("decoding gives back what was encoded, and reads + as a space")
    func roundTrip() throws {
        var form = StripeForm()
        form.append("metadata", .map(["note": "café & co. = 50%", "empty": ""]))
        form.append("amount", Int64(5))
        #expect(try StripeForm(decoding: form.encoded) == form)
        #expect(try StripeForm(decoding: "a=1+2&b")["a"] == "1 2")
        #expect(try StripeForm(decoding: "a=1+2&b")["b"] == "")
    }

    @Test("a broken escape or bytes that are not UTF-8 are refused", arguments: ["a=%4", "a=%zz", "a=%C3%28"])
    func malformed(text: String) {
        #expect(throws: StripeFormError.self) { try StripeForm(decoding: text) }
    }
}
