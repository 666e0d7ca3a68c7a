// An inline SVG line of a series of numbers (null = no sample that minute), labelled for screen
// readers with its last value and its peak.

const NS = "http://www.w3.org/2000/svg";

export function sparkline(values, label) {
  const width = 120, height = 28, pad = 2;
  const svg = document.createElementNS(NS, "svg");
  svg.setAttribute("class", "spark");
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.setAttribute("role", "img");
  const known = values.filter((v) => v !== null && v !== undefined);
  const peak = Math.max(1, ...known);
  const last = known.length ? known[known.length - 1] : null;
  svg.setAttribute("aria-label", known.length ? `${label}: last ${last}, peak ${Math.max(...known)}` : `${label}: no samples yet`);
  const base = document.createElementNS(NS, "line");
  base.setAttribute("x1", 0);
  base.setAttribute("x2", width);
  base.setAttribute("y1", height - pad);
  base.setAttribute("y2", height - pad);
  svg.append(base);
  const step = values.length > 1 ? (width - 2 * pad) / (values.length - 1) : 0;
  const points = [];
  values.forEach((v, i) => {
    if (v === null || v === undefined) return;
    const x = pad + i * step;
    const y = height - pad - (v / peak) * (height - 2 * pad);
    points.push(`${x.toFixed(1)},${y.toFixed(1)}`);
  });
  if (points.length === 1) points.push(points[0]);
  if (points.length) {
    const line = document.createElementNS(NS, "polyline");
    line.setAttribute("points", points.join(" "));
    svg.append(line);
  }
  return svg;
}
