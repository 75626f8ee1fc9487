"""The hostile matrix's tools: one soukd with identity, catalog, payments and delivery (payments and delivery in
their sandboxes) and its bridge, and one way to call any unary method through each of its three doors (the bridge's
Connect JSON, gRPC over HTTP/2 with grpcio, SWP with the minimal client written from PROTOCOL.md), each answer
reduced to a lowercase status name and its message.

Request messages are written once as proto3 JSON; the binary doors send the same message encoded with a descriptor
pool compiled from Protos/ at run time (grpcio-tools), so no generated module is imported. No function here is
named test_*, so importing from this module adds no tests.
"""
import base64
import contextlib
import glob
import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import urllib.parse
import uuid

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool, json_format, message_factory
from processes import stop
import swp_minimal_client as swp

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SOUKD = os.path.abspath(os.environ.get("SOUKD", os.path.join(ROOT, ".build", "debug", "soukd")))
PROTOS = os.path.join(ROOT, "Protos")
BRIDGE_TABLE = os.path.join(ROOT, "Sources", "SoukBridge", "Generated", "BridgeMethods+Generated.swift")

IDENTITY = "souk.identity.v1.IdentityService"
CATALOG = "souk.catalog.v1.CatalogService"
ORDERS = "souk.catalog.v1.OrderService"
PAYMENTS = "souk.payments.v1.PaymentService"
DELIVERY = "souk.delivery.v1.DeliveryService"

DEMO_PASSWORD = "souk-demo-2026"
ADMIN_EMAIL = "root@hostile.example"
ADMIN_PASSWORD = "Hostile-matrix-2026"
DOORS = ("bridge", "grpc", "swp")
CODE_NAMES = ["ok", "cancelled", "unknown", "invalid_argument", "deadline_exceeded", "not_found", "already_exists",
              "permission_denied", "resource_exhausted", "failed_precondition", "aborted", "out_of_range",
              "unimplemented", "internal", "unavailable", "data_loss", "unauthenticated"]


class Answer:
    """One call's outcome at one door: `code` a lowercase gRPC status name ("ok", "not_found", ...), its message,
    the reply as proto3 JSON (a dict) when it succeeded, and the HTTP status for the bridge."""

    def __init__(self, door, code, message, body=None, http_status=None, headers=None):
        self.door, self.code, self.message, self.body = door, code, message, body
        self.http_status, self.headers = http_status, headers

    def __repr__(self):
        http = f" HTTP {self.http_status}" if self.http_status is not None else ""
        return f"<{self.door}{http} {self.code}: {self.message!r}>"


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Api:
    """The services' messages, from a descriptor set compiled out of Protos/ into `folder`."""

    def __init__(self, folder):
        from grpc_tools import protoc

        # Every service's .proto, so a new domain's methods are in the pool without an edit here.
        files = sorted(glob.glob(os.path.join(PROTOS, "souk", "*", "v1", "*.proto")))
        out = os.path.join(folder, "souk.pb")
        status = protoc.main(["protoc", f"-I{PROTOS}", "--include_imports", f"--descriptor_set_out={out}", *files])
        assert status == 0, "grpc_tools.protoc failed"
        fds = descriptor_pb2.FileDescriptorSet()
        with open(out, "rb") as compiled:
            fds.ParseFromString(compiled.read())
        self.pool = descriptor_pool.DescriptorPool()
        for file in fds.file:
            self.pool.Add(file)

    def method(self, service, name):
        return self.pool.FindServiceByName(service).FindMethodByName(name)

    def encode(self, service, name, body):
        """`body` (proto3 JSON) as the method's request message in binary."""
        message = message_factory.GetMessageClass(self.method(service, name).input_type)()
        json_format.ParseDict(body, message)
        return message.SerializeToString()

    def decode(self, service, name, data):
        message = message_factory.GetMessageClass(self.method(service, name).output_type)()
        message.ParseFromString(data)
        return json_format.MessageToDict(message)

    def bridged_unary_methods(self):
        """(service, method) of every unary method in the bridge's generated table, checked against Protos/."""
        methods, service = [], None
        with open(BRIDGE_TABLE) as table:
            text = table.read()
        unary = text[text.index("static let souk = BridgeMethods(["):]
        unary = unary[:unary.index("])")]
        for line in unary.splitlines():
            comment = re.match(r"\s*// (souk\.\S+)$", line)
            if comment:
                service = comment.group(1)
            found = re.search(r"\.Method\.(\w+)\.descriptor", line)
            if found:
                method = self.method(service, found.group(1))
                assert not method.client_streaming and not method.server_streaming, method.full_name
                methods.append((service, found.group(1)))
        assert len(methods) > 50, f"the bridge's table parsed to only {len(methods)} methods"
        return methods


class Shop:
    """soukd serve with identity, catalog, payments and delivery on its embedded PostgreSQL (so both sandboxes run),
    the demo seed, an admin, and its built-in bridge serving a copy of clients/web beside files that must never be
    served. Its standard error goes to a file, so nothing ever blocks on a full pipe."""

    def __init__(self, folder):
        self.folder = folder
        self.data = os.path.join(folder, "data")
        self.web = os.path.join(folder, "site", "web")
        self.ca = os.path.join(self.data, "tls", "ca.pem")
        self.log_path = os.path.join(folder, "soukd.log")
        self.api = Api(folder)
        self.process = None
        self._channel = None
        self._prepare_web_root()

    def _prepare_web_root(self):
        """The page's files, plus bait: a file beside the root, a dot-file and a symbolic link inside it."""
        shutil.copytree(os.path.join(ROOT, "clients", "web"), self.web, symlinks=False)
        with open(os.path.join(self.folder, "site", "outside.html"), "w") as bait:
            bait.write("<p>HOSTILE-OUTSIDE-MARKER</p>\n")
        with open(os.path.join(self.web, ".hidden.js"), "w") as bait:
            bait.write("// HOSTILE-DOTFILE-MARKER\n")
        os.makedirs(os.path.join(self.web, ".git"), exist_ok=True)
        with open(os.path.join(self.web, ".git", "config.json"), "w") as bait:
            bait.write('{"HOSTILE-DOTDIR-MARKER": true}\n')
        os.symlink(os.path.join(self.folder, "site", "outside.html"), os.path.join(self.web, "link.html"))
        os.symlink("/etc/passwd", os.path.join(self.web, "passwd.js"))

    def start(self):
        environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        boot = subprocess.run([SOUKD, "bootstrap-admin", "--email", ADMIN_EMAIL, "--data-folder", self.data],
                              capture_output=True, text=True, timeout=300, env=environment)
        assert boot.returncode == 0, boot.stderr
        one_time_password = boot.stdout.strip().splitlines()[-1]
        self.log = open(self.log_path, "a")
        self.process = subprocess.Popen(
            [SOUKD, "serve", "--seed-demo", "--services", "identity,catalog,payments,delivery,reporting,recommendations",
             "--data-folder", self.data, "--swp-port", "0", "--grpc-port", "0", "--bridge-port", "0",
             "--web-root", self.web],
            cwd=self.folder, env=environment, stdout=subprocess.PIPE, stderr=self.log, text=True)
        banner = []
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                break
            banner.append(line)
            ready = re.search(r"soukd ready: swp \S+:(\d+) grpc \S+:(\d+)", line)
            if ready:
                self.swp_port, self.grpc_port = int(ready.group(1)), int(ready.group(2))
            database = re.match(r"\s*database: (\S+)", line)
            if database:
                self.database_url = database.group(1)
            bridge = re.match(r"bridge ready: (http://\S+)", line)
            if bridge:
                self.base_url = bridge.group(1)
                self.bridge_host, self.bridge_port = urllib.parse.urlsplit(self.base_url).netloc.split(":")
                threading.Thread(target=self._drain, daemon=True).start()
                break
        else:
            raise AssertionError("soukd did not start in time: " + "".join(banner) + self.log_tail())
        assert self.process.poll() is None, "".join(banner) + self.log_tail()
        with open(self.ca, "rb") as ca:
            self.credentials = grpc.ssl_channel_credentials(ca.read())
        self._channel = grpc.secure_channel(f"127.0.0.1:{self.grpc_port}", self.credentials)
        # The bootstrapped admin's one-time password is changed, then the admin signs in for real.
        first = self.login(ADMIN_EMAIL, one_time_password)
        changed = self.call("bridge", IDENTITY, "ChangePassword",
                            {"currentPassword": one_time_password, "newPassword": ADMIN_PASSWORD},
                            token=first["accessToken"])
        assert changed.code == "ok", changed

    def _drain(self):
        for line in self.process.stdout:
            self.log.write(line)

    def stop(self):
        if self._channel is not None:
            self._channel.close()
        if self.process is not None:
            stop(self.process)
            self.log.close()

    def log_tail(self, lines=40):
        try:
            with open(self.log_path) as log:
                return "".join([line for line in log if "http.status=200" not in line][-lines:])
        except OSError:
            return ""

    def psql(self, sql):
        """Runs `sql` on soukd's own database (the embedded cluster trusts local connections)."""
        result = subprocess.run(["psql", self.database_url, "-v", "ON_ERROR_STOP=1", "-At", "-c", sql],
                                capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    # --- the three doors ---------------------------------------------------------------------------------------

    def call(self, door, service, method, body=None, token=None, timeout=60):
        """`service/method` with `body` (proto3 JSON) through `door`, as the caller `token` names (or nobody)."""
        body = body or {}
        if door == "bridge":
            return self.bridge(service, method, json.dumps(body).encode(), token=token, timeout=timeout)
        return self.raw(door, service, method, self.api.encode(service, method, body), token=token,
                        timeout=timeout)

    def raw(self, door, service, method, data, token=None, timeout=60, authorization=None, compression=None):
        """`data` sent as the request message's bytes, unchecked, over gRPC/HTTP2 or SWP; at gRPC/HTTP2 compressed
        with `compression` (a `grpc.Compression`) when given."""
        metadata = []
        if authorization is not None:
            metadata.append(("authorization", authorization))
        elif token:
            metadata.append(("authorization", f"Bearer {token}"))
        if door == "grpc":
            call = self._channel.unary_unary(f"/{service}/{method}")
            try:
                reply = call(data, metadata=metadata, timeout=timeout, compression=compression)
            except grpc.RpcError as error:
                return Answer(door, error.code().name.lower(), error.details() or "")
            return Answer(door, "ok", "", self._decoded(service, method, reply))
        assert door == "swp", door
        try:
            code, message, replies, _, _ = swp.unary_call("127.0.0.1", self.swp_port, self.ca,
                                                          f"{service}/{method}", data, metadata=metadata,
                                                          timeout_us=int(timeout * 1_000_000), io_timeout=timeout)
        except swp.StreamCancelled as cancelled:
            # CANCEL carries a code and no message (PROTOCOL.md §5.4).
            return Answer(door, CODE_NAMES[cancelled.code] + " (stream cancelled)", "")
        name = CODE_NAMES[code] if code < len(CODE_NAMES) else "unknown"
        body = self._decoded(service, method, replies[0]) if name == "ok" and replies else None
        return Answer(door, name, message, body)

    def swp_burst(self, service, method, messages, token):
        """Each of `messages` as the request of its own call, one after another on streams 1, 3, 5… of one new SWP
        connection (a stream error ends only its stream): their Answers."""
        metadata = [("authorization", f"Bearer {token}")] if token else []
        head = (swp.field_bytes(1, f"{service}/{method}".encode()) + swp.field_varint(2, 60_000_000)
                + swp.encode_metadata(metadata))
        sock = swp.connect_tls("127.0.0.1", self.swp_port, self.ca)
        # HEADERS and DATA go in separate writes: without this, Nagle and delayed ACKs cost 40 ms a call.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        answers = []
        try:
            connection = swp.Connection(sock)
            for index, data in enumerate(messages):
                try:
                    code, message, _, _, _ = swp.call_on_stream(connection, head, data, stream=2 * index + 1)
                    answers.append(Answer("swp", CODE_NAMES[code] if code < len(CODE_NAMES) else "unknown", message))
                except swp.StreamCancelled as cancelled:
                    answers.append(Answer("swp", CODE_NAMES[cancelled.code] + " (stream cancelled)", ""))
            connection.close()
        finally:
            sock.close()
        return answers

    def _decoded(self, service, method, data):
        try:
            return self.api.decode(service, method, data)
        except Exception:  # noqa: BLE001 - a reply we cannot read is still an answer; the caller checks its body
            return {"_undecodable": data[:64].hex()}

    def bridge(self, service, method, data, token=None, timeout=60, content_type="application/json",
               headers=None):
        """A Connect unary call: `data` POSTed as is."""
        fields = {"Content-Type": content_type}
        if token:
            fields["Authorization"] = f"Bearer {token}"
        fields.update(headers or {})
        status, response_headers, reply = self.http("POST", f"/{service}/{method}", data, fields, timeout=timeout)
        try:
            parsed = json.loads(reply or b"{}") if "json" in response_headers.get("content-type", "") else None
        except ValueError:
            parsed = None
        if status == 200:
            return Answer("bridge", "ok", "", parsed, status, response_headers)
        code = (parsed or {}).get("code") or f"(no Connect code; body {reply[:80]!r})"
        return Answer("bridge", code, (parsed or {}).get("message", ""), parsed, status, response_headers)

    def http(self, verb, path, body=None, headers=None, timeout=60):
        """One HTTP/1.1 request to the bridge on a connection of its own: (status, lowercase headers, body)."""
        connection = http.client.HTTPConnection(self.bridge_host, int(self.bridge_port), timeout=timeout)
        try:
            connection.request(verb, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            connection.close()

    def raw_http(self, request_line, headers=(), timeout=30):
        """Bytes the standard library would refuse to send (a NUL, a backslash, a bare `..`), on a socket of their
        own: (status or None, body bytes)."""
        with socket.create_connection((self.bridge_host, int(self.bridge_port)), timeout=timeout) as sock:
            head = request_line + b"\r\nHost: " + f"{self.bridge_host}:{self.bridge_port}".encode()
            for header in headers:
                head += b"\r\n" + header
            sock.sendall(head + b"\r\nConnection: close\r\n\r\n")
            answer = b""
            while True:
                try:
                    chunk = sock.recv(65536)
                except (ConnectionResetError, TimeoutError):
                    break
                if not chunk:
                    break
                answer += chunk
        status = re.match(rb"HTTP/1\.[01] (\d{3})", answer)
        return (int(status.group(1)) if status else None), answer

    # --- people ------------------------------------------------------------------------------------------------

    def login(self, email, password=DEMO_PASSWORD):
        """A fresh sign-in over the bridge: its token pair (camelCase JSON) and the account under "account"."""
        answer = self.call("bridge", IDENTITY, "Login", {"email": email, "password": password})
        assert answer.code == "ok", (email, answer)
        tokens = answer.body["tokens"]
        tokens["account"] = answer.body["account"]
        return tokens

    def admin_token(self):
        return self.login(ADMIN_EMAIL, ADMIN_PASSWORD)["accessToken"]


@contextlib.contextmanager
def running_shop():
    with tempfile.TemporaryDirectory(prefix="souk-hostile-", dir="/tmp") as folder:
        os.chmod(folder, 0o755)
        shop = Shop(folder)
        try:
            shop.start()
            yield shop
        finally:
            shop.stop()


class SteadyCaller:
    """A well-behaved caller on one door, calling `service/method` again and again on a thread of its own while a
    hostile group runs; afterwards every one of its calls must have succeeded."""

    def __init__(self, shop, door, service, method, body, token):
        self.shop, self.door, self.service, self.method, self.body, self.token = (
            shop, door, service, method, body, token)
        self.ok, self.failures = 0, []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            try:
                answer = self.shop.call(self.door, self.service, self.method, self.body, token=self.token,
                                        timeout=60)
            except Exception as error:  # noqa: BLE001 - any failure of the well-behaved caller is reported
                answer = Answer(self.door, "exception", repr(error))
            if answer.code == "ok":
                self.ok += 1
            else:
                self.failures.append(answer)
            time.sleep(0.02)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        # At least a few calls, however slow the machine: the group and the caller overlap.
        deadline = time.monotonic() + 120
        while self.ok + len(self.failures) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        self._stop.set()
        self._thread.join(timeout=120)
        return False


class ForeignSigner:
    """An Ed25519 key of our own (openssl), its public half put into identity.signing_keys as if it were an old key
    of the server's: tokens it signs verify, so an expired or foreign-issuer token is refused for exactly that."""

    def __init__(self, shop, folder):
        self.shop = shop
        self.key = os.path.join(folder, "foreign-ed25519.pem")
        subprocess.run(["openssl", "genpkey", "-algorithm", "ed25519", "-out", self.key], check=True,
                       capture_output=True, timeout=60)
        der = self.public_der = subprocess.run(["openssl", "pkey", "-in", self.key, "-pubout", "-outform", "DER"], check=True,
                             capture_output=True, timeout=60).stdout
        self.kid = "ed25519-hostile" + uuid.uuid4().hex[:6]
        public = base64.b64encode(der[-32:]).decode()
        # Oldest of all, so the server would never pick it to sign with; the sealed private half is a dummy.
        shop.psql(f"INSERT INTO identity.signing_keys (kid, public_key, private_key_sealed, created_at) "
                  f"VALUES ('{self.kid}', '{public}', 'not-a-sealed-key', '2000-01-01')")

    def sign(self, claims, header=None):
        """A JWT of `claims` signed with this key; its header names this key unless `header` is given."""
        header = b64url(json.dumps(header or {"alg": "EdDSA", "kid": self.kid, "typ": "JWT"}).encode())
        payload = b64url(json.dumps(claims).encode())
        signing_input = f"{header}.{payload}".encode()
        # OpenSSL 3.0 signs Ed25519 only from a file (-rawin needs the whole message's length).
        message = self.key + ".msg"
        with open(message, "wb") as out:
            out.write(signing_input)
        result = subprocess.run(["openssl", "pkeyutl", "-sign", "-inkey", self.key, "-rawin", "-in", message],
                                capture_output=True, check=True, timeout=60)
        return f"{header}.{payload}.{b64url(result.stdout)}"

    def remove(self):
        self.shop.psql(f"DELETE FROM identity.signing_keys WHERE kid = '{self.kid}'")
