"""Makes the README's pictures of the admin page (docs/images/admin-*.png) and the storefront (docs/images/shop-*.png)
from the demo shop, the same way the browser tests drive it: soukd --seed-demo on a fresh database, the admin signed in
with TOTP and a customer checking out and paying in headless Chromium.

    .build-venv/bin/python Tests/BrowserTests/readme_screenshots.py     # after `swift build --product soukd`
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from conftest import ROOT, capture, open_chromium, running_shop, sign_in  # noqa: E402
from page import click, visible, wait  # noqa: E402
from test_storefront_checkout import open_shop, sign_in_on_the_page, stocked_product, to_checkout  # noqa: E402


def main():
    folder = os.path.join(ROOT, "docs", "images")
    os.makedirs(folder, exist_ok=True)
    with running_shop(seed_demo=True, services="identity,catalog,payments,delivery") as shop:
        for size in ("phone", "desktop"):
            driver = open_chromium(size)
            try:
                sign_in(driver, shop, shop.admin)
                visible(driver, "#dashboard-revenue li[data-currency]")
                capture(driver, os.path.join(folder, f"admin-dashboard-{size}.png"), full_page=False)
                driver.get(shop.base_url + "/#/orders")
                visible(driver, "#orders-table tbody tr[data-order-id]")
                visible(driver, "#live-status")
                capture(driver, os.path.join(folder, f"admin-orders-{size}.png"), full_page=False)
            finally:
                driver.quit()
        storefront(shop, folder)
    print(f"screenshots written to {folder}")


def storefront(shop, folder):
    """A customer's checkout on a desktop, and the paid order on a phone."""
    product = stocked_product(shop, "Чайник эмалированный", [{"minorUnits": "189000", "currency": "RUB"}])
    desktop = open_chromium("desktop")
    try:
        to_checkout(shop, desktop, product)
        desktop.execute_script("window.scrollTo(0, 0)")
        capture(desktop, os.path.join(folder, "shop-checkout-desktop.png"), full_page=True)
        click(desktop, "#place-order")
        order_id = visible(desktop, "#order-title").get_attribute("data-order-id")
        click(desktop, "#pay")
        wait(desktop).until(lambda d: d.find_element("css selector", "#order-status").get_attribute("data-status")
                            == "ORDER_STATUS_PAID")
    finally:
        desktop.quit()
    phone = open_chromium("phone")
    try:
        open_shop(phone, shop, f"#/order/{order_id}")
        sign_in_on_the_page(phone, shop.customer)
        visible(phone, '#order-status[data-status="ORDER_STATUS_PAID"]')
        visible(phone, "#tracking")
        capture(phone, os.path.join(folder, "shop-order-phone.png"), full_page=True)
    finally:
        phone.quit()


if __name__ == "__main__":
    main()
