// The customer's account: name, phone and preferred currency, and the saved addresses checkout offers.

import * as api from "../../../js/api.js";
import { announce, errorText, fieldError, formField, h } from "../../../js/ui.js";
import { myAccount } from "../account.js";
import { SHOP_CURRENCIES, chooseCurrency } from "../currency.js";

const IDENTITY = "souk.identity.v1.IdentityService";

function addressText(address) {
  return [address.recipient, address.line1, address.line2, address.city, address.region, address.postalCode, address.country]
    .filter(Boolean)
    .join(", ");
}

export async function render(root, ctx, { signal }) {
  let account = await myAccount({ signal });
  const name = h("input", { type: "text", autocomplete: "name", maxlength: "100", value: account.displayName ?? "" });
  const phone = h("input", { type: "tel", autocomplete: "tel", maxlength: "40", value: account.phone ?? "" });
  const currency = h(
    "select",
    {},
    h("option", { value: "" }, "No preference"),
    SHOP_CURRENCIES.map((code) => h("option", { value: code, selected: code === account.preferredCurrency }, code)),
  );
  const error = h("div", { class: "error-box", role: "alert", id: "profile-error", hidden: true });
  const addresses = h("ul", { class: "summary-lines", id: "saved-addresses" });
  const save = h("button", { class: "button primary", type: "submit", id: "save-profile" }, "Save");
  const form = h(
    "form",
    { class: "stack card", id: "profile-form", novalidate: true, "aria-labelledby": "profile-heading" },
    h("h2", { id: "profile-heading" }, "Profile"),
    h("p", { class: "muted", id: "account-email" }, account.email ?? ""),
    formField({ label: "Your name", id: "profile-name", input: name }),
    formField({ label: "Phone", id: "profile-phone", input: phone }),
    formField({ label: "Preferred currency", id: "profile-currency", input: currency, hint: "The shop shows prices in it when you sign in." }),
    h("h2", { id: "addresses-heading" }, "Saved addresses"),
    addresses,
    error,
    save,
  );
  root.append(h("h1", {}, "My account"), form);

  let kept = [...(account.addresses ?? [])];
  const showAddresses = () => {
    if (kept.length === 0) {
      addresses.replaceChildren(h("li", { class: "muted", id: "no-addresses" }, "None yet: checkout saves the address you deliver to."));
      return;
    }
    addresses.replaceChildren(
      ...kept.map((address, index) =>
        h(
          "li",
          { "data-address-index": String(index) },
          h("span", {}, addressText(address)),
          h(
            "button",
            {
              class: "button",
              type: "button",
              "aria-label": `Remove ${addressText(address)}`,
              "on:click": () => {
                kept = kept.filter((_, other) => other !== index);
                showAddresses();
              },
            },
            "Remove",
          ),
        ),
      ),
    );
  };
  showAddresses();

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.hidden = true;
    for (const id of ["profile-name", "profile-phone", "profile-currency"]) fieldError(id, "");
    save.disabled = true;
    try {
      const reply = await api.call(IDENTITY, "UpdateMyProfile", {
        profile: {
          displayName: name.value.trim(),
          phone: phone.value.trim(),
          addresses: kept,
          preferredCurrency: currency.value,
          locale: account.locale ?? "",
        },
      });
      account = reply.account ?? account;
      kept = [...(account.addresses ?? [])];
      showAddresses();
      if (currency.value) {
        chooseCurrency(currency.value);
        document.getElementById("currency").value = currency.value;
      }
      announce("Profile saved.");
      save.textContent = "Saved";
      window.setTimeout(() => {
        save.textContent = "Save";
      }, 2000);
    } catch (failure) {
      const message = errorText(failure);
      const field = /^profile\.display_name/.test(message)
        ? "profile-name"
        : /^profile\.phone/.test(message)
          ? "profile-phone"
          : /^profile\.preferred_currency/.test(message)
            ? "profile-currency"
            : null;
      if (field) fieldError(field, message);
      else {
        error.textContent = message;
        error.hidden = false;
      }
    } finally {
      save.disabled = false;
    }
  });
}
