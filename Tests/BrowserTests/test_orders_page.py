"""The shell, sign-in, dashboard and orders parts of the admin page, driven in headless chromium.

What the page shows is checked against the API (shop.api(...)); the live list is checked without a reload: a marker
set on `window` before the order is placed must still be there when its row appears.
"""

import time
import uuid

import pytest
from page import attribute_is, click, go, gone, text_is, totp_code, type_into, visible, wait
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

CATALOG = "souk.catalog.v1.CatalogService"
ORDERS = "souk.catalog.v1.OrderService"
SIZES = ["desktop", "phone"]
PAID = "ORDER_STATUS_PAID"
PENDING = "ORDER_STATUS_PENDING_PAYMENT"


def stocked_sku(shop, price_minor="125000", currency="RUB"):
    """A published product with one SKU and 100 units in stock, created through the API as the admin."""
    api = shop.api(shop.admin)
    tag = uuid.uuid4().hex[:8].upper()
    sku = f"ORD-{tag}"
    product = api.call(
        CATALOG,
        "CreateProduct",
        {
            "categoryId": shop.category_id,
            "title": f"Teapot {tag}",
            "description": "Cast iron, 0.8 l.",
            "skus": [{"code": sku, "prices": [{"minorUnits": price_minor, "currency": currency}]}],
        },
    )
    api.call(CATALOG, "PublishProduct", {"productId": product["id"]})
    api.call(CATALOG, "SetStock", {"sku": sku, "warehouse": "MSK-1", "onHand": 100})
    return sku


def place_order(shop, sku, quantity=1, currency="RUB"):
    """An order placed by the customer through the API: one cart line, then PlaceOrder."""
    api = shop.api(shop.customer)
    api.call(CATALOG, "SetCartLine", {"sku": sku, "quantity": quantity, "currency": currency})
    return api.call(ORDERS, "PlaceOrder", {"idempotencyKey": uuid.uuid4().hex, "currency": currency})


def set_status(shop, order_id, status, note=""):
    return shop.api(shop.admin).call(ORDERS, "UpdateOrderStatus", {"orderId": order_id, "status": status, "note": note})


def todays_orders(shop):
    """Today's orders (since local midnight) through the API, every page."""
    midnight = time.mktime(time.localtime()[:3] + (0, 0, 0, 0, 0, -1))
    api = shop.api(shop.admin)
    orders, token = [], ""
    while True:
        body = {"placedFromUnixMs": str(int(midnight * 1000)), "pageSize": 100}
        if token:
            body["pageToken"] = token
        reply = api.call(ORDERS, "ListOrders", body)
        orders += reply.get("orders", [])
        token = reply.get("nextPageToken", "")
        if not token:
            return orders


def sum_minor(orders, statuses, currency):
    return sum(
        int(o.get("total", {}).get("minorUnits", "0"))
        for o in orders
        if o.get("status") in statuses and o.get("currency") == currency
    )


def codes_valid_now(secret):
    """The codes the server accepts right now (one 30-second step either side), without spending a step."""
    now = int(time.time() // 30)
    return {totp_code(secret, step) for step in range(now - 2, now + 3)}


def enter_credentials(driver, shop, person):
    driver.get(shop.base_url + "/")
    type_into(driver, "#signin-email", person.email)
    type_into(driver, "#signin-password", person.password)
    click(driver, "#signin-submit")


def next_totp_step():
    """Sleeps into the next 30-second TOTP step (a code can be used once; another sign-in may have used this one)."""
    time.sleep(30 - time.time() % 30 + 1)


def test_admin_signs_in_with_a_two_factor_code_on_a_phone(shop, browser, screenshot):
    driver = browser("phone")
    driver.get(shop.base_url + "/")
    visible(driver, "#signin-form")
    assert not driver.find_element(By.CSS_SELECTOR, "#signin-totp").is_displayed()
    screenshot(driver, "signin")

    enter_credentials(driver, shop, shop.admin)
    visible(driver, "#signin-totp")
    assert not driver.find_elements(By.CSS_SELECTOR, "[data-signed-in-as]")
    screenshot(driver, "signin-totp")
    type_into(driver, "#signin-totp", shop.totp(shop.admin.totp_secret))
    click(driver, "#signin-submit")

    def outcome(d):
        if d.find_elements(By.CSS_SELECTOR, "[data-signed-in-as]"):
            return "signed-in"
        error = d.find_elements(By.CSS_SELECTOR, "#signin-error")
        if error and error[0].is_displayed():
            return error[0].text

    result = wait(driver).until(outcome)
    if result != "signed-in":
        # Another test's sign-in used this 30-second step's code: the next step's code must work.
        assert "already used" in result, result
        next_totp_step()
        type_into(driver, "#signin-totp", shop.totp(shop.admin.totp_secret))
        click(driver, "#signin-submit")
    text_is(driver, "[data-signed-in-as]", shop.admin.email)
    text_is(driver, "main h1", "Today")
    assert driver.switch_to.active_element.tag_name == "h1"
    visible(driver, "#nav-users")

    click(driver, "#signout")
    visible(driver, "#signin-form")
    assert not driver.find_elements(By.CSS_SELECTOR, "[data-signed-in-as]")
    driver.refresh()
    visible(driver, "#signin-form")


def test_a_wrong_two_factor_code_shows_an_error(shop, browser, screenshot):
    driver = browser("desktop")
    driver.get(shop.base_url + "/")
    visible(driver, "#signin-form")
    screenshot(driver, "signin")
    enter_credentials(driver, shop, shop.admin)
    visible(driver, "#signin-totp")
    valid = codes_valid_now(shop.admin.totp_secret)
    wrong = next(code for code in ("123456", "654321", "111111", "999999", "246802") if code not in valid)
    type_into(driver, "#signin-totp", wrong)
    click(driver, "#signin-submit")
    error = visible(driver, "#signin-error")
    assert error.get_attribute("role") == "alert"
    assert "two-factor code is wrong" in error.text
    assert not driver.find_elements(By.CSS_SELECTOR, "[data-signed-in-as]")
    screenshot(driver, "signin-error")
    assert driver.execute_script("return document.cookie") == ""  # nothing readable; and no session either:
    assert driver.execute_script(
        "return fetch('/session', {credentials: 'same-origin'}).then((r) => r.json()).then((j) => j.signed_in)"
    ) is False


@pytest.mark.parametrize("size", SIZES)
def test_dashboard_counts_todays_orders_and_revenue(shop, browser, screenshot, sign_in, size):
    sku = stocked_sku(shop, price_minor="125050")
    order = place_order(shop, sku, quantity=2)
    assert order["total"] == {"minorUnits": "250100", "currency": "RUB"}

    driver = browser(size)
    sign_in(driver, shop, shop.staff)
    text_is(driver, "main h1", "Today")
    visible(driver, "#dashboard-orders-today")
    orders = todays_orders(shop)
    assert any(o["id"] == order["id"] for o in orders)
    text_is(driver, "#dashboard-orders-today", str(len(orders)))
    visible(driver, f'#dashboard-recent li[data-order-id="{order["id"]}"]')
    pending = sum_minor(orders, {PENDING}, "RUB")
    attribute_is(driver, '#dashboard-pending li[data-currency="RUB"]', "data-minor-units", str(pending))
    paid_statuses = {PAID, "ORDER_STATUS_PACKED", "ORDER_STATUS_SHIPPED", "ORDER_STATUS_DELIVERED"}
    revenue = sum_minor(orders, paid_statuses, "RUB")
    screenshot(driver, "dashboard")

    # Paying the order moves its total from "awaiting payment" to revenue; the dashboard follows live.
    set_status(shop, order["id"], PAID, "paid at the counter")
    attribute_is(driver, '#dashboard-revenue li[data-currency="RUB"]', "data-minor-units", str(revenue + 250100))
    if pending - 250100 > 0:
        attribute_is(driver, '#dashboard-pending li[data-currency="RUB"]', "data-minor-units", str(pending - 250100))
    else:
        gone(driver, '#dashboard-pending li[data-currency="RUB"]')
    # A refunded order is not revenue.
    set_status(shop, order["id"], "ORDER_STATUS_REFUNDED", "changed their mind")
    if revenue:
        attribute_is(driver, '#dashboard-revenue li[data-currency="RUB"]', "data-minor-units", str(revenue))
    else:
        gone(driver, '#dashboard-revenue li[data-currency="RUB"]')


@pytest.mark.parametrize("size", SIZES)
def test_orders_appear_live_and_an_order_is_moved_to_paid(shop, browser, screenshot, sign_in, size):
    sku = stocked_sku(shop, price_minor="99900")
    driver = browser(size)
    sign_in(driver, shop, shop.staff)
    go(driver, "#/orders")
    visible(driver, "#orders-table")
    Select(visible(driver, "#filter-status")).select_by_value("")
    Select(visible(driver, "#filter-currency")).select_by_value("")
    text_is(driver, "#live-status", "Live")
    driver.execute_script("window.__soukNoReload = 'still here'")

    # Placed after the list was showing: the row appears on top without a reload.
    first = place_order(shop, sku)
    row = f'#orders-table tbody tr[data-order-id="{first["id"]}"]'
    visible(driver, row)
    assert driver.execute_script("return window.__soukNoReload") == "still here"
    top = driver.find_element(By.CSS_SELECTOR, "#orders-table tbody tr")
    assert top.get_attribute("data-order-id") == first["id"]
    attribute_is(driver, f"{row} [data-status]", "data-status", PENDING)
    wait(driver).until(
        lambda d: f'#{first["number"]}' in d.find_element(By.ID, "live-announcer").text,
        "no aria-live announcement of the new order",
    )

    # A second order; a change made elsewhere updates its row in place.
    second = place_order(shop, sku)
    second_row = f'#orders-table tbody tr[data-order-id="{second["id"]}"]'
    visible(driver, second_row)
    set_status(shop, second["id"], PAID)
    attribute_is(driver, f"{second_row} [data-status]", "data-status", PAID)
    screenshot(driver, "orders")

    # Filtered to pending payment: the paid one is not listed; an order that gets paid drops out live.
    Select(visible(driver, "#filter-status")).select_by_value(PENDING)
    gone(driver, second_row)
    visible(driver, row)
    third = place_order(shop, sku)
    third_row = f'#orders-table tbody tr[data-order-id="{third["id"]}"]'
    visible(driver, third_row)
    set_status(shop, third["id"], PAID)
    gone(driver, third_row)
    assert driver.execute_script("return window.__soukNoReload") == "still here"

    # Open the first order and move it to paid with a note.
    click(driver, f'{row} a[href="#/orders/{first["id"]}"]')
    attribute_is(driver, "#order-status", "data-status", PENDING)
    text_is(driver, "main h1", f'Order #{first["number"]}')
    assert len(driver.find_elements(By.CSS_SELECTOR, "#order-history li")) == 1
    buttons = driver.find_elements(By.CSS_SELECTOR, "button[data-next-status]")
    assert sorted(b.get_attribute("data-next-status") for b in buttons) == [
        "ORDER_STATUS_CANCELLED",
        PAID,
    ]
    screenshot(driver, "order")
    type_into(driver, "#order-note", "bank transfer received")
    click(driver, f'button[data-next-status="{PAID}"]')
    attribute_is(driver, "#order-status", "data-status", PAID)
    text_is(driver, "#order-status", "Paid")
    wait(driver).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#order-history li")) == 2)
    last = driver.find_elements(By.CSS_SELECTOR, "#order-history li")[-1]
    assert "bank transfer received" in last.text
    assert "Pending payment → Paid" in last.text
    assert "by you" in last.text
    buttons = driver.find_elements(By.CSS_SELECTOR, "button[data-next-status]")
    assert sorted(b.get_attribute("data-next-status") for b in buttons) == ["ORDER_STATUS_PACKED", "ORDER_STATUS_REFUNDED"]

    stored = shop.api(shop.admin).call(ORDERS, "GetOrder", {"orderId": first["id"]})
    assert stored["status"] == PAID
    assert stored["history"][-1]["note"] == "bank transfer received"
    assert driver.execute_script("return window.__soukNoReload") == "still here"

    # Cancelling asks first; dismissing the question changes nothing.
    set_status(shop, third["id"], "ORDER_STATUS_PACKED")
    go(driver, f'#/orders/{third["id"]}')
    attribute_is(driver, "#order-status", "data-status", "ORDER_STATUS_PACKED")
    click(driver, 'button[data-next-status="ORDER_STATUS_REFUNDED"]')
    wait(driver).until(EC.alert_is_present()).dismiss()
    assert shop.api(shop.admin).call(ORDERS, "GetOrder", {"orderId": third["id"]})["status"] == "ORDER_STATUS_PACKED"
    attribute_is(driver, "#order-status", "data-status", "ORDER_STATUS_PACKED")


def test_a_one_time_password_must_be_replaced_before_anything_else(shop, browser):
    email = f"new-{uuid.uuid4().hex[:8]}@souk.example"
    created = shop.api(shop.admin).call(
        "souk.identity.v1.IdentityService", "CreateAccount", {"email": email, "roles": ["ROLE_STAFF"]}
    )
    driver = browser("desktop")
    driver.get(shop.base_url + "/")
    type_into(driver, "#signin-email", email)
    type_into(driver, "#signin-password", created["initialPassword"])
    click(driver, "#signin-submit")
    visible(driver, "#new-password")
    assert not driver.find_elements(By.CSS_SELECTOR, "#dashboard-orders-today")
    type_into(driver, "#new-password", "Short")
    type_into(driver, "#new-password-repeat", "Different")
    click(driver, "#new-password-submit")
    visible(driver, "#new-password-repeat-error")
    new_password = "Parcels-and-string-42"
    type_into(driver, "#new-password", new_password)
    type_into(driver, "#new-password-repeat", new_password)
    click(driver, "#new-password-submit")
    text_is(driver, "[data-signed-in-as]", email)
    visible(driver, "#dashboard-orders-today")
    reply = shop.post(
        "/souk.identity.v1.IdentityService/Login", {"email": email, "password": new_password}
    )
    assert reply["account"]["email"] == email
