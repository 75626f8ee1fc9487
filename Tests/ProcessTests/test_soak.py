"""Soak: customers browse, fill carts and order through the bridge for a while without a pause; after a warm-up,
soukd's memory stays flat (within 10 %), and neither its open file descriptors nor its PostgreSQL connections grow;
no call fails.

The warm-up outlasts PostgresNIO's pool timers (keep-alive 30 s, idle 60 s): each cancelled timer keeps its memory
until its deadline (swiftlang/swift#60441), so memory climbs for the first minute of load and then holds.
In CI it measures for 60 s after an 80 s warm-up; `SOUK_SOAK_SECONDS` sets the measured length (600 for the
nightly-style run the issue asks for, 0 skips it) and `SOUK_SOAK_WARMUP_SECONDS` the warm-up. Local runs grew +1.7 %
and +5.7 % after the warm-up.
"""
import os
import statistics
import subprocess
import tempfile
import threading
import time
import uuid

import pytest
from shop_bridge import (CATALOG, IDENTITY, ORDER_SERVICE, Bridge, Refused, Unanswered, open_shop, running_host,
                         sign_in, throwaway_postgres)

MEASURED_S = float(os.environ.get("SOUK_SOAK_SECONDS", "60"))
WARMUP_S = float(os.environ.get("SOUK_SOAK_WARMUP_SECONDS", "80"))
CUSTOMERS = 6


@pytest.fixture
def cluster():
    with throwaway_postgres() as (_, url):
        yield url


def resident_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))


def descriptors(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def database_connections(url):
    """soukd's connections to PostgreSQL (every backend but this query's own)."""
    out = subprocess.run(["psql", url, "-Atc",
                          "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' "
                          "AND pid <> pg_backend_pid()"],
                         capture_output=True, text=True, timeout=60, check=True)
    return int(out.stdout.strip())


def sample(pid, url, count=5, spacing_s=1.0):
    """Medians of `count` readings `spacing_s` apart: resident KiB, descriptors, database connections."""
    readings = []
    for index in range(count):
        if index:
            time.sleep(spacing_s)
        readings.append((resident_kib(pid), descriptors(pid), database_connections(url)))
    return tuple(statistics.median(column) for column in zip(*readings))


@pytest.mark.skipif(MEASURED_S <= 0, reason="SOUK_SOAK_SECONDS=0 skips the soak")
def test_memory_descriptors_and_connections_hold_under_steady_load(cluster):
    with tempfile.TemporaryDirectory(prefix="souk-soak-", dir="/tmp") as folder, \
            running_host(folder, cluster) as host:
        bridge = Bridge(host.base_url)
        sku, emails = open_shop(bridge, host.admin_email, host.one_time_password, 10_000_000, CUSTOMERS)
        stop = threading.Event()
        calls = [0] * CUSTOMERS
        failures = []

        def shop(index, email):
            token = sign_in(bridge, email)
            try:
                while not stop.is_set():
                    bridge.call(CATALOG, "SearchProducts", {"query": "kettle", "pageSize": 10})
                    bridge.call(IDENTITY, "GetMyAccount", {}, token)
                    bridge.call(CATALOG, "SetCartLine", {"sku": sku, "quantity": 1}, token)
                    bridge.call(ORDER_SERVICE, "PlaceOrder", {"idempotencyKey": uuid.uuid4().hex, "currency": "RUB"},
                                token)
                    bridge.call(ORDER_SERVICE, "ListMyOrders", {"pageSize": 5}, token)
                    calls[index] += 5
            except (Refused, Unanswered) as error:
                failures.append(f"{email}: {error!r}")
                stop.set()

        shoppers = [threading.Thread(target=shop, args=(index, email)) for index, email in enumerate(emails)]
        for shopper in shoppers:
            shopper.start()
        try:
            time.sleep(WARMUP_S)
            assert not failures, failures
            warm = sample(host.process.pid, cluster)
            warm_calls = sum(calls)
            time.sleep(MEASURED_S)
            end = sample(host.process.pid, cluster)
            measured_calls = sum(calls) - warm_calls
        finally:
            stop.set()
            for shopper in shoppers:
                shopper.join(timeout=120)

        assert not failures, f"{failures}\n{host.log_tail()}"
        assert measured_calls > 0
        (rss_warm, fds_warm, pg_warm), (rss_end, fds_end, pg_end) = warm, end
        print(f"soak: {measured_calls} calls in {MEASURED_S:.0f} s after {WARMUP_S:.0f} s of warm-up; resident "
              f"{rss_warm / 1024:.1f} -> {rss_end / 1024:.1f} MiB ({(rss_end / rss_warm - 1) * 100:+.1f} %), "
              f"descriptors {fds_warm:.0f} -> {fds_end:.0f}, PostgreSQL connections {pg_warm:.0f} -> {pg_end:.0f}")
        assert rss_end <= rss_warm * 1.10, "memory grew by more than 10 % after the warm-up"
        # A few sockets may be mid-handshake at either reading; a leak grows with every call.
        assert fds_end <= fds_warm + 8, "open file descriptors grew"
        assert pg_end <= pg_warm + 2, "PostgreSQL connections grew"
