// The signed-in customer's cart (the catalog's GetCart and SetCartLine), priced in the shopper's currency.

import * as api from "../../js/api.js";

const CATALOG = "souk.catalog.v1.CatalogService";

/** The cart in `currency`: `{lines, total}`. */
export async function cart(currency, options) {
  const reply = await api.call(CATALOG, "GetCart", { currency }, options);
  return { lines: reply.lines ?? [], total: reply.total ?? null };
}

/** Sets `sku`'s quantity (0 removes the line); the cart as it now is. */
export async function setLine(sku, quantity, currency) {
  const reply = await api.call(CATALOG, "SetCartLine", { sku, quantity, currency });
  return { lines: reply.lines ?? [], total: reply.total ?? null };
}

/** Adds one unit of `sku` to what the cart already holds of it. */
export async function addOne(sku, currency) {
  const current = await cart(currency);
  const line = current.lines.find((candidate) => candidate.sku === sku);
  return setLine(sku, (line?.quantity ?? 0) + 1, currency);
}

/** How many units the cart holds in all. */
export function unitCount(current) {
  return current.lines.reduce((sum, line) => sum + (line.quantity ?? 0), 0);
}
