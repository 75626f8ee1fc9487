"""soukctl as an operator meets it: the built binary against a real soukd (identity and catalog on a fresh embedded
database), with its configuration in a temporary SOUK_CONFIG_HOME. Contexts, login with the forced change of a
one-time password and with a TOTP code, credential files of mode 0600, the catalog, an import with a bad row, stock,
a customer's cart and order, the admin's order commands and a live watch, payments in the sandbox (a card
authorized, captured in part and refunded in two steps, a decline, 3-D Secure, a cancel, refusals by name, a
reconciliation), JSON output, and the exit statuses of a bad flag (64), a refused request (65), an
unreachable server (69) and auth failures (77).

Run by scripts/test; SOUKD and SOUKCTL name the built binaries.
"""
import base64
import hashlib
import hmac
import json
import os
import pty
import queue
import re
import select
import stat
import struct
import subprocess
import tempfile
import threading
import time

import pytest

from processes import stop
from test_soukd import SOUKD, Soukd

SOUKCTL = os.environ.get(
    "SOUKCTL", os.path.join(os.path.dirname(__file__), "..", "..", ".build", "debug", "soukctl")
)
ADMIN = "root@souk.example"
ADMIN_PASSWORD = "Kettle-and-teapot-2026"
STAFF = "packer@souk.example"
STAFF_PASSWORD = "Boxes-and-tape-77!"
CUSTOMER = "buyer@souk.example"
CUSTOMER_PASSWORD = "Spoon-and-fork-77"


def totp_step(at=None):
    """The RFC 6238 time step (30 seconds) of `at`, or of now."""
    return int((at or time.time()) // 30)


def totp(secret_base32, at=None):
    """RFC 6238 with SHA-1, 30-second steps and 6 digits, as Google Authenticator computes it."""
    return totp_at_step(secret_base32, totp_step(at))


def totp_at_step(secret_base32, counter):
    """The 6-digit code of one explicit time step."""
    key = base64.b32decode(secret_base32 + "=" * (-len(secret_base32) % 8))
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
    return f"{code:06d}"


def next_totp_step(platform):
    """The step for the next two-factor login: after the last one used (the server refuses a step it has
    seen) and not before now. The server accepts one step either side of its clock, so the step is at most
    one ahead and still valid if a step boundary passes before the server checks it."""
    step = max(platform.state["staff_last_step"] + 1, totp_step())
    platform.state["staff_last_step"] = step
    return step


def test_totp_matches_rfc_6238_vectors():
    secret = base64.b32encode(b"12345678901234567890").decode()
    # RFC 6238 appendix B, truncated to 6 digits.
    assert totp(secret, at=59) == "287082"
    assert totp(secret, at=1111111109) == "081804"


class Platform:
    """One soukd and one soukctl configuration folder shared by the tests of this file, in order."""

    def __init__(self, folder):
        self.folder = folder
        self.data = os.path.join(folder, "data")
        self.config = os.path.join(folder, "config")
        self.state = {}

    def ctl(self, *args, input=None, timeout=60, env=None):
        environment = dict(os.environ, SOUK_CONFIG_HOME=self.config, COLUMNS="200")
        environment.update(env or {})
        return subprocess.run(
            [os.path.abspath(SOUKCTL), *args],
            input=input, capture_output=True, text=True, timeout=timeout, env=environment,
        )

    def ok(self, *args, input=None):
        result = self.ctl(*args, input=input)
        assert result.returncode == 0, (args, result.stdout, result.stderr)
        return result

    def json(self, *args, input=None):
        return json.loads(self.ok(*args, "-o", "json", input=input).stdout)


@pytest.fixture(scope="module")
def platform():
    with tempfile.TemporaryDirectory(prefix="soukctl-process-", dir="/tmp") as folder:
        os.chmod(folder, 0o755)
        platform = Platform(folder)
        boot = subprocess.run(
            [os.path.abspath(SOUKD), "bootstrap-admin", "--email", ADMIN, "--data-folder", platform.data],
            capture_output=True, text=True, timeout=180,
        )
        assert boot.returncode == 0, boot.stderr
        platform.one_time_password = boot.stdout.strip().splitlines()[-1]
        # No provider keys on the embedded database: the payments sandbox; staff capture; euros go to YooKassa, which
        # refuses them (a refusal naming the currency and the provider).
        soukd = Soukd(folder, ["--services", "identity,catalog,payments,delivery", "--payment-capture", "manual",
                               "--payment-routes", "RUB=yookassa,EUR=yookassa,*=stripe", "--data-folder", platform.data,
                               "--swp-port", "0", "--grpc-port", "0"])
        soukd.wait_ready()
        platform.endpoint = f"127.0.0.1:{soukd.swp_port}"
        platform.ca = os.path.join(platform.data, "tls", "ca.pem")
        try:
            yield platform
        finally:
            stop(soukd.process)


def one_line_error(result, code):
    assert result.returncode == code, (result.returncode, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("soukctl: "), lines[0]
    return lines[0]


def test_bad_flag_is_a_usage_error(platform):
    line = one_line_error(platform.ctl("products", "list", "--bogus"), 64)
    assert "--bogus" in line
    line = one_line_error(platform.ctl("products", "create", "--category", "c", "--title", "t", "--sku", "S",
                                       "--price", "14.999", "--currency", "RUB"), 64)
    assert "--price" in line and "at most 2 decimals" in line


def test_no_context_then_contexts(platform):
    line = one_line_error(platform.ctl("whoami"), 64)
    assert "soukctl context add" in line
    assert "current" in platform.ok("context", "add", "local", "--endpoint", platform.endpoint,
                                    "--ca", platform.ca).stdout
    platform.ok("context", "add", "down", "--endpoint", "127.0.0.1:1", "--ca", platform.ca)
    platform.ok("context", "add", "shop", "--endpoint", platform.endpoint, "--ca", platform.ca)
    contexts = platform.json("context", "list")
    assert contexts["current"] == "local"
    assert sorted(contexts["contexts"]) == ["down", "local", "shop"]
    assert stat.S_IMODE(os.stat(platform.config).st_mode) == 0o700


def test_unreachable_server_is_69(platform):
    result = platform.ctl("login", "--context", "down", "--email", ADMIN, "--password-stdin", input="x\n")
    line = one_line_error(result, 69)
    assert "cannot reach 127.0.0.1:1 (connection refused)" in line


def test_health_needs_no_login(platform):
    """`soukctl health`: SERVING and 0 for the server and a hosted service, 65 for a service not hosted, 69 when
    nothing answers (the image's HEALTHCHECK and the release smoke check run it)."""
    assert platform.ok("health").stdout.strip() == "SERVING"
    assert platform.ok("health", "--service", "souk.catalog.v1.OrderService").stdout.strip() == "SERVING"
    line = one_line_error(platform.ctl("health", "--service", "souk.testing.v1.TestService"), 65)
    assert "souk.testing.v1.TestService" in line
    line = one_line_error(platform.ctl("health", "--context", "down", "--timeout", "2"), 69)
    assert "127.0.0.1:1" in line


def test_admin_login_changes_the_one_time_password(platform):
    result = platform.ok("login", "--email", ADMIN, "--password-stdin", "--new-password-stdin",
                         input=f"{platform.one_time_password}\n{ADMIN_PASSWORD}\n")
    assert f"logged in to local as {ADMIN} (admin)" in result.stdout
    assert "one-time password was changed" in result.stderr
    credentials = os.path.join(platform.config, "credentials", "local.json")
    assert stat.S_IMODE(os.stat(credentials).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(os.path.dirname(credentials)).st_mode) == 0o700
    saved = json.load(open(credentials))
    whoami = platform.ok("whoami")
    assert f"email:      {ADMIN}" in whoami.stdout and "roles:      admin" in whoami.stdout
    assert "context:    local" in whoami.stdout
    assert saved["accessToken"] not in whoami.stdout + whoami.stderr
    account = platform.json("whoami")
    assert account["email"] == ADMIN and account["roles"] == ["ROLE_ADMIN"]
    # The one-time password no longer works; the new one does.
    old = platform.ctl("login", "--email", ADMIN, "--password-stdin", input=f"{platform.one_time_password}\n")
    assert "the email or password is wrong" in one_line_error(old, 77)
    platform.ok("login", "--email", ADMIN, "--password-stdin", input=f"{ADMIN_PASSWORD}\n")


def test_staff_with_two_factor(platform):
    created = platform.json("users", "create", "--email", STAFF, "--role", "staff")
    assert created["account"]["roles"] == ["ROLE_STAFF"]
    staff = ["--context", "shop"]
    # Without a new password on a pipe, the login is saved but every call but a password change is refused.
    first = platform.ok("login", *staff, "--email", STAFF, "--password-stdin", input=created["initialPassword"] + "\n")
    assert "soukctl password change" in first.stderr
    assert "soukctl password change" in one_line_error(platform.ctl("stock", "show", "X", *staff), 77)
    platform.ok("password", "change", *staff, "--stdin", input=f"{created['initialPassword']}\n{STAFF_PASSWORD}\n")
    enrolment = platform.json("totp", "begin", *staff)
    platform.state["staff_secret"] = enrolment["secret"]
    # Confirm with the previous step's code, so the logins below have the current and the next step. If a
    # step boundary passed before the server checked it, that code was two steps old: confirm again with the
    # previous step of the new now (a refused code claims no step).
    for _ in range(2):
        confirm_step = totp_step() - 1
        confirmed = platform.ctl("totp", "confirm", totp_at_step(enrolment["secret"], confirm_step), *staff, "-o", "json")
        if confirmed.returncode == 0 or totp_step() - 1 == confirm_step:
            break
    assert confirmed.returncode == 0, confirmed.stderr
    codes = json.loads(confirmed.stdout)
    platform.state["staff_last_step"] = confirm_step
    assert len(codes["recoveryCodes"]) == 10
    platform.ok("logout", *staff)
    assert not os.path.exists(os.path.join(platform.config, "credentials", "shop.json"))
    assert "not logged in" in one_line_error(platform.ctl("whoami", *staff), 77)
    no_code = platform.ctl("login", *staff, "--email", STAFF, "--password-stdin", input=STAFF_PASSWORD + "\n")
    assert "needs a two-factor code" in one_line_error(no_code, 77)
    result = platform.ok("login", *staff, "--email", STAFF, "--password-stdin", "--totp-stdin",
                         input=f"{STAFF_PASSWORD}\n{totp_at_step(enrolment['secret'], next_totp_step(platform))}\n")
    assert f"as {STAFF} (staff)" in result.stdout
    assert "two-factor: on" in platform.ok("whoami", *staff).stdout
    staff_list = platform.json("users", "list", "--role", "staff", *staff)
    assert [account["email"] for account in staff_list] == [STAFF]
    # Staff read accounts but do not manage them.
    line = one_line_error(platform.ctl("users", "disable", created["account"]["id"], *staff), 77)
    assert "accounts.manage" in line
    # The admin does: roles, disabling (the staff can no longer sign in) and enabling again.
    account = created["account"]["id"]
    assert platform.json("users", "set-roles", account, "--role", "staff", "--role", "admin")[0]["roles"] == [
        "ROLE_STAFF", "ROLE_ADMIN"]
    platform.json("users", "set-roles", account, "--role", "staff")
    # An account is named by its email or the start of its id, as the table cuts it, as well as by its id.
    assert platform.json("users", "disable", STAFF)[0]["disabled"] is True
    refused = platform.ctl("login", "--email", STAFF, "--password-stdin", input=STAFF_PASSWORD + "\n")
    assert "this account is disabled" in one_line_error(refused, 77)
    assert f"email:      {ADMIN}" in platform.ok("whoami").stdout, "a refused login keeps the saved one"
    assert platform.json("users", "enable", account[:8] + "…")[0].get("disabled", False) is False
    assert "not an account id, the start of one" in one_line_error(platform.ctl("users", "enable", "xyz"), 65)


def test_service_account_for_another_soukd(platform):
    created = platform.json("users", "create-service-account", "catalog-host", "--scope", "accounts.read")
    assert created["clientId"] and len(created["clientSecret"]) >= 32, created
    shown = platform.ok("users", "create-service-account", "reporting-worker", "--scope", "events.read")
    assert "client secret" in shown.stdout and "shown only now" in shown.stderr
    refused = platform.ctl("users", "create-service-account", "worker", "--scope", "everything")
    line = one_line_error(refused, refused.returncode)
    assert refused.returncode != 0 and "scopes: give one or more of" in line, line


def test_catalog_import_and_stock(platform):
    category = platform.json("categories", "create", "--name", "Kitchen", "--slug", "kitchen")[0]
    platform.state["category"] = category["id"]
    # A category is named by its slug as well as its id.
    nowhere = platform.ctl("products", "create", "--category", "nowhere", "--title", "t", "--sku", "S",
                           "--price", "1.00", "--currency", "RUB")
    assert "--category: no category has the slug or id 'nowhere'" in one_line_error(nowhere, 65)
    product = platform.json("products", "create", "--category", "kitchen", "--title", "Чайник",
                            "--sku", "KETTLE-1", "--price", "1499.00", "--currency", "RUB",
                            "--description", "1,7 л")[0]
    assert product["categoryId"] == category["id"]
    assert product["state"] == "PRODUCT_STATE_DRAFT"
    assert product["skus"][0]["prices"][0] == {"minorUnits": "149900", "currency": "RUB"}
    published = platform.ok("products", "publish", product["id"])
    assert "published" in published.stdout and "1499.00 RUB" in published.stdout
    shown = platform.ok("products", "show", product["id"], "--currency", "USD").stdout
    assert "KETTLE-1" in shown and "1499.00 RUB" in shown and " USD" in shown
    edited = platform.json("products", "edit", product["id"], "--title", "Чайник 1,7 л",
                           "--price", "KETTLE-1=1599.50:RUB", "--price", "KETTLE-1=17.99:USD")
    assert edited["title"] == "Чайник 1,7 л"
    assert edited["skus"][0]["prices"] == [{"minorUnits": "159950", "currency": "RUB"},
                                          {"minorUnits": "1799", "currency": "USD"}]
    assert "--price" in one_line_error(platform.ctl("products", "edit", product["id"], "--price", "KETTLE-1=1"), 64)

    # The same refusal twice: the server names the field, exit status 65.
    duplicate = platform.ctl("categories", "create", "--name", "Again", "--slug", "kitchen")
    assert "slug" in one_line_error(duplicate, 65)

    csv = os.path.join(platform.folder, "products.csv")
    with open(csv, "w") as out:
        out.write("category,title,description,sku,price,currency,stock\n")
        out.write("kitchen,Ложка,,SPOON-1,99.00,RUB,10\n")
        out.write("kitchen,Bad,,BAD-1,12.345,RUB,1\n")
        out.write("kitchen,Вилка,,FORK-1,120,RUB,3\n")
    result = platform.ctl("products", "import", csv, "--publish")
    assert result.returncode == 65, result.stderr
    assert "rows: 3, imported: 2, rejected: 1" in result.stdout
    report = [line.split() for line in result.stdout.splitlines()]
    assert ["3", "price"] == report[2][:2], result.stdout
    assert result.stderr.strip() == ("soukctl: 1 of 3 rows were rejected; fix those lines and import them again "
                                     "(the other rows are saved)")
    # No progress bar when standard error is not a terminal.
    assert "[" not in result.stderr

    listed = platform.json("products", "list", "--currency", "EUR")
    assert sorted(p["title"] for p in listed) == ["Вилка", "Ложка", "Чайник 1,7 л"]
    assert all(p["skus"][0]["displayPrice"]["currency"] == "EUR" for p in listed)
    assert [p["title"] for p in platform.json("products", "list", "--query", "ложка")] == ["Ложка"]

    table = platform.ok("stock", "set", "SPOON-1", "--warehouse", "MSK-1", "--on-hand", "20").stdout
    assert table.splitlines()[1].split() == ["SPOON-1", "MSK-1", "20", "0", "20"]
    assert platform.json("stock", "show", "SPOON-1")[0]["available"] == 20


def test_package_sizes_and_warehouses(platform):
    product = platform.json("products", "create", "--category", "kitchen", "--title", "Кастрюля",
                            "--sku", "POT-1", "--price", "2490.00", "--currency", "RUB",
                            "--package", "1900g,300x260x200mm")[0]
    assert product["skus"][0]["package"] == {"weightGrams": 1900, "lengthMm": 300, "widthMm": 260, "heightMm": 200}
    assert "--package" in one_line_error(platform.ctl("products", "create", "--category", "kitchen", "--title", "t",
                                                      "--sku", "POT-2", "--price", "1", "--currency", "RUB",
                                                      "--package", "heavy"), 64)
    edited = platform.json("products", "edit", product["id"], "--package", "POT-1=2kg")
    assert edited["skus"][0]["package"] == {"weightGrams": 2000}
    shown = platform.ok("products", "show", product["id"]).stdout
    assert "PACKAGE" in shown and "2000 g" in shown
    unknown = platform.ctl("products", "edit", product["id"], "--package", "NO-SUCH=1g")
    assert "sku_packages[0].sku: this product has no SKU NO-SUCH" in one_line_error(unknown, 65)

    listed = platform.json("warehouses", "list")
    assert [w["code"] for w in listed] == ["MSK-1", "SPB-1"]
    assert listed[0]["address"]["city"] == "Moscow" and listed[0]["address"]["postalCode"] == "101000"
    table = platform.ok("warehouses", "list").stdout
    assert "MSK-1" in table and "101000 Moscow" in table
    created = platform.json("warehouses", "create", "KZN-1", "--name", "Kazan", "--country", "ru", "--city", "Kazan",
                            "--region", "Respublika Tatarstan", "--postal-code", "420021", "--line1", "ul. Tukaya, 1")[0]
    assert created["active"] is True and created["address"]["country"] == "RU"
    duplicate = platform.ctl("warehouses", "create", "KZN-1", "--name", "Again", "--country", "RU", "--city", "Kazan")
    assert "code: a warehouse KZN-1 already exists" in one_line_error(duplicate, 65)
    no_city = platform.ctl("warehouses", "create", "UFA-1", "--name", "Ufa", "--country", "RU")
    assert "address.city: required" in one_line_error(no_city, 65)
    # Only the address fields given change; the rest stay.
    moved = platform.json("warehouses", "update", "KZN-1", "--city", "Innopolis", "--deactivate")[0]
    assert moved["address"]["city"] == "Innopolis" and moved["address"]["postalCode"] == "420021"
    assert not moved.get("active", False)
    unknown = platform.ctl("warehouses", "update", "NOPE-1", "--name", "Ghost")
    assert "code: no warehouse NOPE-1" in one_line_error(unknown, 65)


def read_lines(stream, into):
    for line in stream:
        into.put(line)


def test_customer_order_seen_by_watch_then_moved(platform):
    customer = ["--context", "shop"]
    platform.ok("signup", *customer, "--email", CUSTOMER, "--password-stdin", "--currency", "RUB",
                input=CUSTOMER_PASSWORD + "\n")
    platform.ok("login", *customer, "--email", CUSTOMER, "--password-stdin", input=CUSTOMER_PASSWORD + "\n")
    assert "accounts.read" in one_line_error(platform.ctl("users", "list", *customer), 77)

    environment = dict(os.environ, SOUK_CONFIG_HOME=platform.config)
    watch = subprocess.Popen([os.path.abspath(SOUKCTL), "orders", "watch", "-o", "json"], env=environment,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    updates = queue.Queue()
    threading.Thread(target=read_lines, args=(watch.stdout, updates), daemon=True).start()
    try:
        # The watch sees only what happens after it is subscribed; place orders until one shows up (up to 20, each
        # given 5 s), however long the watch takes to subscribe on a loaded machine.
        seen = None
        placed = []
        for attempt in range(20):
            platform.ok("cart", "add", "SPOON-1", "--quantity", "2", *customer)
            order = platform.json("orders", "place", "--currency", "RUB", "--key", f"key-{attempt}", *customer)
            assert order["total"] == {"minorUnits": "19800", "currency": "RUB"}
            placed.append(order["id"])
            try:
                while True:
                    update = json.loads(updates.get(timeout=5))
                    if update["order"]["id"] in placed:
                        seen = update
                        break
            except queue.Empty:
                continue
            break
        assert seen is not None, watch.stderr.read() if watch.poll() is not None else "no update"
        assert seen["type"] == "order.placed"
        assert seen["order"]["status"] == "ORDER_STATUS_PENDING_PAYMENT"
    finally:
        stop(watch, timeout=10)

    order_id = seen["order"]["id"]
    listed = platform.json("orders", "list", "--status", "pending_payment", "--currency", "RUB")
    assert order_id in [order["id"] for order in listed]
    since = platform.json("orders", "list", "--since", time.strftime("%Y-%m-%d", time.gmtime()), "--limit", "1")
    assert len(since) == 1
    assert platform.json("orders", "list", "--since", "2999-01-01") == []
    mine = platform.json("orders", "list", "--customer", CUSTOMER)
    assert mine and all(o["customerAccountId"] == seen["order"]["customerAccountId"] for o in mine), mine
    assert platform.json("orders", "list", "--customer", STAFF) == []
    assert order_id in platform.ok("orders", "list").stdout

    paid = platform.ok("orders", "next", order_id, "--note", "paid by card").stdout
    assert paid.splitlines()[1].split()[2] == "paid"
    # An order is named by its number or the start of its id as the table cuts it, as well as by its id.
    platform.ok("orders", "next", str(int(seen["order"]["number"])))
    shown = platform.ok("orders", "show", order_id[:8] + "…").stdout
    assert f"order:    {order_id} (no. {int(seen['order']['number'])})" in shown
    # People by email in tables; JSON keeps the ids.
    assert f"customer: {CUSTOMER}" in shown and CUSTOMER in platform.ok("orders", "list").stdout
    assert "status:   packed" in shown
    assert "SPOON-1" in shown and "198.00 RUB" in shown and "paid by card" in shown
    history = platform.json("orders", "show", order_id)["history"]
    assert [change["to"] for change in history] == [
        "ORDER_STATUS_PENDING_PAYMENT", "ORDER_STATUS_PAID", "ORDER_STATUS_PACKED"]
    # A move the state machine does not allow is refused by the server: 65.
    one_line_error(platform.ctl("orders", "move", order_id, "pending_payment"), 65)
    assert "not an order status" in one_line_error(platform.ctl("orders", "move", order_id, "lost"), 64)
    # The customer's own order, but not the staff listing.
    assert platform.json("orders", "show", order_id, *customer)["status"] == "ORDER_STATUS_PACKED"
    one_line_error(platform.ctl("orders", "list", *customer), 77)
    # The customer's own list, and cancelling: a packed order is refused (65), an unpaid one is cancelled.
    assert {order["id"] for order in platform.json("orders", "mine", *customer)} == set(placed)
    assert order_id in platform.ok("orders", "mine", *customer).stdout
    assert "cancel" in one_line_error(platform.ctl("orders", "cancel", order_id, *customer), 65)
    platform.ok("cart", "add", "SPOON-1", "--quantity", "1", *customer)
    unpaid = platform.json("orders", "place", "--currency", "RUB", "--key", "key-to-cancel", *customer)
    assert platform.json("orders", "cancel", unpaid["id"], *customer)["status"] == "ORDER_STATUS_CANCELLED"
    assert platform.json("stock", "show", "SPOON-1")[0].get("reserved", 0) == 2 * (len(placed) - 1)


def wait_for_shipment(platform, order_id, timeout=30):
    """The shipment of `order_id` once delivery has followed the order's move to packed (about a second)."""
    deadline = time.monotonic() + timeout
    while True:
        result = platform.ctl("shipments", "show", order_id, "-o", "json")
        if result.returncode == 0:
            return json.loads(result.stdout)
        assert result.returncode == 65 and time.monotonic() < deadline, (result.returncode, result.stderr)
        time.sleep(0.5)


def wait_for_order(platform, order_id, status, timeout=30):
    """Waits until the order is `status`: delivery moves it after the shipment's move (within about a second)."""
    deadline = time.monotonic() + timeout
    while (order := platform.json("orders", "show", order_id))["status"] != status:
        assert time.monotonic() < deadline, order
        time.sleep(0.5)


def test_delivery_from_quote_to_delivered(platform):
    customer = ["--context", "shop"]
    product = platform.json("products", "create", "--category", "kitchen", "--title", "Сковорода",
                            "--sku", "PAN-1", "--price", "1990.00", "--currency", "RUB",
                            "--package", "1600g,500x290x80mm")[0]
    platform.ok("products", "publish", product["id"])
    platform.ok("stock", "set", "PAN-1", "--warehouse", "SPB-1", "--on-hand", "5")

    tariff = platform.ok("delivery", "tariff", "show").stdout
    assert "standard" in tariff and "spb" in tariff and "RU Saint Petersburg" in tariff, tariff
    # The tariff round-trips through a file in protobuf JSON; a file that is not one is a usage error.
    saved = os.path.join(platform.folder, "tariff.json")
    with open(saved, "w") as out:
        out.write(platform.ok("delivery", "tariff", "show", "-o", "json").stdout)
    assert platform.json("delivery", "tariff", "set", saved)["services"][0]["code"] == "standard"
    with open(os.path.join(platform.folder, "bad-tariff.json"), "w") as out:
        out.write('{"services": 3}')
    bad = platform.ctl("delivery", "tariff", "set", os.path.join(platform.folder, "bad-tariff.json"))
    assert "is not a Tariff in protobuf JSON" in one_line_error(bad, 64)
    one_line_error(platform.ctl("delivery", "tariff", "show", *customer), 77)

    # Staff watch shipments from here on: the one this order gets shows up.
    environment = dict(os.environ, SOUK_CONFIG_HOME=platform.config)
    watch = subprocess.Popen([os.path.abspath(SOUKCTL), "shipments", "watch", "-o", "json"], env=environment,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    updates = queue.Queue()
    threading.Thread(target=read_lines, args=(watch.stdout, updates), daemon=True).start()
    try:
        watched_delivery(platform, customer, updates)
    finally:
        stop(watch, timeout=10)


def watched_delivery(platform, customer, updates):

    platform.ok("cart", "add", "PAN-1", "--quantity", "1", *customer)
    where = ["--country", "ru", "--postal-code", "190000", "--region", "Saint Petersburg",
             "--city", "Saint Petersburg"]
    assert "--postal-code" in one_line_error(platform.ctl("delivery", "quotes", "--country", "RU", *customer), 64)
    quotes = platform.json("delivery", "quotes", *where, "--currency", "RUB", *customer)
    ours = next(quote for quote in quotes if quote["carrier"] == "souk")
    # 1600 g is in the 1–5 kg bracket of the Saint Petersburg zone; 1990.00 RUB of goods is under free shipping.
    assert ours["price"] == {"minorUnits": "39000", "currency": "RUB"} and ours["weightGrams"] == 1600, ours
    table = platform.ok("delivery", "quotes", *where, "--currency", "RUB", *customer).stdout
    # Each call holds new quotes with new ids.
    row = next(line for line in table.splitlines() if " souk " in line)
    assert "390.00 RUB" in row and "1–3 days" in row and "Courier" in row, table

    assert "--quote" in one_line_error(platform.ctl("orders", "place", "--currency", "RUB", "--city", "X",
                                                    *customer), 64)
    order = platform.json("orders", "place", "--currency", "RUB", "--key", "delivery-1", "--quote", ours["id"],
                          *where, "--recipient", "Ivan Petrov", "--line1", "Nevsky pr., 1", "--line2", "kv. 5",
                          "--phone", "+7 921 123-45-67", *customer)
    assert order["total"] == {"minorUnits": "238000", "currency": "RUB"}, order
    assert order["shipping"]["quoteId"] == ours["id"] and order["shipping"]["address"]["line1"] == "Nevsky pr., 1"
    shown = platform.ok("orders", "show", order["id"], *customer).stdout
    assert "shipping:" in shown and "390.00 RUB" in shown and "1–3 days" in shown, shown
    assert "deliver to: Ivan Petrov" in shown and "Nevsky pr., 1, kv. 5, 190000 Saint Petersburg" in shown, shown

    platform.ok("orders", "next", order["id"], "--note", "paid at the desk")
    platform.ok("orders", "next", order["id"])
    shipment = wait_for_shipment(platform, order["id"])
    assert shipment["orderId"] == order["id"] and shipment["carrier"] == "souk"
    assert shipment["status"] == "SHIPMENT_STATUS_CREATED"
    assert shipment["cost"] == {"minorUnits": "39000", "currency": "RUB"}
    shown = platform.ok("shipments", "show", shipment["id"]).stdout
    assert f"shipment: {shipment['id']}" in shown and "status:   created" in shown, shown
    assert "SPB-1" in shown and "→ Saint Petersburg, RU" in shown and "1–3 days" in shown, shown
    assert "WHEN (UTC)" in shown and "created" in shown.split("WHEN (UTC)")[1], shown
    listed = platform.json("shipments", "list", "--status", "created", "--carrier", "souk")
    assert shipment["id"] in [s["id"] for s in listed]
    assert "not a shipment status" in one_line_error(platform.ctl("shipments", "move", shipment["id"], "lost"), 64)
    one_line_error(platform.ctl("shipments", "move", shipment["id"], "created"), 65)

    moved = platform.ok("shipments", "move", order["id"], "handed_over", "--note", "courier Oleg").stdout
    assert "handed_over" in moved, moved
    wait_for_order(platform, order["id"], "ORDER_STATUS_SHIPPED")
    for status in ("in_transit", "out_for_delivery", "delivered"):
        platform.ok("shipments", "move", shipment["id"], status)
    done = platform.json("shipments", "show", shipment["id"])
    assert [change["to"] for change in done["history"]] == [
        "SHIPMENT_STATUS_CREATED", "SHIPMENT_STATUS_HANDED_OVER", "SHIPMENT_STATUS_IN_TRANSIT",
        "SHIPMENT_STATUS_OUT_FOR_DELIVERY", "SHIPMENT_STATUS_DELIVERED"]
    timeline = platform.ok("shipments", "show", shipment["id"]).stdout
    assert "courier Oleg" in timeline and f"{ADMIN}" in timeline and "(delivered in " in timeline, timeline
    wait_for_order(platform, order["id"], "ORDER_STATUS_DELIVERED")
    assert "status:   delivered" in platform.ok("orders", "show", order["id"]).stdout
    one_line_error(platform.ctl("shipments", "move", shipment["id"], "returned"), 65)
    seen = []
    deadline = time.monotonic() + 30
    while "SHIPMENT_STATUS_DELIVERED" not in seen:
        try:
            update = json.loads(updates.get(timeout=max(0.1, deadline - time.monotonic())))
        except queue.Empty:
            pytest.fail(f"shipments watch saw only {seen}")
        if update["shipment"]["id"] == shipment["id"]:
            seen.append(update["shipment"]["status"])
    assert seen[-1] == "SHIPMENT_STATUS_DELIVERED" and update["type"] == "shipment.status_changed", update


def payment_fields(stdout):
    """`name: value` lines of a payment as `orders pay` and `payments show` print them, up to the first blank line."""
    fields = {}
    for line in stdout.split("\n\n")[0].splitlines():
        name, _, value = line.partition(":")
        fields[name] = value.strip()
    return fields


def test_payments_in_the_sandbox(platform):
    """soukd on its embedded database with no provider keys runs the payments sandbox (the local Stripe and
    YooKassa; money authorized and captured by staff here, --payment-capture manual): a customer pays with Stripe's
    test cards, staff capture part of it, a decline and a 3-D Secure card, a cancel, refusals by name, and a
    reconciliation that agrees."""
    customer = ["--context", "shop"]
    platform.ok("cart", "add", "SPOON-1", "--quantity", "2", *customer)
    order = platform.json("orders", "place", "--currency", "USD", "--key", "key-to-pay", *customer)
    number = str(int(order["number"]))
    total = order["total"]
    assert total["currency"] == "USD" and int(total["minorUnits"]) > 100, total

    # No payment yet: the customer's own order by id, the staff's by number; JSON and the table's header.
    assert platform.json("payments", "list", "--order", order["id"], *customer) == []
    table = platform.ok("payments", "list", "--order", number).stdout
    assert table.splitlines() == [
        "ID  ORDER  STATUS  AMOUNT  CAPTURED  REFUNDED  PROVIDER  REFERENCE  CREATED (UTC)"], table
    assert "order_id: required" in one_line_error(platform.ctl("payments", "list", *customer), 65)
    # Only the order's customer pays it.
    line = one_line_error(platform.ctl("orders", "pay", number, "--key", "staff-pays"), 77)
    assert "customers pay their own orders" in line, line

    # The customer pays with a card: authorized (staff capture), the amount the order's, the key printed first.
    paid = platform.ctl("orders", "pay", number, "--payment-method", "pm_card_visa", *customer)
    assert paid.returncode == 0, paid.stderr
    key = re.fullmatch(r"idempotency key: (\S+) \(to retry this payment, give --key \1\)", paid.stderr.strip())
    assert key and len(key.group(1)) == 36, paid.stderr
    fields = payment_fields(paid.stdout)
    assert fields["status"] == "authorized" and fields["provider"] == "stripe", paid.stdout
    assert fields["order"] == order["id"] and fields["reference"].startswith("pi_"), paid.stdout
    payment = fields["payment"]
    # A retry with the printed key is the same payment: nothing is charged twice.
    again = platform.json("orders", "pay", number, "--key", key.group(1), "--payment-method", "pm_card_visa", *customer)
    assert again["payment"]["id"] == payment and again["payment"]["status"] == "PAYMENT_STATUS_AUTHORIZED"
    assert again["payment"]["amount"] == total

    listed = platform.ok("payments", "list", "--order", number).stdout.splitlines()
    assert len(listed) == 2 and listed[1].split()[:3] == [payment, order["id"], "authorized"], listed
    assert payment in [p["id"] for p in platform.json("payments", "list", "--status", "authorized")]
    assert platform.json("payments", "list", "--order", number, "--status", "captured") == []
    assert [p["id"] for p in platform.json("payments", "list", "--order", order["id"], *customer)] == [payment]

    # Staff capture part of it (named by the start of its id, as a table cuts it): the order is paid.
    line = one_line_error(platform.ctl("payments", "capture", payment, "--amount", "1.005"), 64)
    assert "--amount" in line and "at most 2 decimals for USD" in line, line
    captured = platform.ok("payments", "capture", payment[:8] + "…", "--amount", "1.00").stdout
    fields = payment_fields(captured)
    assert fields["status"] == "captured" and fields["captured"] == "1.00 USD", captured
    # The history has the move (by staff, or by Stripe's webhook about it when that came first).
    assert re.search(r"authorized +captured", captured), captured
    assert platform.json("orders", "show", number)["status"] == "ORDER_STATUS_PAID"
    assert "only an authorized payment is captured" in one_line_error(platform.ctl("payments", "capture", payment), 65)
    assert "refund instead" in one_line_error(platform.ctl("payments", "cancel", payment, "--reason", "late"), 65)

    # A declined card: the payment is printed, then the failure on one line (65).
    platform.ok("cart", "add", "SPOON-1", "--quantity", "1", *customer)
    second = platform.json("orders", "place", "--currency", "USD", "--key", "key-to-decline", *customer)
    declined = platform.ctl("orders", "pay", second["id"], "--payment-method", "pm_card_chargeDeclined",
                            "--key", "declined", *customer)
    line = one_line_error(declined, 65)
    assert payment_fields(declined.stdout)["status"] == "failed", declined.stdout
    assert "failed" in line and "pay again with another payment method and a new key" in line, line
    # A card that needs 3-D Secure: the link to confirm at is printed; staff cancel the payment before it is paid.
    challenged = platform.ctl("orders", "pay", second["id"], "--payment-method", "pm_card_threeDSecure2Required",
                              "--key", "three-d-secure", *customer)
    assert challenged.returncode == 0, challenged.stderr
    fields = payment_fields(challenged.stdout)
    assert fields["status"] == "requires_action" and fields["confirm at"].startswith("http://127.0.0.1:"), fields
    assert "open the link above to confirm the payment" in challenged.stderr
    cancelled = platform.json("payments", "cancel", fields["payment"], "--reason", "the customer called")
    assert cancelled["status"] == "PAYMENT_STATUS_CANCELLED"
    assert cancelled["failureReason"] == "the customer called"

    # Refusals by name: a currency the routed provider does not take (EUR goes to YooKassa here, which takes RUB).
    platform.ok("cart", "add", "SPOON-1", "--quantity", "1", *customer)
    euro = platform.json("orders", "place", "--currency", "EUR", "--key", "key-in-euro", *customer)
    line = one_line_error(platform.ctl("orders", "pay", euro["id"], "--key", "euro", *customer), 65)
    assert "currency: yookassa does not take payments in EUR" in line, line
    assert "return_url" in one_line_error(
        platform.ctl("orders", "pay", euro["id"], "--key", "ftp", "--return-url", "ftp://x", *customer), 65)

    # Payments that do not exist: NOT_FOUND (65); customers may not act on payments (77).
    missing = "00000000-0000-4000-8000-000000000000"
    for args in (["show", missing], ["capture", missing], ["capture", "0000000…", "--amount", "1.00"],
                 ["cancel", missing, "--reason", "customer asked"],
                 ["refund", missing, "--reason", "broken", "--key", "refund-1"]):
        line = one_line_error(platform.ctl("payments", *args), 65)
        assert "payment_id: no payment" in line, (args, line)
    assert "not an id or the start of one" in one_line_error(platform.ctl("payments", "show", "xyz"), 65)
    for args in (["capture", payment], ["cancel", payment, "--reason", "x"],
                 ["refund", payment, "--reason", "x", "--key", "k"],
                 ["reconcile", "--from", "2026-01-01", "--to", "2026-01-31"]):
        assert "payments.manage" in one_line_error(platform.ctl("payments", *args, *customer), 77), args

    # Usage errors, before any call: 64.
    for args, words in ((["cancel", missing], "--reason"), (["cancel", missing, "--reason", "  "], "--reason"),
                        (["list", "--status", "paid"], "not a payment status"),
                        (["list", "--limit", "0"], "--limit"),
                        (["refund", missing, "--reason", "x", "--key", ""], "--key"),
                        (["reconcile", "--from", "2026-03-02", "--to", "2026-03-01"], "is before --from"),
                        (["reconcile", "--from", "2026-01-01", "--to", "2026-12-31"], "at most 92"),
                        (["reconcile", "--from", "2026-01-01", "--to", "2026-01-02", "--provider", "paypal"],
                         "--provider")):
        assert words in one_line_error(platform.ctl("payments", *args), 64), args

    # Reconciliation of today: both sandbox providers list what Souk has.
    today = time.strftime("%Y-%m-%d", time.gmtime())
    report = platform.ok("payments", "reconcile", "--from", today, "--to", today).stdout
    assert f"period:      {today} to {today} (UTC, both included)" in report, report
    counts = re.search(r"payments:    (\d+) in Souk, (\d+) at the providers", report)
    assert counts and counts.group(1) == counts.group(2) == "3", report
    assert "differences: 0" in report, report
    stripe = platform.json("payments", "reconcile", "--from", today, "--to", today, "--provider", "stripe")
    assert stripe["soukCount"] == 3 and stripe.get("discrepancies", []) == [], stripe

    for pending in (second, euro):
        assert platform.json("orders", "cancel", pending["id"], *customer)["status"] == "ORDER_STATUS_CANCELLED"


def test_payment_refunds_in_the_sandbox(platform):
    """Staff give back part of a captured payment (the generated key printed, a retry with it refunding nothing
    more), are refused more than is left, then give back the rest with the units back in stock."""
    customer = ["--context", "shop"]
    platform.ok("cart", "add", "SPOON-1", "--quantity", "2", *customer)
    order = platform.json("orders", "place", "--currency", "USD", "--key", "key-to-refund", *customer)
    number = str(int(order["number"]))
    payment = platform.json("orders", "pay", number, "--payment-method", "pm_card_visa", "--key", "to-refund",
                            *customer)["payment"]["id"]
    assert platform.json("payments", "capture", payment, "--amount", "1.00")["status"] == "PAYMENT_STATUS_CAPTURED"

    # A partial refund; its generated key printed first, and a retry with it refunds nothing more.
    refund = platform.ctl("payments", "refund", payment, "--amount", "0.40", "--reason", "one spoon was bent")
    assert refund.returncode == 0, refund.stderr
    refund_key = re.fullmatch(r"idempotency key: (\S+) \(to retry this refund, give --key \1\)", refund.stderr.strip())
    assert refund_key, refund.stderr
    fields = payment_fields(refund.stdout)
    assert fields["status"] == "partially_refunded" and fields["refunded"] == "0.40 USD", refund.stdout
    assert "REFUND" in refund.stdout and "one spoon was bent" in refund.stdout and "succeeded" in refund.stdout
    retried = platform.json("payments", "refund", payment, "--amount", "0.40", "--reason", "one spoon was bent",
                            "--key", refund_key.group(1))
    assert retried["refunded"] == {"minorUnits": "40", "currency": "USD"} and len(retried["refunds"]) == 1
    line = one_line_error(platform.ctl("payments", "refund", payment, "--amount", "0.61", "--reason", "more",
                                       "--key", "too-much"), 65)
    assert "above the 60 captured and not yet refunded" in line, line
    # The rest, with the units back in stock: the payment and the order are refunded.
    stock_before = platform.json("stock", "show", "SPOON-1")[0]
    rest = platform.json("payments", "refund", payment, "--reason", "sent back", "--restock", "--key", "rest")
    assert rest["status"] == "PAYMENT_STATUS_REFUNDED"
    assert rest["refunded"] == {"minorUnits": "100", "currency": "USD"}
    assert [r.get("restocked", False) for r in rest["refunds"]] == [False, True], rest["refunds"]
    assert platform.json("orders", "show", number)["status"] == "ORDER_STATUS_REFUNDED"
    assert platform.json("stock", "show", "SPOON-1")[0]["onHand"] == stock_before["onHand"] + 2
    shown = platform.ok("payments", "show", payment[:8]).stdout
    assert f"customer:  {CUSTOMER}" in shown, shown
    assert "sent back" in shown and "yes" in shown, shown
    assert platform.json("payments", "show", payment, *customer)["id"] == payment


class Terminal:
    """soukctl on a pseudo-terminal, as a person at a keyboard runs it."""

    def __init__(self, platform, *args):
        environment = dict(os.environ, SOUK_CONFIG_HOME=platform.config, COLUMNS="120")
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.execve(os.path.abspath(SOUKCTL), [SOUKCTL, *args], environment)
        self.seen = ""

    def expect(self, text, timeout=30):
        deadline = time.monotonic() + timeout
        while text not in self.seen:
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"waited for {text!r}, saw {self.seen!r}"
            ready, _, _ = select.select([self.fd], [], [], remaining)
            if ready:
                try:
                    chunk = os.read(self.fd, 4096)
                except OSError:
                    chunk = b""
                assert chunk, f"soukctl ended before {text!r}: {self.seen!r}"
                self.seen += chunk.decode(errors="replace")

    def type(self, line):
        os.write(self.fd, (line + "\n").encode())

    def status(self):
        _, status = os.waitpid(self.pid, 0)
        os.close(self.fd)
        return os.waitstatus_to_exitcode(status)


def test_prompts_on_a_terminal_do_not_echo_secrets(platform):
    created = platform.json("users", "create", "--email", "keeper@souk.example", "--role", "admin")
    platform.ok("context", "add", "desk", "--endpoint", platform.endpoint, "--ca", platform.ca)
    session = Terminal(platform, "login", "--context", "desk", "--email", "keeper@souk.example")
    session.expect("Password for keeper@souk.example: ")
    session.type(created["initialPassword"])
    session.expect("New password: ")
    session.type("Ledger-and-keys-2026")
    session.expect("New password again: ")
    session.type("Ledger-and-keys-2026")
    session.expect("logged in to desk as keeper@souk.example (admin)")
    assert session.status() == 0
    assert created["initialPassword"] not in session.seen and "Ledger-and-keys" not in session.seen
    assert "the one-time password was changed" in session.seen

    # Two-factor: the code is asked for after the password (a step after the one the last login used).
    secret = platform.state["staff_secret"]
    platform.ok("context", "add", "bench", "--endpoint", platform.endpoint, "--ca", platform.ca)
    session = Terminal(platform, "login", "--context", "bench", "--email", STAFF)
    session.expect("Password for ")
    session.type(STAFF_PASSWORD)
    session.expect("Two-factor code: ")
    session.type(totp_at_step(secret, next_totp_step(platform)))
    session.expect(f"logged in to bench as {STAFF} (staff)")
    assert session.status() == 0

    # On a terminal, an import draws its progress on standard error: bytes sent of the file's size.
    big = os.path.join(platform.folder, "big.jsonl")
    with open(big, "w") as out:
        for row in range(1500):
            out.write(json.dumps({"category": "kitchen", "title": f"Row {row}", "sku": f"ROW-{row}",
                                  "price": "not a price", "currency": "RUB"}) + "\n")
    size = os.path.getsize(big)
    assert size > 64 * 1024, "at least two chunks"
    session = Terminal(platform, "products", "import", big, "--context", "bench")
    session.expect("rows: 1500, imported: 0, rejected: 1500")
    session.expect("1500 of 1500 rows were rejected")
    assert session.status() == 65
    assert "100%" in session.seen and f"/ {size / 1024:.1f} KiB" in session.seen, session.seen[:400]


def test_damaged_and_expired_logins_are_auth_errors(platform):
    credentials = os.path.join(platform.config, "credentials", "shop.json")
    saved = json.load(open(credentials))
    with open(credentials, "w") as out:
        out.write("{garbled")
    line = one_line_error(platform.ctl("whoami", "--context", "shop"), 77)
    assert line.endswith("run `soukctl login`")

    # An access token past its expiry is renewed with the refresh token, transparently...
    saved["accessExpiresAtUnixMs"] = 1
    with open(credentials, "w") as out:
        json.dump(saved, out)
    assert CUSTOMER in platform.ok("whoami", "--context", "shop").stdout
    renewed = json.load(open(credentials))
    assert renewed["refreshToken"] != saved["refreshToken"], "refresh tokens rotate"
    assert stat.S_IMODE(os.stat(credentials).st_mode) == 0o600
    # ...and when the refresh token is no longer accepted, the login has expired.
    renewed["accessExpiresAtUnixMs"] = 1
    renewed["refreshToken"] = saved["refreshToken"]  # already used: the server ends the session
    with open(credentials, "w") as out:
        json.dump(renewed, out)
    line = one_line_error(platform.ctl("cart", "show", "--context", "shop"), 77)
    assert line == "soukctl: your login has expired; run `soukctl login`"


def test_completion_scripts(platform):
    for shell in ["bash", "zsh", "fish"]:
        script = platform.ok("--generate-completion-script", shell).stdout
        assert "soukctl" in script and "orders" in script
