// A small SVG bar chart drawn by the page itself (no chart library): one bar per period, an axis with labels,
// a <title> and <desc> for screen readers and a <title> on each bar. Values are BigInt minor units; only the pixel
// geometry is computed in floating point, never an amount.

const SVG = "http://www.w3.org/2000/svg";
const WIDTH = 640;
const HEIGHT = 260;
// Room for the axis labels at a phone's larger type (views.css raises it to 16 units below 600 px).
const MARGIN = { top: 12, right: 44, bottom: 44, left: 140 };
const LABEL_SPACING = 100;
const TICKS = 4;

function svg(tag, attrs = {}, ...children) {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value !== null && value !== undefined) element.setAttribute(name, String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    element.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

/** `part / whole` as a number in 0…1, from BigInts (exact enough for pixels: four decimals). */
function share(part, whole) {
  if (whole <= 0n) return 0;
  return Number((part * 10000n) / whole) / 10000;
}

/**
 * An `<svg role="img">` bar chart.
 *
 * - `id`: the chart's id (its title and desc get `-title` and `-desc`).
 * - `title`, `description`: what it shows, read by screen readers.
 * - `bars`: `[{label, value (BigInt, ≥ 0), text}]`, in order; `text` is the value as people read it.
 * - `formatTick(BigInt)`: an axis label.
 */
export function barChart({ id, title, description, bars, formatTick }) {
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const max = bars.reduce((m, bar) => (bar.value > m ? bar.value : m), 0n);
  const chart = svg(
    "svg",
    {
      id,
      class: "bar-chart",
      viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
      role: "img",
      "aria-labelledby": `${id}-title ${id}-desc`,
      preserveAspectRatio: "xMidYMid meet",
    },
    svg("title", { id: `${id}-title` }, title),
    svg("desc", { id: `${id}-desc` }, description),
  );
  const axis = svg("g", { class: "chart-axis", "aria-hidden": "true" });
  for (let tick = 0; tick <= TICKS; tick++) {
    // Tick values are exact: max × tick / TICKS in integer division.
    const value = (max * BigInt(tick)) / BigInt(TICKS);
    const y = MARGIN.top + plotHeight - (plotHeight * tick) / TICKS;
    axis.append(
      svg("line", { x1: MARGIN.left, x2: WIDTH - MARGIN.right, y1: y, y2: y, class: tick === 0 ? "chart-baseline" : "chart-grid" }),
      svg("text", { x: MARGIN.left - 6, y: y + 4, "text-anchor": "end", class: "chart-tick" }, formatTick(value)),
    );
    if (max === 0n) break;
  }
  chart.append(axis);
  const slot = bars.length > 0 ? plotWidth / bars.length : plotWidth;
  const barWidth = Math.max(1, Math.min(48, slot * 0.7));
  // Thin the period labels so they never overlap.
  const every = Math.max(1, Math.ceil((bars.length * LABEL_SPACING) / plotWidth));
  const group = svg("g", { class: "chart-bars" });
  bars.forEach((bar, index) => {
    const height = plotHeight * share(bar.value, max);
    const x = MARGIN.left + slot * index + (slot - barWidth) / 2;
    group.append(
      svg(
        "rect",
        {
          class: "chart-bar",
          x: x.toFixed(2),
          y: (MARGIN.top + plotHeight - height).toFixed(2),
          width: barWidth.toFixed(2),
          height: height.toFixed(2),
          "data-period": bar.label,
          "data-value": bar.value.toString(),
        },
        svg("title", {}, `${bar.label}: ${bar.text}`),
      ),
    );
    if (index % every === 0) {
      group.append(
        svg(
          "text",
          { x: (x + barWidth / 2).toFixed(2), y: HEIGHT - MARGIN.bottom + 22, "text-anchor": "middle", class: "chart-label", "aria-hidden": "true" },
          bar.label,
        ),
      );
    }
  });
  chart.append(group);
  return chart;
}
