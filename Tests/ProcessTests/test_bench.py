"""souk-bench given bad input: it stops with the cause and the calls that failed, and never reports a figure
built on errors (no result files are written).

Run by scripts/test; SOUK_BENCH names the built binary (default .build/debug/souk-bench).
"""
import os
import signal
import subprocess
import tempfile
import time

from test_soukd import Soukd
from processes import stop

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
SOUK_BENCH = os.environ.get("SOUK_BENCH", os.path.join(ROOT, ".build", "debug", "souk-bench"))


def bench(output, *args, timeout=180):
    return subprocess.run(
        [os.path.abspath(SOUK_BENCH), "--quick", "--output", output, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_unreachable_endpoint_names_the_cause_and_writes_nothing():
    with tempfile.TemporaryDirectory() as output:
        result = bench(output, "--swp", "127.0.0.1:1", "--grpc", "127.0.0.1:1", "--plaintext", "--wires", "swp")
        assert result.returncode == 1, result.stdout + result.stderr
        assert "cannot reach SWP 127.0.0.1:1" in result.stderr, result.stderr
        assert "unavailable" in result.stderr
        assert "no figures were written" in result.stderr
        assert os.listdir(output) == []


def test_bad_flags_are_usage_errors():
    with tempfile.TemporaryDirectory() as output:
        result = bench(output, "--wires", "carrier-pigeon")
        assert result.returncode == 64, result.stderr
        assert "unknown wire 'carrier-pigeon'" in result.stderr
        result = bench(output, "--swp", "127.0.0.1:7700")
        assert result.returncode == 64
        assert "--swp and --grpc go together" in result.stderr


def test_certificate_from_another_ca_is_refused():
    with tempfile.TemporaryDirectory() as folder:
        server = Soukd(folder, ["--swp-port", "0", "--grpc-port", "0", "--data-folder", folder])
        try:
            server.wait_ready()
            other = os.path.join(folder, "other-ca.pem")
            subprocess.run(
                ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                 "-keyout", os.path.join(folder, "other-key.pem"), "-out", other, "-subj", "/CN=Not Souk",
                 "-days", "1"],
                check=True, capture_output=True,
            )
            output = os.path.join(folder, "results")
            result = bench(output, "--swp", f"127.0.0.1:{server.swp_port}", "--grpc", "127.0.0.1:1",
                           "--ca", other, "--wires", "swp")
            assert result.returncode == 1, result.stdout + result.stderr
            assert f"cannot reach SWP 127.0.0.1:{server.swp_port}" in result.stderr, result.stderr
            assert "certificate" in result.stderr.lower() or "handshake" in result.stderr.lower(), result.stderr
            assert not os.path.exists(output)
        finally:
            stop(server.process)


def test_server_dying_mid_run_stops_the_run_with_the_failed_calls():
    with tempfile.TemporaryDirectory() as folder:
        server = Soukd(folder, ["--swp-port", "0", "--grpc-port", "0", "--data-folder", folder])
        try:
            server.wait_ready()
            output = os.path.join(folder, "results")
            run = subprocess.Popen(
                [os.path.abspath(SOUK_BENCH), "--quick", "--output", output, "--swp", f"127.0.0.1:{server.swp_port}",
                 "--grpc", "127.0.0.1:1", "--ca", os.path.join(folder, "tls", "ca.pem"), "--wires", "swp",
                 "--scenario", "unary 64 B ×16 tls", "--warmup", "0", "--duration", "60"],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            )
            # Kill the server once calls are running (the progress line after the service answered), however long
            # that takes on a loaded machine.
            seen = []
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                line = run.stderr.readline()
                seen.append(line)
                if not line or "· calling" in line:
                    break
            assert any("· calling" in line for line in seen), "".join(seen)
            server.process.send_signal(signal.SIGKILL)
            server.process.wait(timeout=30)
            _, rest = run.communicate(timeout=60)
            stderr = "".join(seen) + rest
            assert run.returncode == 1, stderr
            assert "unary 64 B ×16 tls over SWP" in stderr, stderr
            assert "call(s) failed" in stderr, stderr
            assert not os.path.exists(output)
        finally:
            stop(server.process)
            # kill -9 left the embedded PostgreSQL running: a restart recovers it, a SIGTERM stops both.
            again = Soukd(folder, ["--swp-port", "0", "--grpc-port", "0", "--data-folder", folder])
            again.wait_ready()
            stop(again.process)
