"""The SWP/1 specification (PROTOCOL.md) is sufficient: a client written from it alone
(swp_minimal_client.py) calls souk.testing.v1.TestService on a real soukd.

SOUKD names the built binary (default .build/debug/soukd).
"""
import os
import re
import signal
import ssl
import subprocess
import sys
import tempfile
import threading
import time

import pytest

sys.path.insert(0, os.path.dirname(__file__))
import swp_minimal_client as swp
from processes import stop  # noqa: E402

SOUKD = os.environ.get("SOUKD", "/work/main/.build/debug/soukd")
READY_TIMEOUT_S = 120
BANNER = re.compile(r"soukd ready: swp (\S+):(\d+) grpc \S+:\d+ \((TLS|plaintext)\)")
SERVICE = "/souk.testing.v1.TestService/"


class Server:
    def __init__(self, host, port, ca):
        self.host, self.port, self.ca = host, port, ca

    def call(self, method, request, **kwargs):
        return swp.unary_call(self.host, self.port, self.ca, SERVICE + method, request, **kwargs)


@pytest.fixture(scope="module")
def soukd():
    with tempfile.TemporaryDirectory(prefix="soukd-swp-spec-", dir="/tmp") as folder:
        os.chmod(folder, 0o755)
        environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        environment["SOUK_BRIDGE_PORT"] = "0"
        with open(os.path.join(folder, "stderr.log"), "w+") as stderr:
            process = subprocess.Popen(
                [os.path.abspath(SOUKD), "--grpc-port", "0", "--swp-port", "0"],
                cwd=folder, env=environment, stdout=subprocess.PIPE, stderr=stderr, text=True,
            )
            try:
                lines = []
                # readline() blocks, so the 120 s limit is enforced by a reader thread.
                def read_banner():
                    for line in process.stdout:
                        lines.append(line)
                        if line.strip().startswith("database:"):
                            return
                reader = threading.Thread(target=read_banner, daemon=True)
                reader.start()
                reader.join(READY_TIMEOUT_S)
                match = lines and BANNER.search(lines[0])
                if reader.is_alive() or not match:
                    stderr.seek(0)
                    pytest.fail(f"soukd did not become ready: {''.join(lines)!r}\n{stderr.read()[-4000:]}")
                # Keep draining stdout so a chatty server never blocks on a full pipe.
                threading.Thread(target=lambda: [None for _ in process.stdout], daemon=True).start()
                yield Server("127.0.0.1", int(match.group(2)), os.path.join(folder, ".souk", "tls", "ca.pem"))
                process.send_signal(signal.SIGTERM)
                assert process.wait(timeout=60) == 0, "soukd must exit 0 on SIGTERM"
            finally:
                stop(process)


# --- hand-written protobuf for the test messages (Protos/souk/testing/v1/messages.proto) --------
def payload(body):
    return swp.field_bytes(1, body)


def payload_body(message):
    return b"".join(v for n, v in swp.fields(message) if n == 1)


def simple_request(response_size=0, body=b"", status_code=0, status_message=""):
    status = swp.field_varint(1, status_code) + swp.field_bytes(2, status_message.encode())
    return swp.field_varint(1, response_size) + swp.field_bytes(2, payload(body)) + swp.field_bytes(3, status)


def simple_response(message):
    body, request_size = b"", 0
    for n, v in swp.fields(message):
        if n == 1:
            body = payload_body(v)
        elif n == 2:
            request_size = v
    return body, request_size


# --- tests -------------------------------------------------------------------------------------
def test_echo(soukd):
    request = payload(b"hello from python")
    code, message, messages, _, _ = soukd.call("Echo", request)
    assert (code, message) == (0, "")
    assert messages == [request]


def test_echo_with_deadline(soukd):
    request = payload(b"twenty characters!!!")
    assert len(b"twenty characters!!!") == 20
    code, _, messages, _, _ = soukd.call("Echo", request, timeout_us=5_000_000)
    assert code == 0
    assert messages == [request]


def test_large_unary_call_is_fragmented(soukd):
    code, message, messages, _, _ = soukd.call("UnaryCall", simple_request(314159, b"\0" * 271828))
    assert (code, message) == (0, "")
    assert len(messages) == 1
    body, request_size = simple_response(messages[0])
    assert len(body) == 314159
    assert request_size == 271828


def test_large_unary_call_with_small_client_windows(soukd):
    """The client advertises 64 KiB windows, so the server must wait for its WINDOW_UPDATEs."""
    code, _, messages, _, _ = soukd.call("UnaryCall", simple_request(314159, b"\0" * 271828),
                                         recv_stream_window=65536, recv_connection_window=65536)
    assert code == 0
    body, request_size = simple_response(messages[0])
    assert (len(body), request_size) == (314159, 271828)


def test_requested_status_is_returned_in_trailers(soukd):
    code, message, messages, _, _ = soukd.call("UnaryCall", simple_request(status_code=2, status_message="test status message"))
    assert (code, message) == (2, "test status message")
    assert messages == []


def test_metadata_is_echoed(soukd):
    metadata = [("x-grpc-test-echo-initial", "hello"), ("x-grpc-test-echo-trailing-bin", b"\xab\xab\xab")]
    code, _, _, initial, trailing = soukd.call("UnaryCall", simple_request(), metadata=metadata)
    assert code == 0
    assert ("x-grpc-test-echo-initial", "hello") in initial
    assert ("x-grpc-test-echo-trailing-bin", b"\xab\xab\xab") in trailing


def test_unknown_method_is_unimplemented(soukd):
    code, _, messages, _, _ = soukd.call("Nope", b"")
    assert code == 12
    assert messages == []


def test_deadline_expiry_ends_the_call_with_deadline_exceeded(soukd):
    """§10: when timeout_us passes the server sends TRAILERS DEADLINE_EXCEEDED "deadline exceeded"."""
    sleep_5_s = swp.field_varint(1, 5000)  # SleepRequest{duration_ms: 5000}
    started = time.monotonic()
    code, message, _, _, _ = soukd.call("Sleep", sleep_5_s, timeout_us=300_000)
    assert (code, message) == (4, "deadline exceeded")
    assert time.monotonic() - started < 4


# --- places where the server departs from PROTOCOL.md ------------------------------------------
def read_to_eof(sock):
    received = b""
    while chunk := sock.recv(65536):
        received += chunk
    return received


def test_unsupported_major_version_gets_preface_and_goaway_only(soukd):
    with swp.connect_tls(soukd.host, soukd.port, soukd.ca) as sock:
        sock.sendall(b"SOUK\r\n\x02\x00")
        received = read_to_eof(sock)
    goaway = bytes.fromhex("0000001D 06 00 0000 00000000 00000000 0000000D".replace(" ", "")) + b"server speaks SWP/1.0"
    assert received == swp.PREFACE + goaway


def test_handshake_without_swp1_alpn_gets_no_swp(soukd):
    """§2: without swp/1 in ALPN the server aborts the handshake or closes right after it, writing no SWP byte."""
    try:
        sock = swp.connect_tls(soukd.host, soukd.port, soukd.ca, alpn=("h2",))
    except (ssl.SSLError, ConnectionError, swp.ProtocolError):
        return
    with sock:
        sock.sendall(swp.PREFACE)
        assert read_to_eof(sock) == b""


def test_metadata_entry_without_value_is_empty_text(soukd):
    """§9: an entry carrying neither value is an empty text value (how proto3 writes text = "")."""
    entry = swp.field_bytes(1, b"x-grpc-test-echo-initial")  # key only: neither text nor binary
    head = swp.field_bytes(1, (SERVICE + "UnaryCall").encode()) + swp.field_bytes(3, entry)
    sock = swp.connect_tls(soukd.host, soukd.port, soukd.ca)
    conn = swp.Connection(sock)
    try:
        code, _, _, initial, _ = swp.call_on_stream(conn, head, b"")
        assert code == 0
        assert ("x-grpc-test-echo-initial", "") in [(key, value) for key, value in initial]
    finally:
        conn.close()
