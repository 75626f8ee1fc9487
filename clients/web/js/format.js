// Money, dates and labels. Money is integer minor units carried as strings and BigInt: never floating point.

/** The currencies Souk supports (SoukMoney.Currency.supported). */
export const CURRENCIES = ["RUB", "USD", "EUR", "GBP", "CNY", "INR", "CHF", "KZT", "BYN", "TRY", "AED", "JPY", "KRW", "KWD", "BHD"];

const fractionCache = new Map();

/** How many decimals `currency` has (2 for RUB and EUR, 0 for JPY), from the browser's currency data. */
export function fractionDigits(currency) {
  if (!fractionCache.has(currency)) {
    let digits = 2;
    try {
      digits = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits;
    } catch {
      // An unknown code: keep two decimals.
    }
    fractionCache.set(currency, digits);
  }
  return fractionCache.get(currency);
}

function decimalSeparator() {
  const part = new Intl.NumberFormat(undefined).formatToParts(1.5).find((p) => p.type === "decimal");
  return part ? part.value : ".";
}

/** Minor units (string, number or BigInt) → BigInt; anything unparsable is 0n. */
export function toMinor(value) {
  try {
    return BigInt(value ?? 0);
  } catch {
    return 0n;
  }
}

/** `{minorUnits:"123450", currency:"RUB"}` → "RUB 1,234.50" / "1 234,50 ₽" in the browser's locale. */
export function formatMoney(money) {
  const currency = money?.currency || "";
  const minor = toMinor(money?.minorUnits);
  if (!currency) return minor.toString();
  const digits = fractionDigits(currency);
  const negative = minor < 0n;
  const absolute = negative ? -minor : minor;
  const scale = 10n ** BigInt(digits);
  const whole = absolute / scale;
  const fraction = (absolute % scale).toString().padStart(digits, "0");
  let parts;
  try {
    parts = new Intl.NumberFormat(undefined, {
      style: "currency",
      currency,
      minimumFractionDigits: 0,
      maximumFractionDigits: 0,
    }).formatToParts(negative ? -whole : whole);
  } catch {
    return `${negative ? "-" : ""}${whole}${digits ? "." + fraction : ""} ${currency}`;
  }
  if (negative && whole === 0n) {
    // -0 loses its sign: put the minus sign in by hand.
    parts.unshift({ type: "minusSign", value: "-" });
  }
  let lastInteger = -1;
  parts.forEach((part, index) => {
    if (part.type === "integer") lastInteger = index;
  });
  const text = parts.map((part, index) => {
    if (index === lastInteger && digits > 0) return part.value + decimalSeparator() + fraction;
    return part.value;
  });
  return text.join("");
}

/**
 * "1234.5" or "1234,50" in `currency` → "123450" (minor units as a string). Throws an Error with a clear message.
 * The same rule as the server's and soukctl's (`Money(parsing:)` in Sources/SoukMoney/Money.swift): digits, at most
 * one decimal separator (. or ,) followed by at least one digit; spaces and ' between digit groups are ignored.
 */
export function parseMoney(text, currency) {
  const digits = fractionDigits(currency);
  const cleaned = String(text ?? "").replace(/[ \u00a0\u202f']/g, "");
  if (cleaned === "") throw new Error("Enter an amount, e.g. 1250" + (digits ? ".00" : ""));
  const match = /^(\d+)(?:[.,](\d+))?$/.exec(cleaned);
  if (!match) throw new Error("Use digits and at most one decimal separator, e.g. 1250" + (digits ? ".50" : ""));
  const fraction = match[2] ?? "";
  if (fraction.length > digits) {
    throw new Error(`${currency} amounts have at most ${digits} decimals`);
  }
  const minor = BigInt(match[1]) * 10n ** BigInt(digits) + BigInt(fraction.padEnd(digits, "0") || "0");
  return minor.toString();
}

/** Adds money amounts given as minor-unit strings; returns a string. */
export function addMinor(...values) {
  return values.reduce((sum, value) => sum + toMinor(value), 0n).toString();
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

/** Unix milliseconds (number or int64 string) → local date and time text; "" for 0 or nothing. */
export function formatDateTime(unixMs) {
  const ms = Number(unixMs ?? 0);
  if (!Number.isFinite(ms) || ms <= 0) return "";
  return dateTime.format(new Date(ms));
}

/** The machine-readable form for a `<time datetime>` attribute. */
export function isoDateTime(unixMs) {
  const ms = Number(unixMs ?? 0);
  if (!Number.isFinite(ms) || ms <= 0) return "";
  return new Date(ms).toISOString();
}

function humanize(name, prefix) {
  if (!name) return "";
  const rest = String(name).startsWith(prefix) ? String(name).slice(prefix.length) : String(name);
  const words = rest.toLowerCase().replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** "ORDER_STATUS_PENDING_PAYMENT" → "Pending payment". */
export function statusLabel(status) {
  if (!status || status === "ORDER_STATUS_UNSPECIFIED") return "—";
  return humanize(status, "ORDER_STATUS_");
}

/** "PAYMENT_STATUS_REQUIRES_ACTION" → "Requires action". */
export function paymentStatusLabel(status) {
  if (!status || status === "PAYMENT_STATUS_UNSPECIFIED") return "—";
  return humanize(status, "PAYMENT_STATUS_");
}

/** "ROLE_ADMIN" → "Admin". */
export function roleLabel(role) {
  return humanize(role, "ROLE_");
}

/** An order's short number as shown to people: "#1042" (falls back to the id's first characters). */
export function orderLabel(order) {
  if (order?.number && order.number !== "0") return `#${order.number}`;
  return order?.id ? `#${String(order.id).slice(0, 8)}` : "#?";
}
