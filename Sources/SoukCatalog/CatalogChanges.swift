import Foundation
import Logging
import PostgresNIO
import SoukStorage

/// What the catalog's triggers say on the ``channel`` notification channel when a commit changes what a product
/// read returns, and what this process does on hearing it.
///
/// The triggers (``CatalogMigrations``, version 9) notify for every process, this one included, so replicas
/// sharing the database keep their ``ProductCache`` coherent:
/// - a product's row, its SKUs or their prices changed, or a SKU's stock went from available to none or back:
///   the product's id;
/// - a warehouse was added, removed, opened or closed (every product's stock may read differently): `*`;
/// - exchange rates were stored: `rates`.
///
/// PostgreSQL delivers one notification per distinct payload and transaction, at commit.
enum CatalogChange: Equatable, Sendable {
    case product(UUID)
    case everything
    case rates

    /// The channel the catalog's triggers notify on.
    static let channel = "souk_catalog"

    /// The change a payload names; nil for one this version does not know (a newer replica's), which is then
    /// taken as ``everything``, the safe reading.
    init?(payload: String) {
        switch payload {
        case "*": self = .everything
        case "rates": self = .rates
        default:
            guard let id = UUID(uuidString: payload) else { return nil }
            self = .product(id)
        }
    }
}

/// Keeps a ``ProductCache`` and a ``RateCache`` coherent with the database by listening on
/// ``CatalogChange/channel``; the product cache serves only while this runs and listens.
struct CatalogChanges: Sendable {
    let listener: ChannelListener
    let caches: CatalogCaches

    init(client: PostgresClient, logger: Logger, caches: CatalogCaches) {
        self.listener = ChannelListener(client: client, channel: CatalogChange.channel, logger: logger)
        self.caches = caches
    }

    /// Listens until the task is cancelled; the product cache stops serving when it returns.
    func run() async {
        await self.listener.run { event in self.caches.apply(event) }
        self.caches.products.stopServing()
    }
}

/// The catalog's in-memory copies of what it reads, shared by the copies of its store.
struct CatalogCaches: Sendable {
    let products: ProductCache
    let rates: RateCache

    /// Applies one event of the listener on ``CatalogChange/channel``.
    func apply(_ event: ChannelListener.Event) {
        switch event {
        case .listening:
            // What changed while nobody listened was not heard: start again from nothing.
            self.products.startServing()
            self.rates.invalidate()
        case .interrupted:
            self.products.stopServing()
        case .notification(let payload):
            switch CatalogChange(payload: payload) {
            case .product(let id): self.products.invalidate(products: [id])
            case .rates: self.rates.invalidate()
            case .everything, nil: self.products.invalidateAll()
            }
        }
    }
}
