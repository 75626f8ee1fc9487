/// The idempotency key of a request that moves money: the one given, or a new one printed on standard error
/// before the call, so a retry after a lost answer can reuse it.
enum IdempotencyKey {
    /// `given`, or a new UUID announced as `idempotency key: …` naming what it is for.
    static func announce(_ given: String?, for what: String) -> String {
        if let given { return given }
        let key = UUIDText.random()
        Printer.note("idempotency key: \(key) (to retry this \(what), give --key \(key))")
        return key
    }
}
