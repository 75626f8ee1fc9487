// Sign-in (password, then the two-factor code when the account needs one) and the forced new-password form.

import * as api from "../api.js";
import { fieldError, formField, h } from "../ui.js";

function needsCode(error) {
  return error instanceof api.ApiError && error.code === "unauthenticated" && /two-factor code is required/i.test(error.message);
}

function setBusy(button, busy, idleText, busyText) {
  button.disabled = busy;
  button.textContent = busy ? busyText : idleText;
}

/** The sign-in form. `onSignedIn(reply, {email, password})` runs after a successful login. */
export function renderSignIn(root, { onSignedIn, message } = {}) {
  const email = h("input", { type: "email", name: "email", autocomplete: "username", required: true, spellcheck: "false" });
  const password = h("input", { type: "password", name: "password", autocomplete: "current-password", required: true });
  const totp = h("input", {
    type: "text",
    name: "totp",
    inputmode: "numeric",
    autocomplete: "one-time-code",
    pattern: "[0-9 ]*",
    maxlength: "8",
  });
  const totpField = formField({
    label: "Two-factor code",
    id: "signin-totp",
    input: totp,
    hint: "The 6-digit code from your authenticator app.",
  });
  totpField.hidden = true;
  const error = h("div", { id: "signin-error", class: "error-box", role: "alert", hidden: true });
  const info = h("p", { class: "muted", role: "status", id: "signin-info" }, message ?? "");
  const submit = h("button", { id: "signin-submit", class: "button primary wide", type: "submit" }, "Sign in");

  const showFailure = (text) => {
    error.textContent = text;
    error.hidden = false;
  };

  const form = h(
    "form",
    { id: "signin-form", class: "stack", novalidate: true, "aria-labelledby": "signin-title" },
    formField({ label: "Email", id: "signin-email", input: email }),
    formField({ label: "Password", id: "signin-password", input: password }),
    totpField,
    error,
    submit,
  );

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.hidden = true;
    fieldError("signin-email", "");
    fieldError("signin-password", "");
    fieldError("signin-totp", "");
    if (!email.value.trim()) {
      fieldError("signin-email", "Enter your email address.");
      email.focus();
      return;
    }
    if (!password.value) {
      fieldError("signin-password", "Enter your password.");
      password.focus();
      return;
    }
    const code = totp.value.replace(/\s/g, "");
    if (!totpField.hidden && !code) {
      fieldError("signin-totp", "Enter the 6-digit code.");
      totp.focus();
      return;
    }
    setBusy(submit, true, "Sign in", "Signing in…");
    try {
      const credentials = { email: email.value.trim(), password: password.value };
      const reply = await api.signIn({ ...credentials, totpCode: totpField.hidden ? undefined : code });
      await onSignedIn?.(reply, credentials);
    } catch (failure) {
      setBusy(submit, false, "Sign in", "Signing in…");
      if (needsCode(failure) && totpField.hidden) {
        totpField.hidden = false;
        info.textContent = "This account uses two-factor sign-in. Enter the code from your authenticator app.";
        submit.textContent = "Verify code";
        totp.focus();
        return;
      }
      if (!totpField.hidden) submit.textContent = "Verify code";
      if (failure instanceof api.ApiError && failure.code === "unauthenticated") {
        showFailure(
          totpField.hidden
            ? `Sign-in failed: ${failure.message}`
            : `Sign-in failed: ${failure.message}. Check the code and try again.`,
        );
        if (!totpField.hidden) {
          totp.value = "";
          totp.focus();
        } else {
          password.focus();
        }
      } else {
        showFailure(failure?.message ?? String(failure));
      }
    }
  });

  root.replaceChildren(
    h(
      "div",
      { class: "card signin-card stack" },
      h("h1", { id: "signin-title" }, "Sign in to Souk"),
      info,
      form,
    ),
  );
}

/**
 * The "choose a new password" form shown when the account still has a one-time password.
 * `onDone(reply)` receives the new session after signing in with the new password.
 */
export function renderNewPassword(root, { email, currentPassword, onDone, onCancel } = {}) {
  const current = h("input", { type: "password", autocomplete: "current-password", required: true });
  const next = h("input", { type: "password", autocomplete: "new-password", required: true, minlength: "12" });
  const repeat = h("input", { type: "password", autocomplete: "new-password", required: true });
  const currentField = formField({ label: "Current (one-time) password", id: "current-password", input: current });
  if (currentPassword) {
    current.value = currentPassword;
    currentField.hidden = true;
  }
  const error = h("div", { id: "new-password-error", class: "error-box", role: "alert", hidden: true });
  const submit = h("button", { id: "new-password-submit", class: "button primary wide", type: "submit" }, "Save password");
  const cancel = h("button", { class: "button", type: "button", "on:click": () => onCancel?.() }, "Sign out");

  const form = h(
    "form",
    { id: "new-password-form", class: "stack", novalidate: true },
    // For password managers: which account the new password belongs to.
    h("input", { type: "email", name: "username", autocomplete: "username", value: email ?? "", hidden: true, readonly: true }),
    currentField,
    formField({ label: "New password", id: "new-password", input: next, hint: "At least 12 characters; not your email." }),
    formField({ label: "Repeat the new password", id: "new-password-repeat", input: repeat }),
    error,
    h("div", { class: "row" }, submit, cancel),
  );

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.hidden = true;
    for (const id of ["current-password", "new-password", "new-password-repeat"]) fieldError(id, "");
    if (!current.value) {
      currentField.hidden = false;
      fieldError("current-password", "Enter the one-time password you signed in with.");
      current.focus();
      return;
    }
    if (!next.value) {
      fieldError("new-password", "Choose a new password.");
      next.focus();
      return;
    }
    if (repeat.value !== next.value) {
      fieldError("new-password-repeat", "The two passwords differ.");
      repeat.focus();
      return;
    }
    submit.disabled = true;
    submit.textContent = "Saving…";
    try {
      await api.call("souk.identity.v1.IdentityService", "ChangePassword", {
        currentPassword: current.value,
        newPassword: next.value,
      });
    } catch (failure) {
      submit.disabled = false;
      submit.textContent = "Save password";
      const text = failure?.message ?? String(failure);
      if (/^current_password/.test(text)) {
        currentField.hidden = false;
        fieldError("current-password", text);
        current.focus();
      } else if (/^new_password/.test(text)) {
        fieldError("new-password", text);
        next.focus();
      } else {
        error.textContent = text;
        error.hidden = false;
      }
      return;
    }
    // The old session still carries the "change your password" mark: sign in again with the new password.
    try {
      const reply = await api.signIn({ email, password: next.value });
      await onDone?.(reply);
    } catch {
      error.textContent = "Password changed. Please sign in again with the new password.";
      error.hidden = false;
      window.setTimeout(() => onCancel?.(), 1500);
    }
  });

  root.replaceChildren(
    h(
      "div",
      { class: "card signin-card stack" },
      h("h1", {}, "Choose a new password"),
      h("p", {}, `The account ${email || ""} still has a one-time password. Choose your own before going on.`),
      form,
    ),
  );
}
