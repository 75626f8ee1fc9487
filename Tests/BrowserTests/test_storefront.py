"""The storefront (/shop/) as a visitor who is not signed in, in headless chromium at phone and desktop sizes:
categories and products, a Russian search, a product page with its SKUs' prices in RUB and USD and their stock state,
an out-of-stock product, a search without a match and a product that does not exist.

The products are made through the API as the admin (shop.api(...)); what the page shows is checked against them.
"""

import uuid

import pytest
from page import click, text_is, type_into, visible, wait
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

CATALOG = "souk.catalog.v1.CatalogService"
SIZES = ["desktop", "phone"]


@pytest.fixture(scope="module")
def goods(shop):
    """A category of three published products: a pot in stock with RUB and USD prices and a picture, a frying pan
    with two SKUs and no stock, an English-titled kettle in stock."""
    api = shop.api(shop.admin)
    tag = uuid.uuid4().hex[:8].lower()
    category = api.call(CATALOG, "CreateCategory", {"name": f"Посуда {tag}", "slug": f"cookware-{tag}"})

    def product(title, description, skus, stock, images=()):
        made = api.call(CATALOG, "CreateProduct", {
            "categoryId": category["id"], "title": title, "description": description,
            "imageUrls": list(images), "skus": skus,
        })
        api.call(CATALOG, "PublishProduct", {"productId": made["id"]})
        for sku in skus:
            api.call(CATALOG, "SetStock", {"sku": sku["code"], "warehouse": "MSK-1", "onHand": stock})
        return made

    upper = tag.upper()
    pot = product(f"Кастрюля стальная {tag}", "Нержавеющая сталь, 3 л. A steel pot.",
                  [{"code": f"POT-{upper}", "prices": [{"minorUnits": "249900", "currency": "RUB"},
                                                       {"minorUnits": "2999", "currency": "USD"}]}],
                  stock=5, images=["https://images.souk.example/pot-front.jpg"])
    pan = product(f"Сковорода чугунная {tag}", "Cast iron.",
                  [{"code": f"PAN-{upper}-24", "attributes": {"size": "24 cm"},
                    "prices": [{"minorUnits": "189000", "currency": "RUB"}]},
                   {"code": f"PAN-{upper}-28", "attributes": {"size": "28 cm"},
                    "prices": [{"minorUnits": "219000", "currency": "RUB"}]}],
                  stock=0)
    kettle = product(f"Steel kettle {tag}", "1.7 l.",
                     [{"code": f"KET-{upper}", "prices": [{"minorUnits": "99000", "currency": "RUB"}]}], stock=3)
    return {"tag": tag, "category": category, "pot": pot, "pan": pan, "kettle": kettle}


def open_shop(driver, shop, route="#/"):
    """Opens /shop/ at `route` in a fresh visit, with the currency choice forgotten (RUB, the default)."""
    driver.get(shop.base_url + "/shop/")
    driver.execute_script("localStorage.clear()")
    driver.get(shop.base_url + "/shop/" + route)
    driver.refresh()
    visible(driver, "main h1")


def card(driver, product):
    return visible(driver, f'#product-grid [data-product-id="{product["id"]}"]')


def grid_ids(driver):
    return [element.get_attribute("data-product-id")
            for element in driver.find_elements(By.CSS_SELECTOR, "#product-grid [data-product-id]")]


def no_overflow(driver):
    if driver.souk_size == "phone":
        width = driver.execute_script("return document.documentElement.scrollWidth")
        assert width <= 390, f"the page is {width} px wide"


def page_errors(driver):
    """The browser console's script errors and Content-Security-Policy refusals (a product picture whose host does
    not exist fails to load; that is not a refusal and is left out)."""
    return [entry["message"] for entry in driver.get_log("browser")
            if entry["level"] == "SEVERE" and ("Uncaught" in entry["message"]
                                               or ("Refused" in entry["message"] and "img-src" not in entry["message"]
                                                   and "images.souk.example" not in entry["message"]))]


def wait_results(driver):
    """Waits until the results line says something other than loading."""
    wait(driver).until(lambda d: "Loading" not in d.find_element(By.ID, "results-status").text
                       and d.find_element(By.ID, "results-status").text.strip() != "")


@pytest.mark.parametrize("size", SIZES)
def test_visitor_finds_a_product_by_a_russian_word_and_sees_its_prices_and_stock(shop, goods, browser, screenshot,
                                                                                 size):
    driver = browser(size)
    open_shop(driver, shop)
    assert driver.execute_script("return document.documentElement.lang") == "en"
    assert driver.find_elements(By.CSS_SELECTOR, "header") and driver.find_elements(By.CSS_SELECTOR, "main")

    # Home: the categories and the newest products, with prices in RUB and stock states.
    link = visible(driver, "#category-list")
    wait(driver).until(lambda d: goods["category"]["name"] in d.find_element(By.ID, "category-list").text)
    assert "Kitchen" in link.text
    wait_results(driver)
    pot = card(driver, goods["pot"])
    assert goods["pot"]["title"] in pot.text
    price = pot.find_element(By.CSS_SELECTOR, ".product-price")
    assert (price.get_attribute("data-currency"), price.get_attribute("data-minor-units")) == ("RUB", "249900")
    assert "2,499.00" in price.text
    assert pot.find_element(By.CSS_SELECTOR, ".stock").text == "In stock"
    assert card(driver, goods["pan"]).find_element(By.CSS_SELECTOR, ".stock").text == "Out of stock"
    no_overflow(driver)
    screenshot(driver, "storefront-home")

    # The category link lists the category's three products.
    click(driver, f'#category-list a[href*="{goods["category"]["id"]}"]')
    text_is(driver, "main h1", goods["category"]["name"])
    wait_results(driver)
    wait(driver).until(lambda d: sorted(grid_ids(d)) == sorted(goods[k]["id"] for k in ("pot", "pan", "kettle")))

    # A Russian word finds the pot and neither the pan nor the kettle.
    click(driver, 'a[href="#/"]')
    assert visible(driver, "#search-query").get_attribute("type") == "search"
    label = driver.find_element(By.CSS_SELECTOR, 'label[for="search-query"]')
    assert label.text == "Search products"
    type_into(driver, "#search-query", "кастрюля")
    click(driver, "#search-submit")
    text_is(driver, "main h1", "Results for “кастрюля”")
    wait_results(driver)
    card(driver, goods["pot"])
    ids = grid_ids(driver)
    assert goods["pan"]["id"] not in ids and goods["kettle"]["id"] not in ids
    for title in driver.find_elements(By.CSS_SELECTOR, "#product-grid .product-title"):
        assert "астрюл" in title.text.lower()
    no_overflow(driver)
    screenshot(driver, "storefront-search")

    # Its page: the picture, the description, the SKU's price in RUB and its stock.
    click(driver, f'#product-grid [data-product-id="{goods["pot"]["id"]}"] a')
    text_is(driver, "#product-title", goods["pot"]["title"])
    sku_css = f'#sku-list [data-sku="POT-{goods["tag"].upper()}"]'
    sku = visible(driver, sku_css)
    price = sku.find_element(By.CSS_SELECTOR, ".sku-price")
    assert (price.get_attribute("data-currency"), price.get_attribute("data-minor-units")) == ("RUB", "249900")
    assert "2,499.00" in price.text
    assert sku.find_element(By.CSS_SELECTOR, ".stock").text == "In stock"
    assert "Нержавеющая сталь" in driver.find_element(By.CSS_SELECTOR, ".product-description").text
    # The picture's host does not exist (the page's CSP allows pictures over https): the <img> is there with its
    # alt text, and hidden once it fails to load rather than shown as a broken picture.
    image = driver.find_element(By.CSS_SELECTOR, ".gallery img")
    assert image.get_attribute("alt") == goods["pot"]["title"]
    assert image.get_attribute("src") == "https://images.souk.example/pot-front.jpg"
    no_overflow(driver)
    screenshot(driver, "storefront-product")

    # USD: the merchant's own USD price; the choice outlives a reload.
    Select(visible(driver, "#currency")).select_by_value("USD")
    wait(driver).until(lambda d: d.find_element(By.CSS_SELECTOR, f"{sku_css} .sku-price")
                       .get_attribute("data-currency") == "USD")
    price = driver.find_element(By.CSS_SELECTOR, f"{sku_css} .sku-price")
    assert price.get_attribute("data-minor-units") == "2999"
    assert "$29.99" in price.text
    driver.refresh()
    wait(driver).until(lambda d: d.find_elements(By.CSS_SELECTOR, f"{sku_css} .sku-price")
                       and d.find_element(By.CSS_SELECTOR, f"{sku_css} .sku-price").get_attribute("data-currency")
                       == "USD")
    assert Select(driver.find_element(By.ID, "currency")).first_selected_option.text == "USD"
    no_overflow(driver)
    screenshot(driver, "storefront-product-usd")
    assert page_errors(driver) == []


@pytest.mark.parametrize("size", SIZES)
def test_an_out_of_stock_product_says_so_for_every_sku(shop, goods, browser, screenshot, size):
    driver = browser(size)
    open_shop(driver, shop, f'#/product/{goods["pan"]["id"]}')
    text_is(driver, "#product-title", goods["pan"]["title"])
    upper = goods["tag"].upper()
    for code, minor in ((f"PAN-{upper}-24", "189000"), (f"PAN-{upper}-28", "219000")):
        sku = visible(driver, f'#sku-list [data-sku="{code}"]')
        assert sku.find_element(By.CSS_SELECTOR, ".stock").text == "Out of stock"
        assert sku.find_element(By.CSS_SELECTOR, ".sku-price").get_attribute("data-minor-units") == minor
    assert not driver.find_elements(By.CSS_SELECTOR, ".gallery img")
    # The in-stock kettle's only SKU, for contrast.
    driver.get(shop.base_url + f'/shop/#/product/{goods["kettle"]["id"]}')
    text_is(driver, "#product-title", goods["kettle"]["title"])
    text_is(driver, f'#sku-list [data-sku="KET-{upper}"] .stock', "In stock")
    driver.get(shop.base_url + f'/shop/#/product/{goods["pan"]["id"]}')
    visible(driver, "#sku-list [data-sku] .stock")
    no_overflow(driver)
    screenshot(driver, "storefront-out-of-stock")


@pytest.mark.parametrize("size", SIZES)
def test_each_sku_says_its_own_stock(shop, browser, size):
    """A teapot in two colours, only the red one stocked: its card is in stock, and its page says which colour is."""
    api = shop.api(shop.admin)
    tag = uuid.uuid4().hex[:8].upper()
    category = api.call(CATALOG, "CreateCategory", {"name": f"Чайники {tag}", "slug": f"teapots-{tag.lower()}"})
    skus = [{"code": f"TEA-{tag}-{colour}", "attributes": {"colour": colour.lower()},
             "prices": [{"minorUnits": "159000", "currency": "RUB"}]} for colour in ("RED", "BLUE")]
    teapot = api.call(CATALOG, "CreateProduct", {"categoryId": category["id"], "title": f"Заварочный чайник {tag}",
                                                  "skus": skus})
    api.call(CATALOG, "PublishProduct", {"productId": teapot["id"]})
    api.call(CATALOG, "SetStock", {"sku": f"TEA-{tag}-RED", "warehouse": "MSK-1", "onHand": 2})
    api.call(CATALOG, "SetStock", {"sku": f"TEA-{tag}-BLUE", "warehouse": "MSK-1", "onHand": 0})
    driver = browser(size)
    open_shop(driver, shop, f'#/search?category={category["id"]}')
    wait_results(driver)
    assert card(driver, teapot).find_element(By.CSS_SELECTOR, ".stock").text == "In stock"
    driver.get(shop.base_url + f'/shop/#/product/{teapot["id"]}')
    text_is(driver, f'#sku-list [data-sku="TEA-{tag}-RED"] .stock', "In stock")
    text_is(driver, f'#sku-list [data-sku="TEA-{tag}-BLUE"] .stock', "Out of stock")
    no_overflow(driver)
    assert page_errors(driver) == []


@pytest.mark.parametrize("size", SIZES)
def test_a_search_without_a_match_says_so(shop, goods, browser, screenshot, size):
    driver = browser(size)
    open_shop(driver, shop)
    word = f"зонтик{goods['tag']}"
    type_into(driver, "#search-query", word)
    click(driver, "#search-submit")
    status = visible(driver, "#results-status.empty-result")
    assert status.text.startswith(f"No products match “{word}”")
    assert grid_ids(driver) == []
    no_overflow(driver)
    screenshot(driver, "storefront-no-match")


@pytest.mark.parametrize("size", SIZES)
def test_a_missing_product_and_a_failed_call_show_a_message(shop, goods, browser, screenshot, size):
    driver = browser(size)
    open_shop(driver, shop, f"#/product/{uuid.uuid4()}")
    text_is(driver, "main h1", "Product not found")
    assert visible(driver, "main [role=alert]").text.strip() != ""
    # A bad price bound is refused by the form, not sent.
    driver.get(shop.base_url + "/shop/#/")
    type_into(driver, "#search-min", "12.345")
    click(driver, "#search-submit")
    assert "2 decimals" in visible(driver, "#search-min-error").text
    assert driver.execute_script("return location.hash") == "#/"
    # The bridge gone: the page says the server cannot be reached instead of going blank.
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["*SearchProducts*"]})
    driver.execute_script("location.hash = '#/search?q=chair'")
    alert = visible(driver, "#results-error [role=alert]")
    assert "cannot be reached" in alert.text
    assert visible(driver, "#results-error button").text == "Retry"
    no_overflow(driver)
    screenshot(driver, "storefront-error")
