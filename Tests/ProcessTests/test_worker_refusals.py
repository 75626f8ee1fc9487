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


GA4_ENV = ("SOUK_GA4_API_SECRET", "SOUK_GA4_CLIENT_ID_KEY", "SOUK_GA4_MEASUREMENT_ID", "SOUK_DATABASE_URL")


def run_ga4(args, **variables):
    env = {key: value for key, value in os.environ.items() if key not in GA4_ENV}
    env.update({"SOUK_GA4_API_SECRET": "ga4-s3cret-value", "SOUK_GA4_CLIENT_ID_KEY": "0123456789abcdef",
                "SOUK_DATABASE_URL": "postgres://u@127.0.0.1:1/db"})
    for key, value in variables.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return subprocess.run([WORKER, "ga4", "export", *args], env=env, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("args, variables, named", [
    (["--measurement-id", "G-ABC123", "--api-secret", "x"], {}, "--api-secret"),
    ([], {}, "--measurement-id"),
    (["--measurement-id", "UA-1234"], {}, "--measurement-id"),
    (["--measurement-id", "G-ABC123"], {"SOUK_GA4_API_SECRET": None}, "SOUK_GA4_API_SECRET"),
    (["--measurement-id", "G-ABC123"], {"SOUK_GA4_API_SECRET": ""}, "SOUK_GA4_API_SECRET"),
    (["--measurement-id", "G-ABC123"], {"SOUK_GA4_CLIENT_ID_KEY": "short"}, "SOUK_GA4_CLIENT_ID_KEY"),
    (["--measurement-id", "G-ABC123", "--endpoint", "ftp://example.com"], {}, "--endpoint"),
    (["--measurement-id", "G-ABC123"], {"SOUK_DATABASE_URL": None}, "--database-url"),
    (["--measurement-id", "G-ABC123", "--lease-seconds", "5"], {}, "--lease-seconds"),
    (["--measurement-id", "G-ABC123", "--database-url", "mysql://nowhere"], {}, "--database-url"),
], ids=lambda value: value if isinstance(value, str) else None)
def test_ga4_export_bad_setting_is_one_line(args, variables, named):
    result = run_ga4(args, **{key: value for key, value in variables.items()})
    assert result.returncode == 1, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and named in lines[0], result.stderr
    assert "ga4-s3cret-value" not in result.stderr and "0123456789abcdef" not in result.stderr


def test_ga4_measurement_id_from_environment():
    # A good measurement id from the environment gets as far as the (unparsable) database URL.
    result = run_ga4(["--database-url", "mysql://nowhere"], SOUK_GA4_MEASUREMENT_ID="G-ABC123")
    assert result.returncode == 1, result.stderr
    assert "--database-url" in result.stderr and "--measurement-id" not in result.stderr
