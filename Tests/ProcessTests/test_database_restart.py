"""Database restart under load: customers place orders through the bridge while the PostgreSQL server soukd runs on
is stopped and started again. While it is away, calls fail with UNAVAILABLE (none waits for the bridge's bound on a
call), and health says NOT_SERVING; once it is back, soukd serves again without an operator, and every acknowledged
order exists exactly once.

`SOUK_RESTART_ORDERS` makes the run longer (CI: 400 orders by 8 customers, one restart).
"""
import os
import tempfile
import time

import pytest
from grpc_health.v1 import health_pb2
from processes import health
from shop_bridge import (Bridge, Shoppers, assert_orders_exactly_once, open_shop, running_host, sign_in,
                         cluster_command, throwaway_postgres)

ORDERS = int(os.environ.get("SOUK_RESTART_ORDERS", "400"))
CUSTOMERS = 8
STOCK = 1_000_000
# Calls that fail while PostgreSQL is away, counted before it starts again: the outage spans many calls.
FAILED_CALLS_WHILE_AWAY = 16


@pytest.fixture
def cluster():
    with throwaway_postgres() as cluster:
        yield cluster


def wait_until(what, condition, timeout=120):
    """Checks `condition` until it holds (generous bound: a loaded machine is slow, never wrong); its time."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if condition():
            return time.monotonic() - started
        time.sleep(0.1)
    pytest.fail(f"timed out after {timeout} s waiting until {what}")


def status(host):
    try:
        return health(host.grpc_port, host.data)
    except Exception as error:  # noqa: BLE001 - a failed check is a status of its own here
        return repr(error)


def test_orders_go_on_after_postgres_restarts(cluster):
    pg_folder, database_url = cluster
    with tempfile.TemporaryDirectory(prefix="souk-restart-", dir="/tmp") as folder, \
            running_host(folder, database_url) as host:
        bridge = Bridge(host.base_url)
        sku, emails = open_shop(bridge, host.admin_email, host.one_time_password, STOCK, CUSTOMERS)
        assert status(host) == health_pb2.HealthCheckResponse.SERVING
        shoppers = Shoppers(bridge, emails, sku, ORDERS // CUSTOMERS)
        shoppers.start()
        try:
            # A third of the orders first, counted, not timed.
            shoppers.wait_for(lambda s: len(s.acknowledged) >= shoppers.total // 3)
            assert shoppers.running(), shoppers.failures

            cluster_command("halt", pg_folder)
            failed_before = len(shoppers.unanswered)
            wait_until("health says NOT_SERVING",
                       lambda: status(host) == health_pb2.HealthCheckResponse.NOT_SERVING)
            assert shoppers.wait_for(lambda s: len(s.unanswered) - failed_before >= FAILED_CALLS_WHILE_AWAY), (
                shoppers.failures)
            acknowledged_while_away = len(shoppers.acknowledged)

            cluster_command("start", pg_folder)
            back = time.monotonic()
            wait_until("health says SERVING again", lambda: status(host) == health_pb2.HealthCheckResponse.SERVING)
            shoppers.wait_for(lambda s: len(s.acknowledged) > acknowledged_while_away)
            recovered_s = time.monotonic() - back
        finally:
            shoppers.join()

        assert not shoppers.failures, f"{shoppers.failures}\n{host.log_tail()}"
        assert len(shoppers.acknowledged) == shoppers.total
        # Every call that went unanswered was told so with UNAVAILABLE: never a reset, and never a hang that only the
        # bridge's bound on a call (30 s, DEADLINE_EXCEEDED) ends. Statements on a connection the server ended fail
        # at once (SoukStorage's guarded queries), so no handler is left waiting.
        codes = [code for _, code, _ in shoppers.unanswered]
        others = {f"{code}: {message}" for _, code, message in shoppers.unanswered if code != "unavailable"}
        assert not others, f"{others}\n{host.log_tail()}"
        slowest = max(seconds for seconds, _, _ in shoppers.unanswered)
        admin = sign_in(bridge, host.admin_email)
        found = assert_orders_exactly_once(bridge, admin, shoppers.acknowledged, sku, STOCK)
        print(f"database restart: {len(found)} orders, {len(codes)} calls refused UNAVAILABLE while PostgreSQL was "
              f"away (slowest {slowest:.2f} s), ordering again {recovered_s:.1f} s after it started")
