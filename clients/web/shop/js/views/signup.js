// A new customer's account: email, name and password, then signed in at once and back to `next`.

import * as api from "../../../js/api.js";
import { fieldError, formField, h } from "../../../js/ui.js";
import { nextHash, signUp } from "../account.js";

/** The field a refusal names (the service's messages start with it), for the error under that field. */
function fieldOf(message) {
  if (/^email/i.test(message)) return "signup-email";
  if (/^password/i.test(message)) return "signup-password";
  if (/^profile\.display_name/i.test(message)) return "signup-name";
  return null;
}

export async function render(root, ctx, { match }) {
  const next = nextHash(match);
  const email = h("input", { type: "email", name: "email", autocomplete: "email", required: true, spellcheck: "false" });
  const name = h("input", { type: "text", name: "name", autocomplete: "name", maxlength: "100" });
  const password = h("input", { type: "password", name: "password", autocomplete: "new-password", required: true });
  const error = h("div", { id: "signup-error", class: "error-box", role: "alert", hidden: true });
  const submit = h("button", { id: "signup-submit", class: "button primary wide", type: "submit" }, "Create account");
  const form = h(
    "form",
    { id: "signup-form", class: "stack", novalidate: true, "aria-labelledby": "signup-title" },
    formField({ label: "Email", id: "signup-email", input: email }),
    formField({ label: "Your name", id: "signup-name", input: name, hint: "For the courier and your receipts." }),
    formField({
      label: "Password",
      id: "signup-password",
      input: password,
      hint: "At least 12 characters; not your email.",
    }),
    error,
    submit,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.hidden = true;
    for (const id of ["signup-email", "signup-name", "signup-password"]) fieldError(id, "");
    if (!email.value.trim()) {
      fieldError("signup-email", "Enter your email address.");
      email.focus();
      return;
    }
    if (!password.value) {
      fieldError("signup-password", "Choose a password.");
      password.focus();
      return;
    }
    submit.disabled = true;
    submit.textContent = "Creating…";
    try {
      const reply = await signUp({ email: email.value.trim(), password: password.value, displayName: name.value.trim() });
      await ctx.signedIn(reply, next);
    } catch (failure) {
      submit.disabled = false;
      submit.textContent = "Create account";
      const message = failure?.message ?? String(failure);
      const field = failure instanceof api.ApiError ? fieldOf(message) : null;
      if (failure instanceof api.ApiError && failure.code === "already_exists") {
        fieldError("signup-email", `${message}. Sign in instead, or use another address.`);
        email.focus();
      } else if (field) {
        fieldError(field, message);
        document.getElementById(field)?.focus();
      } else {
        error.textContent = message;
        error.hidden = false;
      }
    }
  });
  root.append(
    h(
      "div",
      { class: "card signin-card stack" },
      h("h1", { id: "signup-title" }, "Create an account"),
      form,
      h(
        "p",
        {},
        "Already have one? ",
        h("a", { href: `#/signin?${new URLSearchParams({ next })}` }, "Sign in"),
      ),
    ),
  );
}
