"""`souk-bench shop`: the shop over SWP against pgbench on the same embedded PostgreSQL, as CI runs it (--quick),
and its refusals: pgbench missing or failing, soukd not starting, bad flags. A failure names its cause on one line
and writes no result files.

SOUK_BENCH names the built souk-bench and SOUKD the soukd it starts (defaults: .build/debug).
"""
import json
import os
import subprocess
import tempfile

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
SOUK_BENCH = os.environ.get("SOUK_BENCH", os.path.join(ROOT, ".build", "debug", "souk-bench"))
SOUKD = os.environ.get("SOUKD", os.path.join(ROOT, ".build", "debug", "soukd"))
# souk-bench drives lookups and searches with the C client too when it finds it here (CI builds it after this test).
C_CLIENT = os.path.join(ROOT, "clients", "c", "build", "swp-call")


def shop(output, *args, timeout=600):
    return subprocess.run(
        [os.path.abspath(SOUK_BENCH), "shop", "--quick", "--soukd", os.path.abspath(SOUKD), "--output", output,
         *args],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_quick_run_measures_the_four_operations_and_pgbench_on_the_same_cluster():
    with tempfile.TemporaryDirectory() as output:
        has_c_client = os.access(C_CLIENT, os.X_OK)
        result = shop(output, "--c-client", os.path.abspath(C_CLIENT)) if has_c_client else shop(output)
        assert result.returncode == 0, result.stdout + result.stderr
        assert sorted(os.listdir(output)) == ["shop.json", "shop.md"]
        with open(os.path.join(output, "shop.json")) as file:
            report = json.load(file)
        assert report["quick"] is True
        by_client = {(row["operation"], row["driver"]): row for row in report["operations"]}
        operations = {name: row for (name, driver), row in by_client.items() if driver == "swift-client"}
        assert sorted(operations) == ["checkout-with-payment", "place-order", "product-lookup", "search-page"]
        c_rows = {name: row for (name, driver), row in by_client.items() if driver == "c-client"}
        if has_c_client:
            # Driven by the C client too: the same reads, measured the same way.
            assert sorted(c_rows) == ["product-lookup", "search-page"], report["operations"]
            assert report["notes"] == []
            assert "product lookup (GetProduct), C client" in result.stdout
        else:
            assert c_rows == {}
            assert "swp-call is not built" in report["notes"][0], report["notes"]
            assert "Left out: the C client's rows" in result.stdout
        for name, row in list(operations.items()) + list(c_rows.items()):
            assert "failure" not in row, (name, row)
            assert row["calls"] > 0 and row["callsPerSecond"] > 0, (name, row)
            assert 0 < row["latency"]["p50"] <= row["latency"]["p99"], (name, row)
        scripts = {row["script"]: row for row in report["pgbench"]}
        assert sorted(scripts) == ["select-only", "tpc-b"]
        for name, row in scripts.items():
            assert row["clients"] == report["inFlight"] == 16, row
            assert row["transactions"] > 0 and row["transactionsPerSecond"] > 0, (name, row)
            assert 0 < row["latency"]["p50"] <= row["latency"]["p99"], (name, row)
            assert row["latencyAverageMicros"] > 0, (name, row)
        targets = report["targets"]
        # Issue 6's for the Swift client, then issue 18's GetProduct driven by the C client.
        assert [t["goal"] for t in targets] == ["≥ 0.25×", "≥ 0.05×", "≥ 0.25×", "≥ 0.50×"]
        lookup = operations["product-lookup"]["callsPerSecond"] / scripts["select-only"]["transactionsPerSecond"]
        assert abs(targets[0]["value"] - lookup) < 1e-9
        assert all(t["reached"] in (True, False) for t in targets[:3]), targets
        if has_c_client:
            c_lookup = c_rows["product-lookup"]["callsPerSecond"] / scripts["select-only"]["transactionsPerSecond"]
            assert abs(targets[3]["value"] - c_lookup) < 1e-9
            assert targets[3]["reached"] in (True, False), targets
        else:
            assert "reached" not in targets[3] and targets[3]["detail"] == "not measured in this run", targets
        # Checkout pays through the sandbox's local Stripe and has no target.
        assert len(targets) == 4
        # The terminal shows the table and the targets.
        assert "pgbench TPC-B-like" in result.stdout
        assert "place order (SetCartLine + PlaceOrder) calls/s ÷ pgbench TPC-B-like tps" in result.stdout
        assert "checkout with payment (+ CreatePayment)" in result.stdout
        with open(os.path.join(output, "shop.md")) as file:
            assert "Quick smoke run: not comparable" in file.read()


def test_missing_pgbench_is_named_and_nothing_is_written():
    with tempfile.TemporaryDirectory() as folder:
        output = os.path.join(folder, "results")
        result = shop(output, "--pgbench", "/nonexistent/pgbench", timeout=60)
        assert result.returncode == 1, result.stdout + result.stderr
        assert "no /nonexistent/pgbench" in result.stderr, result.stderr
        assert "no figures were written" in result.stderr
        assert not os.path.exists(output)


def test_failing_pgbench_stops_the_run_with_its_message():
    with tempfile.TemporaryDirectory() as folder:
        for name, body in [("createdb", "exit 0"), ("pgbench", "echo 'pgbench: error: out of coffee' >&2; exit 3")]:
            path = os.path.join(folder, name)
            with open(path, "w") as file:
                file.write(f"#!/bin/sh\n{body}\n")
            os.chmod(path, 0o755)
        output = os.path.join(folder, "results")
        result = shop(output, "--pgbench", os.path.join(folder, "pgbench"), timeout=300)
        assert result.returncode == 1, result.stdout + result.stderr
        assert "pgbench -i -s 1 exited with 3: pgbench: error: out of coffee" in result.stderr, result.stderr
        assert not os.path.exists(output)
        # soukd and its PostgreSQL were stopped and their temporary folder removed.
        assert not [p for p in os.listdir("/tmp") if p.startswith("souk-shop-") and _owned_by_running_soukd(p)]


def test_soukd_that_cannot_start_is_named():
    with tempfile.TemporaryDirectory() as folder:
        fake = os.path.join(folder, "soukd")
        with open(fake, "w") as file:
            file.write("#!/bin/sh\necho 'soukd: error: the data folder is on fire' >&2\nexit 1\n")
        os.chmod(fake, 0o755)
        output = os.path.join(folder, "results")
        result = subprocess.run(
            [os.path.abspath(SOUK_BENCH), "shop", "--quick", "--soukd", fake, "--output", output],
            capture_output=True, text=True, timeout=60,
        )
        assert result.returncode == 1, result.stdout + result.stderr
        assert "soukd bootstrap-admin failed (exit status 1): soukd: error: the data folder is on fire" in result.stderr
        assert not os.path.exists(output)
        result = subprocess.run(
            [os.path.abspath(SOUK_BENCH), "shop", "--quick", "--soukd", os.path.join(folder, "nothing"),
             "--output", output],
            capture_output=True, text=True, timeout=60,
        )
        assert result.returncode == 1
        assert "no soukd at" in result.stderr, result.stderr


def test_bad_flags_are_usage_errors():
    result = subprocess.run(
        [os.path.abspath(SOUK_BENCH), "shop", "--in-flight", "8", "--customers", "4"],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 64, result.stderr
    assert "--customers must be at least --in-flight (8)" in result.stderr


def _owned_by_running_soukd(folder):
    """Whether a soukd process still runs on /tmp/<folder>."""
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as file:
                if f"/tmp/{folder}".encode() in file.read():
                    return True
        except OSError:
            pass
    return False
