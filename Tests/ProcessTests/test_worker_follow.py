"""souk-worker follow as a process: orders placed through the bridge while the worker copies the orders' events into
the analytics schema and is killed with SIGKILL at counted points, then started again. Afterwards the analytics
schema holds every acknowledged order exactly once, and the stream's counter of applied events equals the number
of events: nothing was missed and nothing applied twice."""
import os
import random
import signal
import subprocess
import tempfile
import time

import pytest
from processes import stop
from shop_bridge import IDENTITY, Bridge, Shoppers, open_shop, running_host, sign_in, throwaway_postgres

WORKER = os.environ.get("SOUK_WORKER",
                        os.path.join(os.path.dirname(__file__), "..", "..", ".build", "debug", "souk-worker"))
CUSTOMERS = 4
PER_CUSTOMER = 30
KILLS = 3


def sql(url, query):
    """One value from `query` on the database at `url` (psql, no rows: None)."""
    out = subprocess.run(["psql", url, "-Atc", query], capture_output=True, text=True, timeout=60)
    if out.returncode != 0:
        return None  # the schema is not there yet
    return out.stdout.strip() or None


def count(url, query):
    return int(sql(url, query) or 0)


def wait_until(condition, timeout, what):
    """Waits for `condition()` with a generous bound, checking every 0.2 s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"not within {timeout} s: {what}")


class Worker:
    def __init__(self, host, url, client_id, secret, folder):
        self.command = [os.path.abspath(WORKER), "follow", "--host", "127.0.0.1", "--port", host.swp_port,
                        "--ca", os.path.join(host.data, "tls", "ca.pem"), "--client-id", client_id,
                        "--database-url", url, "--interval", "1", "--lease-seconds", "3"]
        self.environment = dict(os.environ, SOUK_WORKER_CLIENT_SECRET=secret)
        self.log = open(os.path.join(folder, "worker.log"), "a")
        self.process = None

    def start(self):
        self.process = subprocess.Popen(self.command, env=self.environment, stdout=self.log, stderr=self.log)

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=60)


def test_follow_survives_sigkill_exactly_once():
    with throwaway_postgres() as (_, url), tempfile.TemporaryDirectory(prefix="souk-worker-", dir="/tmp") as folder:
        with running_host(folder, database_url=url) as host:
            bridge = Bridge(host.base_url)
            sku, emails = open_shop(bridge, host.admin_email, host.one_time_password, 10_000, CUSTOMERS)
            admin = sign_in(bridge, host.admin_email)
            account = bridge.call(IDENTITY, "CreateServiceAccount",
                                  {"name": "analytics-worker", "scopes": ["events.read"]}, admin)
            worker = Worker(host, url, account["clientId"], account["clientSecret"], folder)
            worker.start()

            shoppers = Shoppers(bridge, emails, sku, PER_CUSTOMER)
            shoppers.start()
            rng = random.Random(20261207)
            copied = "SELECT count(*) FROM analytics.orders"
            for index in range(KILLS):
                # Counted, not timed: once the worker has copied a random share of the orders so far.
                target = max(1, int(shoppers.total * (index + rng.uniform(0.2, 0.8)) / (KILLS + 1)))
                wait_until(lambda: count(url, copied) >= target or worker.process.poll() is not None, 600,
                           f"the worker copies {target} orders")
                assert worker.process.poll() is None, open(worker.log.name).read()[-3000:]
                worker.kill()
                worker.start()
            shoppers.join()
            assert not shoppers.failures, shoppers.failures
            assert len(shoppers.acknowledged) == shoppers.total

            # The last worker takes the lease once the killed one's has run out, and catches up.
            wait_until(lambda: count(url, copied) >= shoppers.total or worker.process.poll() is not None, 600,
                       f"the worker copies all {shoppers.total} orders")
            applied = "SELECT applied FROM analytics.followed_streams WHERE stream = 'orders'"
            wait_until(lambda: count(url, applied) >= shoppers.total, 120, "the counter catches up")
            stop(worker.process)

            ids = set((sql(url, "SELECT string_agg(order_id::text, ',') FROM analytics.orders") or "").split(","))
            assert ids == {order_id.lower() for order_id in shoppers.acknowledged.values()}
            assert count(url, "SELECT sum(quantity) FROM analytics.order_lines") == shoppers.total
            # One order.placed event per order, each applied once: the counter is incremented in the transaction
            # that copies the order and moves the position, and only for an event past the stored position.
            assert count(url, applied) == shoppers.total
            assert count(url, "SELECT skipped FROM analytics.followed_streams WHERE stream = 'orders'") == 0
            log = open(worker.log.name).read()
            assert log.count("followed the orders' events") >= KILLS, log[-3000:]
            print(f"worker follow: {shoppers.total} orders copied once each across {KILLS} SIGKILLs")
