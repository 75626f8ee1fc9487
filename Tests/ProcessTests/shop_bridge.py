"""A shop driven through soukd's browser bridge (Connect JSON), as the resilience tests use it: customers placing
orders with retries under the same idempotency key, and the exactly-once check of what they were told."""
import contextlib
import json
import os
import signal
import socket
import struct
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid

import pytest
from processes import stop

SOUKD = os.environ.get("SOUKD", os.path.join(os.path.dirname(__file__), "..", "..", ".build", "debug", "soukd"))
WEB_ROOT = os.path.join(os.path.dirname(__file__), "..", "..", "clients", "web")
TEST_POSTGRES = os.path.join(os.path.dirname(__file__), "..", "..", "scripts", "test-postgres")


def cluster_command(command, folder):
    """scripts/test-postgres COMMAND FOLDER (start prints the cluster's URL)."""
    return subprocess.run([TEST_POSTGRES, command, folder], capture_output=True, text=True, timeout=180,
                          check=True).stdout.strip()


@contextlib.contextmanager
def throwaway_postgres():
    """A PostgreSQL cluster of its own (Unix socket only): its folder and URL, removed at the end."""
    folder = tempfile.mkdtemp(prefix="souk-pg-", dir="/tmp")
    try:
        yield folder, cluster_command("start", folder)
    finally:
        cluster_command("stop", folder)

IDENTITY = "souk.identity.v1.IdentityService"
CATALOG = "souk.catalog.v1.CatalogService"
ORDER_SERVICE = "souk.catalog.v1.OrderService"
PASSWORD = "Resilient-shop-2026"


class Unanswered(Exception):
    """No answer, or UNAVAILABLE/DEADLINE_EXCEEDED: soukd or its database is away. Tried again with the same key."""

    def __init__(self, message, code=None):
        super().__init__(message)
        self.code = code


class Refused(Exception):
    def __init__(self, status, code, message, method=""):
        super().__init__(f"{method}: {status} {code}: {message}")
        self.code = code
        self.message = message


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Host:
    """soukd serve (identity and catalog, unless told) on fixed ports, so a restart keeps its addresses; on the embedded
    PostgreSQL in `folder`, or on `database_url`. Killed and started again at will."""

    admin_email = "root@souk.example"

    def __init__(self, folder, database_url=None, services="identity,catalog"):
        self.folder = folder
        self.services = services
        self.data = os.path.join(folder, "data")
        self.database_url = database_url
        self.swp_port, self.grpc_port, self.bridge_port = (str(free_port()) for _ in range(3))
        self.process = None
        self.log = open(os.path.join(folder, "soukd.log"), "a")
        self.base_url = None
        self.one_time_password = None

    def _environment(self):
        environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        if self.database_url:
            environment["DATABASE_URL"] = self.database_url
        return environment

    def bootstrap(self):
        boot = subprocess.run([os.path.abspath(SOUKD), "bootstrap-admin", "--email", self.admin_email,
                               "--data-folder", self.data],
                              capture_output=True, text=True, timeout=180, env=self._environment())
        assert boot.returncode == 0, boot.stderr
        self.one_time_password = boot.stdout.strip().splitlines()[-1]

    def start(self):
        self.process = subprocess.Popen(
            [os.path.abspath(SOUKD), "serve", "--services", self.services, "--data-folder", self.data,
             "--swp-port", self.swp_port, "--grpc-port", self.grpc_port, "--bridge-port", self.bridge_port,
             "--web-root", WEB_ROOT],
            cwd=self.folder, env=self._environment(), stdout=subprocess.PIPE, stderr=self.log, text=True)
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                break
            if line.startswith("bridge ready: "):
                self.base_url = line.split()[2]
                # Keep reading stdout so soukd never blocks on a full pipe.
                threading.Thread(target=self._keep_output, args=(self.process.stdout,), daemon=True).start()
                return
        self.log.flush()
        pytest.fail("soukd did not start: " + open(os.path.join(self.folder, "soukd.log")).read()[-3000:])

    def _keep_output(self, output):
        for line in output:
            self.log.write(line)

    def log_tail(self, lines=60):
        """The last of soukd's log lines that are neither a successful call, nor one refused as UNAVAILABLE, nor
        the pool's attempts to connect."""
        quiet = ("http.status=200", "http.status=503", "Connection creation failed")
        self.log.flush()
        with open(os.path.join(self.folder, "soukd.log")) as log:
            return "".join([line for line in log if not any(word in line for word in quiet)][-lines:])

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=60)


@contextlib.contextmanager
def running_host(folder, database_url=None, services="identity,catalog"):
    """A bootstrapped, started Host in `folder` serving `services`, stopped at the end."""
    os.chmod(folder, 0o755)
    host = Host(folder, database_url, services)
    host.bootstrap()
    host.start()
    try:
        yield host
    finally:
        stop(host.process)
        host.log.close()


class Bridge:
    def __init__(self, base_url):
        self.base_url = base_url

    def call(self, service, method, body=None, token=None, timeout=60):
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        request = urllib.request.Request(f"{self.base_url}/{service}/{method}", data=json.dumps(body or {}).encode(),
                                         method="POST", headers=headers)
        begun = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            answer = json.loads(error.read() or b"{}")
            if answer.get("code") in ("unavailable", "deadline_exceeded"):
                raise Unanswered(answer.get("message"), answer.get("code")) from None
            raise Refused(error.code, answer.get("code"), answer.get("message"), method) from None
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError) as error:
            raise Unanswered(f"{method} at {time.strftime('%H:%M:%S')} after {time.monotonic() - begun:.1f} s: {error}") from None

    def events(self, token):
        """Every committed domain event, read through the bridge's Connect server stream (not following)."""
        message = json.dumps({"afterPosition": "0", "follow": False}).encode()
        request = urllib.request.Request(
            f"{self.base_url}/{ORDER_SERVICE}/StreamEvents", data=struct.pack(">BI", 0, len(message)) + message,
            method="POST", headers={"Content-Type": "application/connect+json", "Authorization": f"Bearer {token}"})
        with urllib.request.urlopen(request, timeout=120) as response:
            body = response.read()
        events, offset = [], 0
        while offset < len(body):
            flags, length = struct.unpack(">BI", body[offset:offset + 5])
            payload = json.loads(body[offset + 5:offset + 5 + length] or b"{}")
            offset += 5 + length
            if flags & 0x02:
                assert "error" not in payload, payload
                break
            if payload:
                events.append(payload)
        return events


def sign_in(bridge, email, password=PASSWORD):
    return bridge.call(IDENTITY, "Login", {"email": email, "password": password})["tokens"]["accessToken"]


def open_shop(bridge, email, one_time_password, stock, customers):
    """Sets the bootstrapped admin's password, stocks one published SKU and signs `customers` up.
    Returns the SKU and the customers' emails."""
    first = sign_in(bridge, email, one_time_password)
    bridge.call(IDENTITY, "ChangePassword", {"currentPassword": one_time_password, "newPassword": PASSWORD}, first)
    admin = sign_in(bridge, email)
    category = bridge.call(CATALOG, "CreateCategory", {"name": "Resilience", "slug": "resilience"}, admin)
    sku = f"RESILIENT-{uuid.uuid4().hex[:8].upper()}"
    product = bridge.call(CATALOG, "CreateProduct", {
        "categoryId": category["id"], "title": "Resilient kettle",
        "skus": [{"code": sku, "prices": [{"minorUnits": "100", "currency": "RUB"}]}]}, admin)
    bridge.call(CATALOG, "PublishProduct", {"productId": product["id"]}, admin)
    bridge.call(CATALOG, "SetStock", {"sku": sku, "warehouse": "MSK-1", "onHand": stock}, admin)
    emails = []
    for index in range(customers):
        customer = f"resilient-{index}@shop.example"
        bridge.call(IDENTITY, "SignUp", {"email": customer, "password": PASSWORD})
        emails.append(customer)
    return sku, emails


class Shoppers:
    """Customers on threads, each placing `per_customer` one-unit orders of `sku`. A call without an answer is
    tried again with the same idempotency key, until the order is acknowledged or `give_up_s` passes."""

    def __init__(self, bridge, emails, sku, per_customer, give_up_s=300, pause_s=0.2):
        self.bridge = bridge
        self.sku = sku
        self.total = per_customer * len(emails)
        self.give_up_s = give_up_s
        self.pause_s = pause_s
        self.acknowledged = {}  # idempotency key -> order id
        self.unanswered = []  # (seconds the call took, its code or None, the message) of each call tried again
        self.failures = []
        self.progress = threading.Condition()  # notified at each acknowledged order and each unanswered call
        self.workers = [threading.Thread(target=self._places, args=(email, per_customer)) for email in emails]

    def start(self):
        for worker in self.workers:
            worker.start()

    def join(self, timeout=900):
        for worker in self.workers:
            worker.join(timeout=timeout)
        with self.progress:
            self.progress.notify_all()

    def running(self):
        return any(worker.is_alive() for worker in self.workers)

    def wait_for(self, condition, timeout=600):
        """Waits until `condition(self)` holds (checked at each acknowledgement or unanswered call); its value."""
        with self.progress:
            return self.progress.wait_for(lambda: condition(self) or not self.running(), timeout=timeout)

    def _places(self, email, count):
        token = None
        try:
            for _ in range(count):
                key = uuid.uuid4().hex
                deadline = time.monotonic() + self.give_up_s
                while True:
                    assert time.monotonic() < deadline, f"no answer for order {key} within {self.give_up_s} s"
                    started = time.monotonic()
                    try:
                        if token is None:
                            token = sign_in(self.bridge, email)
                        self.bridge.call(CATALOG, "SetCartLine", {"sku": self.sku, "quantity": 1}, token)
                        order = self.bridge.call(ORDER_SERVICE, "PlaceOrder",
                                                 {"idempotencyKey": key, "currency": "RUB"}, token)
                        with self.progress:
                            self.acknowledged[key] = order["id"]
                            self.progress.notify_all()
                        break
                    except Unanswered as unanswered:
                        with self.progress:
                            self.unanswered.append((time.monotonic() - started, unanswered.code, str(unanswered)))
                            self.progress.notify_all()
                        time.sleep(self.pause_s)
                    except Refused as refused:
                        if refused.code != "unauthenticated":
                            raise
                        token = None
        except Exception as error:  # noqa: BLE001 - reported by the test
            self.failures.append(f"{email}: {error!r}")
        finally:
            with self.progress:
                self.progress.notify_all()


def assert_orders_exactly_once(bridge, admin, acknowledged, sku, on_hand):
    """Every acknowledged order exists once and no other does; each holds its one unit of `sku`; the outbox has
    one `order.placed` per order. Returns the orders found."""
    found, token = [], ""
    while True:
        page = bridge.call(ORDER_SERVICE, "ListOrders", {"pageSize": 100, "pageToken": token}, admin)
        found += [order["id"] for order in page.get("orders", [])]
        token = page.get("nextPageToken", "")
        if not token:
            break
    assert len(found) == len(set(found)), "an order is listed twice"
    assert set(found) == set(acknowledged.values()), (
        f"{len(set(acknowledged.values()) - set(found))} acknowledged orders lost, "
        f"{len(set(found) - set(acknowledged.values()))} orders nobody was told about")
    assert len(set(acknowledged.values())) == len(acknowledged), "two keys got one order"

    # Each order holds its one unit: nothing on hand was lost or reserved twice.
    stock = bridge.call(CATALOG, "GetStock", {"sku": sku}, admin)
    level = next(level for level in stock["levels"] if level["warehouse"] == "MSK-1")
    assert int(level["onHand"]) == on_hand
    assert int(level.get("reserved", 0)) == len(found)

    placed = [event["aggregateId"] for event in bridge.events(admin) if event.get("type") == "order.placed"]
    assert sorted(placed) == sorted(found)
    return found
