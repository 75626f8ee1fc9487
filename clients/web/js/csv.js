// CSV files made in the page (RFC 4180): a header line, CRLF line ends, a field quoted when it holds a comma, a
// quote, a line break or a leading/trailing space, quotes doubled. Amounts are decimal strings made from the integer
// minor units and the currency's exponent, never from a floating-point number.

import { fractionDigits, toMinor } from "./format.js";

/** One field as RFC 4180 wants it. */
export function csvField(value) {
  const text = value === null || value === undefined ? "" : String(value);
  if (/[",\r\n]/.test(text) || text !== text.trim()) return `"${text.replace(/"/g, '""')}"`;
  return text;
}

/** `header` (names) and `rows` (arrays of values) → the file's text, each line ended by CRLF. */
export function csvText(header, rows) {
  return [header, ...rows].map((row) => row.map(csvField).join(",") + "\r\n").join("");
}

/** Minor units (string, number or BigInt) in `currency` → "1234.50", "-0.05", "1200" (JPY): no grouping, a dot. */
export function decimalString(minorUnits, currency) {
  const digits = fractionDigits(currency);
  const minor = toMinor(minorUnits);
  const negative = minor < 0n;
  const absolute = negative ? -minor : minor;
  const scale = 10n ** BigInt(digits);
  const whole = (absolute / scale).toString();
  const fraction = digits > 0 ? "." + (absolute % scale).toString().padStart(digits, "0") : "";
  return `${negative ? "-" : ""}${whole}${fraction}`;
}

/**
 * A link that downloads `text` as `fileName` (text/csv). The object URL is kept until `revoke()` (the view calls
 * it when it reloads or closes), so the link keeps working as long as it is shown.
 */
export function csvLink({ id, label, fileName, text }) {
  const url = URL.createObjectURL(new Blob([text], { type: "text/csv;charset=utf-8" }));
  const link = document.createElement("a");
  link.id = id;
  link.className = "button small";
  link.href = url;
  link.download = fileName;
  link.textContent = label;
  return { link, revoke: () => URL.revokeObjectURL(url) };
}
