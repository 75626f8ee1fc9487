"""soukd's identity commands as an operator meets them: the one-time bootstrap of the first admin and the
rotation of the data key that seals personal data at rest.

Run by scripts/test; SOUKD names the built binary.
"""
import os
import stat
import subprocess
import tempfile

from test_soukd import SOUKD


def soukd(*args, timeout=180):
    return subprocess.run([os.path.abspath(SOUKD), *args], capture_output=True, text=True, timeout=timeout)


def test_bootstrap_admin_once_then_refused_and_data_key_rotation():
    with tempfile.TemporaryDirectory() as data:
        first = soukd("bootstrap-admin", "--email", "root@souk.example", "--data-folder", data)
        assert first.returncode == 0, first.stderr
        lines = first.stdout.strip().splitlines()
        assert "one-time password" in lines[0]
        password = lines[-1]
        assert len(password) == 20 and password.isalnum()
        # The password is shown once and never logged.
        assert password not in first.stderr

        again = soukd("bootstrap-admin", "--email", "other@souk.example", "--data-folder", data)
        assert again.returncode == 1
        assert "an admin already exists" in again.stderr

        bad = soukd("bootstrap-admin", "--email", "not an email", "--data-folder", data)
        assert bad.returncode == 1
        assert "email:" in bad.stderr

        keys = os.path.join(data, "keys", "data-keys")
        assert stat.S_IMODE(os.stat(keys).st_mode) == 0o600
        before = [line for line in open(keys) if not line.startswith("#")]
        rotated = soukd("rotate-data-key", "--data-folder", data)
        assert rotated.returncode == 0, rotated.stderr
        assert "re-encrypted" in rotated.stdout
        after = [line for line in open(keys) if not line.startswith("#")]
        assert len(after) == len(before) + 1
        assert after[1:] == before, "older keys stay, behind the new one"
