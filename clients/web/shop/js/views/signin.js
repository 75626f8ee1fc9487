// Sign-in for customers: the admin page's form (password, then the two-factor code when the account has one), and
// back to where the shopper was (`next`) once signed in.

import { h } from "../../../js/ui.js";
import { renderSignIn } from "../../../js/views/signin.js";
import { nextHash } from "../account.js";

export async function render(root, ctx, { match }) {
  const next = nextHash(match);
  const form = h("div");
  root.append(form);
  renderSignIn(form, {
    message: "Sign in to fill your cart and pay.",
    onSignedIn: (reply) => ctx.signedIn(reply, next),
  });
  root.append(
    h(
      "p",
      { class: "signin-alternative" },
      "New here? ",
      h("a", { href: `#/signup?${new URLSearchParams({ next })}`, id: "signup-link" }, "Create an account"),
    ),
  );
}
