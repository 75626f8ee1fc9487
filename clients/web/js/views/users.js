// #/users (admins only): list accounts by role, create an account and hand over its one-time password, change
// roles, disable or enable an account after a confirmation.
import { call } from "../api.js";
import { announce, h, showLoading, showError, notify, formField } from "../ui.js";
import { roleLabel } from "../format.js";
import { FieldErrors, formErrorBox } from "./product.js";

const IDENTITY = "souk.identity.v1.IdentityService";
// The roles a person can hold; service accounts get scopes instead and are shown read-only.
const PERSON_ROLES = ["ROLE_CUSTOMER", "ROLE_STAFF", "ROLE_ADMIN"];
const FILTER_ROLES = ["ROLE_CUSTOMER", "ROLE_STAFF", "ROLE_ADMIN", "ROLE_SERVICE"];

function isAdmin(ctx) {
  const value = ctx?.isAdmin;
  if (typeof value === "function") return Boolean(value());
  if (value !== undefined) return Boolean(value);
  return (ctx?.session?.roles ?? []).includes("ROLE_ADMIN");
}

export async function render(root, ctx) {
  root.append(h("h1", {}, "Users"));
  if (!isAdmin(ctx)) {
    root.append(
      h(
        "div",
        { class: "card admins-only", id: "users-admins-only", role: "status" },
        h("p", {}, h("strong", {}, "Admins only.")),
        h("p", {}, "Accounts and roles are managed by admins. Ask an admin if someone needs an account or a new role."),
      ),
    );
    return undefined;
  }

  const controller = new AbortController();
  const signal = controller.signal;
  const confirm = confirmDialog(root);
  const ownEmail = ctx?.session?.email ?? "";
  const state = { role: "", nextToken: "" };

  const passwordSlot = h("div", { class: "password-slot" });
  const filter = h(
    "select",
    { id: "users-role-filter", name: "role" },
    h("option", { value: "" }, "All roles"),
    ...FILTER_ROLES.map((role) => h("option", { value: role }, roleLabel(role))),
  );
  filter.addEventListener("change", () => {
    state.role = filter.value;
    load(false);
  });
  const tbody = h("tbody", {});
  const table = h(
    "table",
    { class: "table", id: "users-table" },
    h("caption", { class: "visually-hidden" }, "Accounts"),
    h("thead", {}, h("tr", {}, ...["Email", "Roles", "Status", "Actions"].map((t) => h("th", { scope: "col" }, t)))),
    tbody,
  );
  const more = h("button", { type: "button", class: "button", id: "users-more", "on:click": () => load(true) }, "Load more");
  more.hidden = true;
  const listArea = h("div", { class: "users-list" });
  let loads = 0;

  root.append(
    createForm(),
    passwordSlot,
    h(
      "section",
      { class: "stack", "aria-labelledby": "users-list-heading" },
      h("h2", { id: "users-list-heading" }, "Accounts"),
      h("div", { class: "toolbar" }, formField({ label: "Show", id: "users-role-filter", input: filter })),
      listArea,
      more,
    ),
  );
  load(false);

  async function load(append) {
    const mine = ++loads; // a newer filter wins over an older reply that arrives late
    if (!append) showLoading(listArea, "Loading accounts…");
    more.disabled = true;
    const body = { pageSize: 50 };
    if (state.role) body.role = state.role;
    if (append && state.nextToken) body.pageToken = state.nextToken;
    let reply;
    try {
      reply = await call(IDENTITY, "ListAccounts", body, { signal });
    } catch (error) {
      if (signal.aborted || mine !== loads) return;
      if (append) {
        notify(error.message, "error");
        more.disabled = false;
        return;
      }
      listArea.replaceChildren();
      showError(listArea, error, () => load(false));
      return;
    }
    if (signal.aborted || mine !== loads) return;
    const accounts = reply.accounts ?? [];
    if (!append) tbody.replaceChildren();
    tbody.append(...accounts.map(row));
    state.nextToken = reply.nextPageToken ?? "";
    more.hidden = !state.nextToken;
    more.disabled = false;
    if (tbody.children.length === 0) {
      listArea.replaceChildren(h("p", { class: "muted", id: "users-empty" }, "No accounts with this role."));
    } else {
      listArea.replaceChildren(table);
    }
    // Not a live region (it would read the whole table out): a one-line summary instead.
    const shown = tbody.children.length;
    announce(`${shown} ${shown === 1 ? "account" : "accounts"} shown${state.nextToken ? ", more to load" : ""}.`);
  }

  // MARK: One account

  function row(account) {
    const tr = h("tr", { "data-account-id": account.id });
    fill(tr, account);
    return tr;
  }

  function fill(tr, account) {
    const roles = account.roles ?? [];
    const disabled = Boolean(account.disabled);
    const self = account.email === ownEmail;
    const service = roles.includes("ROLE_SERVICE");
    tr.dataset.disabled = String(disabled);
    const error = h("p", { class: "field-error", id: `account-${account.id}-error`, role: "alert" });
    error.hidden = true;
    const fail = (message) => {
      error.textContent = message;
      error.hidden = false;
    };

    let rolesCell;
    if (service) {
      rolesCell = h("td", { "data-label": "Roles" }, roleLabel("ROLE_SERVICE"), h("span", { class: "muted" }, " (scopes, not roles)"));
    } else {
      const boxes = PERSON_ROLES.map((role) => {
        const id = `account-${account.id}-${role}`;
        const box = h("input", { type: "checkbox", id, "data-role": role, name: role });
        box.checked = roles.includes(role);
        return h("span", { class: "check" }, box, h("label", { for: id }, roleLabel(role)));
      });
      const saveRoles = h(
        "button",
        { type: "button", class: "button", "data-save-roles": "", "on:click": () => onSaveRoles() },
        "Save roles",
      );
      saveRoles.setAttribute("aria-label", `Save roles of ${account.email}`);
      async function onSaveRoles() {
        error.hidden = true;
        const chosen = [...tr.querySelectorAll("input[data-role]")].filter((b) => b.checked).map((b) => b.dataset.role);
        if (chosen.length === 0) return fail("roles: give at least one role");
        saveRoles.disabled = true;
        try {
          const reply = await call(IDENTITY, "SetRoles", { accountId: account.id, roles: chosen }, { signal });
          fill(tr, reply.account ?? account);
          notify(`Roles of ${account.email}: ${(reply.account?.roles ?? chosen).map(roleLabel).join(", ")}.`);
          tr.querySelector("button[data-save-roles]")?.focus();
        } catch (failure) {
          if (signal.aborted) return;
          saveRoles.disabled = false;
          fail(failure.message);
        }
      }
      rolesCell = h(
        "td",
        { "data-label": "Roles" },
        h(
          "fieldset",
          { class: "role-boxes" },
          h("legend", { class: "visually-hidden" }, `Roles of ${account.email}`),
          h("div", { class: "row" }, ...boxes, saveRoles),
        ),
      );
    }

    const toggle = h(
      "button",
      { type: "button", class: disabled ? "button" : "button danger", "data-toggle-disabled": "", "on:click": () => onToggle() },
      disabled ? "Enable" : "Disable",
    );
    toggle.setAttribute("aria-label", `${disabled ? "Enable" : "Disable"} ${account.email}`);
    if (self) {
      toggle.disabled = true;
      toggle.title = "You cannot disable your own account";
    }
    async function onToggle() {
      error.hidden = true;
      const wanted = !disabled;
      const sure = await confirm(
        wanted
          ? `Disable ${account.email}? They are signed out and cannot sign in until an admin enables the account again.`
          : `Enable ${account.email}? They can sign in again.`,
        wanted ? "Disable" : "Enable",
        wanted,
      );
      if (!sure) {
        toggle.focus();
        return;
      }
      toggle.disabled = true;
      try {
        const reply = await call(IDENTITY, "SetAccountDisabled", { accountId: account.id, disabled: wanted }, { signal });
        fill(tr, reply.account ?? { ...account, disabled: wanted });
        notify(`${account.email} is ${wanted ? "disabled" : "enabled"}.`);
        tr.querySelector("button[data-toggle-disabled]")?.focus();
      } catch (failure) {
        if (signal.aborted) return;
        toggle.disabled = false;
        fail(failure.message);
      }
    }

    const status = h(
      "span",
      { class: "badge account-state", "data-account-state": disabled ? "disabled" : "active" },
      disabled ? "Disabled" : "Active",
    );
    tr.replaceChildren(
      h(
        "td",
        { "data-label": "Email" },
        // One element, so the phone's card layout keeps "(you)" beside the email instead of spreading them apart.
        h("span", {}, h("span", { class: "email" }, account.email ?? ""), self ? h("span", { class: "muted" }, " (you)") : null),
      ),
      rolesCell,
      h("td", { "data-label": "Status" }, status),
      h("td", { "data-label": "Actions" }, toggle, error),
    );
  }

  // MARK: Creating an account

  function createForm() {
    const formError = formErrorBox("user-create-error");
    const errors = new FieldErrors(formError);
    const email = h("input", { id: "user-new-email", type: "email", name: "email" });
    email.setAttribute("autocomplete", "off");
    email.required = true;
    const role = h(
      "select",
      { id: "user-new-role", name: "role" },
      ...["ROLE_STAFF", "ROLE_ADMIN", "ROLE_CUSTOMER"].map((r) => h("option", { value: r }, roleLabel(r))),
    );
    role.value = "ROLE_STAFF";
    const create = h("button", { id: "user-create", type: "submit", class: "button primary" }, "Create account");
    const form = h(
      "form",
      { id: "user-create-form", class: "card stack", "aria-labelledby": "user-create-heading", "on:submit": submit },
      h("h2", { id: "user-create-heading" }, "New account"),
      formError,
      h("div", { class: "row" }, errors.field("email", "Email", email), errors.field("roles", "Role", role)),
      h("div", { class: "row" }, create),
    );
    form.noValidate = true;

    async function submit(event) {
      event.preventDefault();
      errors.clear();
      if (email.value.trim() === "") return errors.show("email", "email: enter the person's email address");
      create.disabled = true;
      try {
        const reply = await call(IDENTITY, "CreateAccount", { email: email.value.trim(), roles: [role.value] }, { signal });
        email.value = "";
        showPassword(reply.account?.email ?? "", reply.initialPassword ?? "");
        await load(false);
      } catch (error) {
        if (signal.aborted) return;
        const path = String(error.message ?? "").split(":")[0].trim();
        errors.show(path === "email" ? "email" : path === "roles" ? "roles" : null, error.message);
      } finally {
        create.disabled = false;
      }
    }
    return form;
  }

  function showPassword(accountEmail, password) {
    const value = h("input", { id: "user-initial-password-value", type: "text", value: password });
    value.value = password;
    value.readOnly = true;
    value.setAttribute("autocomplete", "off");
    value.setAttribute("spellcheck", "false");
    value.addEventListener("focus", () => value.select());
    const copied = h("span", { class: "muted", id: "user-copy-result", "aria-live": "polite" });
    const copy = h("button", { type: "button", class: "button primary", id: "user-copy-password", "on:click": onCopy }, "Copy password");
    const done = h(
      "button",
      { type: "button", class: "button", id: "user-password-done", "on:click": () => passwordSlot.replaceChildren() },
      "I have handed it over",
    );
    async function onCopy() {
      try {
        await navigator.clipboard.writeText(password);
        copied.textContent = "Copied.";
      } catch {
        value.focus();
        value.select();
        copied.textContent = document.execCommand?.("copy") ? "Copied." : "Select the text and copy it by hand.";
      }
    }
    const panel = h(
      "section",
      { class: "card stack initial-password", id: "user-initial-password", "aria-labelledby": "user-initial-password-heading" },
      h("h2", { id: "user-initial-password-heading" }, `Account created: ${accountEmail}`),
      h(
        "p",
        { class: "warning", role: "alert" },
        h("strong", {}, "Shown only once. "),
        "Copy this one-time password now and hand it to the person; it will not be shown again. They must choose a new password at their first sign-in.",
      ),
      formField({ label: "One-time password", id: "user-initial-password-value", input: value }),
      h("div", { class: "row" }, copy, copied, done),
    );
    passwordSlot.replaceChildren(panel);
    value.focus();
  }

  return () => {
    controller.abort();
    confirm.close();
  };
}

/// A modal `<dialog>` asking yes or no; resolves true only for the confirm button.
function confirmDialog(root) {
  const message = h("p", { id: "confirm-message" });
  const ok = h("button", { type: "button", class: "button danger", id: "confirm-ok" }, "Confirm");
  const cancel = h("button", { type: "button", class: "button", id: "confirm-cancel" }, "Cancel");
  const dialog = h(
    "dialog",
    { id: "confirm-dialog", class: "confirm-dialog", "aria-labelledby": "confirm-title", "aria-describedby": "confirm-message" },
    h("h2", { id: "confirm-title" }, "Please confirm"),
    message,
    h("div", { class: "row" }, cancel, ok),
  );
  ok.addEventListener("click", () => dialog.close("ok"));
  cancel.addEventListener("click", () => dialog.close("cancel"));
  root.append(dialog);
  const ask = (text, okLabel, dangerous) =>
    new Promise((resolve) => {
      message.textContent = text;
      ok.textContent = okLabel;
      ok.className = dangerous ? "button danger" : "button primary";
      dialog.returnValue = "";
      dialog.addEventListener("close", () => resolve(dialog.returnValue === "ok"), { once: true });
      dialog.showModal();
      cancel.focus();
    });
  ask.close = () => {
    if (dialog.open) dialog.close("cancel");
  };
  return ask;
}
