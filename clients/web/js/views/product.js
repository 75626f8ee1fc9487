// #/products/new and #/products/<id>: create a product, edit what changed (a SKU's base price and package size
// among it), publish or move back to draft, and set stock per SKU and warehouse (the warehouses from
// ListWarehouses). Every refusal from the server names its field first ("title: …"); the message is
// shown next to that field.
import { call } from "../api.js";
import { h, showLoading, showError, notify, formField } from "../ui.js";
import { CURRENCIES, parseMoney } from "../format.js";
import { money, stateBadge } from "./products.js";

const CATALOG = "souk.catalog.v1.CatalogService";

/// The package size inputs: the JSON field, the form field's name, its label, its largest value and unit.
const PACKAGE_FIELDS = [
  { key: "weightGrams", name: "weight", path: "weight_grams", label: "Weight, g", max: 1_000_000, unit: "grams" },
  { key: "lengthMm", name: "length", path: "length_mm", label: "Length, mm", max: 10_000, unit: "millimetres" },
  { key: "widthMm", name: "width", path: "width_mm", label: "Width, mm", max: 10_000, unit: "millimetres" },
  { key: "heightMm", name: "height", path: "height_mm", label: "Height, mm", max: 10_000, unit: "millimetres" },
];

/// Which form field a server message is about, from the field path before the first ": ".
function fieldOf(message) {
  const path = String(message ?? "").split(":")[0].trim();
  if (path === "title") return "title";
  if (path === "category_id") return "category";
  if (path === "description") return "description";
  const packageField = PACKAGE_FIELDS.find((f) => path.endsWith(`package.${f.path}`));
  if (packageField) return packageField.name;
  if (/currency$/.test(path)) return "currency";
  if (/prices/.test(path)) return "price";
  if (/^(skus|sku_prices|sku_packages)/.test(path) || path === "sku") return "sku";
  return null;
}

function stockFieldOf(message) {
  const path = String(message ?? "").split(":")[0].trim();
  if (path === "on_hand") return "quantity";
  if (path === "sku or warehouse" || path === "warehouse") return "warehouse";
  if (path === "sku") return "sku";
  return null;
}

/// A set of inputs made with ui.js's formField, each with its error line; the server's message goes under the
/// field it names.
export class FieldErrors {
  constructor(formError) {
    this.fields = new Map();
    this.formError = formError;
  }

  /// The `.field` wrapper for `input` (which has its id already), registered under `name`.
  field(name, label, input, hint) {
    const wrapper = formField({ label, id: input.id, input, hint });
    const error = wrapper.querySelector(".field-error");
    this.fields.set(name, { input, error });
    return wrapper;
  }

  clear() {
    for (const { input, error } of this.fields.values()) {
      if (error) {
        error.hidden = true;
        error.textContent = "";
      }
      input.removeAttribute("aria-invalid");
    }
    this.formError.hidden = true;
    this.formError.textContent = "";
  }

  /// Shows `message` under the field `name` (or above the form when no field matches) and focuses that input.
  show(name, message) {
    const entry = name ? this.fields.get(name) : null;
    if (!entry?.error) {
      this.formError.textContent = message;
      this.formError.hidden = false;
      return;
    }
    entry.error.textContent = message;
    entry.error.hidden = false;
    entry.input.setAttribute("aria-invalid", "true");
    entry.input.focus();
  }
}

export function formErrorBox(id) {
  const box = h("p", { class: "form-error", id, role: "alert" });
  box.hidden = true;
  return box;
}

function select(id, values, labelOf = (value) => value) {
  return h("select", { id, name: id }, ...values.map((value) => h("option", { value }, labelOf(value))));
}

export async function render(root, ctx, params = {}) {
  const controller = new AbortController();
  const signal = controller.signal;
  const productId = params?.id && params.id !== "new" ? params.id : null;
  const navigate = (hash) => (typeof ctx?.navigate === "function" ? ctx.navigate(hash) : (location.hash = hash));

  const back = h("a", { class: "back-link" }, "← All products");
  back.setAttribute("href", "#/products");
  const heading = h("h1", {}, productId ? "Product" : "New product");
  root.append(back, heading);
  const body = h("div", { class: "stack" });
  root.append(body);

  async function start() {
    showLoading(body, "Loading…");
    let categories;
    let product = null;
    try {
      const [categoryReply, productReply] = await Promise.all([
        call(CATALOG, "ListCategories", {}, { signal }),
        productId ? call(CATALOG, "GetProduct", { productId }, { signal }) : Promise.resolve(null),
      ]);
      categories = categoryReply.categories ?? [];
      product = productReply;
    } catch (error) {
      if (signal.aborted) return;
      body.replaceChildren();
      showError(body, error, start);
      return;
    }
    if (signal.aborted) return;
    body.replaceChildren();
    if (product) heading.textContent = product.title || "Product";
    body.append(productForm(categories, product));
    if (product) {
      body.prepend(publishBar(product));
      body.append(stockSection(product));
    }
  }

  // MARK: The product form

  function productForm(categories, product) {
    const formError = formErrorBox("product-form-error");
    const errors = new FieldErrors(formError);
    const skus = product?.skus ?? [];

    const title = h("input", { id: "product-title", name: "title", type: "text" });
    title.required = true;
    title.maxLength = 200;
    title.value = product?.title ?? "";

    const category = h(
      "select",
      { id: "product-category", name: "category" },
      h("option", { value: "" }, categories.length ? "Choose a category" : "No categories yet"),
      ...categories.map((c) => h("option", { value: c.id }, c.name ?? c.id)),
    );
    category.required = true;
    category.value = product?.categoryId ?? (categories.length === 1 ? categories[0].id : "");

    const description = h("textarea", { id: "product-description", name: "description" });
    description.rows = 4;
    description.maxLength = 5000;
    description.value = product?.description ?? "";

    // A new product gets one SKU typed in; an existing one picks which SKU's base price to change.
    let sku;
    if (!product) {
      sku = h("input", { id: "product-sku", name: "sku", type: "text" });
      sku.setAttribute("autocomplete", "off");
      sku.required = true;
      sku.addEventListener("change", () => (sku.value = sku.value.trim().toUpperCase()));
    } else {
      sku = select("product-sku", skus.map((s) => s.code));
    }

    const price = h("input", { id: "product-price", name: "price", type: "text" });
    price.setAttribute("inputmode", "decimal");
    price.setAttribute("autocomplete", "off");
    price.required = !product;
    const currency = select("product-currency", CURRENCIES);
    currency.value = "RUB";
    const otherPrices = h("p", { class: "muted", id: "product-other-prices" });

    // One unit as packed; an empty box means 0, "not said".
    const sizes = Object.fromEntries(
      PACKAGE_FIELDS.map((f) => {
        const input = h("input", { id: `product-${f.name}`, name: f.name, type: "text" });
        input.setAttribute("inputmode", "numeric");
        input.setAttribute("autocomplete", "off");
        input.setAttribute("placeholder", "0");
        return [f.name, input];
      }),
    );
    const packageOf = (code) => skus.find((s) => s.code === code)?.package ?? {};
    function fillPackage() {
      const size = product ? packageOf(sku.value) : {};
      for (const f of PACKAGE_FIELDS) {
        const value = Number(size[f.key] ?? 0);
        sizes[f.name].value = value ? String(value) : "";
      }
    }
    /// The typed package size, or null after showing which box is wrong.
    function readPackage() {
      const size = {};
      for (const f of PACKAGE_FIELDS) {
        const text = sizes[f.name].value.trim();
        if (text !== "" && (!/^\d{1,7}$/.test(text) || Number(text) > f.max)) {
          errors.show(f.name, `package.${f.path}: a whole number of ${f.unit}, 0 to ${f.max.toLocaleString("en").replaceAll(",", " ")}`);
          return null;
        }
        size[f.key] = text === "" ? 0 : Number(text);
      }
      return size;
    }

    const baseOf = (code) => (skus.find((s) => s.code === code)?.prices ?? [])[0] ?? null;
    function fillPrice() {
      if (!product) return;
      const base = baseOf(sku.value);
      price.value = base ? decimalText(base) : "";
      if (base?.currency) currency.value = base.currency;
      const rest = (skus.find((s) => s.code === sku.value)?.prices ?? []).slice(1);
      otherPrices.textContent = rest.length ? `Other prices: ${rest.map(money).join(" · ")}` : "";
    }
    // What the controls showed after the last load or save: a field counts as changed only when it differs.
    const shown = { title: "", description: "", category: "" };
    const remember = () => Object.assign(shown, { title: title.value, description: description.value, category: category.value });
    remember();
    if (product) {
      sku.addEventListener("change", () => {
        fillPrice();
        fillPackage();
      });
      fillPrice();
      fillPackage();
    }

    const save = h("button", { id: "product-save", type: "submit", class: "button primary" }, product ? "Save changes" : "Create product");
    const form = h(
      "form",
      { id: "product-form", class: "card stack", "aria-labelledby": "product-form-heading", "on:submit": submit },
      h("h2", { id: "product-form-heading" }, product ? "Details" : "Details and first SKU"),
      formError,
      errors.field("title", "Title", title),
      errors.field("category", "Category", category),
      errors.field("description", "Description (optional)", description),
      h(
        "fieldset",
        { class: "stack" },
        h("legend", {}, product ? "Base price" : "SKU and price"),
        errors.field("sku", "SKU code", sku, product ? null : "2 to 41 characters: A-Z, 0-9 and -, e.g. MUG-RED"),
        h(
          "div",
          { class: "row price-row" },
          errors.field("price", "Price", price, "e.g. 1499.00 or 1499,00"),
          errors.field("currency", "Currency", currency),
        ),
        product ? otherPrices : null,
      ),
      h(
        "fieldset",
        { class: "stack", id: "product-package" },
        h("legend", {}, "Package of one unit"),
        h("p", { class: "hint muted" }, product ? "For the SKU chosen above. Empty means not said." : "Empty means not said."),
        h("div", { class: "row package-row" }, ...PACKAGE_FIELDS.map((f) => errors.field(f.name, f.label, sizes[f.name]))),
      ),
      h("div", { class: "row" }, save),
    );
    form.noValidate = true;

    async function submit(event) {
      event.preventDefault();
      errors.clear();
      let minorUnits = null;
      const priceText = price.value.trim();
      if (!product || priceText !== "") {
        if (priceText === "") return errors.show("price", "price: enter the price");
        try {
          minorUnits = parseMoney(priceText, currency.value);
        } catch (error) {
          return errors.show("price", `price: ${error.message}`);
        }
      }
      const size = readPackage();
      if (!size) return;
      save.disabled = true;
      try {
        if (!product) await create(minorUnits, size);
        else await update(minorUnits, size);
      } catch (error) {
        if (signal.aborted) return;
        errors.show(fieldOf(error.message), error.message);
      } finally {
        save.disabled = false;
      }
    }

    async function create(minorUnits, size) {
      const request = {
        categoryId: category.value,
        title: title.value,
        description: description.value,
        skus: [{ code: sku.value.trim().toUpperCase(), prices: [{ minorUnits, currency: currency.value }], package: size }],
      };
      const created = await call(CATALOG, "CreateProduct", request, { signal });
      notify(`Created “${created.title}” as a draft.`);
      navigate(`#/products/${created.id}`);
    }

    async function update(minorUnits, size) {
      const request = { productId: product.id };
      // Compared with what the controls showed, not with the stored text: a textarea turns "\r\n" into "\n" (and
      // an input drops line breaks), so an untouched field would otherwise be rewritten on every save.
      if (title.value !== shown.title) request.title = title.value;
      if (description.value !== shown.description) request.description = description.value;
      if (category.value !== shown.category) request.categoryId = category.value;
      const code = sku.value;
      const prices = skus.find((s) => s.code === code)?.prices ?? [];
      const base = prices[0];
      if (
        minorUnits !== null &&
        (!base || String(base.minorUnits ?? "0") !== minorUnits || base.currency !== currency.value)
      ) {
        const rest = prices.slice(1).filter((p) => p.currency !== currency.value);
        request.skuPrices = [{ sku: code, prices: [{ minorUnits, currency: currency.value }, ...rest] }];
      }
      const stored = packageOf(code);
      if (PACKAGE_FIELDS.some((f) => Number(stored[f.key] ?? 0) !== size[f.key])) {
        request.skuPackages = [{ sku: code, package: size }];
      }
      if (Object.keys(request).length === 1) {
        notify("Nothing changed.");
        return;
      }
      const updated = await call(CATALOG, "UpdateProduct", request, { signal });
      notify("Saved.");
      Object.assign(product, updated);
      product.skus = updated.skus ?? [];
      skus.splice(0, skus.length, ...product.skus);
      heading.textContent = updated.title || "Product";
      title.value = product.title ?? "";
      description.value = product.description ?? "";
      remember();
      fillPrice();
      fillPackage();
    }

    return form;
  }

  // MARK: Publishing

  function publishBar(product) {
    const badgeSlot = h("span", {}, stateBadge(product.state, "product-state"));
    const error = formErrorBox("product-publish-error");
    const publish = h("button", { id: "product-publish", type: "button", class: "button primary", "on:click": () => change(true) }, "Publish");
    const unpublish = h("button", { id: "product-unpublish", type: "button", class: "button", "on:click": () => change(false) }, "Move back to draft");
    const hint = h("p", { class: "muted", id: "product-state-hint" });
    function refresh() {
      const published = product.state === "PRODUCT_STATE_PUBLISHED";
      badgeSlot.replaceChildren(stateBadge(product.state, "product-state"));
      publish.hidden = published;
      unpublish.hidden = !published;
      hint.textContent = published ? "Customers can see and buy it." : "A draft: only staff can see it.";
    }
    async function change(toPublished) {
      error.hidden = true;
      const button = toPublished ? publish : unpublish;
      button.disabled = true;
      try {
        const reply = toPublished
          ? await call(CATALOG, "PublishProduct", { productId: product.id }, { signal })
          : await call(CATALOG, "UpdateProduct", { productId: product.id, unpublish: true }, { signal });
        product.state = reply.state ?? "PRODUCT_STATE_UNSPECIFIED";
        refresh();
        notify(toPublished ? "Published." : "Moved back to draft.");
        (toPublished ? unpublish : publish).focus();
      } catch (failure) {
        if (signal.aborted) return;
        error.textContent = failure.message;
        error.hidden = false;
      } finally {
        button.disabled = false;
      }
    }
    refresh();
    return h(
      "section",
      { class: "card stack", "aria-labelledby": "product-state-heading" },
      h("h2", { id: "product-state-heading" }, "State"),
      h("div", { class: "row publish-row" }, badgeSlot, hint, publish, unpublish),
      error,
    );
  }

  // MARK: Stock

  function stockSection(product) {
    const skus = (product.skus ?? []).map((s) => s.code);
    const formError = formErrorBox("stock-form-error");
    const errors = new FieldErrors(formError);
    const levelsBody = h("tbody", {});
    const levelsTable = h(
      "table",
      { class: "table", id: "stock-levels" },
      h("caption", { class: "visually-hidden" }, "Stock levels"),
      h("thead", {}, h("tr", {}, ...["SKU", "Warehouse", "On hand", "Reserved", "Available"].map((t) => h("th", { scope: "col" }, t)))),
      levelsBody,
    );
    // Not a live region: a saved level is announced by its toast, not by reading the whole table again.
    const levelsArea = h("div", { class: "stock-levels-area" });

    const skuSelect = select("stock-sku", skus);
    // Filled from ListWarehouses (the first active one is the default); GetStock adds any other it reports.
    const warehouse = h("input", { id: "stock-warehouse", name: "warehouse", type: "text" });
    warehouse.setAttribute("list", "stock-warehouse-list");
    warehouse.setAttribute("autocomplete", "off");
    const warehouseList = h("datalist", { id: "stock-warehouse-list" });
    const addWarehouse = (code, label) => {
      if (code && ![...warehouseList.children].some((o) => o.value === code)) {
        warehouseList.append(h("option", { value: code }, label ?? code));
      }
    };
    async function loadWarehouses() {
      try {
        const reply = await call(CATALOG, "ListWarehouses", {}, { signal });
        const list = reply.warehouses ?? [];
        for (const w of list) addWarehouse(w.code, `${w.name ?? w.code}${w.active ? "" : " (inactive)"}`);
        const first = list.find((w) => w.active) ?? list[0];
        // Not while someone is typing a code in it.
        if (first && warehouse.value === "" && document.activeElement !== warehouse) warehouse.value = first.code;
      } catch (error) {
        if (signal.aborted) return;
        // The form still works with a typed code; say why the list is empty.
        errors.show(null, `Warehouses could not be listed: ${error.message}`);
      }
    }
    const quantity = h("input", { id: "stock-quantity", name: "quantity", type: "number" });
    quantity.min = "0";
    quantity.step = "1";
    quantity.setAttribute("inputmode", "numeric");
    const save = h("button", { id: "stock-save", type: "submit", class: "button primary" }, "Set stock");
    const form = h(
      "form",
      { id: "stock-form", class: "stack", "aria-label": "Set stock", "on:submit": submit },
      formError,
      h(
        "div",
        { class: "row stock-row" },
        errors.field("sku", "SKU", skuSelect),
        errors.field("warehouse", "Warehouse", warehouse),
        warehouseList,
        errors.field("quantity", "Units on hand", quantity),
      ),
      h("div", { class: "row" }, save),
    );
    form.noValidate = true;

    async function loadLevels() {
      showLoading(levelsArea, "Loading stock…");
      let replies;
      try {
        replies = await Promise.all(skus.map((sku) => call(CATALOG, "GetStock", { sku }, { signal })));
      } catch (error) {
        if (signal.aborted) return;
        levelsArea.replaceChildren();
        showError(levelsArea, error, loadLevels);
        return;
      }
      if (signal.aborted) return;
      const levels = replies.flatMap((reply) => reply.levels ?? []);
      for (const level of levels) addWarehouse(level.warehouse);
      levelsBody.replaceChildren(
        ...levels.map((level) =>
          h(
            "tr",
            { "data-sku": level.sku ?? "", "data-warehouse": level.warehouse ?? "" },
            h("td", { "data-label": "SKU" }, level.sku ?? ""),
            h("td", { "data-label": "Warehouse" }, level.warehouse ?? ""),
            h("td", { "data-label": "On hand", "data-field": "on-hand" }, String(level.onHand ?? 0)),
            h("td", { "data-label": "Reserved", "data-field": "reserved" }, String(level.reserved ?? 0)),
            h("td", { "data-label": "Available", "data-field": "available" }, String(level.available ?? 0)),
          ),
        ),
      );
      if (levels.length === 0) {
        const cell = h("td", {}, "No stock recorded yet.");
        cell.colSpan = 5;
        levelsBody.append(h("tr", { class: "empty-row" }, cell));
      }
      levelsArea.replaceChildren(levelsTable);
    }

    async function submit(event) {
      event.preventDefault();
      errors.clear();
      const text = quantity.value.trim();
      if (!/^\d{1,10}$/.test(text) || Number(text) > 1_000_000_000) {
        return errors.show("quantity", "on_hand: a whole number from 0 to 1 000 000 000");
      }
      if (warehouse.value.trim() === "") return errors.show("warehouse", "warehouse: choose a warehouse");
      save.disabled = true;
      try {
        const level = await call(
          CATALOG,
          "SetStock",
          { sku: skuSelect.value, warehouse: warehouse.value.trim(), onHand: Number(text) },
          { signal },
        );
        notify(`${level.sku}: ${level.onHand ?? 0} on hand in ${level.warehouse}.`);
        quantity.value = "";
        await loadLevels();
      } catch (error) {
        if (signal.aborted) return;
        errors.show(stockFieldOf(error.message), error.message);
      } finally {
        save.disabled = false;
      }
    }

    loadWarehouses();
    loadLevels();
    return h(
      "section",
      { class: "card stack", "aria-labelledby": "stock-heading" },
      h("h2", { id: "stock-heading" }, "Stock"),
      levelsArea,
      h("h3", {}, "Set the units on hand"),
      form,
    );
  }

  start();
  return () => controller.abort();
}

/// A price as the decimal text the price field takes (string arithmetic: "149900" RUB → "1499.00").
function decimalText(price) {
  const digits = new Intl.NumberFormat("en", { style: "currency", currency: price.currency }).resolvedOptions()
    .maximumFractionDigits;
  let units = String(price.minorUnits ?? "0");
  const negative = units.startsWith("-");
  if (negative) units = units.slice(1);
  if (digits === 0) return (negative ? "-" : "") + units;
  units = units.padStart(digits + 1, "0");
  return `${negative ? "-" : ""}${units.slice(0, -digits)}.${units.slice(-digits)}`;
}
