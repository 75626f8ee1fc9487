"""`soukd import-rates` as an operator meets it: a rate file by path or by URL, imported once; a bad source is
refused with one line naming it, a non-zero exit and nothing written.

Run by scripts/test; SOUKD names the built binary. Each test imports into its own embedded data folder.
"""
import functools
import http.server
import os
import subprocess
import tempfile
import threading

import pytest

from test_soukd import SOUKD

ECB = """<?xml version="1.0" encoding="UTF-8"?>
<gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01" xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref">
  <gesmes:subject>Reference rates</gesmes:subject>
  <Cube>
    <Cube time='2026-11-26'>
      <Cube currency='USD' rate='1.0805'/><Cube currency='JPY' rate='161.94'/><Cube currency='BGN' rate='1.9558'/>
      <Cube currency='GBP' rate='0.84638'/>
    </Cube>
  </Cube>
</gesmes:Envelope>
"""

CBR = """<?xml version="1.0" encoding="windows-1251"?>
<ValCurs Date="26.11.2026" name="Foreign Currency Market">
<Valute ID="R01235"><NumCode>840</NumCode><CharCode>USD</CharCode><Nominal>1</Nominal><Name>Доллар США</Name><Value>95,1234</Value></Valute>
<Valute ID="R01239"><NumCode>978</NumCode><CharCode>EUR</CharCode><Nominal>1</Nominal><Name>Евро</Name><Value>101,5000</Value></Valute>
</ValCurs>
"""


def soukd(*args, timeout=180):
    return subprocess.run([os.path.abspath(SOUKD), *args], capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def folder():
    with tempfile.TemporaryDirectory() as data:
        with open(os.path.join(data, "ecb.xml"), "w", encoding="utf-8") as f:
            f.write(ECB)
        with open(os.path.join(data, "cbr.xml"), "wb") as f:
            f.write(CBR.encode("cp1251"))
        with open(os.path.join(data, "broken.xml"), "w", encoding="utf-8") as f:
            f.write(ECB[: len(ECB) // 2])
        yield data


@pytest.fixture
def web(folder):
    """A local HTTP server over the folder; yields its base URL."""
    handler = functools.partial(QuietHandler, directory=folder)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def test_files_import_once(folder):
    ecb, cbr = os.path.join(folder, "ecb.xml"), os.path.join(folder, "cbr.xml")
    first = soukd("import-rates", "--data-folder", folder, "--ecb", ecb, "--cbr", cbr)
    assert first.returncode == 0, first.stderr
    # BGN is not a currency Souk supports: three of the four ECB rates are kept.
    assert first.stdout.splitlines() == [
        "imported 3 ECB rates for 2026-11-26 (0 already stored)",
        "imported 2 CBR rates for 2026-11-26 (0 already stored)",
    ]
    again = soukd("import-rates", "--data-folder", folder, "--ecb", ecb, "--cbr", cbr)
    assert again.returncode == 0, again.stderr
    assert again.stdout.splitlines() == [
        "imported 0 ECB rates for 2026-11-26 (3 already stored; nothing changed)",
        "imported 0 CBR rates for 2026-11-26 (2 already stored; nothing changed)",
    ]


def test_url_import_and_http_error(folder, web):
    ok = soukd("import-rates", "--data-folder", folder, "--cbr", f"{web}/cbr.xml", "--timeout", "20")
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.strip() == "imported 2 CBR rates for 2026-11-26 (0 already stored)"

    missing = soukd("import-rates", "--data-folder", folder, "--ecb", f"{web}/no-such.xml")
    assert missing.returncode == 1
    assert missing.stdout == ""
    assert missing.stderr.strip().splitlines()[-1] == f"soukd: error: --ecb {web}/no-such.xml: HTTP 404"


def test_bad_sources_are_refused_and_nothing_is_written(folder):
    ecb, cbr = os.path.join(folder, "ecb.xml"), os.path.join(folder, "cbr.xml")
    broken = os.path.join(folder, "broken.xml")

    # Half an ECB file: complete rates before the cut, but a partial day is not imported.
    malformed = soukd("import-rates", "--data-folder", folder, "--ecb", broken, "--cbr", cbr)
    assert malformed.returncode == 1
    assert malformed.stdout == ""
    line = malformed.stderr.strip().splitlines()[-1]
    assert line == (
        f"soukd: error: --ecb {broken}: not a valid ECB rate file: the file is not well-formed XML (cut off or unbalanced)"
    ), line

    # A file of the other publisher is refused as well.
    swapped = soukd("import-rates", "--data-folder", folder, "--ecb", cbr)
    assert swapped.returncode == 1
    assert f"--ecb {cbr}: not a valid ECB rate file" in swapped.stderr

    unreadable = soukd("import-rates", "--data-folder", folder, "--ecb", os.path.join(folder, "nope.xml"))
    assert unreadable.returncode == 1
    assert "nope.xml: cannot read the file" in unreadable.stderr

    neither = soukd("import-rates", "--data-folder", folder)
    assert neither.returncode != 0
    assert "give --ecb, --cbr or both" in neither.stderr

    # The refused imports wrote nothing: both good files are still entirely new.
    after = soukd("import-rates", "--data-folder", folder, "--ecb", ecb, "--cbr", cbr)
    assert after.returncode == 0, after.stderr
    assert after.stdout.splitlines() == [
        "imported 3 ECB rates for 2026-11-26 (0 already stored)",
        "imported 2 CBR rates for 2026-11-26 (0 already stored)",
    ]
