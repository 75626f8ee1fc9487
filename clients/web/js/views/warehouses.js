// #/warehouses (staff): the warehouses stock is kept in, from ListWarehouses; add one, or change a warehouse's
// name, address and whether it takes new reservations. Each refusal names its field ("address.city: …"), and the
// message is shown under that field.
import { call } from "../api.js";
import { h, showLoading, showError, notify } from "../ui.js";
import { FieldErrors, formErrorBox } from "./product.js";
import { canEditCatalog } from "./products.js";

const CATALOG = "souk.catalog.v1.CatalogService";

/// The address inputs: the JSON field, the server's field name, the label, the longest text and a hint.
const ADDRESS_FIELDS = [
  { key: "line1", path: "line1", label: "Street and building", max: 200 },
  { key: "line2", path: "line2", label: "Floor, gate, unit (optional)", max: 200 },
  { key: "city", path: "city", label: "City", max: 200 },
  { key: "region", path: "region", label: "Region", max: 200, hint: "e.g. Moscow or Leningrad Oblast" },
  { key: "postalCode", path: "postal_code", label: "Postcode", max: 20 },
  { key: "country", path: "country", label: "Country", max: 2, hint: "Two letters, e.g. RU" },
  { key: "recipient", path: "recipient", label: "Dispatch desk (optional)", max: 200 },
  { key: "phone", path: "phone", label: "Phone (optional)", max: 40, hint: "e.g. +7 495 123-45-67" },
];

/// Which form field a server message is about, from the field path before the first ": ".
function fieldOf(message) {
  const path = String(message ?? "").split(":")[0].trim();
  if (path === "code" || path === "name") return path;
  const address = ADDRESS_FIELDS.find((f) => path === `address.${f.path}`);
  return address ? address.key : null;
}

/// One line of an address: "ul. Myasnitskaya, 24/7, 101000 Moscow, Moscow, RU".
export function addressText(address) {
  const a = address ?? {};
  const place = [a.postalCode, a.city].filter(Boolean).join(" ");
  return [a.line1, a.line2, place, a.region, a.country].filter(Boolean).join(", ");
}

export async function render(root, ctx) {
  root.append(h("h1", {}, "Warehouses"));
  if (!canEditCatalog(ctx)) {
    root.append(h("div", { class: "card", role: "status" }, h("p", {}, "Warehouses are managed by staff.")));
    return undefined;
  }
  const controller = new AbortController();
  const signal = controller.signal;
  let warehouses = [];

  const tbody = h("tbody", {});
  const table = h(
    "table",
    { class: "table", id: "warehouses-table" },
    h("caption", { class: "visually-hidden" }, "Warehouses"),
    h("thead", {}, h("tr", {}, ...["Code", "Name", "Address", "Active", ""].map((t) => h("th", { scope: "col" }, t)))),
    tbody,
  );
  const listArea = h("div", {});
  const form = warehouseForm();
  root.append(
    h("section", { class: "card stack", "aria-labelledby": "warehouses-list-heading" }, h("h2", { id: "warehouses-list-heading" }, "All warehouses"), listArea),
    form.element,
  );

  async function load() {
    showLoading(listArea, "Loading warehouses…");
    try {
      warehouses = (await call(CATALOG, "ListWarehouses", {}, { signal })).warehouses ?? [];
    } catch (error) {
      if (signal.aborted) return;
      showError(listArea, error, load);
      return;
    }
    if (signal.aborted) return;
    tbody.replaceChildren(
      ...warehouses.map((w) =>
        h(
          "tr",
          { "data-code": w.code ?? "", "data-active": w.active ? "true" : "false" },
          h("td", { "data-label": "Code" }, w.code ?? ""),
          h("td", { "data-label": "Name" }, w.name ?? ""),
          h("td", { "data-label": "Address", "data-field": "address" }, addressText(w.address)),
          h("td", { "data-label": "Active", "data-field": "active" }, w.active ? "Yes" : "No"),
          h(
            "td",
            { "data-label": "" },
            h("button", { type: "button", class: "button small", id: `warehouse-edit-${w.code}`, "on:click": () => form.edit(w) }, `Edit ${w.code}`),
          ),
        ),
      ),
    );
    if (warehouses.length === 0) {
      const cell = h("td", {}, "No warehouses yet.");
      cell.colSpan = 5;
      tbody.append(h("tr", { class: "empty-row" }, cell));
    }
    listArea.replaceChildren(table);
  }

  /// The one form: "New warehouse" until Edit is pressed on a row, then that warehouse's fields (its code fixed).
  function warehouseForm() {
    const formError = formErrorBox("warehouse-form-error");
    const errors = new FieldErrors(formError);
    let editing = null;
    const text = (id, max) => {
      const input = h("input", { id, name: id, type: "text" });
      input.maxLength = max;
      input.setAttribute("autocomplete", "off");
      return input;
    };
    const code = text("warehouse-code", 16);
    code.addEventListener("change", () => (code.value = code.value.trim().toUpperCase()));
    const name = text("warehouse-name", 100);
    const inputs = Object.fromEntries(ADDRESS_FIELDS.map((f) => [f.key, text(`warehouse-${f.key}`, f.max)]));
    inputs.country.addEventListener("change", () => (inputs.country.value = inputs.country.value.trim().toUpperCase()));
    const active = h("input", { id: "warehouse-active", name: "active", type: "checkbox" });
    const activeBox = h("label", { class: "check", for: "warehouse-active" }, active, " Takes new reservations");
    const heading = h("h2", { id: "warehouse-form-heading" }, "New warehouse");
    const save = h("button", { type: "submit", class: "button primary", id: "warehouse-save" }, "Create warehouse");
    const cancel = h("button", { type: "button", class: "button", id: "warehouse-cancel", "on:click": () => reset() }, "Cancel");
    const element = h(
      "form",
      { id: "warehouse-form", class: "card stack", "aria-labelledby": "warehouse-form-heading", "on:submit": submit },
      heading,
      formError,
      h(
        "div",
        { class: "row warehouse-row" },
        errors.field("code", "Code", code, "2 to 16 of A-Z, 0-9 and -, e.g. KZN-1"),
        errors.field("name", "Name", name),
      ),
      h(
        "fieldset",
        { class: "stack" },
        h("legend", {}, "Address"),
        h("div", { class: "row warehouse-row" }, ...ADDRESS_FIELDS.map((f) => errors.field(f.key, f.label, inputs[f.key], f.hint))),
      ),
      activeBox,
      h("div", { class: "row" }, save, cancel),
    );
    element.noValidate = true;

    function reset() {
      editing = null;
      errors.clear();
      element.reset();
      code.readOnly = false;
      heading.textContent = "New warehouse";
      save.textContent = "Create warehouse";
      activeBox.hidden = true;
      cancel.hidden = true;
    }

    function edit(warehouse) {
      reset();
      editing = warehouse;
      code.value = warehouse.code ?? "";
      code.readOnly = true;
      name.value = warehouse.name ?? "";
      for (const f of ADDRESS_FIELDS) inputs[f.key].value = warehouse.address?.[f.key] ?? "";
      active.checked = Boolean(warehouse.active);
      heading.textContent = `Edit ${warehouse.code}`;
      save.textContent = "Save changes";
      activeBox.hidden = false;
      cancel.hidden = false;
      element.scrollIntoView({ block: "start" });
      name.focus();
    }

    async function submit(event) {
      event.preventDefault();
      errors.clear();
      if (!/^[A-Z0-9-]{2,16}$/.test(code.value.trim().toUpperCase())) {
        return errors.show("code", "code: 2 to 16 of A-Z, 0-9 and -, e.g. KZN-1");
      }
      if (name.value.trim() === "") return errors.show("name", "name: enter a name");
      if (inputs.city.value.trim() === "") return errors.show("city", "address.city: required");
      if (!/^[A-Za-z]{2}$/.test(inputs.country.value.trim())) {
        return errors.show("country", "address.country: two letters (ISO 3166-1), e.g. RU");
      }
      const address = Object.fromEntries(ADDRESS_FIELDS.map((f) => [f.key, inputs[f.key].value.trim()]));
      address.country = address.country.toUpperCase();
      save.disabled = true;
      try {
        if (editing) {
          const request = { code: editing.code, name: name.value, address };
          if (active.checked !== Boolean(editing.active)) request.active = active.checked;
          const saved = await call(CATALOG, "UpdateWarehouse", request, { signal });
          notify(`Saved ${saved.code}.`);
        } else {
          const created = await call(CATALOG, "CreateWarehouse", { code: code.value.trim().toUpperCase(), name: name.value, address }, { signal });
          notify(`Created ${created.code}.`);
        }
        reset();
        await load();
      } catch (error) {
        if (signal.aborted) return;
        errors.show(fieldOf(error.message), error.message);
      } finally {
        save.disabled = false;
      }
    }

    reset();
    return { element, edit };
  }

  load();
  return () => controller.abort();
}
