package import HTTPTypes

extension HTTPField.Name {
    /// `Referrer-Policy`, which swift-http-types does not name.
    package static var referrerPolicy: Self { Self("Referrer-Policy")! }
}
