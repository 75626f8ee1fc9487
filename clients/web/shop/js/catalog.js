// The storefront's catalog calls (public: ListCategories, SearchProducts, GetProduct) and what the page derives from
// them: a card's price and a product's or SKU's stock state (each SKU's `inStock`, as the catalog read it).

import * as api from "../../js/api.js";

const CATALOG = "souk.catalog.v1.CatalogService";

/** One public call (a browser whose old session has ended is answered as a visitor: the bridge clears its cookie). */
export function call(method, body, options) {
  return api.call(CATALOG, method, body, options);
}

/** Categories with `label`: "Parent › Child" for nested ones, sorted by label. */
export async function categories(options) {
  const reply = await call("ListCategories", {}, options);
  const list = reply.categories ?? [];
  const byId = new Map(list.map((category) => [category.id, category]));
  const label = (category, depth = 0) => {
    const parent = category.parentId ? byId.get(category.parentId) : null;
    return parent && depth < 8 ? `${label(parent, depth + 1)} › ${category.name}` : category.name;
  };
  return list
    .map((category) => ({ ...category, label: label(category) }))
    .sort((a, b) => a.label.localeCompare(b.label));
}

/** A SearchProductsRequest (proto3 JSON) from the page's filters; empty fields are left out. */
export function searchRequest({ query, categoryId, sort, inStock, minPrice, maxPrice }, currency, pageToken) {
  const body = { currency, pageSize: 20 };
  if (query) body.query = query;
  if (categoryId) body.categoryId = categoryId;
  if (sort && sort !== "PRODUCT_SORT_UNSPECIFIED") body.sort = sort;
  if (inStock) body.inStock = true;
  if (minPrice) body.minPrice = minPrice;
  if (maxPrice) body.maxPrice = maxPrice;
  if (pageToken) body.pageToken = pageToken;
  return body;
}

/** One page of products (each SKU with `inStock`) and the token of the next. */
export async function searchPage(filters, currency, pageToken, options) {
  const page = await call("SearchProducts", searchRequest(filters, currency, pageToken), options);
  return { products: page.products ?? [], nextPageToken: page.nextPageToken ?? "" };
}

/** The price to show for `sku`: its price in the asked currency, else its base price (no stored rate converts it). */
export function skuPrice(sku) {
  const display = sku?.displayPrice;
  if (display?.currency) return display;
  return sku?.prices?.[0] ?? null;
}

/** The lowest price of `product`'s SKUs in `currency` (and whether the SKUs' prices differ), or null. */
export function cardPrice(product, currency) {
  const prices = (product.skus ?? []).map(skuPrice).filter((price) => price?.currency === currency);
  if (prices.length === 0) {
    const fallback = skuPrice(product.skus?.[0]);
    return fallback ? { price: fallback, from: false } : null;
  }
  const minors = prices.map((price) => BigInt(price.minorUnits ?? 0));
  const lowest = minors.reduce((low, value) => (value < low ? value : low));
  return {
    price: { minorUnits: lowest.toString(), currency },
    from: minors.some((value) => value !== lowest),
  };
}

/** A SKU's stock state: "in" or "out". */
export function skuStock(sku) {
  return sku?.inStock ? "in" : "out";
}

/** A product's stock state: "in" when any of its SKUs is in stock. */
export function productStock(product) {
  return (product.skus ?? []).some((sku) => sku.inStock) ? "in" : "out";
}

/** The words for a stock state. */
export function stockLabel(state) {
  return state === "in" ? "In stock" : "Out of stock";
}
