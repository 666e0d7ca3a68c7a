// Small formatting and DOM functions shared by the views. Text always goes in through textContent,
// never as HTML: message bodies and log lines are whatever a user sent.

export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

export function count(n) {
  return Number(n ?? 0).toLocaleString("en");
}

// 75 -> "1m 15s"; null -> "—".
export function age(seconds) {
  if (seconds === null || seconds === undefined) return "—";
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86400)}d ${Math.floor((s % 86400) / 3600)}h`;
}

export function time(ms) {
  if (!ms) return "—";
  return new Date(ms).toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z");
}

export function badge(state) {
  return h("span", { class: `badge state-${state}` }, state);
}

// A table with a caption, column headers (scope=col) and rows of cells (the first a row header);
// a column's class (num, hide-narrow) goes to its cells too.
export function table(caption, columns, rows, empty = "None yet.") {
  if (rows.length === 0) return h("p", { class: "muted" }, empty);
  const head = h("tr", {}, columns.map((c) => h("th", { scope: "col", class: c.class }, c.label)));
  const body = rows.map((cells) =>
    h("tr", {}, cells.map((cell, i) => h(i === 0 ? "th" : "td", i === 0 ? { scope: "row" } : { class: columns[i].class }, cell))));
  return h("div", { class: "table-wrap" }, h("table", {}, h("caption", {}, caption), h("thead", {}, head), h("tbody", {}, body)));
}

// The name after the last ':' of an ARN.
export function lastField(arn) {
  return String(arn ?? "").split(":").pop();
}
