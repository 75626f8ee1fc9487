// The shopper's currency: chosen in the header's picker, remembered in localStorage, RUB by default.

import { CURRENCIES } from "../../js/format.js";

const KEY = "souk.shop.currency";
export const DEFAULT_CURRENCY = "RUB";

/** The currencies offered: every one Souk supports (the catalog converts from a SKU's base price). */
export const SHOP_CURRENCIES = CURRENCIES;

/** The chosen currency, or RUB when none (or an unknown one) is stored. */
export function chosenCurrency() {
  let stored = "";
  try {
    stored = window.localStorage.getItem(KEY) ?? "";
  } catch {
    // Storage blocked (private mode, policy): the default holds.
  }
  return SHOP_CURRENCIES.includes(stored) ? stored : DEFAULT_CURRENCY;
}

/** Whether the shopper has picked a currency on this browser (else a signed-in customer's preferred one applies). */
export function hasChosenCurrency() {
  try {
    return SHOP_CURRENCIES.includes(window.localStorage.getItem(KEY) ?? "");
  } catch {
    return false;
  }
}

/** Remembers `currency` for the next visit (silently skipped when storage is blocked). */
export function chooseCurrency(currency) {
  if (!SHOP_CURRENCIES.includes(currency)) return;
  try {
    window.localStorage.setItem(KEY, currency);
  } catch {
    // Storage blocked: the choice lasts for this page only.
  }
}
