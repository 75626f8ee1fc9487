"""The shipments view and an order's delivery on the admin page, against a soukd that also runs delivery: a
customer's order with a quote and an address, packed through the API, its shipment listed, its timeline shown and
moved by the page's buttons and live by the API. Saves docs/screenshots/shipment-timeline.png at phone width."""

import os
import time
import uuid

import pytest
from conftest import ROOT, capture, running_shop
from page import click, go, visible, wait
from selenium.webdriver.common.by import By

CATALOG = "souk.catalog.v1.CatalogService"
ORDERS = "souk.catalog.v1.OrderService"
DELIVERY = "souk.delivery.v1.DeliveryService"
SIZES = ["desktop", "phone"]
ADDRESS = {
    "recipient": "Ivan Petrov", "line1": "Nevsky pr., 1", "line2": "kv. 5", "city": "Saint Petersburg",
    "region": "Saint Petersburg", "postalCode": "190000", "country": "RU", "phone": "+7 921 123-45-67",
}


@pytest.fixture(scope="module")
def delivery_shop():
    with running_shop(services="identity,catalog,payments,delivery") as shop:
        yield shop


def packed_order_with_shipment(shop):
    """A customer's order of one 1.6 kg pan to Saint Petersburg with the shop's own courier, moved to packed by the
    admin; returns the order and its shipment once delivery has created it (within about a second)."""
    admin = shop.api(shop.admin)
    sku = f"PAN-{uuid.uuid4().hex[:6].upper()}"
    product = admin.call(CATALOG, "CreateProduct", {
        "categoryId": shop.category_id, "title": f"Frying pan {sku}",
        "skus": [{"code": sku, "prices": [{"minorUnits": "199000", "currency": "RUB"}],
                  "package": {"weightGrams": 1600, "lengthMm": 500, "widthMm": 290, "heightMm": 80}}],
    })
    admin.call(CATALOG, "PublishProduct", {"productId": product["id"]})
    admin.call(CATALOG, "SetStock", {"sku": sku, "warehouse": "SPB-1", "onHand": 10})
    customer = shop.api(shop.customer)
    customer.call(CATALOG, "SetCartLine", {"sku": sku, "quantity": 1, "currency": "RUB"})
    quotes = customer.call(DELIVERY, "GetShippingQuotes", {"address": ADDRESS, "currency": "RUB"})["quotes"]
    quote = next(q for q in quotes if q["carrier"] == "souk")
    order = customer.call(ORDERS, "PlaceOrder", {
        "idempotencyKey": uuid.uuid4().hex, "currency": "RUB", "shippingQuoteId": quote["id"],
        "deliveryAddress": ADDRESS,
    })
    for status in ("ORDER_STATUS_PAID", "ORDER_STATUS_PACKED"):
        admin.call(ORDERS, "UpdateOrderStatus", {"orderId": order["id"], "status": status})
    deadline = time.monotonic() + 30
    while True:
        try:
            return order, admin.call(DELIVERY, "GetShipment", {"id": order["id"]})
        except Exception:  # noqa: BLE001 - not created yet: delivery follows the orders' events
            assert time.monotonic() < deadline, "no shipment 30 s after packing"
            time.sleep(0.5)


def timeline_statuses(driver):
    return [li.get_attribute("data-status") for li in driver.find_elements(By.CSS_SELECTOR, "#shipment-timeline li")]


def wait_for_timeline(driver, statuses):
    wait(driver).until(lambda d: timeline_statuses(d) == statuses)


def fits_the_screen(driver):
    return driver.execute_script("return document.documentElement.scrollWidth") <= driver.execute_script(
        "return window.innerWidth")


def move_with_button(driver, status):
    click(driver, f'button[data-next-status="{status}"]')
    wait(driver).until(lambda d: d.find_element(By.CSS_SELECTOR, "#shipment-status").get_attribute("data-status")
                       == status)


@pytest.mark.parametrize("size", SIZES)
def test_shipment_timeline_and_moves(delivery_shop, browser, screenshot, sign_in, size):
    shop = delivery_shop
    order, shipment = packed_order_with_shipment(shop)
    driver = browser(size)
    sign_in(driver, shop, shop.admin)

    # The order shows its shipping line and address, and links to its shipment.
    go(driver, f"#/orders/{order['id']}")
    section = visible(driver, "#order-shipping")
    assert "Courier" in section.text and "390" in section.text and "1–3 days" in section.text, section.text
    assert "Nevsky pr., 1" in visible(driver, "#order-address").text
    assert fits_the_screen(driver)
    click(driver, "#order-shipment-link")
    wait_for_timeline(driver, ["SHIPMENT_STATUS_CREATED"])
    go(driver, "#/orders")

    # The list, then the shipment from its row.
    click(driver, "#nav-shipments")
    row = visible(driver, f'#shipments-table tr[data-shipment-id="{shipment["id"]}"]')
    assert "SPB-1" in row.text and "Saint Petersburg" in row.text, row.text
    assert fits_the_screen(driver)
    row.find_element(By.CSS_SELECTOR, "a").click()
    wait_for_timeline(driver, ["SHIPMENT_STATUS_CREATED"])
    assert "SPB-1" in visible(driver, "#shipment-route").text
    assert visible(driver, "#shipment-tracking").text
    visible(driver, '#shipment-live[data-state="live"]')

    # A button moves it; the order follows to shipped.
    move_with_button(driver, "SHIPMENT_STATUS_HANDED_OVER")
    wait_for_timeline(driver, ["SHIPMENT_STATUS_CREATED", "SHIPMENT_STATUS_HANDED_OVER"])
    admin = shop.api(shop.admin)
    assert admin.call(DELIVERY, "GetShipment", {"id": shipment["id"]})["status"] == "SHIPMENT_STATUS_HANDED_OVER"
    deadline = time.monotonic() + 30
    while admin.call(ORDERS, "GetOrder", {"orderId": order["id"]})["status"] != "ORDER_STATUS_SHIPPED":
        assert time.monotonic() < deadline
        time.sleep(0.5)

    # A move made elsewhere arrives live, without a reload.
    driver.execute_script("window.soukMarker = 'still here'")
    admin.call(DELIVERY, "UpdateShipmentStatus",
               {"shipmentId": shipment["id"], "status": "SHIPMENT_STATUS_IN_TRANSIT", "note": "left the depot"})
    wait_for_timeline(driver, ["SHIPMENT_STATUS_CREATED", "SHIPMENT_STATUS_HANDED_OVER", "SHIPMENT_STATUS_IN_TRANSIT"])
    assert driver.execute_script("return window.soukMarker") == "still here"
    assert "left the depot" in visible(driver, "#shipment-timeline").text

    move_with_button(driver, "SHIPMENT_STATUS_OUT_FOR_DELIVERY")
    move_with_button(driver, "SHIPMENT_STATUS_DELIVERED")
    wait(driver).until(lambda d: "delivered in" in d.find_element(By.ID, "shipment-promise").text)
    assert not driver.find_elements(By.CSS_SELECTOR, "button[data-next-status]")
    assert len(timeline_statuses(driver)) == 5
    assert "you" in visible(driver, "#shipment-timeline").text
    assert fits_the_screen(driver)
    # The toasts of the moves would cover the timeline in the picture.
    driver.execute_script("document.getElementById('toasts')?.replaceChildren()")
    screenshot(driver, "shipment-timeline")
    if size == "phone":
        folder = os.path.join(ROOT, "docs", "screenshots")
        os.makedirs(folder, exist_ok=True)
        capture(driver, os.path.join(folder, "shipment-timeline.png"))
