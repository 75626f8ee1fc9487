"""Helpers the browser tests share: waiting for the page, clicking like a person, typing, following routes, and
RFC 6238 codes. Every wait is explicit (WebDriverWait, 20 s), never a sleep."""
import base64
import hashlib
import hmac
import struct

from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

WAIT_S = 20

UNCOVERED = """
const element = arguments[0];
const box = element.getBoundingClientRect();
const top = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
return top !== null && (top === element || element.contains(top));
"""


def totp_code(secret_base32, step):
    """RFC 6238 (SHA-1, 30-second steps, 6 digits) for one time step."""
    key = base64.b32decode(secret_base32 + "=" * (-len(secret_base32) % 8))
    digest = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
    return f"{code:06d}"


def wait(driver, timeout=WAIT_S):
    return WebDriverWait(driver, timeout, ignored_exceptions=(StaleElementReferenceException,))


def visible(driver, css):
    """The first element matching `css` once it is visible."""
    return wait(driver).until(EC.visibility_of_element_located((By.CSS_SELECTOR, css)))


def clickable(driver, css):
    return wait(driver).until(EC.element_to_be_clickable((By.CSS_SELECTOR, css)))


def gone(driver, css):
    wait(driver).until(lambda d: not d.find_elements(By.CSS_SELECTOR, css), f"{css} is still on the page")


def click(driver, css):
    """Clicks like a person: once the element is enabled, in view, and not under another layer."""
    element = clickable(driver, css)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    wait(driver).until(lambda d: d.execute_script(UNCOVERED, d.find_element(By.CSS_SELECTOR, css)),
                       f"{css} stays covered")
    element = driver.find_element(By.CSS_SELECTOR, css)
    element.click()
    return element


def type_into(driver, css, text):
    element = visible(driver, css)
    element.clear()
    element.send_keys(text)
    return element


def text_is(driver, css, expected):
    """Waits until the element's text (stripped) is `expected`."""

    def check(d):
        elements = d.find_elements(By.CSS_SELECTOR, css)
        return bool(elements) and elements[0].text.strip() == expected

    wait(driver).until(check, f"{css} never showed {expected!r}")


def attribute_is(driver, css, name, expected):
    def check(d):
        elements = d.find_elements(By.CSS_SELECTOR, css)
        return bool(elements) and elements[0].get_attribute(name) == expected

    wait(driver).until(check, f"{css} never had {name}={expected!r}")


def go(driver, hash_route):
    """Follows a route inside the page (no reload)."""
    driver.execute_script("location.hash = arguments[0]", hash_route)
