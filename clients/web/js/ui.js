// Small DOM helpers shared by every view. No innerHTML with data: text goes in as text nodes.

const BOOLEAN_ATTRIBUTES = new Set(["disabled", "checked", "selected", "required", "hidden", "readonly", "multiple"]);
const PROPERTY_ATTRIBUTES = new Set(["value", "checked", "selected"]);

function append(element, child) {
  if (child === null || child === undefined || child === false) return;
  if (Array.isArray(child)) {
    child.forEach((item) => append(element, item));
  } else if (child instanceof Node) {
    element.appendChild(child);
  } else {
    element.appendChild(document.createTextNode(String(child)));
  }
}

/**
 * `h("button", {class: "button primary", type: "submit", "on:click": handler}, "Save")` → an element.
 * Attributes that are null, undefined or false are left out; `true` sets a boolean attribute.
 */
export function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === null || value === undefined) continue;
    if (name.startsWith("on:")) {
      element.addEventListener(name.slice(3), value);
    } else if (PROPERTY_ATTRIBUTES.has(name)) {
      element[name] = name === "value" ? String(value) : Boolean(value);
      if (name !== "value" && value) element.setAttribute(name, "");
    } else if (BOOLEAN_ATTRIBUTES.has(name)) {
      if (value) element.setAttribute(name, "");
    } else if (value === false) {
      continue;
    } else if (name === "class" && Array.isArray(value)) {
      element.className = value.filter(Boolean).join(" ");
    } else {
      element.setAttribute(name, value === true ? "" : String(value));
    }
  }
  append(element, children);
  return element;
}

/** Replaces `root`'s content with a polite "Loading…" line. */
export function showLoading(root, text = "Loading…") {
  root.replaceChildren(h("p", { class: "loading", role: "status" }, text));
}

/** The text to show for an error: the server's message is already precise. */
export function errorText(error) {
  if (!error) return "Something went wrong.";
  if (error.code === "permission_denied") return `Not allowed: ${error.message}`;
  return error.message || String(error);
}

/** Replaces `root`'s content with an `.error-box` (role="alert"), with a Retry button when `retry` is given. */
export function showError(root, error, retry) {
  const box = h(
    "div",
    { class: "error-box", role: "alert" },
    h("p", {}, errorText(error)),
    retry ? h("button", { class: "button", type: "button", "on:click": () => retry() }, "Retry") : null,
  );
  root.replaceChildren(box);
  return box;
}

function toastRegion() {
  let region = document.getElementById("toasts");
  if (!region) {
    region = h("div", { id: "toasts", class: "toasts", "aria-live": "polite", "aria-atomic": "false" });
    document.body.appendChild(region);
  }
  return region;
}

/** A short message in the corner, read out by screen readers; errors stay longer. */
export function notify(text, kind = "info") {
  const region = toastRegion();
  const toast = h("div", { class: `toast toast-${kind}`, role: kind === "error" ? "alert" : "status" }, text);
  region.appendChild(toast);
  window.setTimeout(() => toast.remove(), kind === "error" ? 8000 : 4000);
  return toast;
}

/** A `.field`: `<label for=id>` and the input (its id set to `id`), plus an error line filled by `fieldError`. */
export function formField({ label, id, input, hint }) {
  input.id = id;
  const hintElement = hint ? h("p", { class: "hint muted", id: `${id}-hint` }, hint) : null;
  const errorElement = h("p", { class: "field-error", id: `${id}-error`, hidden: true });
  const described = [hint ? `${id}-hint` : null, `${id}-error`].filter(Boolean).join(" ");
  input.setAttribute("aria-describedby", described);
  return h("div", { class: "field" }, h("label", { for: id }, label), input, hintElement, errorElement);
}

/** Shows `message` under the field whose input has id `id` (or clears it with an empty message). */
export function fieldError(id, message) {
  const input = document.getElementById(id);
  const line = document.getElementById(`${id}-error`);
  if (input) {
    if (message) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
  }
  if (line) {
    line.textContent = message || "";
    line.hidden = !message;
  }
}

/** Announces `text` to screen readers without showing it (used for live updates). */
export function announce(text) {
  const region = document.getElementById("live-announcer");
  if (!region) return;
  region.textContent = "";
  window.setTimeout(() => {
    region.textContent = text;
  }, 50);
}

/** A status badge: `<span class="badge" data-status="ORDER_STATUS_PAID">Paid</span>`. */
export function badge(status, label) {
  return h("span", { class: "badge", "data-status": status }, label);
}
