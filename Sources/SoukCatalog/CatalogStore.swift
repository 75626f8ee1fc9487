/// Everything the catalog's services read and write: products, rates, carts, stock, warehouses and orders.
///
/// ``PostgresCatalogStore`` is the implementation the services run on; a test may hand a service a fake of the
/// one focused protocol it needs (``RateImport`` takes any ``RateStore``).
typealias CatalogStore = CartStore & InventoryStore & OrderStore & ProductStore & RateStore & WarehouseStore
