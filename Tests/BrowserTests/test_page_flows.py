"""Admin page flows the other browser tests leave out: the order list's "Load more" over several pages and its currency
filter, a session that ends on the server while the page is open, editing an existing product (only the changed
fields change), and no sideways scrolling on a 390-pixel phone on any view.

One signed-in admin browser per size is shared by the tests of this module (each sign-in spends a TOTP step); the
tests that end the page's session run last on their browser.
"""

import json
import urllib.request
import uuid

import pytest
from conftest import open_chromium, sign_in
from page import click, go, text_is, type_into, visible, wait
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

CATALOG = "souk.catalog.v1.CatalogService"
ORDERS = "souk.catalog.v1.OrderService"
IDENTITY = "souk.identity.v1.IdentityService"
ORDERS_PAGE_SIZE = 25  # orders.js PAGE_SIZE: the page asks for 25 orders at a time


def admin_sessions(shop):
    reply = shop.api(shop.admin).call(IDENTITY, "ListMySessions")
    return {session["id"] for session in reply.get("sessions", [])}


def signed_in_browser(shop, size):
    """A browser with the admin signed in; `driver.souk_session_id` is the page's server session (the one session
    the admin did not have before)."""
    before = admin_sessions(shop)
    driver = open_chromium(size)
    try:
        sign_in(driver, shop, shop.admin)
        new = admin_sessions(shop) - before
        driver.souk_session_id = next(iter(new)) if len(new) == 1 else None
    except Exception:
        driver.quit()
        raise
    return driver


@pytest.fixture(scope="module")
def desktop(shop):
    driver = signed_in_browser(shop, "desktop")
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def phone(shop):
    driver = signed_in_browser(shop, "phone")
    yield driver
    driver.quit()


def product_with_prices(shop, tag, prices, stock=1000, **extra):
    """A published product with one SKU priced in `prices` ([(minor, currency)…], the first is the base) and stock
    in MSK-1, made through the API."""
    api = shop.api(shop.admin)
    sku = f"FLOW-{tag}"
    body = {
        "categoryId": shop.category_id,
        "title": f"Tray {tag}",
        "description": "Enamelled steel.",
        "skus": [{"code": sku, "prices": [{"minorUnits": m, "currency": c} for m, c in prices]}],
    }
    body.update(extra)
    product = api.call(CATALOG, "CreateProduct", body)
    api.call(CATALOG, "PublishProduct", {"productId": product["id"]})
    api.call(CATALOG, "SetStock", {"sku": sku, "warehouse": "MSK-1", "onHand": stock})
    return product, sku


def place_order(shop, sku, currency, quantity=1):
    api = shop.api(shop.customer)
    api.call(CATALOG, "SetCartLine", {"sku": sku, "quantity": quantity, "currency": currency})
    return api.call(ORDERS, "PlaceOrder", {"idempotencyKey": uuid.uuid4().hex, "currency": currency})


def api_order_ids(shop, currency=""):
    """Every order id (newest first) through the API, optionally of one currency."""
    api = shop.api(shop.admin)
    ids, token = [], ""
    while True:
        body = {"pageSize": 100, "currency": currency}
        if token:
            body["pageToken"] = token
        reply = api.call(ORDERS, "ListOrders", body)
        ids += [order["id"] for order in reply.get("orders", [])]
        token = reply.get("nextPageToken", "")
        if not token:
            return ids


def row_ids(driver):
    return [row.get_attribute("data-order-id")
            for row in driver.find_elements(By.CSS_SELECTOR, "#orders-table tbody tr[data-order-id]")]


def filter_orders(driver, status, currency):
    """Sets both filters (the page keeps them for the tab) and waits for the first page of the new list."""
    Select(visible(driver, "#filter-status")).select_by_value(status)
    Select(visible(driver, "#filter-currency")).select_by_value(currency)
    wait(driver).until(lambda d: not d.find_elements(By.CSS_SELECTOR, "#orders-status .loading"))


def load_every_page(driver, expected):
    """Clicks "Load more" until it goes away; checks each page adds the next orders of `expected` in order."""
    shown = min(len(expected), ORDERS_PAGE_SIZE)
    wait(driver).until(lambda d: row_ids(d) == expected[:shown], "the first page is not the newest orders")
    clicks = 0
    while shown < len(expected):
        more = visible(driver, "#orders-more")
        assert more.text == "Load more"
        click(driver, "#orders-more")
        clicks += 1
        shown = min(len(expected), shown + ORDERS_PAGE_SIZE)
        wait(driver).until(lambda d, n=shown: row_ids(d) == expected[:n], f"page {clicks + 1} is not the next orders")
    wait(driver).until(lambda d: not d.find_element(By.ID, "orders-more").is_displayed(),
                       "Load more is still offered after the last page")
    if clicks:
        # The button went away under the keyboard: focus is on the first order of the last page, not lost.
        first_of_last_page = expected[(len(expected) - 1) // ORDERS_PAGE_SIZE * ORDERS_PAGE_SIZE]
        assert driver.execute_script(
            "return document.activeElement.closest('tr')?.dataset.orderId") == first_of_last_page
    return clicks


def test_orders_load_more_pages_and_filter_by_currency(shop, desktop):
    driver = desktop
    tag = uuid.uuid4().hex[:8].upper()
    # Both prices set by the merchant: an order in USD needs no exchange rate.
    _, sku = product_with_prices(shop, tag, [("45000", "RUB"), ("599", "USD")])
    usd = [place_order(shop, sku, "USD") for _ in range(ORDERS_PAGE_SIZE + 2)]
    rub = [place_order(shop, sku, "RUB", quantity=2) for _ in range(3)]
    assert all(o["total"] == {"minorUnits": "599", "currency": "USD"} for o in usd)
    assert all(o["total"] == {"minorUnits": "90000", "currency": "RUB"} for o in rub)

    go(driver, "#/orders")
    visible(driver, "#orders-table")
    filter_orders(driver, "", "")
    every = api_order_ids(shop)
    assert len(every) > ORDERS_PAGE_SIZE
    assert load_every_page(driver, every) >= 1
    assert len(set(row_ids(driver))) == len(every)  # no order twice

    # USD only: more than a page of them, every one a USD order, and the RUB ones are gone.
    filter_orders(driver, "", "USD")
    usd_ids = api_order_ids(shop, "USD")
    assert {o["id"] for o in usd} <= set(usd_ids)
    assert load_every_page(driver, usd_ids) >= 1
    first_usd = f'#orders-table tr[data-order-id="{usd[0]["id"]}"] td[data-label="Total"]'
    text_is(driver, first_usd, "$5.99")

    filter_orders(driver, "", "RUB")
    rub_ids = api_order_ids(shop, "RUB")
    load_every_page(driver, rub_ids)
    shown = set(row_ids(driver))
    assert {o["id"] for o in rub} <= shown
    assert not shown & set(usd_ids)
    filter_orders(driver, "", "")


def test_product_edit_changes_only_the_title_and_the_price(shop, desktop, screenshot):
    driver = desktop
    api = shop.api(shop.admin)
    tag = uuid.uuid4().hex[:8].upper()
    product, sku = product_with_prices(
        shop,
        tag,
        [("149900", "RUB"), ("1999", "USD")],
        description="Two lines,\r\nthe second after a Windows line break.",
        attributes={"material": "steel", "colour": "blue"},
        imageUrls=["https://images.example/tray.png"],
    )
    other = api.call(CATALOG, "CreateProduct", {
        "categoryId": shop.category_id, "title": f"Other {tag}",
        "skus": [{"code": f"OTHER-{tag}", "prices": [{"minorUnits": "100", "currency": "RUB"}]}],
    })
    before = api.call(CATALOG, "GetProduct", {"productId": product["id"]})

    go(driver, f'#/products/{product["id"]}')
    wait(driver).until(lambda d: d.find_element(By.ID, "product-title").get_attribute("value") == f"Tray {tag}")
    assert driver.find_element(By.ID, "product-price").get_attribute("value") == "1499.00"
    type_into(driver, "#product-title", f"Serving tray {tag}")
    type_into(driver, "#product-price", "1599,90")
    click(driver, "#product-save")
    text_is(driver, "main h1", f"Serving tray {tag}")
    wait(driver).until(lambda d: d.find_element(By.ID, "product-price").get_attribute("value") == "1599.90")
    screenshot(driver, "product-edited")

    after = api.call(CATALOG, "GetProduct", {"productId": product["id"]})
    assert after["title"] == f"Serving tray {tag}"
    assert after["skus"][0]["prices"] == [{"minorUnits": "159990", "currency": "RUB"},
                                          {"minorUnits": "1999", "currency": "USD"}]
    unchanged = {k: v for k, v in before.items() if k not in ("title", "skus")}
    assert {k: v for k, v in after.items() if k not in ("title", "skus")} == unchanged
    assert after["description"] == "Two lines,\r\nthe second after a Windows line break."
    assert [{k: v for k, v in s.items() if k != "prices"} for s in after["skus"]] == \
        [{k: v for k, v in s.items() if k != "prices"} for s in before["skus"]]
    assert api.call(CATALOG, "GetProduct", {"productId": other["id"]}) == other


def test_the_skip_link_moves_focus_without_leaving_the_view(shop, desktop):
    driver = desktop
    go(driver, "#/products")
    text_is(driver, "main h1", "Products")
    driver.execute_script("window.scrollTo(0, 0); document.querySelector('.skip-link').focus()")
    # Shown while focused (it sits above the page otherwise).
    assert driver.execute_script("return document.activeElement.getBoundingClientRect().top") >= 0
    ActionChains(driver).send_keys(Keys.ENTER).perform()
    wait(driver).until(lambda d: d.execute_script("return document.activeElement.id") == "view",
                       "the skip link did not move focus to the view")
    assert driver.execute_script("return location.hash") == "#/products"
    text_is(driver, "main h1", "Products")


def test_a_session_revoked_on_the_server_brings_back_the_sign_in_form(shop, desktop):
    driver = desktop
    assert driver.souk_session_id, "the page's session was not found among the admin's sessions"
    go(driver, "#/products")
    text_is(driver, "main h1", "Products")
    shop.api(shop.admin).call(IDENTITY, "RevokeMySession", {"sessionId": driver.souk_session_id})

    # The services refuse a revoked session's token within about a second: act until the page is told.
    routes = iter(["nav-dashboard", "nav-orders", "nav-products"] * 20)

    def signed_out(d):
        if d.find_elements(By.CSS_SELECTOR, "#signin-form"):
            return True
        # A plain click on the next nav link (not page.click: its waits would outlast the nav being hidden).
        d.execute_script("document.getElementById(arguments[0])?.click()", next(routes))
        return False

    wait(driver).until(signed_out, "the page never noticed its session was revoked")
    assert_signed_out_cleanly(driver)


def assert_signed_out_cleanly(driver):
    """The sign-in form with the reason, no signed-in chrome left, nothing that looks like a crash."""
    visible(driver, "#signin-email")
    text_is(driver, "#signin-info", "Your session has ended. Please sign in again.")
    assert not driver.find_elements(By.CSS_SELECTOR, "[data-signed-in-as]")
    assert not driver.find_element(By.ID, "nav").is_displayed()
    text = driver.find_element(By.TAG_NAME, "main").text
    for crash in ("Error", ".js:", "undefined", "null", "Retry"):
        assert crash not in text, f"{crash!r} on the sign-in page: {text!r}"
    assert driver.execute_script("return document.activeElement.id") == "signin-email"


VIEWS = [
    ("#/dashboard", "#dashboard-orders-today"),
    ("#/orders", "#orders-table tbody tr"),
    ("#/orders/{order}", "#order-history li"),
    ("#/products", "#products-table tbody tr"),
    ("#/products/new", "#product-form"),
    ("#/products/{product}", "#stock-levels tbody tr"),
    ("#/warehouses", "#warehouses-table tbody tr"),
    ("#/users", "#users-table tbody tr"),
]

WIDER_THAN_SCREEN = """
const width = 390;
return [...document.querySelectorAll("main *, header *")]
  .filter((e) => e.getBoundingClientRect().right > width + 0.5 && e.getClientRects().length > 0)
  .slice(0, 5)
  .map((e) => `${e.tagName.toLowerCase()}${e.id ? "#" + e.id : ""}.${e.className}: ${e.textContent.slice(0, 40)}`);
"""


def test_no_view_scrolls_sideways_on_a_phone(shop, phone, screenshot):
    driver = phone
    api = shop.api(shop.admin)
    # Long words that cannot wrap: the longest SKU code the catalog accepts, a long title word, a long email.
    tag = uuid.uuid4().hex[:8].upper()
    long_sku = f"PHONE-{tag}-" + "W" * (41 - len(f"PHONE-{tag}-"))
    product = api.call(CATALOG, "CreateProduct", {
        "categoryId": shop.category_id,
        "title": f"Stainless-steel-double-walled-insulated-teapot {tag}",
        "description": "Keeps tea hot.",
        "skus": [{"code": long_sku, "prices": [{"minorUnits": "123456789", "currency": "RUB"}]}],
    })
    api.call(CATALOG, "PublishProduct", {"productId": product["id"]})
    api.call(CATALOG, "SetStock", {"sku": long_sku, "warehouse": "MSK-1", "onHand": 10})
    order = place_order(shop, long_sku, "RUB", quantity=3)
    api.call(IDENTITY, "CreateAccount", {"email": f"warehouse.night.shift.supervisor.{tag.lower()}@souk.example",
                                         "roles": ["ROLE_STAFF"]})

    problems = {}
    for route, ready in VIEWS:
        route = route.format(order=order["id"], product=product["id"])
        go(driver, route)
        visible(driver, ready)
        if route == "#/orders":
            filter_orders(driver, "", "")
            visible(driver, f'#orders-table tr[data-order-id="{order["id"]}"]')
        width = driver.execute_script("return document.documentElement.scrollWidth")
        if width > 390:
            problems[route] = (width, driver.execute_script(WIDER_THAN_SCREEN))
        if route in (f'#/products/{product["id"]}', "#/users", "#/products"):
            screenshot(driver, "flows-long-words-" + route.split("/")[1] + ("-one" if product["id"] in route else ""))
    assert not problems, problems


def test_a_session_ended_from_outside_brings_back_the_sign_in_form(shop, phone):
    """The page's own cookie session is logged out by another client (as a second tab would): the next thing the
    person does shows the sign-in form with the reason, and signing in again returns to the same view."""
    driver = phone
    go(driver, "#/orders")
    visible(driver, "#orders-table")
    text_is(driver, "#live-status", "Live")
    cookie = "; ".join(f'{c["name"]}={c["value"]}' for c in driver.get_cookies())
    status = json.loads(urllib.request.urlopen(urllib.request.Request(
        shop.base_url + "/session", headers={"Cookie": cookie})).read())
    assert status["signed_in"] is True
    logout = urllib.request.Request(shop.base_url + "/session/logout", data=b"{}", method="POST", headers={
        "Cookie": cookie, "Content-Type": "application/json", "X-CSRF-Token": status["csrf_token"]})
    assert json.loads(urllib.request.urlopen(logout).read()) == {"signed_in": False}

    click(driver, "#nav-products")
    assert_signed_out_cleanly(driver)
    assert driver.execute_script("return location.hash") == "#/products"

    # Signing in again goes on where the person was.
    type_into(driver, "#signin-email", shop.admin.email)
    type_into(driver, "#signin-password", shop.admin.password)
    click(driver, "#signin-submit")
    type_into(driver, "#signin-totp", shop.totp(shop.admin))
    click(driver, "#signin-submit")
    text_is(driver, "[data-signed-in-as]", shop.admin.email)
    text_is(driver, "main h1", "Products")
    visible(driver, "#products-table")
