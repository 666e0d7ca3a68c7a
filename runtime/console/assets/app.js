// The console's entry point: a hash router over the views (views.js) and the poll that keeps the
// current view live. Polling stops while the tab is hidden and resumes when it is shown again.

import * as views from "./views.js";

const POLL_MS = 2000;
const main = document.getElementById("main");
const live = document.getElementById("live");
let current = null;  // {view, params}
let timer = null;

function route() {
  const parts = location.hash.replace(/^#\/?/, "").split("/").map(decodeURIComponent);
  switch (parts[0]) {
    case "queue":
      return parts[1] ? { view: views.queue, params: { name: parts[1] } } : { view: views.queues, params: {} };
    case "topics":
      return { view: views.topics, params: {} };
    case "functions":
      return { view: views.functions, params: {} };
    case "function":
      return parts[1] ? { view: views.functionPage, params: { name: parts[1] } } : { view: views.functions, params: {} };
    case "alarms":
      return { view: views.alarms, params: {} };
    default:
      return { view: views.queues, params: {} };
  }
}

// One chain of polls at a time: a poll started meanwhile (a page change, a refresh after an
// action) supersedes the one in flight, which then neither draws nor schedules the next.
let latest = 0;

async function poll() {
  clearTimeout(timer);
  const mine = ++latest;
  const { view, params } = current;
  try {
    const data = await view.load(params);
    if (mine !== latest) return;
    view.update(data, params);
    live.textContent = `Live · updated ${new Date().toLocaleTimeString("en-GB")}`;
  } catch (error) {
    if (mine !== latest) return;
    live.textContent = `Not updated: ${error.message}`;
  }
  if (!document.hidden) timer = setTimeout(poll, POLL_MS);
}

function show() {
  const { view, params } = route();
  current = { view, params };
  view.refresh = poll;
  document.title = `${view.title(params)} · sluice console`;
  for (const link of document.querySelectorAll("nav a")) {
    if (link.dataset.section === view.section) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  main.replaceChildren();
  view.setup(main, params);
  poll();
}

window.addEventListener("hashchange", () => {
  show();
  main.focus();
});
document.addEventListener("visibilitychange", () => {
  if (!document.hidden) poll();
});
show();
