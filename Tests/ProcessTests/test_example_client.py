"""The example package examples/shop-client, a program outside Souk built only on the public SoukClient library,
shops on a real soukd with the demo catalog: signs in as a demo customer, searches, fills the cart and orders.

Run by scripts/test, which builds the example first; SHOP_CLIENT names its binary.
"""
import os
import re
import subprocess
import tempfile

import pytest

from processes import stop
from test_soukd import Soukd

SHOP_CLIENT = os.environ.get(
    "SHOP_CLIENT",
    os.path.join(os.path.dirname(__file__), "..", "..", "examples", "shop-client", ".build", "debug", "shop-client"),
)


@pytest.mark.skipif(not os.path.exists(SHOP_CLIENT) and "SHOP_CLIENT" not in os.environ,
                    reason="examples/shop-client is not built (scripts/test builds it)")
def test_example_package_shops_through_the_public_client():
    with tempfile.TemporaryDirectory(prefix="shop-client-", dir="/tmp") as folder:
        os.chmod(folder, 0o755)
        data = os.path.join(folder, "data")
        soukd = Soukd(folder, ["serve", "--seed-demo", "--services", "identity,catalog", "--data-folder", data,
                               "--swp-port", "0", "--grpc-port", "0"])
        try:
            soukd.wait_ready()
            command = [os.path.abspath(SHOP_CLIENT), "--email", "customer01@demo.souk.local",
                       "--password", "souk-demo-2026", "--port", str(soukd.swp_port),
                       "--ca", os.path.join(data, "tls", "ca.pem")]
            result = subprocess.run(command, capture_output=True, text=True, timeout=120)
            assert result.returncode == 0, (result.stdout, result.stderr)
            assert "signed in as customer01@demo.souk.local" in result.stdout
            assert re.search(r"^order #\d+ placed: \d+ minor units of [A-Z]{3}$", result.stdout, re.M), result.stdout

            # A wrong password is the server's refusal, named, and a failing exit.
            command[4] = "not the password"
            refused = subprocess.run(command, capture_output=True, text=True, timeout=120)
            assert refused.returncode == 1
            assert refused.stderr.startswith("shop-client: "), refused.stderr
            assert "nauthenticated" in refused.stderr, refused.stderr
        finally:
            stop(soukd.process)
