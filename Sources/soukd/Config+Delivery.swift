import SoukHost

extension ResolvedSettings {
    /// The couriers' settings: keys only from the environment or a file only its owner can read.
    ///
    /// | flag | variable | default |
    /// | --- | --- | --- |
    /// | `--cdek-url`, `--cdek-client-id` | `SOUK_CDEK_URL`, `SOUK_CDEK_CLIENT_ID`; the secret only in `SOUK_CDEK_CLIENT_SECRET` (or `…_FILE`) | CDEK itself |
    /// | `--easypost-url` | `SOUK_EASYPOST_URL`; the keys only in `SOUK_EASYPOST_API_KEY` and `SOUK_EASYPOST_WEBHOOK_SECRET` (or `…_FILE`) | EasyPost itself |
    /// | `--delivery-poll-interval` | `SOUK_DELIVERY_POLL_INTERVAL` | `30s` |
    /// | `--quote-lifetime` | `SOUK_QUOTE_LIFETIME` | `30m` |
    ///
    /// With no courier keys on the embedded database the host runs the delivery sandbox (the local couriers).
    static func delivery(
        _ config: inout HostConfig,
        options: HostOptions,
        environment: [String: String]
    ) throws {
        func value(_ flag: String?, _ variable: String) -> (String, String)? {
            if let flag { return (flag, "--\(Self.flagName(for: variable))") }
            if let text = environment[variable], !text.isEmpty { return (text, variable) }
            return nil
        }
        let account = value(options.cdekClientId, "SOUK_CDEK_CLIENT_ID")
        let cdekSecret = try Self.secret("SOUK_CDEK_CLIENT_SECRET", environment)
        switch (account, cdekSecret) {
        case (let (clientID, _)?, let secret?):
            config.useCDEK(
                baseURL: value(options.cdekUrl, "SOUK_CDEK_URL")?.0,
                clientID: clientID,
                clientSecret: secret
            )
        case (nil, nil):
            if let (_, setting) = value(options.cdekUrl, "SOUK_CDEK_URL") {
                throw HostError(
                    code: .invalidConfiguration,
                    message: "\(setting) needs --cdek-client-id and SOUK_CDEK_CLIENT_SECRET"
                )
            }
        case (let (_, setting)?, nil):
            throw HostError(code: .invalidConfiguration, message: "\(setting) needs SOUK_CDEK_CLIENT_SECRET")
        case (nil, .some):
            throw HostError(
                code: .invalidConfiguration,
                message: "SOUK_CDEK_CLIENT_SECRET needs --cdek-client-id (or SOUK_CDEK_CLIENT_ID)"
            )
        }
        let apiKey = try Self.secret("SOUK_EASYPOST_API_KEY", environment)
        let webhookSecret = try Self.secret("SOUK_EASYPOST_WEBHOOK_SECRET", environment)
        switch (apiKey, webhookSecret) {
        case (let key?, let webhook?):
            config.useEasyPost(
                baseURL: value(options.easypostUrl, "SOUK_EASYPOST_URL")?.0,
                apiKey: key,
                webhookSecret: webhook
            )
        case (nil, nil):
            if let (_, setting) = value(options.easypostUrl, "SOUK_EASYPOST_URL") {
                throw HostError(code: .invalidConfiguration, message: "\(setting) needs SOUK_EASYPOST_API_KEY")
            }
        default:
            throw HostError(
                code: .invalidConfiguration,
                message: "EasyPost needs both SOUK_EASYPOST_API_KEY and SOUK_EASYPOST_WEBHOOK_SECRET"
            )
        }
        if let (text, setting) = value(options.deliveryPollInterval, "SOUK_DELIVERY_POLL_INTERVAL") {
            try config.useDeliveryPollInterval(text, setting: setting)
        }
        if let (text, setting) = value(options.quoteLifetime, "SOUK_QUOTE_LIFETIME") {
            try config.useQuoteLifetime(text, setting: setting)
        }
    }
}
