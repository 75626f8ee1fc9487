import GRPCCore
import SoukAPI

private typealias Identity = Souk_Identity_V1_IdentityService.Method
private typealias Catalog = Souk_Catalog_V1_CatalogService.Method
private typealias Orders = Souk_Catalog_V1_OrderService.Method

/// The methods the bridge forwards, by path (`/souk.catalog.v1.CatalogService/GetProduct`).
///
/// Every unary method of the identity, catalog and order services, built from the generated `Method.X` types.
/// The server-streaming `OrderService/WatchOrders` and `StreamEvents` are in `BridgeStreamMethods`, the
/// client-streaming `CatalogService/ImportProducts` in `BridgeClientStreamMethods`.
/// A test compares this table with the generated `descriptors`.
package struct BridgeMethods: Sendable {
    /// The entries by full method name, `package.Service/Method`.
    package let byName: [String: any BridgeMethodProtocol]

    /// A registry of `methods`.
    package init(_ methods: [any BridgeMethodProtocol]) {
        var byName: [String: any BridgeMethodProtocol] = [:]
        for method in methods {
            byName[method.descriptor.fullyQualifiedMethod] = method
        }
        self.byName = byName
    }

    /// The method at `name` (`package.Service/Method`), if bridged.
    package subscript(name: String) -> (any BridgeMethodProtocol)? {
        self.byName[name]
    }

    /// The unary methods of the identity, catalog and order services.
    package static let souk = BridgeMethods(Self.identity + Self.catalog + Self.orders)

    private static let identity: [any BridgeMethodProtocol] = [
        BridgeMethod(
            descriptor: Identity.SignUp.descriptor,
            input: Identity.SignUp.Input.self,
            output: Identity.SignUp.Output.self
        ),
        BridgeMethod(
            descriptor: Identity.Login.descriptor,
            input: Identity.Login.Input.self,
            output: Identity.Login.Output.self
        ),
        BridgeMethod(
            descriptor: Identity.Refresh.descriptor,
            input: Identity.Refresh.Input.self,
            output: Identity.Refresh.Output.self
        ),
        BridgeMethod(
            descriptor: Identity.ClientCredentials.descriptor,
            input: Identity.ClientCredentials.Input.self,
            output: Identity.ClientCredentials.Output.self
        ),
        BridgeMethod(
            descriptor: Identity.GetJwks.descriptor,
            input: Identity.GetJwks.Input.self,
            output: Identity.GetJwks.Output.self
        ),
        BridgeMethod(
            descriptor: Identity.BeginExternalSignIn.descriptor,
            input: Identity.BeginExternalSignIn.Input.self,
            output: Identity.BeginExternalSignIn.Output.self
        ),
        BridgeMethod(
            descriptor: Identity.CompleteExternalSignIn.descriptor,
            input: Identity.CompleteExternalSignIn.Input.self,
            output: Identity.CompleteExternalSignIn.Output.self
        ),
        BridgeMethod(
            descriptor: Identity.Logout.descriptor,
            input: Identity.Logout.Input.self,
            output: Identity.Logout.Output.self
        ),
        BridgeMethod(
            descriptor: Identity.GetMyAccount.descriptor,
            input: Identity.GetMyAccount.Input.self,
            output: Identity.GetMyAccount.Output.self
        ),
        BridgeMethod(
            descriptor: Identity.UpdateMyProfile.descriptor,
            input: Identity.UpdateMyProfile.Input.self,
            output: Identity.UpdateMyProfile.Output.self
        ),
        BridgeMethod(
            descriptor: Identity.ListMySessions.descriptor,
            input: Identity.ListMySessions.Input.self,
            output: Identity.ListMySessions.Output.self
        ),
        BridgeMethod(
            descriptor: Identity.RevokeMySession.descriptor,
            input: Identity.RevokeMySession.Input.self,
            output: Identity.RevokeMySession.Output.self
        ),
        BridgeMethod(
            descriptor: Identity.ChangePassword.descriptor,
            input: Identity.ChangePassword.Input.self,
            output: Identity.ChangePassword.Output.self
        ),
        BridgeMethod(
            descriptor: Identity.BeginTotpEnrollment.descriptor,
            input: Identity.BeginTotpEnrollment.Input.self,
            output: Identity.BeginTotpEnrollment.Output.self
        ),
        BridgeMethod(
            descriptor: Identity.ConfirmTotpEnrollment.descriptor,
            input: Identity.ConfirmTotpEnrollment.Input.self,
            output: Identity.ConfirmTotpEnrollment.Output.self
        ),
        BridgeMethod(
            descriptor: Identity.DisableTotp.descriptor,
            input: Identity.DisableTotp.Input.self,
            output: Identity.DisableTotp.Output.self
        ),
        BridgeMethod(
            descriptor: Identity.GetAccount.descriptor,
            input: Identity.GetAccount.Input.self,
            output: Identity.GetAccount.Output.self
        ),
        BridgeMethod(
            descriptor: Identity.ListAccounts.descriptor,
            input: Identity.ListAccounts.Input.self,
            output: Identity.ListAccounts.Output.self
        ),
        BridgeMethod(
            descriptor: Identity.CreateAccount.descriptor,
            input: Identity.CreateAccount.Input.self,
            output: Identity.CreateAccount.Output.self
        ),
        BridgeMethod(
            descriptor: Identity.SetAccountDisabled.descriptor,
            input: Identity.SetAccountDisabled.Input.self,
            output: Identity.SetAccountDisabled.Output.self
        ),
        BridgeMethod(
            descriptor: Identity.SetRoles.descriptor,
            input: Identity.SetRoles.Input.self,
            output: Identity.SetRoles.Output.self
        ),
        BridgeMethod(
            descriptor: Identity.RotateSigningKey.descriptor,
            input: Identity.RotateSigningKey.Input.self,
            output: Identity.RotateSigningKey.Output.self
        ),
        BridgeMethod(
            descriptor: Identity.CreateServiceAccount.descriptor,
            input: Identity.CreateServiceAccount.Input.self,
            output: Identity.CreateServiceAccount.Output.self
        ),
        BridgeMethod(
            descriptor: Identity.ListAuditEvents.descriptor,
            input: Identity.ListAuditEvents.Input.self,
            output: Identity.ListAuditEvents.Output.self
        ),
    ]

    private static let catalog: [any BridgeMethodProtocol] = [
        BridgeMethod(
            descriptor: Catalog.ListCategories.descriptor,
            input: Catalog.ListCategories.Input.self,
            output: Catalog.ListCategories.Output.self
        ),
        BridgeMethod(
            descriptor: Catalog.GetProduct.descriptor,
            input: Catalog.GetProduct.Input.self,
            output: Catalog.GetProduct.Output.self
        ),
        BridgeMethod(
            descriptor: Catalog.SearchProducts.descriptor,
            input: Catalog.SearchProducts.Input.self,
            output: Catalog.SearchProducts.Output.self
        ),
        BridgeMethod(
            descriptor: Catalog.CreateCategory.descriptor,
            input: Catalog.CreateCategory.Input.self,
            output: Catalog.CreateCategory.Output.self
        ),
        BridgeMethod(
            descriptor: Catalog.CreateProduct.descriptor,
            input: Catalog.CreateProduct.Input.self,
            output: Catalog.CreateProduct.Output.self
        ),
        BridgeMethod(
            descriptor: Catalog.PublishProduct.descriptor,
            input: Catalog.PublishProduct.Input.self,
            output: Catalog.PublishProduct.Output.self
        ),
        BridgeMethod(
            descriptor: Catalog.UpdateProduct.descriptor,
            input: Catalog.UpdateProduct.Input.self,
            output: Catalog.UpdateProduct.Output.self
        ),
        BridgeMethod(
            descriptor: Catalog.SetStock.descriptor,
            input: Catalog.SetStock.Input.self,
            output: Catalog.SetStock.Output.self
        ),
        BridgeMethod(
            descriptor: Catalog.GetStock.descriptor,
            input: Catalog.GetStock.Input.self,
            output: Catalog.GetStock.Output.self
        ),
        BridgeMethod(
            descriptor: Catalog.ReserveStock.descriptor,
            input: Catalog.ReserveStock.Input.self,
            output: Catalog.ReserveStock.Output.self
        ),
        BridgeMethod(
            descriptor: Catalog.ConsumeReservation.descriptor,
            input: Catalog.ConsumeReservation.Input.self,
            output: Catalog.ConsumeReservation.Output.self
        ),
        BridgeMethod(
            descriptor: Catalog.ReleaseReservation.descriptor,
            input: Catalog.ReleaseReservation.Input.self,
            output: Catalog.ReleaseReservation.Output.self
        ),
        BridgeMethod(
            descriptor: Catalog.GetCart.descriptor,
            input: Catalog.GetCart.Input.self,
            output: Catalog.GetCart.Output.self
        ),
        BridgeMethod(
            descriptor: Catalog.SetCartLine.descriptor,
            input: Catalog.SetCartLine.Input.self,
            output: Catalog.SetCartLine.Output.self
        ),
    ]

    private static let orders: [any BridgeMethodProtocol] = [
        BridgeMethod(
            descriptor: Orders.PlaceOrder.descriptor,
            input: Orders.PlaceOrder.Input.self,
            output: Orders.PlaceOrder.Output.self
        ),
        BridgeMethod(
            descriptor: Orders.ListMyOrders.descriptor,
            input: Orders.ListMyOrders.Input.self,
            output: Orders.ListMyOrders.Output.self
        ),
        BridgeMethod(
            descriptor: Orders.CancelMyOrder.descriptor,
            input: Orders.CancelMyOrder.Input.self,
            output: Orders.CancelMyOrder.Output.self
        ),
        BridgeMethod(
            descriptor: Orders.GetOrder.descriptor,
            input: Orders.GetOrder.Input.self,
            output: Orders.GetOrder.Output.self
        ),
        BridgeMethod(
            descriptor: Orders.ListOrders.descriptor,
            input: Orders.ListOrders.Input.self,
            output: Orders.ListOrders.Output.self
        ),
        BridgeMethod(
            descriptor: Orders.UpdateOrderStatus.descriptor,
            input: Orders.UpdateOrderStatus.Input.self,
            output: Orders.UpdateOrderStatus.Output.self
        ),
    ]
}
