"""The catalog and people parts of the admin page, driven in headless chromium at desktop and phone sizes.

Every step done through the page is checked through the API as well (shop.api(...)), so a page that only looks
right does not pass.
"""

import uuid

import pytest
from page import clickable, click, go, text_is, type_into, visible, wait
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

CATALOG = "souk.catalog.v1.CatalogService"
IDENTITY = "souk.identity.v1.IdentityService"
SIZES = ["desktop", "phone"]


def all_products(api):
    """Every product, drafts included, through the API page by page."""
    products, token = [], ""
    while True:
        body = {"includeDrafts": True, "pageSize": 100}
        if token:
            body["pageToken"] = token
        reply = api.call(CATALOG, "SearchProducts", body)
        products += reply.get("products", [])
        token = reply.get("nextPageToken", "")
        if not token:
            return products


def account_by_email(api, email):
    token = ""
    while True:
        body = {"pageSize": 200}
        if token:
            body["pageToken"] = token
        reply = api.call(IDENTITY, "ListAccounts", body)
        for account in reply.get("accounts", []):
            if account.get("email") == email:
                return account
        token = reply.get("nextPageToken", "")
        if not token:
            return None


def open_new_product_form(driver):
    click(driver, "#nav-products")
    click(driver, "#product-new")
    visible(driver, "#product-form")
    wait(driver).until(lambda d: len(Select(d.find_element(By.ID, "product-category")).options) > 1)


def fill_product_form(driver, shop, title, sku, price, currency="RUB"):
    type_into(driver, "#product-title", title)
    Select(visible(driver, "#product-category")).select_by_value(shop.category_id)
    type_into(driver, "#product-description", "A steel kettle, 1.7 l.")
    type_into(driver, "#product-sku", sku)
    type_into(driver, "#product-price", price)
    Select(visible(driver, "#product-currency")).select_by_value(currency)


@pytest.mark.parametrize("size", SIZES)
def test_create_publish_and_stock_a_product(shop, browser, screenshot, sign_in, size):
    driver = browser(size)
    sign_in(driver, shop, shop.admin)
    api = shop.api(shop.admin)
    tag = uuid.uuid4().hex[:8].upper()
    title = f"Kettle {size} {tag}"
    sku = f"KETTLE-{tag}"

    open_new_product_form(driver)
    # Typed the way a Russian price is written: the same rule as soukctl and the server (Money(parsing:)).
    fill_product_form(driver, shop, title, sku, "1 499,50")
    screenshot(driver, "product-form")
    click(driver, "#product-save")

    # The page moves to the new product's page; the product exists as a draft with the price in minor units.
    wait(driver).until(lambda d: d.execute_script("return location.hash").startswith("#/products/")
                       and d.execute_script("return location.hash") != "#/products/new")
    product_id = driver.execute_script("return location.hash").split("/")[-1]
    product = api.call(CATALOG, "GetProduct", {"productId": product_id})
    assert product["title"] == title
    assert product.get("state", "PRODUCT_STATE_UNSPECIFIED") == "PRODUCT_STATE_DRAFT"
    assert product["skus"][0]["code"] == sku
    assert product["skus"][0]["prices"][0] == {"minorUnits": "149950", "currency": "RUB"}
    text_is(driver, "#product-state", "Draft")

    # It is in the list, as a draft, with its price.
    go(driver, "#/products")
    row_css = f'#products-table tr[data-product-id="{product_id}"]'
    row = visible(driver, row_css)
    assert title in row.text
    assert "Draft" in row.text
    price_text = row.find_element(By.CSS_SELECTOR, ".price-cell").text
    assert "499" in price_text and "50" in price_text

    # Publish it from its page.
    click(driver, f'{row_css} a')
    click(driver, "#product-publish")
    text_is(driver, "#product-state", "Published")
    assert api.call(CATALOG, "GetProduct", {"productId": product_id})["state"] == "PRODUCT_STATE_PUBLISHED"

    # Set its stock in MSK-1 and see the level.
    type_into(driver, "#stock-warehouse", "MSK-1")
    type_into(driver, "#stock-quantity", "7")
    click(driver, "#stock-save")
    level_css = f'#stock-levels tr[data-sku="{sku}"][data-warehouse="MSK-1"]'
    text_is(driver, f'{level_css} td[data-field="on-hand"]', "7")
    text_is(driver, f'{level_css} td[data-field="available"]', "7")
    levels = api.call(CATALOG, "GetStock", {"sku": sku})["levels"]
    assert [(level["warehouse"], level.get("onHand", 0)) for level in levels] == [("MSK-1", 7)]

    # The list shows it published; a search for its title finds it.
    go(driver, "#/products")
    type_into(driver, "#products-search", title)
    click(driver, "#products-search-submit")
    row = visible(driver, row_css)
    wait(driver).until(lambda d: "Published" in d.find_element(By.CSS_SELECTOR, row_css).text)
    screenshot(driver, "products-list")


@pytest.mark.parametrize("size", SIZES)
def test_bad_price_and_bad_sku_show_field_errors_and_create_nothing(shop, browser, sign_in, size):
    driver = browser(size)
    sign_in(driver, shop, shop.admin)
    api = shop.api(shop.admin)
    tag = uuid.uuid4().hex[:8].upper()
    title = f"Refused {size} {tag}"

    open_new_product_form(driver)
    fill_product_form(driver, shop, title, f"REFUSED-{tag}", "12.345", "RUB")
    click(driver, "#product-save")
    error = visible(driver, "#product-price-error")
    assert "2 decimals" in error.text
    assert visible(driver, "#product-price").get_attribute("aria-invalid") == "true"
    assert driver.execute_script("return location.hash") == "#/products/new"

    # The server's refusal of a bad SKU code lands under the SKU field and clears the price error.
    type_into(driver, "#product-price", "12.34")
    type_into(driver, "#product-sku", "x")
    click(driver, "#product-save")
    sku_error = visible(driver, "#product-sku-error")
    assert sku_error.text.startswith("skus[0].code:")
    assert not driver.find_element(By.ID, "product-price-error").is_displayed()
    assert driver.execute_script("return location.hash") == "#/products/new"

    assert [p for p in all_products(api) if p.get("title") == title] == []


@pytest.mark.parametrize("size", SIZES)
def test_admin_creates_a_staff_account_changes_roles_and_disables_it(shop, browser, screenshot, sign_in, size):
    driver = browser(size)
    sign_in(driver, shop, shop.admin)
    api = shop.api(shop.admin)
    email = f"staff-{size}-{uuid.uuid4().hex[:8]}@example.com"

    click(driver, "#nav-users")
    visible(driver, "#users-table")
    type_into(driver, "#user-new-email", email)
    Select(visible(driver, "#user-new-role")).select_by_value("ROLE_STAFF")
    click(driver, "#user-create")

    # The one-time password is shown once, selectable, with the warning.
    password = visible(driver, "#user-initial-password-value")
    wait(driver).until(lambda d: d.find_element(By.ID, "user-initial-password-value").get_attribute("value"))
    assert len(password.get_attribute("value")) >= 8
    assert password.get_attribute("readonly") is not None
    assert "not be shown again" in visible(driver, "#user-initial-password").text
    assert visible(driver, "#user-copy-password").is_enabled()
    account = account_by_email(api, email)
    assert account is not None and account["roles"] == ["ROLE_STAFF"]
    row_css = f'#users-table tr[data-account-id="{account["id"]}"]'
    visible(driver, row_css)
    screenshot(driver, "users")
    click(driver, "#user-password-done")
    wait(driver).until(EC.invisibility_of_element_located((By.ID, "user-initial-password")))

    # The role filter: admins only hides the new staff account, staff shows it again.
    admin_row_css = f'#users-table tr[data-account-id="{account_by_email(api, shop.admin.email)["id"]}"]'
    Select(visible(driver, "#users-role-filter")).select_by_value("ROLE_ADMIN")
    visible(driver, admin_row_css)
    wait(driver).until(lambda d: d.find_elements(By.CSS_SELECTOR, row_css) == [])
    Select(visible(driver, "#users-role-filter")).select_by_value("ROLE_STAFF")
    visible(driver, row_css)
    wait(driver).until(lambda d: d.find_elements(By.CSS_SELECTOR, admin_row_css) == [])

    # Roles: staff and customer.
    click(driver, f'{row_css} input[data-role="ROLE_CUSTOMER"]')
    click(driver, f"{row_css} button[data-save-roles]")
    wait(driver).until(
        lambda d: sorted(api.call(IDENTITY, "GetAccount", {"accountId": account["id"]})["account"]["roles"])
        == ["ROLE_CUSTOMER", "ROLE_STAFF"]
    )
    assert clickable(driver, f'{row_css} input[data-role="ROLE_CUSTOMER"]').is_selected()
    assert not driver.find_element(By.CSS_SELECTOR, f'{row_css} input[data-role="ROLE_ADMIN"]').is_selected()

    # Disabling asks first: cancel keeps the account enabled, confirm disables it.
    click(driver, f"{row_css} button[data-toggle-disabled]")
    visible(driver, "#confirm-dialog")
    click(driver, "#confirm-cancel")
    wait(driver).until(EC.invisibility_of_element_located((By.ID, "confirm-dialog")))
    assert not api.call(IDENTITY, "GetAccount", {"accountId": account["id"]})["account"].get("disabled", False)

    click(driver, f"{row_css} button[data-toggle-disabled]")
    assert email in visible(driver, "#confirm-dialog").text
    click(driver, "#confirm-ok")
    wait(driver).until(lambda d: d.find_element(By.CSS_SELECTOR, row_css).get_attribute("data-disabled") == "true")
    text_is(driver, f"{row_css} button[data-toggle-disabled]", "Enable")
    assert api.call(IDENTITY, "GetAccount", {"accountId": account["id"]})["account"].get("disabled") is True


@pytest.mark.parametrize("size", SIZES)
def test_staff_sees_no_users_page(shop, browser, sign_in, size):
    driver = browser(size)
    sign_in(driver, shop, shop.staff)
    assert not driver.find_element(By.ID, "nav-users").is_displayed()
    visible(driver, "#nav-products")
    go(driver, "#/users")
    message = visible(driver, "#users-admins-only")
    assert "Admins only" in message.text
    assert driver.find_elements(By.ID, "users-table") == []
    assert driver.find_elements(By.ID, "user-create") == []
