"""soukd's Prometheus endpoint as a scraper meets it: `--metrics-port 0`, the address read from the banner, the
text format over plain HTTP; and the bad ports named.

Run by scripts/test after the Swift build; SOUKD names the binary.
"""
import os
import re
import socket

import grpc
import pytest
from grpc_health.v1 import health_pb2
from processes import health
from test_soukd import Soukd, http, workdir  # noqa: F401 (workdir is a fixture)

METRICS = re.compile(r"^  metrics: (http://\S+)$", re.MULTILINE)


def samples(text):
    """The text format's samples: 'name{labels}' to value."""
    found = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            found[name] = float(value)
    return found


def test_scrape_counts_calls_by_method_wire_and_status(workdir):
    data = os.path.join(workdir, ".souk")
    soukd = Soukd(workdir, ["--grpc-port", "0", "--swp-port", "0", "--metrics-port", "0"])
    _, grpc_port, _ = soukd.wait_ready()
    match = METRICS.search(soukd.banner)
    assert match, soukd.banner
    url = match.group(1)
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/metrics", url) and not url.endswith(":0/metrics"), url
    bridge = soukd.wait_bridge()

    assert health(grpc_port, data) == health_pb2.HealthCheckResponse.SERVING
    assert health(grpc_port, data) == health_pb2.HealthCheckResponse.SERVING
    with pytest.raises(grpc.RpcError) as unknown:
        health(grpc_port, data, "souk.unknown.v1.Nothing")
    assert unknown.value.code() == grpc.StatusCode.NOT_FOUND
    status, _, _ = http("POST", bridge + "/souk.catalog.v1.CatalogService/ListCategories", b"{}",
                        {"Content-Type": "application/json"})
    assert status == 200

    status, headers, body = http("GET", url)
    assert status == 200 and headers["Content-Type"].startswith("text/plain; version=0.0.4")
    found = samples(body.decode())
    check = 'method="grpc.health.v1.Health/Check",wire="grpc"'
    assert found[f"souk_rpc_calls_started_total{{{check}}}"] == 3
    assert found[f'souk_rpc_calls_finished_total{{{check},code="OK"}}'] == 2
    assert found[f'souk_rpc_calls_finished_total{{{check},code="NOT_FOUND"}}'] == 1
    assert found[f"souk_rpc_call_duration_seconds_count{{{check}}}"] == 3
    assert found['souk_rpc_calls_in_flight{wire="grpc"}'] == 0
    # The bridge's call went on over SWP, and the bridge counted its request.
    categories = 'method="souk.catalog.v1.CatalogService/ListCategories",wire="swp"'
    assert found[f'souk_rpc_calls_finished_total{{{categories},code="OK"}}'] == 1
    assert found['souk_bridge_requests_total{route="connect",status="200"}'] == 1
    assert "souk_swp_connections_open" in found and "souk_bridge_sessions_live" in found

    assert http("GET", url.replace("/metrics", "/other"))[0] == 404
    assert http("POST", url, b"")[0] == 405
    assert soukd.stop() == 0


def test_metrics_port_in_use_names_the_flag(workdir):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, stderr = Soukd(workdir, ["--grpc-port", "0", "--swp-port", "0", "--metrics-port", str(port)]).fail_output()
    assert code == 1
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and str(port) in lines[0] and "--metrics-port" in lines[0], stderr
    assert not os.path.exists(os.path.join(workdir, ".souk", "pg", "postmaster.pid")), "nothing left running"


@pytest.mark.parametrize("flag, variable", [(["--metrics-port", "70000"], {}), ([], {"SOUK_METRICS_PORT": "70000"})])
def test_metrics_port_out_of_range_names_the_setting(workdir, flag, variable):
    code, stderr = Soukd(workdir, ["--grpc-port", "0", "--swp-port", "0", *flag], env=variable).fail_output()
    assert code == 1
    lines = stderr.strip().splitlines()
    setting = "--metrics-port" if flag else "SOUK_METRICS_PORT"
    assert len(lines) == 1 and setting in lines[0] and "70000" in lines[0], stderr
