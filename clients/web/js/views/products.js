// #/products: the catalog as staff see it, drafts included, with a search box, a category filter and paging by
// the server's page token.
import { call } from "../api.js";
import { announce, h, showLoading, showError, formField } from "../ui.js";
import { formatMoney } from "../format.js";
import { importPanel } from "./product-import.js";

const CATALOG = "souk.catalog.v1.CatalogService";
const PAGE_SIZE = 20;

/// ctx.isAdmin / ctx.isStaff may be booleans or functions; the roles in the session decide otherwise.
export function canEditCatalog(ctx) {
  const flag = (value) => (typeof value === "function" ? Boolean(value()) : Boolean(value));
  if (flag(ctx?.isAdmin) || flag(ctx?.isStaff)) return true;
  const roles = ctx?.session?.roles ?? [];
  return roles.includes("ROLE_ADMIN") || roles.includes("ROLE_STAFF");
}

/// A Money from the JSON mapping, where a zero amount is left out.
export function money(value) {
  return formatMoney({ minorUnits: value?.minorUnits ?? "0", currency: value?.currency ?? "" });
}

export function stateBadge(state, id) {
  const published = state === "PRODUCT_STATE_PUBLISHED";
  const badge = h(
    "span",
    { class: "badge product-state", "data-state": published ? "PRODUCT_STATE_PUBLISHED" : "PRODUCT_STATE_DRAFT" },
    published ? "Published" : "Draft",
  );
  if (id) badge.id = id;
  return badge;
}

export async function render(root, ctx) {
  const controller = new AbortController();
  const signal = controller.signal;
  const includeDrafts = canEditCatalog(ctx);
  // tokens[i] is the page token of page i + 1; the first page has none.
  const state = { query: "", categoryId: "", tokens: [""], categories: new Map() };

  const searchInput = h("input", { id: "products-search", type: "search", name: "query" });
  searchInput.setAttribute("autocomplete", "off");
  searchInput.maxLength = 200;
  const categorySelect = h("select", { id: "products-category", name: "category" }, h("option", { value: "" }, "All categories"));
  const searchForm = h(
    "form",
    { class: "row products-search", role: "search", "aria-label": "Search products", "on:submit": onSearch },
    formField({ label: "Search", id: "products-search", input: searchInput }),
    formField({ label: "Category", id: "products-category", input: categorySelect }),
    h("button", { type: "submit", class: "button", id: "products-search-submit" }, "Search"),
  );
  const newLink = h("a", { id: "product-new", class: "button primary" }, "New product");
  newLink.setAttribute("href", "#/products/new");
  // Not a live region (it would read the whole table out): each load announces a one-line summary instead.
  const results = h("div", { class: "products-results" });
  let loads = 0;

  root.append(
    h("h1", {}, "Products"),
    h("div", { class: "toolbar" }, includeDrafts ? newLink : null),
    includeDrafts
      ? importPanel(() => {
          state.tokens = [""];
          load();
        })
      : null,
    searchForm,
    results,
  );

  const categoriesReady = loadCategories();
  load();

  async function loadCategories() {
    try {
      const reply = await call(CATALOG, "ListCategories", {}, { signal });
      for (const category of reply.categories ?? []) {
        state.categories.set(category.id, category.name ?? "");
        categorySelect.append(h("option", { value: category.id }, category.name ?? category.id));
      }
    } catch (error) {
      // The filter stays at "All categories"; the table still loads.
      if (signal.aborted) return;
    }
  }

  function onSearch(event) {
    event.preventDefault();
    state.query = searchInput.value.trim();
    state.categoryId = categorySelect.value;
    state.tokens = [""];
    load();
  }

  async function load() {
    const mine = ++loads; // a newer search or page wins over an older reply that arrives late
    showLoading(results, "Loading products…");
    const page = state.tokens.length;
    const body = { pageSize: PAGE_SIZE, includeDrafts };
    if (state.query) body.query = state.query;
    if (state.categoryId) body.categoryId = state.categoryId;
    if (state.tokens[page - 1]) body.pageToken = state.tokens[page - 1];
    let reply;
    try {
      reply = await call(CATALOG, "SearchProducts", body, { signal });
    } catch (error) {
      if (signal.aborted || mine !== loads) return;
      results.replaceChildren();
      showError(results, error, load);
      return;
    }
    await categoriesReady;
    if (signal.aborted || mine !== loads) return;
    show(reply.products ?? [], reply.nextPageToken ?? "", page);
    const count = (reply.products ?? []).length;
    announce(`${count} ${count === 1 ? "product" : "products"}${page > 1 || reply.nextPageToken ? `, page ${page}` : ""}.`);
  }

  function show(products, nextToken, page) {
    results.replaceChildren();
    if (products.length === 0) {
      results.append(
        h("p", { class: "muted", id: "products-empty" }, state.query || state.categoryId ? "No products match." : "No products yet."),
      );
    } else {
      results.append(table(products));
    }
    const previous = h("button", { type: "button", class: "button", id: "products-previous", "on:click": previousPage }, "Previous page");
    previous.disabled = page === 1;
    const next = h("button", { type: "button", class: "button", id: "products-next", "on:click": () => nextPage(nextToken) }, "Next page");
    next.disabled = !nextToken;
    if (page > 1 || nextToken) {
      results.append(h("nav", { class: "row pager", "aria-label": "Product pages" }, previous, h("span", { class: "muted" }, `Page ${page}`), next));
    }
  }

  function previousPage() {
    if (state.tokens.length > 1) state.tokens.pop();
    load();
  }

  function nextPage(token) {
    if (!token) return;
    state.tokens.push(token);
    load();
  }

  function table(products) {
    const head = h(
      "thead",
      {},
      h("tr", {}, ...["Title", "Category", "State", "SKU", "Price"].map((text) => h("th", { scope: "col" }, text))),
    );
    const body = h("tbody", {}, ...products.map(row));
    return h("table", { class: "table", id: "products-table" }, h("caption", { class: "visually-hidden" }, "Products"), head, body);
  }

  function row(product) {
    const link = h("a", {}, product.title || "(untitled)");
    link.setAttribute("href", `#/products/${encodeURIComponent(product.id)}`);
    const skus = product.skus ?? [];
    const prices = skus.map((sku) =>
      h(
        "li",
        {},
        skus.length > 1 ? h("span", { class: "muted" }, `${sku.code}: `) : null,
        (sku.prices ?? []).map((price) => money(price)).join(" · ") || "—",
      ),
    );
    const tr = h(
      "tr",
      { "data-product-id": product.id, "data-state": product.state ?? "PRODUCT_STATE_UNSPECIFIED" },
      h("td", { "data-label": "Title" }, link),
      h("td", { "data-label": "Category" }, state.categories.get(product.categoryId) ?? ""),
      h("td", { "data-label": "State" }, stateBadge(product.state)),
      h("td", { "data-label": "SKU" }, skus.map((sku) => sku.code).join(", ")),
      h("td", { "data-label": "Price", class: "price-cell" }, h("ul", { class: "plain-list" }, ...prices)),
    );
    return tr;
  }

  return () => controller.abort();
}
