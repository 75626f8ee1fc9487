"""souk-worker's jobs refuse bad settings before they touch a database or a host: one line naming the setting, and
exit status 64 for a usage error (a missing secret or URL, a bad flag) or 1 for a database URL that does not parse.
No host and no PostgreSQL are needed: nothing here may get as far as connecting."""
import os
import subprocess

import pytest

WORKER = os.environ.get("SOUK_WORKER",
                        os.path.join(os.path.dirname(__file__), "..", "..", ".build", "debug", "souk-worker"))
SECRET = "SOUK_WORKER_CLIENT_SECRET"


def run(args, secret="s3cret", database_url=None):
    env = {key: value for key, value in os.environ.items() if key not in (SECRET, "SOUK_DATABASE_URL")}
    if secret is not None:
        env[SECRET] = secret
    if database_url is not None:
        env["SOUK_DATABASE_URL"] = database_url
    return subprocess.run([WORKER, *args], env=env, capture_output=True, text=True, timeout=60)


JOBS = [["follow"], ["recs", "build"]]


@pytest.mark.parametrize("job", JOBS, ids=" ".join)
def test_missing_secret_is_named(job):
    result = run([*job, "--client-id", "svc-x", "--database-url", "postgres://u@127.0.0.1:1/db"], secret=None)
    assert result.returncode == 64, result.stderr
    assert SECRET in result.stderr


@pytest.mark.parametrize("job", JOBS, ids=" ".join)
def test_missing_database_url_is_named(job):
    result = run([*job, "--client-id", "svc-x"])
    assert result.returncode == 64, result.stderr
    assert "--database-url" in result.stderr


@pytest.mark.parametrize("job", JOBS, ids=" ".join)
def test_missing_client_id_is_named(job):
    result = run([*job, "--database-url", "postgres://u@127.0.0.1:1/db"])
    assert result.returncode == 64, result.stderr
    assert "--client-id" in result.stderr


@pytest.mark.parametrize("job", JOBS, ids=" ".join)
def test_unparsable_database_url_is_named(job):
    result = run([*job, "--client-id", "svc-x", "--database-url", "mysql://nowhere"])
    assert result.returncode == 1, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "--database-url" in lines[0], result.stderr


@pytest.mark.parametrize("args, flag", [
    (["follow", "--interval", "0"], "--interval"),
    (["follow", "--interval", "30", "--lease-seconds", "30"], "--lease-seconds"),
    (["recs", "build", "--list-length", "0"], "--list-length"),
    (["recs", "build", "--neighbours", "201"], "--neighbours"),
    (["recs", "build", "--half-life-days", "0"], "--half-life-days"),
    (["recs", "build", "--decay", "1.5"], "--decay"),
    (["recs", "build", "--lease-seconds", "5"], "--lease-seconds"),
], ids=lambda value: value if isinstance(value, str) else " ".join(value))
def test_bad_flag_is_named(args, flag):
    result = run([*args, "--client-id", "svc-x", "--database-url", "postgres://u@127.0.0.1:1/db"])
    assert result.returncode == 64, result.stderr
    assert result.stderr.startswith("Error: " + flag), result.stderr
