"""The reports view and the installable admin page, against a soukd that also runs reporting.

The analytics schema is made by the real `souk-worker follow --once` (as the service account a shop owner makes
for it), which also copies one order placed and paid through the API today. Orders on past days, in three
currencies and every status, are then written into the schema with psql against soukd's embedded PostgreSQL: the
real flow can only place orders now, and the chart needs several days. Their figures below are worked out by hand.
Checked: the chart's bars against those figures, the tables, the CSV files (header, RFC 4180 quoting, decimal
amounts, the file name), a bad time zone named under its field, a customer kept out (no tab, no call allowed),
the manifest, icons and service worker served and registered, installability, the shell cached and no API answer
or session cached, and the page at a phone's width."""

import csv
import io
import json
import os
import subprocess
import tempfile
import time
import urllib.request
import uuid

import pytest
from conftest import ROOT, ConnectError, running_shop
from page import click, go, visible, wait
from selenium.webdriver.common.by import By

WORKER = os.environ.get("SOUK_WORKER", os.path.join(ROOT, ".build", "debug", "souk-worker"))
CATALOG = "souk.catalog.v1.CatalogService"
ORDERS = "souk.catalog.v1.OrderService"
REPORTING = "souk.reporting.v1.ReportingService"
IDENTITY = "souk.identity.v1.IdentityService"
QUOTED_SKU = 'MUG "XL", 1L'

# (placed at, UTC; currency; status; total; [(sku, quantity, line total)])
FIXTURE = [
    ("2026-01-05 10:00:00+00", "EUR", "paid", 10000, [("MUG", 2, 6000), ("TEA", 1, 3000)]),
    ("2026-01-05 15:00:00+00", "EUR", "delivered", 5001, [("TEA", 3, 4500)]),
    ("2026-01-06 12:00:00+00", "EUR", "refunded", 2000, [("MUG", 1, 2000)]),
    ("2026-01-06 13:00:00+00", "EUR", "cancelled", 3000, [("MUG", 1, 3000)]),
    ("2026-01-06 14:00:00+00", "RUB", "shipped", 150000, [("MUG", 5, 150000)]),
    ("2026-01-06 15:00:00+00", "EUR", "pending_payment", 1000, [("TEA", 1, 1000)]),
    ("2026-01-07 16:00:00+00", "EUR", "packed", 7000, [("POT", 1, 7000)]),
    ("2026-01-07 17:00:00+00", "JPY", "paid", 1200, [("POT", 1, 1200)]),
    ("2026-01-07 18:00:00+00", "EUR", "paid", 2500, [(QUOTED_SKU, 1, 2500)]),
]
# Worked out by hand from FIXTURE (UTC days): revenue counts paid, packed, shipped and delivered orders only.
EUR_REVENUE = {"2026-01-05": 15001, "2026-01-06": 0, "2026-01-07": 9500}
SALES_CSV = [
    ["period_start", "currency", "orders", "revenue", "units", "average_order_value", "refunded_orders", "refunded",
     "cancelled_orders", "cancelled"],
    ["2026-01-05", "EUR", "2", "150.01", "6", "75.00", "0", "0.00", "0", "0.00"],
    ["2026-01-06", "EUR", "0", "0.00", "0", "0.00", "1", "20.00", "1", "30.00"],
    ["2026-01-06", "RUB", "1", "1500.00", "5", "1500.00", "0", "0.00", "0", "0.00"],
    ["2026-01-07", "EUR", "2", "95.00", "2", "47.50", "0", "0.00", "0", "0.00"],
    ["2026-01-07", "JPY", "1", "1200", "1", "1200", "0", "0", "0", "0"],
]
SHELL_TYPES = (".html", ".js", ".css", ".svg", ".png", ".webmanifest")


def psql(shop, statement):
    """Runs `statement` on soukd's embedded database (its Unix socket in data/pg); returns psql's output."""
    url = f"postgres://souk@/souk?host={shop.data_folder}/pg&port=5432"
    out = subprocess.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-Atc", statement], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def literal(text):
    return "'" + str(text).replace("'", "''") + "'"


def follow_once(shop):
    """`souk-worker follow --once` as a service account with events.read: creates the analytics schema and copies
    every order event so far."""
    account = shop.api(shop.admin).call(IDENTITY, "CreateServiceAccount",
                                        {"name": "analytics-worker", "scopes": ["events.read"]})
    host, port = shop.swp_address.rsplit(":", 1)
    out = subprocess.run(
        [WORKER, "follow", "--once", "--host", host.strip("[]"), "--port", port,
         "--ca", os.path.join(shop.data_folder, "tls", "ca.pem"), "--client-id", account["clientId"],
         "--database-url", f"postgres://souk@/souk?host={shop.data_folder}/pg&port=5432"],
        env=dict(os.environ, SOUK_WORKER_CLIENT_SECRET=account["clientSecret"]), capture_output=True, text=True,
        timeout=180)
    assert out.returncode == 0, out.stdout + out.stderr


def paid_order_today(shop):
    """One RUB order placed by the customer and moved to paid by the admin, through the API."""
    admin = shop.api(shop.admin)
    sku = f"REP-{uuid.uuid4().hex[:6].upper()}"
    product = admin.call(CATALOG, "CreateProduct", {
        "categoryId": shop.category_id, "title": f"Report kettle {sku}",
        "skus": [{"code": sku, "prices": [{"minorUnits": "123450", "currency": "RUB"}]}]})
    admin.call(CATALOG, "PublishProduct", {"productId": product["id"]})
    admin.call(CATALOG, "SetStock", {"sku": sku, "warehouse": "MSK-1", "onHand": 10})
    customer = shop.api(shop.customer)
    customer.call(CATALOG, "SetCartLine", {"sku": sku, "quantity": 2, "currency": "RUB"})
    order = customer.call(ORDERS, "PlaceOrder", {"idempotencyKey": uuid.uuid4().hex, "currency": "RUB"})
    admin.call(ORDERS, "UpdateOrderStatus", {"orderId": order["id"], "status": "ORDER_STATUS_PAID"})
    return order


def load_fixture(shop):
    for number, (placed, currency, status, total, lines) in enumerate(FIXTURE, start=9001):
        order_id = str(uuid.uuid4())
        goods = sum(line[2] for line in lines)
        statements = [
            "INSERT INTO analytics.orders (order_id, number, customer_id, status, currency, goods_total_minor, "
            "total_minor, country, region, placed_at, updated_at) VALUES "
            f"('{order_id}', {number}, '{uuid.uuid4()}', {literal(status)}, {literal(currency)}, {goods}, {total}, "
            f"'DE', 'Berlin', {literal(placed)}, {literal(placed)})"
        ]
        for index, (sku, quantity, line_total) in enumerate(lines, start=1):
            statements.append(
                "INSERT INTO analytics.order_lines (order_id, line, sku, quantity, unit_price_minor, line_total_minor) "
                f"VALUES ('{order_id}', {index}, {literal(sku)}, {quantity}, {line_total // quantity}, {line_total})")
        psql(shop, "; ".join(statements))


@pytest.fixture(scope="module")
def reports_shop():
    with running_shop(services="identity,catalog,payments,reporting") as shop:
        shop.today_order = paid_order_today(shop)
        follow_once(shop)
        load_fixture(shop)
        yield shop


def http_get(shop, path):
    with urllib.request.urlopen(shop.base_url + path, timeout=30) as response:
        return response.status, response.headers, response.read()


def show_reports(driver, start, end, zone="UTC", grouping="REPORT_GROUPING_DAY", currency=""):
    """Fills the reports form (values set directly: a date input's typing depends on the locale) and submits."""
    go(driver, "#/reports")
    visible(driver, "#reports-form")
    wait(driver).until(lambda d: d.find_element(By.CSS_SELECTOR, "#reports-results").get_attribute("aria-busy")
                       == "false")
    driver.execute_script(
        """const [start, end, zone, grouping, currency] = arguments;
        document.getElementById('reports-from').value = start;
        document.getElementById('reports-to').value = end;
        document.getElementById('reports-tz').value = zone;
        document.getElementById('reports-grouping').value = grouping;
        document.getElementById('reports-currency').value = currency;""",
        start, end, zone, grouping, currency)
    click(driver, "#reports-show")
    wait(driver).until(lambda d: d.find_element(By.CSS_SELECTOR, "#reports-results").get_attribute("aria-busy")
                       == "false" and not d.find_elements(By.CSS_SELECTOR, "#reports-results .loading"))


def allow_downloads(driver, folder):
    try:
        driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": folder})
    except Exception:  # noqa: BLE001 - an older Chromium only knows the Page domain's command
        driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": folder})


def downloaded(driver, folder, css):
    """Clicks the download link `css`; returns its file name and text once the file is complete."""
    name = driver.find_element(By.CSS_SELECTOR, css).get_attribute("download")
    click(driver, css)
    path = os.path.join(folder, name)
    wait(driver, 30).until(lambda _: os.path.exists(path) and not os.path.exists(path + ".crdownload"),
                           f"{name} was not downloaded")
    with open(path, newline="") as file:
        return name, file.read()


def test_sales_chart_tables_and_csv_match_the_figures(reports_shop, browser, sign_in, screenshot):
    driver = browser("desktop")
    sign_in(driver, reports_shop, reports_shop.staff)
    visible(driver, "#nav-reports").click()
    visible(driver, "#reports-form")
    show_reports(driver, "2026-01-05", "2026-01-07")

    # One chart per currency; EUR has a bar per day, the empty-of-sales 6th included, heights in proportion.
    bars = driver.find_elements(By.CSS_SELECTOR, "#reports-sales-chart-EUR rect.chart-bar")
    assert [(b.get_attribute("data-period"), int(b.get_attribute("data-value"))) for b in bars] == \
        sorted(EUR_REVENUE.items())
    heights = {b.get_attribute("data-period"): float(b.get_attribute("height")) for b in bars}
    tallest = heights["2026-01-05"]
    assert tallest > 100
    for period, revenue in EUR_REVENUE.items():
        assert abs(heights[period] - tallest * revenue / 15001) < 0.5, (period, heights)
    titles = [b.find_element(By.TAG_NAME, "title").get_attribute("textContent") for b in bars]
    assert titles[0].startswith("2026-01-05: ") and "150.01" in titles[0]
    chart = driver.find_element(By.CSS_SELECTOR, "#reports-sales-chart-EUR")
    assert chart.get_attribute("role") == "img"
    assert "Revenue in EUR per day" in chart.find_element(By.TAG_NAME, "title").get_attribute("textContent")
    assert [b.get_attribute("data-period") for b in
            driver.find_elements(By.CSS_SELECTOR, "#reports-sales-chart-RUB rect.chart-bar")] == list(EUR_REVENUE)
    jpy = driver.find_elements(By.CSS_SELECTOR, "#reports-sales-chart-JPY rect.chart-bar")
    assert [int(b.get_attribute("data-value")) for b in jpy] == [0, 0, 1200]

    # The table beside the chart: the same figures, and the range's total.
    cells = driver.find_elements(By.CSS_SELECTOR, "#reports-sales-table-EUR tbody td[data-label='Revenue']")
    assert [int(c.get_attribute("data-minor-units")) for c in cells] == [15001, 0, 9500]
    total = driver.find_element(By.CSS_SELECTOR, "#reports-sales-table-EUR tfoot td[data-label='Revenue']")
    assert total.get_attribute("data-minor-units") == "24501"
    assert "245.01" in total.text

    # The funnel's total row and the top products (the quoted SKU second in EUR on the 7th, after POT).
    funnel_total = driver.find_elements(By.CSS_SELECTOR, "#reports-funnel-table tfoot td[data-stage]")
    # Placed 9; paid or later 7 (the refunded one too); packed or later 3; shipped or later 2; delivered 1.
    assert [c.text for c in funnel_total] == ["9", "7", "3", "2", "1"]
    revenue_rows = driver.find_elements(By.CSS_SELECTOR, "#reports-top-revenue tbody tr[data-period='2026-01-07']")
    assert [r.get_attribute("data-sku") for r in revenue_rows] == ["POT", QUOTED_SKU, "POT"]
    screenshot(driver, "reports")

    with tempfile.TemporaryDirectory(prefix="souk-csv-") as folder:
        allow_downloads(driver, folder)
        name, text = downloaded(driver, folder, "#reports-sales-csv")
        assert name == "souk-sales_2026-01-05_to_2026-01-07_day.csv"
        assert text.endswith("\r\n") and text.count("\r\n") == len(SALES_CSV)
        assert list(csv.reader(io.StringIO(text))) == SALES_CSV
        name, text = downloaded(driver, folder, "#reports-top-csv")
        assert name == "souk-top-products_2026-01-05_to_2026-01-07_day.csv"
        assert 'revenue,2026-01-07,2,"MUG ""XL"", 1L",EUR,25.00,1,1\r\n' in text
        assert "units,2026-01-06,1,MUG,,,5,1\r\n" in text
        name, text = downloaded(driver, folder, "#reports-funnel-csv")
        rows = list(csv.reader(io.StringIO(text)))
        assert rows[0][:6] == ["period_start", "placed", "paid", "packed", "shipped", "delivered"]
        assert rows[2] == ["2026-01-06", "4", "2", "1", "1", "0", "1", "0", "0", "1", "0", "1", "1", "1/4", "1/4"]


def test_one_currency_a_week_and_the_order_paid_today(reports_shop, browser, sign_in):
    driver = browser("desktop")
    sign_in(driver, reports_shop, reports_shop.admin)
    # Weeks from Monday: 5 to 7 January 2026 is one week; only EUR asked for.
    show_reports(driver, "2026-01-05", "2026-01-07", grouping="REPORT_GROUPING_WEEK", currency="EUR")
    bars = driver.find_elements(By.CSS_SELECTOR, "#reports-sales-chart-EUR rect.chart-bar")
    assert [(b.get_attribute("data-period"), b.get_attribute("data-value")) for b in bars] == [("2026-01-05", "24501")]
    assert not driver.find_elements(By.CSS_SELECTOR, "#reports-sales-chart-RUB")
    assert driver.find_element(By.CSS_SELECTOR, "#reports-sales-csv").get_attribute("download") == \
        "souk-sales_2026-01-05_to_2026-01-07_week_EUR.csv"

    # The order placed and paid through the API today, copied by souk-worker.
    order = reports_shop.today_order
    today = time.strftime("%Y-%m-%d", time.gmtime())
    show_reports(driver, today, today)
    bars = driver.find_elements(By.CSS_SELECTOR, "#reports-sales-chart-RUB rect.chart-bar")
    assert [(b.get_attribute("data-period"), b.get_attribute("data-value")) for b in bars] == \
        [(today, order["total"]["minorUnits"])]


def test_a_bad_time_zone_is_named_under_its_field(reports_shop, browser, sign_in):
    driver = browser("desktop")
    sign_in(driver, reports_shop, reports_shop.staff)
    show_reports(driver, "2026-01-05", "2026-01-07", zone="Mars/Olympus_Mons")
    error = visible(driver, "#reports-tz-error")
    assert error.text.startswith("time_zone")
    assert driver.find_element(By.CSS_SELECTOR, "#reports-tz").get_attribute("aria-invalid") == "true"


def test_a_customer_cannot_reach_reports(reports_shop, browser, sign_in):
    driver = browser("phone")
    sign_in(driver, reports_shop, reports_shop.customer)
    assert not driver.find_element(By.CSS_SELECTOR, "#nav-reports").is_displayed()
    go(driver, "#/reports")
    assert "staff and admins" in visible(driver, "#reports-staff-only").text
    assert not driver.find_elements(By.CSS_SELECTOR, "#reports-form")
    # The service refuses the customer whatever the page does, and every answer says not to cache it.
    body = {"from": "2026-01-05", "to": "2026-01-07", "timeZone": "UTC", "grouping": "REPORT_GROUPING_DAY"}
    with pytest.raises(ConnectError) as refused:
        reports_shop.api(reports_shop.customer).call(REPORTING, "SalesReport", body)
    assert (refused.value.status, refused.value.code) == (403, "permission_denied")
    token = reports_shop.api(reports_shop.staff)._access_token()
    request = urllib.request.Request(reports_shop.base_url + f"/{REPORTING}/SalesReport",
                                     data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.headers["Cache-Control"] == "no-store"
        assert json.loads(response.read())["totals"]


def test_manifest_icons_and_service_worker_are_served(reports_shop):
    status, headers, body = http_get(reports_shop, "/manifest.webmanifest")
    assert status == 200 and headers["Content-Type"] == "application/manifest+json"
    manifest = json.loads(body)
    assert manifest["display"] == "standalone" and manifest["start_url"].startswith("/")
    assert manifest["name"] == "Souk admin" and manifest["theme_color"].startswith("#")
    for icon in manifest["icons"]:
        status, headers, _ = http_get(reports_shop, icon["src"])
        assert status == 200 and headers["Content-Type"] == icon["type"], icon
    status, headers, body = http_get(reports_shop, "/sw.js")
    assert status == 200 and headers["Content-Type"].startswith("text/javascript")
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    # Every file of the admin page (not the storefront) is in the worker's shell list, and only those.
    text = body.decode()
    shell = set(text[text.index("const SHELL = [") : text.index("];", text.index("const SHELL = ["))].split('"')[1::2])
    web = os.path.join(ROOT, "clients", "web")
    files = {"/" + os.path.relpath(os.path.join(folder, name), web)
             for folder, _, names in os.walk(web) for name in names
             if name.endswith(SHELL_TYPES) and name != "sw.js" and not os.path.relpath(folder, web).startswith("shop")}
    assert shell == files | {"/"}
    for path in shell:
        assert http_get(reports_shop, path)[0] == 200, path


CACHED_URLS = """
const done = arguments[arguments.length - 1];
(async () => {
  const urls = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) urls.push(request.url);
  }
  return urls;
})().then(done, (error) => done(['ERROR ' + error]));
"""


def test_service_worker_caches_the_shell_and_never_an_api_answer(reports_shop, browser, sign_in, screenshot):
    driver = browser("phone")
    sign_in(driver, reports_shop, reports_shop.staff)
    registration = driver.execute_async_script(
        """const done = arguments[arguments.length - 1];
        navigator.serviceWorker.ready.then((r) => done({scope: r.scope, script: r.active.scriptURL}));""")
    assert registration == {"scope": reports_shop.base_url + "/", "script": reports_shop.base_url + "/sw.js"}
    assert driver.find_element(By.CSS_SELECTOR, "link[rel=manifest]").get_attribute("href") == \
        reports_shop.base_url + "/manifest.webmanifest"
    # Reloaded, the page is controlled by the worker: GET /session and every call now pass by it.
    driver.refresh()
    visible(driver, "[data-signed-in-as]")
    wait(driver).until(lambda d: d.execute_script("return navigator.serviceWorker.controller !== null"))
    show_reports(driver, "2026-01-05", "2026-01-07")
    visible(driver, "#reports-sales-chart-EUR")
    # The page at a phone's width: nothing wider than the screen.
    assert driver.execute_script("return document.documentElement.scrollWidth") <= 390
    screenshot(driver, "reports")
    urls = driver.execute_async_script(CACHED_URLS)
    paths = {url[len(reports_shop.base_url):] for url in urls}
    assert {"/", "/index.html", "/js/app.js", "/js/views/reports.js", "/manifest.webmanifest"} <= paths
    assert all(p == "/" or p.endswith(SHELL_TYPES) for p in paths), paths
    assert not [p for p in paths if p.startswith("/souk.") or p.startswith("/session")], paths
    errors = driver.execute_cdp_cmd("Page.getInstallabilityErrors", {}).get("installabilityErrors", [])
    assert errors == [], errors

    # Offline, the shell still starts from the worker's copy and says the server cannot be reached.
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.emulateNetworkConditions",
                           {"offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
    try:
        driver.refresh()
        visible(driver, ".brand")
        assert "cannot be reached" in visible(driver, ".error-box").text
    finally:
        driver.execute_cdp_cmd("Network.emulateNetworkConditions",
                               {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
