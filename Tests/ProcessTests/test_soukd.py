"""soukd as a user meets it: the built binary, started as a process, probed by a standard gRPC client
of another language (Python grpcio with the stock grpc.health.v1 stubs) over TLS trusting .souk/tls/ca.pem.

Run by scripts/test after the Swift build; SOUKD names the binary.
"""
import os
import re
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from processes import health, stop

SOUKD = os.environ.get("SOUKD", os.path.join(os.path.dirname(__file__), "..", "..", ".build", "debug", "soukd"))
READY_TIMEOUT_S = 120
BANNER = re.compile(r"soukd ready: swp (\S+):(\d+) grpc (\S+):(\d+) \((TLS|plaintext)\)")
START = re.compile(r"\(start #(\d+)\)")


RUNNING = []


class Soukd:
    """One soukd process whose standard output is read line by line until it reports ready."""

    def __init__(self, cwd, args=(), env=None):
        environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        # Tests run beside a developer's soukd: the built-in browser bridge takes a free port unless told.
        environment["SOUK_BRIDGE_PORT"] = "0"
        environment.update(env or {})
        self.process = subprocess.Popen(
            [os.path.abspath(SOUKD), *args],
            cwd=cwd,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        RUNNING.append(self.process)
        self.banner = ""

    def wait_ready(self):
        deadline = time.monotonic() + READY_TIMEOUT_S
        lines = []
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                break
            lines.append(line)
            if line.strip().startswith("database:"):
                self.banner = "".join(lines)
                match = BANNER.search(self.banner)
                assert match, self.banner
                self.swp_port = int(match.group(2))
                return match.group(3), int(match.group(4)), int(START.search(self.banner).group(1))
        stderr = self.process.stderr.read() if self.process.poll() is not None else ""
        pytest.fail(f"soukd did not become ready: {''.join(lines)} {stderr}")

    def wait_bridge(self):
        """The built-in bridge's base URL, from the line it prints once it listens (after the banner)."""
        line = self.process.stdout.readline()
        match = re.match(r"bridge ready: (http://\S+) ", line)
        assert match, line + (self.process.stderr.read() if self.process.poll() is not None else "")
        return match.group(1)

    def stop(self, sig=signal.SIGTERM, timeout=30):
        self.process.send_signal(sig)
        return self.process.wait(timeout=timeout)

    def fail_output(self, timeout=60):
        code = self.process.wait(timeout=timeout)
        return code, self.process.stderr.read()


def burst_of_health_checks(port, data_folder, count):
    """`count` health checks started at once on one new HTTP/2 connection (grpcio opens them before it has the
    server's SETTINGS): each one's status, or its error code."""
    with open(os.path.join(data_folder, "tls", "ca.pem"), "rb") as ca:
        credentials = grpc.ssl_channel_credentials(ca.read())
    with grpc.secure_channel(f"127.0.0.1:{port}", credentials) as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        calls = [stub.Check.future(health_pb2.HealthCheckRequest(service=""), timeout=60) for _ in range(count)]
        outcomes = []
        for call in calls:
            try:
                outcomes.append(call.result().status)
            except grpc.RpcError as error:
                outcomes.append(error.code())
        return outcomes


def openssl_handshake(port, data_folder, alpn):
    """What `openssl s_client -alpn <id>` reports for a TLS handshake with the SWP port."""
    result = subprocess.run(
        ["openssl", "s_client", "-alpn", alpn, "-connect", f"127.0.0.1:{port}",
         "-CAfile", os.path.join(data_folder, "tls", "ca.pem"), "-verify_return_error"],
        input="", capture_output=True, text=True, timeout=30,
    )
    return result.stdout + result.stderr


def postmaster_pid(data_folder):
    path = os.path.join(data_folder, "pg", "postmaster.pid")
    if not os.path.exists(path):
        return None
    with open(path) as lock:
        return int(lock.readline())


def is_live(pid):
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


@pytest.fixture
def workdir():
    with tempfile.TemporaryDirectory(prefix="soukd-process-", dir="/tmp") as folder:
        os.chmod(folder, 0o755)
        yield folder
        # A failed test must not leave a soukd (or its PostgreSQL) behind for the next one.
        for process in RUNNING:
            stop(process)
        RUNNING.clear()


def test_defaults_serve_health_over_tls_then_stop_and_reuse_data(workdir):
    """The run command's soukd: 127.0.0.1:7701, TLS trusting .souk/tls/ca.pem, SERVING; SIGTERM exits 0
    with the cluster stopped; a second start reuses the data."""
    data = os.path.join(workdir, ".souk")
    soukd = Soukd(workdir)
    host, port, starts = soukd.wait_ready()
    assert (host, port, starts) == ("127.0.0.1", 7701, 1)
    # jemalloc, checked by soukd to serve its allocations (glibc's malloc fragments under a steady load).
    assert re.search(r"memory allocator: jemalloc 5\.\d+\.\d+\n", soukd.banner), soukd.banner
    assert health(7701, data) == health_pb2.HealthCheckResponse.SERVING
    assert health(7701, data, "souk.testing.v1.TestService") == health_pb2.HealthCheckResponse.SERVING
    # A burst on one new connection: every call answered, none refused for the connection's sake.
    outcomes = burst_of_health_checks(7701, data, 300)
    assert outcomes == [health_pb2.HealthCheckResponse.SERVING] * 300, set(map(str, outcomes))
    with pytest.raises(grpc.RpcError) as unknown:
        health(7701, data, "souk.unknown.v1.Nothing")
    assert unknown.value.code() == grpc.StatusCode.NOT_FOUND

    assert soukd.swp_port == 7700
    tls = openssl_handshake(7700, data, "swp/1")
    assert "TLSv1.3" in tls and "ALPN protocol: swp/1" in tls, tls

    pid = postmaster_pid(data)
    started = time.monotonic()
    assert soukd.stop(signal.SIGTERM) == 0
    assert time.monotonic() - started < 15, "SIGTERM must finish within the drain bound"
    assert postmaster_pid(data) is None and not is_live(pid), "the embedded cluster must be stopped"

    again = Soukd(workdir)
    _, _, starts = again.wait_ready()
    assert starts == 2
    assert again.stop(signal.SIGINT) == 0


def test_recovers_after_kill_minus_nine(workdir):
    data = os.path.join(workdir, ".souk")
    first = Soukd(workdir, ["--grpc-port", "0", "--swp-port", "0"])
    first.wait_ready()
    first.stop(signal.SIGKILL)

    # The server soukd left behind is adopted.
    second = Soukd(workdir, ["--grpc-port", "0", "--swp-port", "0"])
    _, port, starts = second.wait_ready()
    assert starts == 2
    assert health(port, data) == health_pb2.HealthCheckResponse.SERVING
    # Now a crash of everything: soukd and PostgreSQL, leaving a stale postmaster.pid.
    pid = postmaster_pid(data)
    second.stop(signal.SIGKILL)
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while is_live(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert postmaster_pid(data) == pid, "the crash leaves the lock file behind"

    third = Soukd(workdir, ["--grpc-port", "0", "--swp-port", "0"])
    _, port, starts = third.wait_ready()
    assert starts == 3, "no committed start record was lost"
    assert health(port, data) == health_pb2.HealthCheckResponse.SERVING
    assert third.stop() == 0


def test_bootstrap_admin_beside_a_running_serve_leaves_its_database_running(workdir):
    """Issue 13: bootstrap-admin on the data folder of a running soukd joins its PostgreSQL and must leave it
    running; the server keeps answering real calls, and stopping the server then stops the cluster."""
    data = os.path.join(workdir, ".souk")
    soukd = Soukd(workdir, ["--grpc-port", "0", "--swp-port", "0"])
    _, port, _ = soukd.wait_ready()
    base = soukd.wait_bridge()
    pid = postmaster_pid(data)

    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    admin = subprocess.run(
        [os.path.abspath(SOUKD), "bootstrap-admin", "--email", "root@souk.example"],
        cwd=workdir, env=environment, capture_output=True, text=True, timeout=120,
    )
    assert admin.returncode == 0, admin.stderr
    assert "admin root@souk.example created" in admin.stdout

    assert postmaster_pid(data) == pid and is_live(pid), "bootstrap-admin must not stop the server's PostgreSQL"
    for service in ["", "souk.catalog.v1.CatalogService", "souk.identity.v1.IdentityService"]:
        assert health(port, data, service) == health_pb2.HealthCheckResponse.SERVING, service
    status, _, body = http("POST", base + "/souk.catalog.v1.CatalogService/SearchProducts", b"{}",
                           {"Content-Type": "application/json"})
    assert status == 200, body

    assert soukd.stop() == 0
    assert postmaster_pid(data) is None and not is_live(pid), "the soukd that started the cluster stops it"


def test_port_in_use_names_the_port_and_the_flag(workdir):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, stderr = Soukd(workdir, ["--grpc-port", str(port), "--swp-port", "0"]).fail_output()
    assert code == 1
    assert str(port) in stderr and "--grpc-port" in stderr, stderr
    assert not os.path.exists(os.path.join(workdir, ".souk", "pg", "postmaster.pid")), "nothing left running"


@pytest.mark.parametrize(
    "variable, value",
    [("SOUK_GRPC_PORT", "seventy"), ("SOUK_SERVICES", "warehouse"), ("DATABASE_URL", "mysql://x"), ("SOUK_DRAIN_TIMEOUT", "soon")],
)
def test_malformed_setting_is_named(workdir, variable, value):
    code, stderr = Soukd(workdir, env={variable: value}).fail_output()
    assert code == 1
    assert variable in stderr, stderr
    assert "soukd: error:" in stderr


def test_bad_flag_is_a_usage_error(workdir):
    code, stderr = Soukd(workdir, ["--grpc-port", "many"]).fail_output()
    assert code != 0
    assert "--grpc-port" in stderr


def test_data_folder_from_newer_postgres_is_refused(workdir):
    cluster = os.path.join(workdir, ".souk", "pg")
    os.makedirs(cluster)
    with open(os.path.join(cluster, "PG_VERSION"), "w") as version:
        version.write("99\n")
    code, stderr = Soukd(workdir, ["--grpc-port", "0", "--swp-port", "0"]).fail_output()
    assert code == 1
    assert "PostgreSQL 99" in stderr, stderr


def http(method, url, body=None, headers=None):
    """One HTTP request with the standard library: (status, headers, body bytes), also for 4xx/5xx answers."""
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def test_built_in_bridge_serves_the_page_and_connect_calls(workdir):
    web = os.path.join(workdir, "web")
    os.makedirs(os.path.join(web, "js"))
    with open(os.path.join(web, "index.html"), "w") as page:
        page.write("<!doctype html><title>Souk admin</title>")
    with open(os.path.join(web, "js", "app.js"), "w") as script:
        script.write("export const answer = 42;\n")
    with open(os.path.join(web, ".secret.js"), "w") as hidden:
        hidden.write("nope")
    soukd = Soukd(workdir, ["--grpc-port", "0", "--swp-port", "0", "--web-root", web])
    soukd.wait_ready()
    base = soukd.wait_bridge()
    status, headers, body = http("GET", base + "/")
    assert status == 200 and body == b"<!doctype html><title>Souk admin</title>"
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    status, headers, body = http("GET", base + "/js/app.js")
    assert status == 200 and headers["Content-Type"].startswith("text/javascript") and b"answer" in body
    for path in ["/.secret.js", "/js/../index.html%00", "/missing.css"]:
        assert http("GET", base + path)[0] == 404, path
    # Connect calls go through to the services over SWP (TLS, trusting the development CA).
    status, headers, body = http("POST", base + "/souk.catalog.v1.CatalogService/ListCategories", b"{}",
                                 {"Content-Type": "application/json"})
    assert status == 200 and body == b"{}", body
    status, _, body = http("POST", base + "/souk.catalog.v1.OrderService/ListOrders", b"{}",
                           {"Content-Type": "application/json"})
    assert status == 401 and b'"unauthenticated"' in body
    assert soukd.stop() == 0


def test_no_bridge_says_so(workdir):
    soukd = Soukd(workdir, ["--grpc-port", "0", "--swp-port", "0", "--no-bridge"])
    soukd.wait_ready()
    assert soukd.process.stdout.readline().strip() == "bridge: off (--no-bridge)"
    assert soukd.stop() == 0


def test_bridge_port_in_use_names_the_flag(workdir):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, stderr = Soukd(workdir, ["--grpc-port", "0", "--swp-port", "0", "--bridge-port", str(port)]).fail_output()
    assert code == 1
    assert str(port) in stderr and "--bridge-port" in stderr, stderr
    assert not os.path.exists(os.path.join(workdir, ".souk", "pg", "postmaster.pid")), "nothing left running"


def test_bridge_finds_the_admin_page_from_another_folder(workdir):
    # Started from a folder with no clients/web, soukd finds the page of the tree it was built in and says where.
    soukd = Soukd(workdir, ["--grpc-port", "0", "--swp-port", "0"])
    soukd.wait_ready()
    line = soukd.process.stdout.readline()
    match = re.match(r"bridge ready: (http://\S+) \(admin page from (\S+) and Connect calls\)", line)
    assert match, line
    assert os.path.exists(os.path.join(match.group(2), "index.html")), match.group(2)
    status, headers, body = http("GET", match.group(1) + "/")
    assert status == 200 and b"<html" in body.lower() and headers["Content-Type"].startswith("text/html")
    assert soukd.stop() == 0
