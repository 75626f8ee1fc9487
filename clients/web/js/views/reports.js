// #/reports (staff and admins): sales per period as an SVG bar chart with its table beside it, the order funnel and
// the top products, over a date range in a time zone, grouped by day, week or month, optionally in one currency;
// each report downloads as CSV made here from the same answers. Money stays integer minor units (BigInt) all the
// way: the chart's bars, the tables and the CSV's decimal strings are made from them and the currency's exponent.

import { call } from "../api.js";
import { barChart } from "../chart.js";
import { csvLink, csvText, decimalString } from "../csv.js";
import { CURRENCIES, formatMoney, toMinor } from "../format.js";
import { announce, fieldError, formField, h, showError, showLoading } from "../ui.js";

const REPORTING = "souk.reporting.v1.ReportingService";
const GROUPINGS = [
  { value: "REPORT_GROUPING_DAY", key: "day", label: "Day" },
  { value: "REPORT_GROUPING_WEEK", key: "week", label: "Week (from Monday)" },
  { value: "REPORT_GROUPING_MONTH", key: "month", label: "Month" },
];
/** The request fields the service names in its refusals, and the inputs they belong to. */
const FIELDS = { from: "reports-from", to: "reports-to", time_zone: "reports-tz", grouping: "reports-grouping", currency: "reports-currency" };
const FUNNEL_STAGES = ["placed", "paid", "packed", "shipped", "delivered"];
const NOW_COUNTS = [
  ["pendingPaymentNow", "Pending now"],
  ["cancelledNow", "Cancelled now"],
  ["refundedNow", "Refunded now"],
];

/** Today's date in the browser's time zone as YYYY-MM-DD. */
function localDay(date) {
  const pad = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

function parseDay(text) {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text ?? "");
  return match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : null;
}

function dayText(date) {
  return date.toISOString().slice(0, 10);
}

/**
 * Every period's first day from `from` to `to` (YYYY-MM-DD) for `grouping` ("day", "week" from Monday, "month"),
 * as the service names periods: a week or month may start before `from`. Calendar arithmetic only (UTC dates), so
 * the time zone plays no part.
 */
export function periodStarts(from, to, grouping) {
  const first = parseDay(from);
  const last = parseDay(to);
  if (!first || !last || last < first) return [];
  const cursor = new Date(first);
  if (grouping === "week") cursor.setUTCDate(cursor.getUTCDate() - ((cursor.getUTCDay() + 6) % 7));
  if (grouping === "month") cursor.setUTCDate(1);
  const starts = [];
  while (cursor <= last && starts.length < 2000) {
    starts.push(dayText(cursor));
    if (grouping === "month") cursor.setUTCMonth(cursor.getUTCMonth() + 1);
    else cursor.setUTCDate(cursor.getUTCDate() + (grouping === "week" ? 7 : 1));
  }
  return starts;
}

/** "1/6 (16.7 %)" for an exact fraction; "—" for 0/0. The percentage is for reading only. */
export function rateText(fraction) {
  const numerator = toMinor(fraction?.numerator);
  const denominator = toMinor(fraction?.denominator);
  if (denominator === 0n) return "—";
  const tenths = (numerator * 1000n + denominator / 2n) / denominator;
  return `${numerator}/${denominator} (${tenths / 10n}.${tenths % 10n} %)`;
}

function capitalized(word) {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

function count(value) {
  return toMinor(value).toString();
}

function money(value) {
  return formatMoney({ minorUnits: value?.minorUnits ?? "0", currency: value?.currency ?? "" });
}

function numberCell(label, text, attrs = {}) {
  return h("td", { class: "number", "data-label": label, ...attrs }, text);
}

function moneyCell(label, value) {
  return numberCell(label, money(value), { "data-minor-units": toMinor(value?.minorUnits).toString() });
}

function table(id, caption, headers, rows, footer) {
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      { class: "table report-table", id },
      h("caption", { class: "visually-hidden" }, caption),
      h("thead", {}, h("tr", {}, headers.map(([text, numeric]) => h("th", { scope: "col", class: numeric ? "number" : null }, text)))),
      h("tbody", {}, rows),
      footer ? h("tfoot", {}, footer) : null,
    ),
  );
}

function emptyLine(text) {
  return h("p", { class: "muted report-empty" }, text);
}

export async function render(root, ctx) {
  root.append(h("h1", {}, "Reports"));
  if (!ctx.isStaff) {
    root.append(h("div", { class: "card", role: "status", id: "reports-staff-only" }, h("p", {}, "Reports are for staff and admins.")));
    return undefined;
  }
  const controller = new AbortController();
  const { signal } = controller;
  let revokers = [];
  const revokeAll = () => {
    revokers.forEach((revoke) => revoke());
    revokers = [];
  };

  const today = new Date();
  const monthAgo = new Date(today);
  monthAgo.setDate(monthAgo.getDate() - 29);
  const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  const from = h("input", { type: "date", name: "from", required: true, value: localDay(monthAgo) });
  const to = h("input", { type: "date", name: "to", required: true, value: localDay(today) });
  const zone = h("input", { type: "text", name: "time_zone", required: true, list: "reports-tz-list", value: browserZone, autocomplete: "off", spellcheck: "false" });
  const zones = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  const grouping = h("select", { name: "grouping" }, GROUPINGS.map((g) => h("option", { value: g.value }, g.label)));
  const currency = h(
    "select",
    { name: "currency" },
    h("option", { value: "" }, "Every currency"),
    CURRENCIES.map((code) => h("option", { value: code }, code)),
  );
  const show = h("button", { class: "button primary", type: "submit", id: "reports-show" }, "Show reports");
  const form = h(
    "form",
    { class: "card stack", id: "reports-form", novalidate: true, "aria-label": "Report settings" },
    h(
      "div",
      { class: "row report-fields" },
      formField({ label: "From", id: FIELDS.from, input: from }),
      formField({ label: "To", id: FIELDS.to, input: to }),
      formField({ label: "Time zone", id: FIELDS.time_zone, input: zone, hint: "IANA name, e.g. Europe/Berlin" }),
      formField({ label: "Group by", id: FIELDS.grouping, input: grouping }),
      formField({ label: "Currency", id: FIELDS.currency, input: currency }),
    ),
    h("datalist", { id: "reports-tz-list" }, zones.map((name) => h("option", { value: name }))),
    h("p", { class: "form-error", id: "reports-form-error", role: "alert", hidden: true }),
    h("div", { class: "row" }, show),
  );
  // Not a live region: the tables are long. A short announcement says when new figures are shown.
  const results = h("div", { class: "stack", id: "reports-results" });
  root.append(form, results);

  const formError = form.querySelector("#reports-form-error");
  const clearErrors = () => {
    Object.values(FIELDS).forEach((id) => fieldError(id, ""));
    formError.hidden = true;
    formError.textContent = "";
  };

  /** Shows a refusal under the field it names ("time_zone: …"), else above the form. */
  const showRefusal = (error) => {
    const field = String(error?.message ?? "").split(":")[0].trim();
    if (error?.code === "invalid_argument" && FIELDS[field]) {
      fieldError(FIELDS[field], error.message);
      document.getElementById(FIELDS[field])?.focus();
      return true;
    }
    return false;
  };

  const load = async () => {
    clearErrors();
    const settings = {
      from: from.value,
      to: to.value,
      timeZone: zone.value.trim(),
      grouping: grouping.value,
      currency: currency.value,
    };
    if (!settings.from) return fieldError(FIELDS.from, "from: choose the first day");
    if (!settings.to) return fieldError(FIELDS.to, "to: choose the last day");
    if (!settings.timeZone) return fieldError(FIELDS.time_zone, "time_zone: enter a time zone, e.g. Europe/Berlin");
    revokeAll();
    results.setAttribute("aria-busy", "true");
    showLoading(results, "Loading reports…");
    show.disabled = true;
    try {
      const [sales, funnel, top] = await Promise.all([
        call(REPORTING, "SalesReport", settings, { signal }),
        call(REPORTING, "OrderFunnel", settings, { signal }),
        call(REPORTING, "TopProducts", { ...settings, limit: 10 }, { signal }),
      ]);
      if (signal.aborted) return;
      draw(settings, sales, funnel, top);
    } catch (error) {
      if (signal.aborted) return;
      if (showRefusal(error)) results.replaceChildren();
      else showError(results, error, load);
    } finally {
      results.setAttribute("aria-busy", "false");
      show.disabled = false;
    }
  };

  const draw = (settings, sales, funnel, top) => {
    const key = GROUPINGS.find((g) => g.value === settings.grouping)?.key ?? "day";
    const stem = `${settings.from}_to_${settings.to}_${key}${settings.currency ? "_" + settings.currency : ""}`;
    const download = (id, label, name, header, rows) => {
      const made = csvLink({ id, label, fileName: `souk-${name}_${stem}.csv`, text: csvText(header, rows) });
      revokers.push(made.revoke);
      return made.link;
    };
    results.replaceChildren(
      salesSection(settings, key, sales, download),
      funnelSection(funnel, download),
      topSection(top, download),
    );
    announce(`Reports shown for ${settings.from} to ${settings.to}.`);
  };

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    load();
  });
  await load();
  return () => {
    controller.abort();
    revokeAll();
  };
}

function sectionHeader(id, title, link) {
  return h("div", { class: "view-header" }, h("h2", { id }, title), link);
}

function salesSection(settings, key, sales, download) {
  const periods = sales.periods ?? [];
  const totals = sales.totals ?? [];
  const currencies = [...new Set([...totals, ...periods].map((p) => p.currency))].filter(Boolean).sort();
  const header = ["period_start", "currency", "orders", "revenue", "units", "average_order_value", "refunded_orders", "refunded", "cancelled_orders", "cancelled"];
  const csvRow = (p) => [
    p.periodStart ?? "",
    p.currency ?? "",
    count(p.orders),
    decimalString(p.revenue?.minorUnits, p.currency),
    count(p.units),
    decimalString(p.averageOrderValue?.minorUnits, p.currency),
    count(p.refundedOrders),
    decimalString(p.refunded?.minorUnits, p.currency),
    count(p.cancelledOrders),
    decimalString(p.cancelled?.minorUnits, p.currency),
  ];
  const link = download("reports-sales-csv", "Download sales CSV", "sales", header, periods.map(csvRow));
  const section = h("section", { class: "card stack", "aria-labelledby": "reports-sales-title", id: "reports-sales" }, sectionHeader("reports-sales-title", "Sales", link));
  if (currencies.length === 0) {
    section.append(emptyLine("No orders in this range."));
    return section;
  }
  section.append(h("p", { class: "muted" }, "Paid, packed, shipped and delivered orders by the day they were placed. Currencies are never added together."));
  const starts = periodStarts(settings.from, settings.to, key);
  const columns = [["Period"], ["Orders", true], ["Revenue", true], ["Units", true], ["Average order", true], ["Refunded", true], ["Cancelled", true]];
  for (const code of currencies) {
    const rows = periods.filter((p) => p.currency === code);
    const byStart = new Map(rows.map((p) => [p.periodStart, p]));
    // Every period of the range gets a bar, a period without orders a bar of zero.
    const bars = [...new Set([...starts, ...byStart.keys()])].sort().map((start) => {
      const revenue = byStart.get(start)?.revenue ?? { minorUnits: "0", currency: code };
      return { label: start, value: toMinor(revenue.minorUnits), text: formatMoney({ minorUnits: revenue.minorUnits ?? "0", currency: code }) };
    });
    const total = totals.find((t) => t.currency === code);
    const line = (p, cell) => [
      numberCell("Orders", count(p.orders)),
      moneyCell("Revenue", p.revenue ?? { currency: code }),
      numberCell("Units", count(p.units)),
      moneyCell("Average order", p.averageOrderValue ?? { currency: code }),
      cell("Refunded", `${count(p.refundedOrders)} · ${money(p.refunded ?? { currency: code })}`),
      cell("Cancelled", `${count(p.cancelledOrders)} · ${money(p.cancelled ?? { currency: code })}`),
    ];
    section.append(
      h(
        "div",
        { class: "report-currency stack", "data-currency": code },
        h("h3", {}, `Revenue in ${code}`),
        h(
          "div",
          { class: "chart-and-table" },
          h(
            "figure",
            { class: "chart" },
            barChart({
              id: `reports-sales-chart-${code}`,
              title: `Revenue in ${code} per ${key}, ${settings.from} to ${settings.to}`,
              description: bars.map((bar) => `${bar.label}: ${bar.text}`).join("; "),
              bars,
              formatTick: (value) => formatMoney({ minorUnits: value.toString(), currency: code }),
            }),
          ),
          table(
            `reports-sales-table-${code}`,
            `Sales in ${code} per period`,
            columns,
            rows.map((p) => h("tr", { "data-period": p.periodStart }, h("th", { scope: "row", "data-label": "Period" }, p.periodStart), line(p, numberCell))),
            total ? h("tr", {}, h("th", { scope: "row" }, "Total"), line(total, numberCell)) : null,
          ),
        ),
      ),
    );
  }
  return section;
}

function funnelSection(funnel, download) {
  const periods = funnel.periods ?? [];
  const header = ["period_start", ...FUNNEL_STAGES, "pending_payment_now", "paid_now", "packed_now", "shipped_now", "delivered_now", "cancelled_now", "refunded_now", "cancellation_rate", "refund_rate"];
  const fraction = (f) => `${count(f?.numerator)}/${count(f?.denominator)}`;
  const csvRow = (p) => [
    p.periodStart ?? "",
    ...FUNNEL_STAGES.map((stage) => count(p[stage])),
    ...["pendingPaymentNow", "paidNow", "packedNow", "shippedNow", "deliveredNow", "cancelledNow", "refundedNow"].map((name) => count(p[name])),
    fraction(p.cancellationRate),
    fraction(p.refundRate),
  ];
  const link = download("reports-funnel-csv", "Download funnel CSV", "funnel", header, periods.map(csvRow));
  const section = h("section", { class: "card stack", "aria-labelledby": "reports-funnel-title", id: "reports-funnel" }, sectionHeader("reports-funnel-title", "Order funnel", link));
  if (periods.length === 0) {
    section.append(emptyLine("No orders in this range."));
    return section;
  }
  section.append(h("p", { class: "muted" }, "Orders placed in each period and how far they went; a stage counts the orders at it or past it now."));
  const cells = (p) => [
    ...FUNNEL_STAGES.map((stage) => numberCell(capitalized(stage), count(p[stage]), { "data-stage": stage })),
    ...NOW_COUNTS.map(([name, label]) => numberCell(label, count(p[name]))),
    numberCell("Cancellation rate", rateText(p.cancellationRate)),
    numberCell("Refund rate", rateText(p.refundRate)),
  ];
  const columns = [["Period"], ...FUNNEL_STAGES.map((stage) => [capitalized(stage), true]), ...NOW_COUNTS.map(([, label]) => [label, true]), ["Cancellation rate", true], ["Refund rate", true]];
  section.append(
    table(
      "reports-funnel-table",
      "Order funnel per period",
      columns,
      periods.map((p) => h("tr", { "data-period": p.periodStart }, h("th", { scope: "row", "data-label": "Period" }, p.periodStart), cells(p))),
      funnel.total ? h("tr", {}, h("th", { scope: "row" }, "Total"), cells(funnel.total)) : null,
    ),
  );
  return section;
}

function topSection(top, download) {
  const byRevenue = top.byRevenue ?? [];
  const byUnits = top.byUnits ?? [];
  const header = ["ranking", "period_start", "rank", "sku", "currency", "revenue", "units", "orders"];
  const rows = [
    ...byRevenue.map((p) => ["revenue", p.periodStart ?? "", String(p.rank ?? 0), p.sku ?? "", p.revenue?.currency ?? "", decimalString(p.revenue?.minorUnits, p.revenue?.currency ?? ""), count(p.units), count(p.orders)]),
    ...byUnits.map((p) => ["units", p.periodStart ?? "", String(p.rank ?? 0), p.sku ?? "", "", "", count(p.units), count(p.orders)]),
  ];
  const link = download("reports-top-csv", "Download top products CSV", "top-products", header, rows);
  const section = h("section", { class: "card stack", "aria-labelledby": "reports-top-title", id: "reports-top" }, sectionHeader("reports-top-title", "Top products", link));
  if (byRevenue.length === 0 && byUnits.length === 0) {
    section.append(emptyLine("No products sold in this range."));
    return section;
  }
  const row = (p, withRevenue) =>
    h(
      "tr",
      { "data-period": p.periodStart, "data-sku": p.sku },
      h("th", { scope: "row", "data-label": "Period" }, p.periodStart),
      numberCell("Rank", String(p.rank ?? 0)),
      h("td", { "data-label": "SKU" }, p.sku ?? ""),
      withRevenue ? moneyCell("Revenue", p.revenue) : null,
      numberCell("Units", count(p.units)),
      numberCell("Orders", count(p.orders)),
    );
  section.append(
    h("h3", {}, "By revenue"),
    table("reports-top-revenue", "Top products by revenue", [["Period"], ["Rank", true], ["SKU"], ["Revenue", true], ["Units", true], ["Orders", true]], byRevenue.map((p) => row(p, true))),
    h("h3", {}, "By units"),
    table("reports-top-units", "Top products by units", [["Period"], ["Rank", true], ["SKU"], ["Units", true], ["Orders", true]], byUnits.map((p) => row(p, false))),
  );
  return section;
}
