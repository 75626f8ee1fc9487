// Checkout's calls: shipping quotes for the cart and an address, and placing the order once — a double click or a
// retry after a lost answer sends the same idempotency key for the same order, so it is one order.

import * as api from "../../js/api.js";

const DELIVERY = "souk.delivery.v1.DeliveryService";
const ORDERS = "souk.catalog.v1.OrderService";
const KEYS = "souk.shop.order-keys";

/** The quotes (cheapest first) and the couriers that could not quote, for the caller's cart to `address`. */
export async function quotes(address, currency) {
  const reply = await api.call(DELIVERY, "GetShippingQuotes", { address, currency });
  return { quotes: reply.quotes ?? [], failures: reply.failures ?? [] };
}

function storedKeys() {
  try {
    return JSON.parse(window.sessionStorage.getItem(KEYS) ?? "{}") ?? {};
  } catch {
    return {};
  }
}

/** The idempotency key for this exact request: the same one as last time for the same request, else a new one. */
export function keyFor(request) {
  const fingerprint = JSON.stringify(request);
  const keys = storedKeys();
  if (keys.fingerprint === fingerprint && keys.key) return keys.key;
  const key = crypto.randomUUID();
  try {
    window.sessionStorage.setItem(KEYS, JSON.stringify({ fingerprint, key }));
  } catch {
    // Storage blocked: the key still covers this page's retries.
  }
  return key;
}

/** Places the order for the cart with the chosen quote and address. */
export async function placeOrder({ currency, quote, address }) {
  const request = { currency, shippingQuoteId: quote.id, deliveryAddress: address };
  return api.call(ORDERS, "PlaceOrder", { ...request, idempotencyKey: keyFor(request) });
}
