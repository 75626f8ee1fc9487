"""Two domains in two soukd processes: identity in one, the catalog in another that reaches identity over SWP
with TLS (`--remote identity=HOST:PORT --remote-ca`), both on one embedded PostgreSQL (the second joins the
first's server). A customer's order that names no currency is placed in their preferred currency, which only
the identity process can tell: the catalog process reads it from identity's GetMyAccount with the customer's
own token. Called from Python grpcio stubs generated from Protos/ at run time (grpcio-tools).

Run by scripts/test; SOUKD names the built binary.
"""
import importlib
import os
import sys
import tempfile
import uuid

import grpc
import pytest
from processes import stop
from test_soukd import Soukd

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")


def stubs(folder):
    """Python modules for the identity, catalog and order services, generated into `folder`."""
    from grpc_tools import protoc

    protos = os.path.abspath(os.path.join(ROOT, "Protos"))
    files = [os.path.join(protos, "souk", "identity", "v1", "identity.proto"),
             os.path.join(protos, "souk", "catalog", "v1", "catalog.proto"),
             os.path.join(protos, "souk", "catalog", "v1", "orders.proto")]
    os.makedirs(folder)
    status = protoc.main(["protoc", f"-I{protos}", f"--python_out={folder}", f"--grpc_python_out={folder}", *files])
    assert status == 0, "grpc_tools.protoc failed"
    sys.path.insert(0, folder)
    names = ["identity_pb2", "identity_pb2_grpc", "catalog_pb2", "catalog_pb2_grpc", "orders_pb2", "orders_pb2_grpc"]
    modules = {name: importlib.import_module(f"souk.{'identity' if 'identity' in name else 'catalog'}.v1.{name}")
               for name in names}
    return modules


def test_catalog_in_one_process_reads_the_preferred_currency_from_identity_in_another():
    with tempfile.TemporaryDirectory(prefix="two-soukds-", dir="/tmp") as folder:
        os.chmod(folder, 0o755)
        data = os.path.join(folder, "data")
        api = stubs(os.path.join(folder, "stubs"))

        # The demo shop, seeded once by a soukd with both domains, then stopped.
        seeder = Soukd(folder, ["serve", "--seed-demo", "--services", "identity,catalog", "--data-folder", data,
                                "--swp-port", "0", "--grpc-port", "0"])
        try:
            seeder.wait_ready()
        finally:
            stop(seeder.process)
        assert seeder.process.returncode == 0

        identity = Soukd(folder, ["serve", "--services", "identity", "--data-folder", data,
                                  "--swp-port", "0", "--grpc-port", "0"])
        catalog = None
        try:
            _, identity_grpc, _ = identity.wait_ready()
            ca = os.path.join(data, "tls", "ca.pem")
            catalog = Soukd(folder, ["serve", "--services", "catalog", "--data-folder", data,
                                     "--swp-port", "0", "--grpc-port", "0",
                                     "--remote", f"identity=127.0.0.1:{identity.swp_port}", "--remote-ca", ca])
            _, catalog_grpc, _ = catalog.wait_ready()
            assert "services: catalog" in catalog.banner, catalog.banner

            credentials = grpc.ssl_channel_credentials(open(ca, "rb").read())
            with grpc.secure_channel(f"127.0.0.1:{identity_grpc}", credentials) as to_identity, \
                    grpc.secure_channel(f"127.0.0.1:{catalog_grpc}", credentials) as to_catalog:
                people = api["identity_pb2_grpc"].IdentityServiceStub(to_identity)
                shop = api["catalog_pb2_grpc"].CatalogServiceStub(to_catalog)
                orders = api["orders_pb2_grpc"].OrderServiceStub(to_catalog)

                login = people.Login(api["identity_pb2"].LoginRequest(
                    email="customer02@demo.souk.local", password="souk-demo-2026"), timeout=30)
                bearer = [("authorization", f"Bearer {login.tokens.access_token}")]
                account = people.GetMyAccount(api["identity_pb2"].GetMyAccountRequest(), metadata=bearer, timeout=30)
                mine = account.account
                wanted = "EUR" if mine.preferred_currency != "EUR" else "USD"
                profile = api["identity_pb2"].Profile(display_name=mine.display_name, phone=mine.phone,
                                                      addresses=mine.addresses, preferred_currency=wanted,
                                                      locale=mine.locale)
                people.UpdateMyProfile(api["identity_pb2"].UpdateMyProfileRequest(profile=profile),
                                       metadata=bearer, timeout=30)

                found = shop.SearchProducts(api["catalog_pb2"].SearchProductsRequest(in_stock=True, page_size=5),
                                            timeout=30)
                sku = next(p.skus[0].code for p in found.products if p.skus)
                # The cart's lines go into the order; empty it first (a demo customer may have one).
                cart = shop.GetCart(api["catalog_pb2"].GetCartRequest(), metadata=bearer, timeout=30)
                for line in cart.lines:
                    shop.SetCartLine(api["catalog_pb2"].SetCartLineRequest(sku=line.sku, quantity=0),
                                     metadata=bearer, timeout=30)
                shop.SetCartLine(api["catalog_pb2"].SetCartLineRequest(sku=sku, quantity=1), metadata=bearer,
                                 timeout=30)

                # No currency: the catalog process asks the identity process for the customer's preference.
                key = str(uuid.uuid4())
                order = orders.PlaceOrder(api["orders_pb2"].PlaceOrderRequest(idempotency_key=key),
                                          metadata=bearer, timeout=60)
                assert order.currency == wanted, order
                assert order.total.currency == wanted
                again = orders.PlaceOrder(api["orders_pb2"].PlaceOrderRequest(idempotency_key=key),
                                          metadata=bearer, timeout=60)
                assert again.id == order.id, "a retry with the same key is the same order"

                # Without a token the catalog refuses before calling identity.
                with pytest.raises(grpc.RpcError) as refused:
                    orders.PlaceOrder(api["orders_pb2"].PlaceOrderRequest(idempotency_key=str(uuid.uuid4())),
                                      timeout=30)
                assert refused.value.code() == grpc.StatusCode.UNAUTHENTICATED

            # With identity gone, the catalog says so instead of guessing a currency.
            stop(identity.process)
            with grpc.secure_channel(f"127.0.0.1:{catalog_grpc}", credentials) as to_catalog:
                orders = api["orders_pb2_grpc"].OrderServiceStub(to_catalog)
                with pytest.raises(grpc.RpcError) as unavailable:
                    orders.PlaceOrder(api["orders_pb2"].PlaceOrderRequest(idempotency_key=str(uuid.uuid4())),
                                      metadata=bearer, timeout=60)
                assert unavailable.value.code() == grpc.StatusCode.UNAVAILABLE, unavailable.value.details()
                assert unavailable.value.details().startswith("currency: not given"), unavailable.value.details()
        finally:
            if catalog is not None:
                stop(catalog.process)
            stop(identity.process)
