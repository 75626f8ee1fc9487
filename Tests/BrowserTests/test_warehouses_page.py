"""Warehouses and SKU package sizes on the admin page, at desktop and phone sizes; each step is checked through
the API too."""

import uuid

import pytest
from page import click, go, text_is, type_into, visible, wait
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

CATALOG = "souk.catalog.v1.CatalogService"
SIZES = ["desktop", "phone"]


def warehouse(api, code):
    return next((w for w in api.call(CATALOG, "ListWarehouses", {}).get("warehouses", []) if w["code"] == code), None)


@pytest.mark.parametrize("size", SIZES)
def test_list_create_and_edit_a_warehouse(shop, browser, screenshot, sign_in, size):
    driver = browser(size)
    sign_in(driver, shop, shop.admin)
    api = shop.api(shop.admin)
    code = f"W{uuid.uuid4().hex[:6].upper()}-{'D' if size == 'desktop' else 'P'}"

    click(driver, "#nav-warehouses")
    moscow = visible(driver, '#warehouses-table tr[data-code="MSK-1"]')
    assert "Moscow" in moscow.text and "101000" in moscow.text
    visible(driver, '#warehouses-table tr[data-code="SPB-1"]')

    # A one-letter country is refused by the page under its field (the box takes at most two); nothing is created.
    type_into(driver, "#warehouse-code", code)
    type_into(driver, "#warehouse-name", "Kazan")
    type_into(driver, "#warehouse-line1", "ul. Tukaya, 1")
    type_into(driver, "#warehouse-city", "Kazan")
    type_into(driver, "#warehouse-region", "Respublika Tatarstan")
    type_into(driver, "#warehouse-postalCode", "420021")
    type_into(driver, "#warehouse-country", "R")
    click(driver, "#warehouse-save")
    text_is(driver, "#warehouse-country-error", "address.country: two letters (ISO 3166-1), e.g. RU")
    assert warehouse(api, code) is None

    # A phone with letters is refused by the server, shown under the phone field.
    type_into(driver, "#warehouse-country", "ru")
    type_into(driver, "#warehouse-phone", "call the desk")
    click(driver, "#warehouse-save")
    visible(driver, "#warehouse-phone-error")
    assert driver.find_element(By.ID, "warehouse-phone-error").text.startswith("address.phone:")
    assert warehouse(api, code) is None

    type_into(driver, "#warehouse-phone", "+7 843 123-45-67")
    click(driver, "#warehouse-save")
    row_css = f'#warehouses-table tr[data-code="{code}"]'
    row = visible(driver, row_css)
    assert "Kazan" in row.text and "420021" in row.text
    created = warehouse(api, code)
    assert created["address"]["country"] == "RU" and created["address"]["phone"] == "+7 843 123-45-67"
    assert created["active"] is True
    screenshot(driver, "warehouses")

    # Edit: a new city, and no new reservations.
    click(driver, f"#warehouse-edit-{code}")
    assert driver.find_element(By.ID, "warehouse-code").get_attribute("readonly") is not None
    type_into(driver, "#warehouse-city", "Innopolis")
    click(driver, "#warehouse-active")
    click(driver, "#warehouse-save")
    wait(driver).until(lambda d: "Innopolis" in d.find_element(By.CSS_SELECTOR, row_css).text)
    text_is(driver, f'{row_css} td[data-field="active"]', "No")
    changed = warehouse(api, code)
    assert changed["address"]["city"] == "Innopolis" and changed["address"]["region"] == "Respublika Tatarstan"
    assert not changed.get("active", False)


def test_package_size_on_create_and_edit(shop, browser, sign_in):
    driver = browser("phone")
    sign_in(driver, shop, shop.admin)
    api = shop.api(shop.admin)
    tag = uuid.uuid4().hex[:8].upper()
    sku = f"BOX-{tag}"

    go(driver, "#/products/new")
    visible(driver, "#product-form")
    wait(driver).until(lambda d: len(Select(d.find_element(By.ID, "product-category")).options) > 1)
    type_into(driver, "#product-title", f"Boxed kettle {tag}")
    Select(visible(driver, "#product-category")).select_by_value(shop.category_id)
    type_into(driver, "#product-sku", sku)
    type_into(driver, "#product-price", "1499")
    type_into(driver, "#product-weight", "1200")
    type_into(driver, "#product-length", "250")
    type_into(driver, "#product-width", "200")
    type_into(driver, "#product-height", "10001")
    click(driver, "#product-save")
    text_is(driver, "#product-height-error", "package.height_mm: a whole number of millimetres, 0 to 10 000")
    type_into(driver, "#product-height", "260")
    click(driver, "#product-save")
    wait(driver).until(lambda d: d.execute_script("return location.hash") != "#/products/new")
    product_id = driver.execute_script("return location.hash").split("/")[-1]
    package = api.call(CATALOG, "GetProduct", {"productId": product_id})["skus"][0]["package"]
    assert package == {"weightGrams": 1200, "lengthMm": 250, "widthMm": 200, "heightMm": 260}

    # The product page shows the stored size and saves a change to it; the warehouses come from the server.
    wait(driver).until(lambda d: d.find_element(By.ID, "product-weight").get_attribute("value") == "1200")
    wait(driver).until(lambda d: d.find_element(By.ID, "stock-warehouse").get_attribute("value") == "MSK-1")
    options = [o.get_attribute("value") for o in driver.find_elements(By.CSS_SELECTOR, "#stock-warehouse-list option")]
    assert "MSK-1" in options and "SPB-1" in options
    type_into(driver, "#product-weight", "1250")
    type_into(driver, "#product-height", "")
    click(driver, "#product-save")
    wait(driver).until(
        lambda d: api.call(CATALOG, "GetProduct", {"productId": product_id})["skus"][0]["package"].get("weightGrams")
        == 1250)
    package = api.call(CATALOG, "GetProduct", {"productId": product_id})["skus"][0]["package"]
    assert package == {"weightGrams": 1250, "lengthMm": 250, "widthMm": 200}
