import ArgumentParser
import Foundation
import SoukAPI
import SoukCtlKit
import SwiftProtobuf

/// `soukctl delivery quotes|tariff`: what delivering the caller's cart costs, and the merchant's own tariff.
struct Delivery: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Shipping quotes for your cart (customers); the shop's delivery tariff (staff).",
        subcommands: [Quotes.self, Tariff.self]
    )

    /// The delivery address flags of `delivery quotes` and `orders place`.
    struct AddressOptions: ParsableArguments {
        @Option(help: "Country, ISO 3166-1 alpha-2, e.g. RU.") var country: String?
        @Option(help: "Postal code, e.g. 190000.") var postalCode: String?
        @Option(help: "Region, state or oblast, e.g. Saint Petersburg.") var region: String?
        @Option(help: "City.") var city: String?
        @Option(help: "Street and building.") var line1: String?
        @Option(help: "Flat, floor, entrance.") var line2: String?
        @Option(help: "Who receives the parcel.") var recipient: String?
        @Option(help: "The recipient's phone, e.g. +7 921 123-45-67.") var phone: String?

        var isEmpty: Bool {
            [self.country, self.postalCode, self.region, self.city, self.line1, self.line2, self.recipient, self.phone]
                .allSatisfy { $0 == nil }
        }

        var address: Souk_Identity_V1_Address {
            var address = Souk_Identity_V1_Address()
            address.country = self.country?.uppercased() ?? ""
            address.postalCode = self.postalCode ?? ""
            address.region = self.region ?? ""
            address.city = self.city ?? ""
            address.line1 = self.line1 ?? ""
            address.line2 = self.line2 ?? ""
            address.recipient = self.recipient ?? ""
            address.phone = self.phone ?? ""
            return address
        }
    }

    struct Quotes: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Prices to deliver your cart to an address, cheapest first; give one's id to `orders place --quote`.",
            discussion: "Couriers that could not quote are named on standard error; the other options still stand."
        )

        @OptionGroup var global: GlobalOptions
        @OptionGroup var address: AddressOptions
        @Option(help: "The currency to price in (ISO 4217; default: your preferred currency).") var currency: String?

        func validate() throws {
            guard self.address.country != nil, self.address.postalCode != nil else {
                throw ValidationError("--country and --postal-code are required")
            }
        }

        func run() async throws {
            try await reportingErrors {
                let session = try Session(self.global)
                var request = Souk_Delivery_V1_GetShippingQuotesRequest()
                request.address = self.address.address
                request.currency = self.currency?.uppercased() ?? ""
                let response = try await session.authenticated { api in
                    try await api.delivery.getShippingQuotes(request, options: api.options)
                }
                for failure in response.failures { Printer.note("\(failure.carrier): \(failure.message)") }
                if self.global.isJSON { return try Printer.json(response.quotes) }
                Printer.table(
                    ["ID", "CARRIER", "SERVICE", "PRICE", "DAYS", "EXPIRES (UTC)"],
                    response.quotes.map { quote in
                        [
                            quote.id, quote.carrier, quote.serviceName, MoneyText.format(quote.price),
                            ShipmentText.days(min: quote.minDays, max: quote.maxDays),
                            DayParsing.format(unixMs: quote.expiresAtUnixMs),
                        ]
                    }
                )
            }
        }
    }

    struct Tariff: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show or replace the shop's own delivery tariff (staff; delivery.manage).",
            subcommands: [Show.self, Set.self]
        )

        /// One row per zone: where it delivers, in how long, its brackets and when it is free.
        static func print(_ tariff: Souk_Delivery_V1_Tariff, global: GlobalOptions) throws {
            if global.isJSON { return try Printer.json(tariff) }
            var rows: [[String]] = []
            for service in tariff.services {
                for zone in service.zones {
                    let place = [zone.country] + zone.regions + zone.postcodePrefixes.map { "\($0)…" }
                    let brackets = zone.brackets.map { bracket in
                        let volume = bracket.maxVolumeCm3 > 0 ? "/\(bracket.maxVolumeCm3) cm³" : ""
                        let prices = bracket.prices.map(MoneyText.format).joined(separator: " ")
                        return "≤\(bracket.maxWeightGrams) g\(volume) \(prices)"
                    }
                    rows.append([
                        service.code, zone.code, place.joined(separator: " "),
                        ShipmentText.days(min: zone.minDays, max: zone.maxDays), brackets.joined(separator: "; "),
                        zone.freeAbove.map(MoneyText.format).joined(separator: " "),
                    ])
                }
            }
            Printer.table(["SERVICE", "ZONE", "WHERE", "DAYS", "BRACKETS", "FREE FROM"], rows)
            if tariff.updatedAtUnixMs > 0 {
                Printer.note("set \(DayParsing.format(unixMs: tariff.updatedAtUnixMs)) UTC")
            }
        }

        struct Show: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "The tariff, one line per zone.")

            @OptionGroup var global: GlobalOptions

            func run() async throws {
                try await reportingErrors {
                    let session = try Session(self.global)
                    let tariff = try await session.authenticated { api in
                        try await api.delivery.getTariff(.init(), options: api.options)
                    }
                    try Tariff.print(tariff, global: self.global)
                }
            }
        }

        struct Set: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Replace the tariff with FILE.json (the Tariff message in protobuf JSON).",
                discussion: "`soukctl delivery tariff show --output json > tariff.json` gives a file to start from."
            )

            @OptionGroup var global: GlobalOptions
            @Argument(help: "The tariff as protobuf JSON: {\"services\": [{\"code\": …, \"zones\": […]}]}.") var file:
                String

            func run() async throws {
                try await reportingErrors {
                    let session = try Session(self.global)
                    guard let data = FileManager.default.contents(atPath: self.file) else {
                        throw CtlError(.usage, "cannot read \(self.file)", hint: "check the path and its permissions")
                    }
                    var request = Souk_Delivery_V1_SetTariffRequest()
                    do {
                        request.tariff = try Souk_Delivery_V1_Tariff(jsonUTF8Data: data)
                    } catch {
                        throw CtlError(
                            .usage,
                            "\(self.file) is not a Tariff in protobuf JSON",
                            hint: "start from `soukctl delivery tariff show --output json`"
                        )
                    }
                    let tariff = try await session.authenticated { api in
                        try await api.delivery.setTariff(request, options: api.options)
                    }
                    try Tariff.print(tariff, global: self.global)
                }
            }
        }
    }
}
