// The storefront's home and search page: categories, the search form (query, category, sort, price range, in
// stock only) and the product grid, a page at a time. The filters live in the hash (#/search?q=…), so Back works.

import { formatMoney, parseMoney } from "../../../js/format.js";
import { fieldError, formField, h, showError } from "../../../js/ui.js";
import * as catalog from "../catalog.js";
import { picture } from "../picture.js";
import { slot } from "../recommendations.js";

const SORTS = [
  ["PRODUCT_SORT_UNSPECIFIED", "Best match"],
  ["PRODUCT_SORT_NEWEST", "Newest first"],
  ["PRODUCT_SORT_PRICE_ASCENDING", "Price: low to high"],
  ["PRODUCT_SORT_PRICE_DESCENDING", "Price: high to low"],
];

/** The filters in a hash's query part: the typed text, as it was typed. */
function readFilters(queryString) {
  const params = new URLSearchParams(queryString ?? "");
  const sort = params.get("sort") ?? "";
  return {
    query: (params.get("q") ?? "").trim(),
    categoryId: params.get("category") ?? "",
    sort: SORTS.some(([value]) => value === sort) ? sort : "PRODUCT_SORT_UNSPECIFIED",
    inStock: params.get("stock") === "1",
    min: params.get("min") ?? "",
    max: params.get("max") ?? "",
  };
}

function searchHash(filters) {
  const params = new URLSearchParams();
  if (filters.query) params.set("q", filters.query);
  if (filters.categoryId) params.set("category", filters.categoryId);
  if (filters.sort !== "PRODUCT_SORT_UNSPECIFIED") params.set("sort", filters.sort);
  if (filters.inStock) params.set("stock", "1");
  if (filters.min) params.set("min", filters.min);
  if (filters.max) params.set("max", filters.max);
  const text = params.toString();
  return text ? `#/search?${text}` : "#/";
}

function isFiltered(filters) {
  return Boolean(filters.query || filters.categoryId || filters.inStock || filters.min || filters.max);
}

/** The price range in minor units of `currency`; sets the fields' errors and returns null when a bound is bad. */
function priceRange(filters, currency) {
  const range = {};
  let ok = true;
  for (const [key, id] of [
    ["min", "search-min"],
    ["max", "search-max"],
  ]) {
    fieldError(id, "");
    if (!filters[key]) continue;
    try {
      range[key === "min" ? "minPrice" : "maxPrice"] = parseMoney(filters[key], currency);
    } catch (error) {
      fieldError(id, error.message);
      ok = false;
    }
  }
  return ok ? range : null;
}

function productCard(product, currency) {
  const shown = catalog.cardPrice(product, currency);
  const state = catalog.productStock(product);
  const image = product.imageUrls?.[0];
  return h(
    "li",
    { class: "product-card", "data-product-id": product.id },
    h(
      "a",
      { class: "product-link", href: `#/product/${encodeURIComponent(product.id)}` },
      image ? picture(image, "", { className: "product-thumb" }) : null,
      h("h3", { class: "product-title" }, product.title),
    ),
    shown
      ? h(
          "p",
          {
            class: "product-price",
            "data-minor-units": shown.price.minorUnits ?? "0",
            "data-currency": shown.price.currency,
          },
          shown.from ? h("span", { class: "from" }, "from ") : "",
          formatMoney(shown.price),
        )
      : h("p", { class: "product-price muted" }, "No price yet"),
    h("p", { class: "stock", "data-stock": state }, catalog.stockLabel(state)),
  );
}

function searchForm(filters, categories, ctx) {
  const query = h("input", { type: "search", name: "q", value: filters.query, autocomplete: "off", enterkeyhint: "search" });
  const category = h(
    "select",
    { name: "category" },
    h("option", { value: "" }, "All categories"),
    categories.map((c) => h("option", { value: c.id, selected: c.id === filters.categoryId }, c.label)),
  );
  category.value = filters.categoryId;
  const sort = h(
    "select",
    { name: "sort" },
    SORTS.map(([value, label]) => h("option", { value, selected: value === filters.sort }, label)),
  );
  const min = h("input", { type: "text", inputmode: "decimal", name: "min", value: filters.min, autocomplete: "off" });
  const max = h("input", { type: "text", inputmode: "decimal", name: "max", value: filters.max, autocomplete: "off" });
  const stock = h("input", { type: "checkbox", id: "search-stock", name: "stock", checked: filters.inStock });
  const form = h(
    "form",
    { id: "search-form", class: "card stack search-form", role: "search", novalidate: true },
    h(
      "div",
      { class: "search-line" },
      formField({ label: "Search products", id: "search-query", input: query }),
      h("button", { class: "button primary", type: "submit", id: "search-submit" }, "Search"),
    ),
    h(
      "div",
      { class: "search-filters" },
      formField({ label: "Category", id: "search-category", input: category }),
      formField({ label: "Sort by", id: "search-sort", input: sort }),
      formField({ label: `Lowest price (${ctx.currency})`, id: "search-min", input: min }),
      formField({ label: `Highest price (${ctx.currency})`, id: "search-max", input: max }),
      h("div", { class: "check-field" }, stock, h("label", { for: "search-stock" }, "In stock only")),
    ),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const next = {
      query: query.value.trim(),
      categoryId: category.value,
      sort: sort.value,
      inStock: stock.checked,
      min: min.value.trim(),
      max: max.value.trim(),
    };
    if (!priceRange(next, ctx.currency)) return;
    ctx.navigate(searchHash(next));
  });
  return form;
}

function categoryNav(categories, filters) {
  const link = (label, hash, current) =>
    h("li", {}, h("a", { class: "chip", href: hash, "aria-current": current ? "page" : null }, label));
  return h(
    "nav",
    { class: "category-nav", "aria-labelledby": "categories-heading" },
    h("h2", { id: "categories-heading" }, "Categories"),
    h(
      "ul",
      { class: "chips", id: "category-list" },
      link("All products", "#/", !filters.categoryId),
      categories.map((c) =>
        link(c.label, searchHash({ ...readFilters(""), categoryId: c.id }), c.id === filters.categoryId),
      ),
    ),
  );
}

function heading(filters, categories) {
  if (filters.query) return `Results for “${filters.query}”`;
  const category = categories.find((c) => c.id === filters.categoryId);
  if (category) return category.name;
  return isFiltered(filters) ? "Search results" : "All products";
}

function emptyText(filters) {
  if (filters.query) return `No products match “${filters.query}”. Try other words or fewer filters.`;
  if (isFiltered(filters)) return "No products match these filters.";
  return "The shop has no products yet.";
}

export async function render(root, ctx, { match, signal }) {
  const filters = readFilters(match);
  const title = h("h1", {}, "Products");
  const categoriesBox = h("div");
  const formBox = h("div");
  const status = h("p", { id: "results-status", class: "muted", role: "status" });
  const problem = h("div", { id: "results-error" });
  const grid = h("ul", { id: "product-grid", class: "product-grid" });
  const more = h("button", { class: "button", type: "button", id: "load-more", hidden: true }, "Show more");
  const results = h(
    "section",
    { class: "stack", "aria-labelledby": "results-heading" },
    h("h2", { id: "results-heading", class: "visually-hidden" }, "Products"),
    status,
    problem,
    grid,
    more,
  );
  root.append(title, formBox, categoriesBox);
  if (!isFiltered(filters)) root.append(slot("for-you", "For you"));
  root.append(results);
  status.className = "loading";
  status.textContent = "Loading products…";

  let categories = [];
  try {
    categories = await catalog.categories({ signal });
  } catch (error) {
    if (error?.code === "canceled") throw error;
    showError(categoriesBox, error);
  }
  title.textContent = heading(filters, categories);
  formBox.replaceChildren(searchForm(filters, categories, ctx));
  if (categories.length) categoriesBox.replaceChildren(categoryNav(categories, filters));

  const range = priceRange(filters, ctx.currency);
  if (!range) {
    status.replaceChildren("Fix the price range to search.");
    return;
  }
  const request = { ...filters, minPrice: range.minPrice, maxPrice: range.maxPrice };
  let token = "";
  let shown = 0;

  async function loadPage() {
    more.disabled = true;
    try {
      const page = await catalog.searchPage(request, ctx.currency, token, { signal });
      grid.append(...page.products.map((p) => productCard(p, ctx.currency)));
      shown += page.products.length;
      token = page.nextPageToken;
      problem.replaceChildren();
      more.hidden = !token;
      status.replaceChildren(
        shown === 0 ? emptyText(filters) : `${shown}${token ? "+" : ""} product${shown === 1 && !token ? "" : "s"}`,
      );
      status.className = shown === 0 ? "empty-result" : "muted";
    } catch (error) {
      if (error?.code === "canceled") return;
      status.className = "muted";
      status.replaceChildren("The products could not be loaded.");
      showError(problem, error, () => loadPage());
    } finally {
      more.disabled = false;
    }
  }

  more.addEventListener("click", () => loadPage());
  await loadPage();
}
