// The "Import a file" panel of #/products: a CSV or JSON-lines file sent to CatalogService/ImportProducts as a
// Connect client stream (64 KiB chunks, one envelope each), then the server's count and every rejected row by line
// and field.
import { ApiError, clientStream } from "../api.js";
import { announce, errorText, formField, h } from "../ui.js";

const CATALOG = "souk.catalog.v1.CatalogService";
const CHUNK_BYTES = 64 * 1024;
const MAX_FILE_BYTES = 32 * 1024 * 1024;
/** Rejected rows listed at most; the summary counts them all. */
const ERRORS_SHOWN = 50;

/** The file's format from its name: .csv, or .jsonl / .ndjson for JSON lines. */
export function formatOf(name) {
  const lower = name.toLowerCase();
  if (lower.endsWith(".csv")) return "IMPORT_FORMAT_CSV";
  if (lower.endsWith(".jsonl") || lower.endsWith(".ndjson")) return "IMPORT_FORMAT_JSON_LINES";
  return null;
}

/** Base64 of `bytes`, built in slices so a large chunk does not overflow the call stack. */
function base64(bytes) {
  let binary = "";
  for (let start = 0; start < bytes.length; start += 8192) {
    binary += String.fromCharCode(...bytes.subarray(start, start + 8192));
  }
  return btoa(binary);
}

/** The panel; `onImported()` runs after an import that saved at least one product. */
export function importPanel(onImported) {
  const file = h("input", { type: "file", name: "file", accept: ".csv,.jsonl,.ndjson,text/csv" });
  const publish = h("input", { type: "checkbox", id: "import-publish", name: "publish" });
  const submit = h("button", { type: "submit", class: "button primary", id: "import-submit" }, "Import");
  const result = h("div", { id: "import-result" });
  const form = h(
    "form",
    { id: "import-form", class: "stack", "on:submit": onSubmit },
    formField({
      label: "File (CSV or JSON lines)",
      id: "import-file",
      input: file,
      hint: "Columns: category (slug), title, description, sku, price (e.g. 1499.00), currency; optional attributes, image_url, stock, weight_grams, length_mm, width_mm, height_mm.",
    }),
    h("div", { class: "row" }, publish, h("label", { for: "import-publish" }, "Publish the imported products")),
    h("div", { class: "row" }, submit),
    result,
  );
  const panel = h("details", { class: "card import-panel" }, h("summary", {}, "Import a file"), form);

  async function onSubmit(event) {
    event.preventDefault();
    result.replaceChildren();
    const chosen = file.files?.[0];
    const format = chosen ? formatOf(chosen.name) : null;
    if (!chosen || !format) {
      result.append(h("p", { class: "field-error", role: "alert" }, "Choose a .csv, .jsonl or .ndjson file."));
      return;
    }
    if (chosen.size > MAX_FILE_BYTES) {
      result.append(h("p", { class: "field-error", role: "alert" }, "The file is larger than 32 MiB; split it."));
      return;
    }
    submit.disabled = true;
    result.append(h("p", { class: "loading", role: "status" }, `Importing ${chosen.name}…`));
    try {
      const bytes = new Uint8Array(await chosen.arrayBuffer());
      const messages = [];
      let start = 0;
      do {
        const message = { chunk: base64(bytes.subarray(start, start + CHUNK_BYTES)) };
        if (start === 0) Object.assign(message, { format, publish: publish.checked });
        messages.push(message);
        start += CHUNK_BYTES;
      } while (start < bytes.length);
      const reply = await clientStream(CATALOG, "ImportProducts", messages);
      showResult(reply);
      if ((reply.imported ?? 0) > 0) onImported();
    } catch (error) {
      result.replaceChildren(
        h("p", { class: "error-box", role: "alert" }, error instanceof ApiError ? errorText(error) : String(error)),
      );
    } finally {
      submit.disabled = false;
    }
  }

  function showResult(reply) {
    const rows = reply.rows ?? 0;
    const imported = reply.imported ?? 0;
    const errors = reply.errors ?? [];
    const summary = `${rows} rows read, ${imported} imported, ${errors.length} rejected.`;
    result.replaceChildren(h("p", { id: "import-summary", role: "status" }, summary));
    announce(summary);
    if (errors.length === 0) return;
    result.append(
      h(
        "table",
        { class: "table", id: "import-errors" },
        h("thead", {}, h("tr", {}, h("th", {}, "Line"), h("th", {}, "Field"), h("th", {}, "Problem"))),
        h(
          "tbody",
          {},
          errors.slice(0, ERRORS_SHOWN).map((error) =>
            h(
              "tr",
              { "data-line": `${error.line ?? 0}` },
              h("td", { "data-label": "Line", class: "number" }, `${error.line ?? 0}`),
              h("td", { "data-label": "Field" }, error.field ?? ""),
              h("td", { "data-label": "Problem" }, error.message ?? ""),
            ),
          ),
        ),
      ),
    );
    if (errors.length > ERRORS_SHOWN) {
      result.append(
        h(
          "p",
          { id: "import-more", class: "muted" },
          `…and ${errors.length - ERRORS_SHOWN} more rejected rows. Fix those lines and import them again; the rows already imported are kept.`,
        ),
      );
    }
  }

  return panel;
}
