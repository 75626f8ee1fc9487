// The customer's account as the storefront uses it: where to go after signing in, the profile (preferred currency
// and saved addresses) and the identity calls behind them.

import * as api from "../../js/api.js";

const IDENTITY = "souk.identity.v1.IdentityService";

/** The `next` route in a sign-in or sign-up hash's query, when it is one of the shop's own routes. */
export function nextHash(queryString) {
  const next = new URLSearchParams(queryString ?? "").get("next") ?? "";
  return next.startsWith("#/") && !next.startsWith("#/signin") && !next.startsWith("#/signup") ? next : "#/";
}

/** The signed-in customer's account: email, profile fields and saved addresses. */
export async function myAccount(options) {
  const reply = await api.call(IDENTITY, "GetMyAccount", {}, options);
  return reply.account ?? {};
}

/** Saves `address` first among the account's addresses (an identical one moves to the front), keeping the rest. */
export async function saveAddress(account, address) {
  const same = (other) =>
    ["recipient", "line1", "line2", "city", "region", "postalCode", "country", "phone"].every(
      (key) => (other?.[key] ?? "") === (address[key] ?? ""),
    );
  const addresses = [address, ...(account.addresses ?? []).filter((other) => !same(other))].slice(0, 10);
  const profile = {
    displayName: account.displayName ?? "",
    phone: account.phone ?? "",
    addresses,
    preferredCurrency: account.preferredCurrency ?? "",
    locale: account.locale ?? "",
  };
  const reply = await api.call(IDENTITY, "UpdateMyProfile", { profile });
  return reply.account ?? account;
}

/** Creates a customer account (public), then signs in with it: the bridge's session reply. */
export async function signUp({ email, password, displayName }) {
  await api.call(IDENTITY, "SignUp", { email, password, profile: { displayName } });
  return api.signIn({ email, password });
}
