"""soukd's embedded Redis: started in the data folder beside the embedded PostgreSQL when a hosted domain caches
(recommendations), stopped with soukd; `--redis-url off` starts none; a malformed URL is named.

Run by scripts/test after the Swift build; SOUKD names the binary.
"""
import os
import socket
import time

import pytest
from test_soukd import Soukd, workdir  # noqa: F401 (workdir is a fixture)

PORTS = ["--grpc-port", "0", "--swp-port", "0"]


def gone(pid):
    """Whether `pid` has ended (a zombie no parent has reaped yet counts as ended)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


def ping(socket_path):
    """Redis's answer to PING over its Unix socket, in RESP."""
    with socket.socket(socket.AF_UNIX) as connection:
        connection.settimeout(10)
        connection.connect(socket_path)
        connection.sendall(b"PING\r\n")
        return connection.recv(64)


def test_embedded_redis_runs_while_soukd_runs(workdir):
    folder = os.path.join(workdir, ".souk", "redis")
    soukd = Soukd(workdir, [*PORTS, "--services", "identity,catalog,recommendations"])
    soukd.wait_ready()
    with open(os.path.join(folder, "redis.pid")) as pid_file:
        pid = int(pid_file.read())
    with open(f"/proc/{pid}/comm") as comm:
        assert comm.read().startswith("redis-server")
    assert ping(os.path.join(folder, "redis.sock")) == b"+PONG\r\n"
    assert oct(os.stat(folder).st_mode & 0o777) == "0o700"

    assert soukd.stop() == 0
    deadline = time.monotonic() + 30
    while not gone(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert gone(pid), "soukd left its Redis running"
    assert not os.path.exists(os.path.join(folder, "redis.sock"))


def test_no_redis_when_off_or_when_nothing_caches(workdir):
    folder = os.path.join(workdir, ".souk", "redis")
    soukd = Soukd(workdir, [*PORTS, "--services", "identity,catalog,recommendations", "--redis-url", "off"])
    soukd.wait_ready()
    assert not os.path.exists(folder)
    assert soukd.stop() == 0
    # No hosted domain caches: no Redis either.
    soukd = Soukd(workdir, [*PORTS, "--services", "identity,catalog"])
    soukd.wait_ready()
    assert not os.path.exists(folder)
    assert soukd.stop() == 0


@pytest.mark.parametrize("flag, variable, setting", [
    (["--redis-url", "http://cache:6379"], {}, "--redis-url"),
    ([], {"SOUK_REDIS_URL": "redis://:secret@cache:99999"}, "SOUK_REDIS_URL"),
])
def test_malformed_redis_url_is_named(workdir, flag, variable, setting):
    code, stderr = Soukd(workdir, [*PORTS, *flag], env=variable).fail_output()
    assert code == 1
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and setting in lines[0] and "secret" not in lines[0], stderr
