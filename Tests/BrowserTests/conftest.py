"""Fixtures for the admin page's browser tests: a real soukd (identity, catalog and payments, the last in the sandbox
that a fresh embedded database without provider keys runs)
with its built-in bridge serving clients/web, people made through the bridge's own Connect JSON API, and headless
Debian Chromium driven by Selenium at phone and desktop sizes. Screenshots go to $SOUK_ARTIFACTS_DIR (default
.ci-artifacts/browser).

Run by scripts/test; SOUKD names the built binary.
"""
import base64
import contextlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from page import WAIT_S, totp_code, visible

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SOUKD = os.path.abspath(os.environ.get("SOUKD", os.path.join(ROOT, ".build", "debug", "soukd")))
ARTIFACTS = os.path.abspath(os.environ.get("SOUK_ARTIFACTS_DIR", os.path.join(ROOT, ".ci-artifacts", "browser")))
CHROMIUM = os.environ.get("SOUK_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("SOUK_CHROMEDRIVER", "/usr/bin/chromedriver")
SIZES = {"phone": (390, 844), "desktop": (1366, 900)}
# Every Chromium started and not quit yet, for the failure hook.
OPEN_BROWSERS = []


def current_step():
    return int(time.time() // 30)


class ConnectError(Exception):
    """A Connect error answered by the bridge: `code` (snake_case) and `message`."""

    def __init__(self, status, code, message):
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message


class Person:
    def __init__(self, email, password, totp_secret=None):
        self.email = email
        self.password = password
        self.totp_secret = totp_secret


class Api:
    """Connect JSON calls to the bridge as one person, with a Bearer token (refreshed when near expiry)."""

    def __init__(self, shop, person):
        self.shop = shop
        self.person = person
        self.tokens = None

    def call(self, service, method, body=None):
        return self.shop.post(f"/{service}/{method}", body or {}, bearer=self._access_token())

    def _access_token(self):
        now_ms = time.time() * 1000
        if self.tokens is None:
            self.tokens = self.shop.login(self.person)["tokens"]
        elif int(self.tokens["accessExpiresAtUnixMs"]) - now_ms < 60_000:
            reply = self.shop.post("/souk.identity.v1.IdentityService/Refresh",
                                   {"refreshToken": self.tokens["refreshToken"]})
            self.tokens = reply["tokens"]
        return self.tokens["accessToken"]


class Shop:
    """One running soukd with its bridge, and the people the tests sign in as."""

    def __init__(self, base_url):
        self.base_url = base_url
        self.admin = None
        self.staff = None
        self.customer = None
        self.category_id = None
        self._apis = {}
        self._last_step = {}
        self._lock = threading.Lock()

    def post(self, path, body, bearer=None):
        headers = {"Content-Type": "application/json"}
        if bearer:
            headers["Authorization"] = f"Bearer {bearer}"
        request = urllib.request.Request(self.base_url + path, data=json.dumps(body).encode(), method="POST",
                                         headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            payload = error.read()
            try:
                answer = json.loads(payload)
            except ValueError:
                answer = {"code": "unknown", "message": payload.decode(errors="replace")}
            raise ConnectError(error.code, answer.get("code"), answer.get("message")) from None

    def login(self, person):
        body = {"email": person.email, "password": person.password}
        if person.totp_secret:
            body["totpCode"] = self.totp(person)
        return self.post("/souk.identity.v1.IdentityService/Login", body)

    def api(self, person):
        """The API as `person` (one login per person for the whole run, so TOTP steps are not spent)."""
        with self._lock:
            if person.email not in self._apis:
                self._apis[person.email] = Api(self, person)
            return self._apis[person.email]

    def totp(self, person):
        """A code for `person` (a Person or a TOTP secret) that has not been used yet: the server refuses a time
        step used before (and any step before it), and accepts one step either side of now; waits when all three
        are spent."""
        if isinstance(person, str):
            person = next(p for p in (self.admin, self.staff, self.customer) if p and p.totp_secret == person)
        with self._lock:
            while True:
                now = current_step()
                step = max(self._last_step.get(person.email, 0) + 1, now - 1)
                if step <= now + 1:
                    self._last_step[person.email] = step
                    return totp_code(person.totp_secret, step)
                time.sleep(1)

    def claim_step(self, person, step):
        with self._lock:
            self._last_step[person.email] = max(self._last_step.get(person.email, 0), step)


def _prepare_people(shop, one_time_password):
    identity = "/souk.identity.v1.IdentityService"
    admin = Person("root@souk.example", "Kettle-and-teapot-2026")
    first = shop.post(f"{identity}/Login", {"email": admin.email, "password": one_time_password})
    shop.post(f"{identity}/ChangePassword", {"currentPassword": one_time_password, "newPassword": admin.password},
              bearer=first["tokens"]["accessToken"])
    api = shop.api(admin)
    enrolment = api.call("souk.identity.v1.IdentityService", "BeginTotpEnrollment")
    step = current_step() - 1
    api.call("souk.identity.v1.IdentityService", "ConfirmTotpEnrollment",
             {"code": totp_code(enrolment["secret"], step)})
    admin.totp_secret = enrolment["secret"]
    shop.claim_step(admin, step)
    shop.admin = admin

    staff = Person("packer@souk.example", "Boxes-and-tape-77!")
    created = api.call("souk.identity.v1.IdentityService", "CreateAccount",
                       {"email": staff.email, "roles": ["ROLE_STAFF"]})
    staff_login = shop.post(f"{identity}/Login", {"email": staff.email, "password": created["initialPassword"]})
    shop.post(f"{identity}/ChangePassword",
              {"currentPassword": created["initialPassword"], "newPassword": staff.password},
              bearer=staff_login["tokens"]["accessToken"])
    shop.staff = staff

    customer = Person("buyer@souk.example", "Spoon-and-fork-77")
    shop.post(f"{identity}/SignUp", {"email": customer.email, "password": customer.password})
    shop.customer = customer

    try:
        category = api.call("souk.catalog.v1.CatalogService", "CreateCategory",
                            {"name": "Kitchen", "slug": "kitchen"})
    except ConnectError as error:  # the demo seed may have made it already
        if error.code != "already_exists":
            raise
        categories = api.call("souk.catalog.v1.CatalogService", "ListCategories").get("categories", [])
        category = next(c for c in categories if c.get("slug") == "kitchen")
    shop.category_id = category["id"]


@contextlib.contextmanager
def running_shop(seed_demo=False, extra_args=(), services="identity,catalog,payments"):
    """soukd (`services`, by default identity, catalog and payments, a fresh embedded database in a temporary folder)
    with its bridge serving clients/web on a free port, and the people of ``_prepare_people``; stopped and removed
    afterwards. `extra_args` go to `soukd serve` as they are (a payments flow's provider settings, say)."""
    folder = tempfile.mkdtemp(prefix="souk-browser-", dir="/tmp")
    os.chmod(folder, 0o755)
    data = os.path.join(folder, "data")
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    boot = subprocess.run([SOUKD, "bootstrap-admin", "--email", "root@souk.example", "--data-folder", data],
                          capture_output=True, text=True, timeout=180, env=environment)
    assert boot.returncode == 0, boot.stderr
    one_time_password = boot.stdout.strip().splitlines()[-1]
    log = open(os.path.join(folder, "soukd.log"), "w")
    process = subprocess.Popen(
        [SOUKD, "serve", "--services", services, "--data-folder", data, "--swp-port", "0",
         "--grpc-port", "0", "--bridge-port", "0", "--web-root", os.path.join(ROOT, "clients", "web")]
        + (["--seed-demo"] if seed_demo else []) + list(extra_args),
        cwd=folder, env=environment, stdout=subprocess.PIPE, stderr=log, text=True,
    )
    try:
        base_url = None
        swp_address = None
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            swp_address = swp_address or (re.match(r"soukd ready: swp (\S+) ", line) or [None, None])[1]
            match = re.match(r"bridge ready: (http://\S+) ", line)
            if match:
                base_url = match.group(1)
                break
        if base_url is None:
            log.flush()
            raise AssertionError("soukd's bridge did not start: "
                                 + open(os.path.join(folder, "soukd.log")).read()[-4000:])
        shop = Shop(base_url)
        # Where soukd keeps its data (its embedded PostgreSQL in data/pg, its CA in data/tls) and its SWP address,
        # for tests that run another program against it (souk-worker, psql).
        shop.data_folder = data
        shop.swp_address = swp_address
        _prepare_people(shop, one_time_password)
        yield shop
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def shop():
    # No provider keys on the embedded database: soukd runs the payments sandbox; staff capture what customers
    # authorize, so the page's Capture can be tested.
    with running_shop(extra_args=["--payment-capture", "manual"]) as shop:
        yield shop


def open_chromium(size="desktop"):
    """A headless Debian Chromium at `size`: "phone" (390×844 with a touch phone's metrics) or "desktop"
    (1366×900)."""
    width, height = SIZES[size]
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     f"--window-size={width},{height}", "--lang=en-US", "--no-first-run",
                     "--disable-extensions", "--disable-background-networking"]:
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.souk_size = size
    OPEN_BROWSERS.append(driver)
    quit_driver = driver.quit

    def quit_and_forget():
        if driver in OPEN_BROWSERS:
            OPEN_BROWSERS.remove(driver)
        quit_driver()

    driver.quit = quit_and_forget
    if size == "phone":
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": width, "height": height, "deviceScaleFactor": 2, "mobile": True})
        driver.execute_cdp_cmd("Emulation.setTouchEmulationEnabled", {"enabled": True})
    return driver


def capture(driver, path, full_page=True):
    """Saves the whole page (or only what the screen shows) as a PNG at `path`."""
    width, viewport_height = SIZES[driver.souk_size]
    height = viewport_height if not full_page else driver.execute_script(
        "return Math.max(document.body.scrollHeight, document.documentElement.scrollHeight)")
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True,
        "clip": {"x": 0, "y": 0, "width": width, "height": max(int(height), viewport_height), "scale": 1},
    })
    with open(path, "wb") as file:
        file.write(base64.b64decode(shot["data"]))
    return path


@pytest.fixture
def browser():
    """`browser("phone")` (390×844, a touch phone's metrics) or `browser("desktop")` (1366×900): a headless
    Chromium, quit after the test."""
    drivers = []

    def open_browser(size="desktop"):
        driver = open_chromium(size)
        drivers.append(driver)
        return driver

    yield open_browser
    for driver in drivers:
        try:
            driver.quit()
        except Exception:  # noqa: BLE001 - a crashed browser must not hide the test's own failure
            pass


@pytest.fixture
def screenshot():
    """`screenshot(driver, name)` saves <artifacts>/<name>-<size>.png (the whole page, not just the viewport)."""
    os.makedirs(ARTIFACTS, exist_ok=True)

    def take(driver, name):
        return capture(driver, os.path.join(ARTIFACTS, f"{name}-{driver.souk_size}.png"))

    return take


def sign_in(driver, shop, person):
    """Signs `person` in through the page: email and password, then a fresh TOTP code when the page asks."""
    driver.get(shop.base_url + "/")
    visible(driver, "#signin-email").send_keys(person.email)
    driver.find_element(By.CSS_SELECTOR, "#signin-password").send_keys(person.password)
    driver.find_element(By.CSS_SELECTOR, "#signin-submit").click()
    if person.totp_secret:
        visible(driver, "#signin-totp").send_keys(shop.totp(person))
        driver.find_element(By.CSS_SELECTOR, "#signin-submit").click()
    signed_in = visible(driver, "[data-signed-in-as]")
    WebDriverWait(driver, WAIT_S).until(lambda _: person.email in signed_in.text)
    return signed_in


@pytest.fixture(name="sign_in")
def sign_in_fixture():
    return sign_in


def pytest_runtest_makereport(item, call):
    """Keeps a screenshot and the browser console of every browser still open when a test fails (the `browser`
    fixture's and any a test module shares)."""
    if call.when != "call" or call.excinfo is None:
        return
    for index, driver in enumerate(list(OPEN_BROWSERS)):
        try:
            os.makedirs(ARTIFACTS, exist_ok=True)
            stem = os.path.join(ARTIFACTS, f"FAILED-{item.name}-{index}-{driver.souk_size}")
            driver.save_screenshot(stem + ".png")
            with open(stem + ".console.txt", "w") as console:
                for entry in driver.get_log("browser"):
                    console.write(f"{entry['level']} {entry['message']}\n")
        except Exception:  # noqa: BLE001 - best effort (a browser already quit), the failure itself is reported
            pass
