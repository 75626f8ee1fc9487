"""The products page's "Import a file" panel: a CSV larger than one 64 KiB chunk, sent through the bridge as a
Connect client stream, with the server's count and the rejected rows shown by line and field, and the products
checked through the API."""
import os
import tempfile
import uuid

from page import click, type_into, visible, wait
from selenium.webdriver.common.by import By

CATALOG = "souk.catalog.v1.CatalogService"


def test_import_a_csv_file_from_the_products_page(shop, browser, screenshot, sign_in):
    tag = uuid.uuid4().hex[:6].upper()
    lines = ["category,title,sku,price,currency",
             f"kitchen,Самовар {tag},IMP-{tag}-1,4999.00,RUB",
             f"kitchen,Tea tray {tag},IMP-{tag}-2,1250.50,RUB",
             f"kitchen,Broken {tag},IMP-{tag}-3,12.345,RUB"]
    # Enough rejected rows to need more than one 64 KiB chunk (so more than one envelope).
    lines += [f"kitchen,Filler {tag} {n},FILL-{tag}-{n},not a price,RUB" for n in range(1400)]
    content = "\n".join(lines) + "\n"
    assert len(content.encode()) > 64 * 1024
    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False, encoding="utf-8") as file:
        file.write(content)
    try:
        driver = browser("desktop")
        sign_in(driver, shop, shop.admin)
        driver.get(shop.base_url + "/#/products")
        click(driver, ".import-panel summary")
        visible(driver, "#import-file").send_keys(file.name)
        click(driver, "#import-publish")
        click(driver, "#import-submit")
        wait(driver, 60).until(
            lambda d: d.find_elements(By.CSS_SELECTOR, "#import-summary")
            and d.find_element(By.CSS_SELECTOR, "#import-summary").text.strip()
            == "1403 rows read, 2 imported, 1401 rejected.",
            "the import's summary never showed",
        )
        first_error = driver.find_element(By.CSS_SELECTOR, '#import-errors tr[data-line="4"]')
        assert "price" in first_error.text
        # The first 50 rejected rows are listed; the rest are counted.
        assert len(driver.find_elements(By.CSS_SELECTOR, "#import-errors tbody tr")) == 50
        assert "…and 1351 more rejected rows" in driver.find_element(By.CSS_SELECTOR, "#import-more").text
        screenshot(driver, "products-import")
    finally:
        os.unlink(file.name)

    # The two good rows are products now, published, with their exact prices; the bad ones are not.
    api = shop.api(shop.admin)
    found = api.call(CATALOG, "SearchProducts", {"query": tag, "includeDrafts": True, "pageSize": 50})
    products = {product["title"]: product for product in found.get("products", [])}
    assert set(products) == {f"Самовар {tag}", f"Tea tray {tag}"}
    assert all(product["state"] == "PRODUCT_STATE_PUBLISHED" for product in products.values())
    price = products[f"Tea tray {tag}"]["skus"][0]["prices"][0]
    assert price == {"minorUnits": "125050", "currency": "RUB"}
    # The page finds them too (no reload).
    type_into(driver, "#products-search", tag)
    click(driver, "#products-search-submit")
    wait(driver).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#products-table tr[data-product-id]")) == 2,
                       "the two imported products are not listed")
