import Foundation
import SoukHost

#if canImport(Glibc)
import Glibc
#endif

extension ResolvedSettings {
    /// The payment providers' settings: keys only from the environment or a file only its owner can read.
    ///
    /// | flag | variable | default |
    /// | --- | --- | --- |
    /// | `--stripe-url` | `SOUK_STRIPE_URL`; the keys only in `SOUK_STRIPE_SECRET_KEY` and `SOUK_STRIPE_WEBHOOK_SECRET` (or `…_FILE`) | Stripe itself |
    /// | `--yookassa-url`, `--yookassa-shop-id` | `SOUK_YOOKASSA_URL`, `SOUK_YOOKASSA_SHOP_ID`; the key only in `SOUK_YOOKASSA_SECRET_KEY` (or `…_FILE`) | YooKassa itself |
    /// | `--yookassa-allowed-sources` | `SOUK_YOOKASSA_ALLOWED_SOURCES` | any sender (notifications are re-read) |
    /// | `--payment-routes` | `SOUK_PAYMENT_ROUTES` | `RUB=yookassa,*=stripe` |
    /// | `--payment-capture` | `SOUK_PAYMENT_CAPTURE` | `automatic` |
    /// | `--payment-return-url` | `SOUK_PAYMENT_RETURN_URL` | `https://localhost/payment-return` |
    ///
    /// With no keys on the embedded database the host runs the payments sandbox (the local providers).
    static func payments(
        _ config: inout HostConfig,
        options: HostOptions,
        environment: [String: String]
    ) throws {
        func value(_ flag: String?, _ variable: String) -> (String, String)? {
            if let flag { return (flag, "--\(Self.flagName(for: variable))") }
            if let text = environment[variable], !text.isEmpty { return (text, variable) }
            return nil
        }
        let stripeKey = try Self.secret("SOUK_STRIPE_SECRET_KEY", environment)
        let stripeWebhook = try Self.secret("SOUK_STRIPE_WEBHOOK_SECRET", environment)
        let stripeURL = value(options.stripeUrl, "SOUK_STRIPE_URL")?.0
        switch (stripeKey, stripeWebhook) {
        case (let key?, let webhook?):
            config.useStripe(baseURL: stripeURL, secretKey: key, webhookSecret: webhook)
        case (nil, nil):
            if let (_, setting) = value(options.stripeUrl, "SOUK_STRIPE_URL") {
                throw HostError(code: .invalidConfiguration, message: "\(setting) needs SOUK_STRIPE_SECRET_KEY")
            }
        default:
            throw HostError(
                code: .invalidConfiguration,
                message: "Stripe needs both SOUK_STRIPE_SECRET_KEY and SOUK_STRIPE_WEBHOOK_SECRET"
            )
        }
        let shop = value(options.yookassaShopId, "SOUK_YOOKASSA_SHOP_ID")
        let yooKassaKey = try Self.secret("SOUK_YOOKASSA_SECRET_KEY", environment)
        switch (shop, yooKassaKey) {
        case (let (shopID, _)?, let key?):
            let sources = (value(options.yookassaAllowedSources, "SOUK_YOOKASSA_ALLOWED_SOURCES")?.0 ?? "")
                .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            config.useYooKassa(
                baseURL: value(options.yookassaUrl, "SOUK_YOOKASSA_URL")?.0,
                shopID: shopID,
                secretKey: key,
                allowedSources: sources
            )
        case (nil, nil):
            break
        case (let (_, setting)?, nil):
            throw HostError(code: .invalidConfiguration, message: "\(setting) needs SOUK_YOOKASSA_SECRET_KEY")
        case (nil, .some):
            throw HostError(
                code: .invalidConfiguration,
                message: "SOUK_YOOKASSA_SECRET_KEY needs --yookassa-shop-id (or SOUK_YOOKASSA_SHOP_ID)"
            )
        }
        if let (text, setting) = value(options.paymentRoutes, "SOUK_PAYMENT_ROUTES") {
            try config.routePayments(text, setting: setting)
        }
        if let (text, setting) = value(options.paymentCapture, "SOUK_PAYMENT_CAPTURE") {
            try config.usePaymentCapture(text, setting: setting)
        }
        if let (text, setting) = value(options.paymentReturnUrl, "SOUK_PAYMENT_RETURN_URL") {
            try config.usePaymentReturnURL(text, setting: setting)
        }
    }

    /// A secret from `variable`, or from the file `variable_FILE` names, which only its owner may read.
    static func secret(_ variable: String, _ environment: [String: String]) throws -> String? {
        if let text = environment[variable], !text.isEmpty { return text }
        guard let path = environment["\(variable)_FILE"], !path.isEmpty else { return nil }
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw HostError(code: .invalidConfiguration, message: "\(variable)_FILE: cannot read \(path)")
        }
        guard info.st_mode & 0o077 == 0 else {
            throw HostError(
                code: .invalidConfiguration,
                message: "\(variable)_FILE: \(path) may be read by others; make it mode 0600"
            )
        }
        guard let data = FileManager.default.contents(atPath: path),
            let text = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines),
            !text.isEmpty
        else { throw HostError(code: .invalidConfiguration, message: "\(variable)_FILE: \(path) is empty") }
        return text
    }
}
