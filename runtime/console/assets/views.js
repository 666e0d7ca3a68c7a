// The console's pages. Each view has setup(main, params), which builds what stays put (headings,
// forms), and update(data), which redraws the live part from the view's endpoint; app.js calls
// update on every poll, so a half-typed message is never lost to a refresh.

import { read, act } from "./api.js";
import { h, count, age, time, badge, table, lastField } from "./format.js";
import { sparkline } from "./sparkline.js";

function queueLink(name) {
  return h("a", { href: `#/queue/${encodeURIComponent(name)}` }, name);
}

// A form's result line: polite live region for success, the error text otherwise.
function resultLine(id) {
  return h("p", { class: "result", id, role: "status", "aria-live": "polite" });
}

function report(line, promise, success) {
  line.className = "result";
  line.textContent = "Working…";
  return promise.then(
    (body) => {
      line.textContent = success(body);
      return body;
    },
    (error) => {
      line.className = "result error";
      line.textContent = error.message;
    },
  );
}

export const queues = {
  section: "queues",
  title: () => "Queues",
  load: () => read("queues"),
  setup(main) {
    this.live = h("div", { id: "queues-live" });
    main.append(h("h1", {}, "Queues"), this.live);
  },
  update(data) {
    const rows = data.queues.map((q) => [
      queueLink(q.name),
      count(q.visible),
      count(q.inFlight),
      count(q.delayed),
      age(q.oldestAgeSeconds),
      sparkline(q.history, `Visible messages of ${q.name}, last 30 minutes`),
      q.deadLetterSources.length
        ? h("span", {}, "dead-letter queue of ", q.deadLetterSources.join(", "))
        : q.deadLetterTargetArn
          ? h("span", {}, "redrives to ", lastField(q.deadLetterTargetArn))
          : "",
    ]);
    this.live.replaceChildren(
      table(
        "Queues of this account and region, refreshed every few seconds",
        [
          { label: "Queue" },
          { label: "Visible", class: "num" },
          { label: "In flight", class: "num" },
          { label: "Delayed", class: "num" },
          { label: "Oldest", class: "num" },
          { label: "Visible, last 30 min", class: "hide-narrow" },
          { label: "Dead-letter", class: "hide-narrow" },
        ],
        rows,
        "No queues yet. Create one with any SQS client.",
      ),
    );
  },
};

export const queue = {
  section: "queues",
  title: (params) => `Queue ${params.name}`,
  load: (params) => read("queue", { name: params.name }),
  setup(main, params) {
    const name = params.name;
    this.name = name;
    this.cards = h("dl", { class: "cards", id: "queue-depths" });
    this.messages = h("div", { id: "queue-messages" });
    this.redrive = h("section", { class: "panel", id: "redrive-panel", hidden: true, "aria-labelledby": "redrive-title" });
    this.attributes = h("div", { id: "queue-attributes" });
    this.fifoFields = h("div", { class: "row", hidden: true },
      h("div", { class: "field" }, h("label", { for: "send-group" }, "Message group ID"), h("input", { id: "send-group", name: "group" })),
      h("div", { class: "field" }, h("label", { for: "send-dedup" }, "Deduplication ID (optional)"), h("input", { id: "send-dedup", name: "dedup" })));
    const sendResult = resultLine("send-result");
    const body = h("textarea", { id: "send-body", name: "body", required: true });
    const delay = h("input", { id: "send-delay", name: "delay", type: "number", min: 0, max: 900, value: 0, inputmode: "numeric" });
    const sendForm = h("form", {
      onsubmit: (event) => {
        event.preventDefault();
        const message = { queue: name, body: body.value, delaySeconds: Number(delay.value || 0) };
        if (!this.fifoFields.hidden) {
          message.messageGroupId = document.getElementById("send-group").value;
          message.messageDeduplicationId = document.getElementById("send-dedup").value;
        }
        report(sendResult, act("send", message), (r) => `Sent message ${r.messageId}.`).then((r) => {
          if (r) body.value = "";
          this.refresh();
        });
      },
    },
      h("div", { class: "field" }, h("label", { for: "send-body" }, "Message body"), body),
      h("div", { class: "row" },
        h("div", { class: "field" }, h("label", { for: "send-delay" }, "Delay (seconds)"), delay),
        h("div", {}, h("button", { type: "submit", id: "send-button" }, "Send message"))),
      this.fifoFields,
      sendResult);
    const purgeResult = resultLine("purge-result");
    const purge = h("button", {
      type: "button", class: "danger", id: "purge-button",
      onclick: () => {
        if (!window.confirm(`Delete every message in ${name}? This cannot be undone.`)) return;
        report(purgeResult, act("purge", { queue: name }), () => "Purge started: messages are deleted within a minute at most.").then(() => this.refresh());
      },
    }, "Purge queue");
    const redriveResult = resultLine("redrive-result");
    this.redrive.append(
      h("h2", { id: "redrive-title" }, "Dead-letter redrive"),
      h("p", { id: "redrive-sources" }),
      h("div", { class: "row" },
        h("button", {
          type: "button", id: "redrive-button",
          onclick: () => report(redriveResult, act("redrive", { queue: name }), (r) => `Redrive started (task ${r.taskHandle.slice(0, 12)}…).`).then(() => this.refresh()),
        }, "Start redrive to source queues")),
      redriveResult,
      h("div", { id: "move-tasks" }));
    main.append(
      h("p", {}, h("a", { href: "#/queues" }, "← All queues")),
      h("h1", {}, name),
      this.cards,
      h("section", { class: "panel", "aria-labelledby": "send-title" }, h("h2", { id: "send-title" }, "Send a message"), sendForm),
      this.redrive,
      h("section", { "aria-labelledby": "messages-title" },
        h("h2", { id: "messages-title" }, "Messages"),
        h("p", { class: "muted" }, "A peek: the oldest messages as they stand. Viewing them receives nothing, so their visibility and receive counts do not change."),
        this.messages),
      h("section", { class: "panel", "aria-labelledby": "purge-title" },
        h("h2", { id: "purge-title" }, "Purge"), h("p", {}, "Deletes every message in the queue."), purge, purgeResult),
      h("section", { "aria-labelledby": "attributes-title" }, h("h2", { id: "attributes-title" }, "Attributes"), this.attributes));
  },
  update(data) {
    const a = data.attributes;
    this.fifoFields.hidden = a.FifoQueue !== "true";
    const card = (label, value, id) => h("div", {}, h("dt", {}, label), h("dd", { id }, value));
    this.cards.replaceChildren(
      card("Visible", count(a.ApproximateNumberOfMessages), "depth-visible"),
      card("In flight", count(a.ApproximateNumberOfMessagesNotVisible), "depth-in-flight"),
      card("Delayed", count(a.ApproximateNumberOfMessagesDelayed), "depth-delayed"));
    if (data.messages === null) {
      this.messages.replaceChildren(h("p", { class: "error" }, data.messagesRefused));
    } else {
      this.messages.replaceChildren(table(
        `Oldest first: ${data.messages.length} of the queue's messages`,
        [{ label: "Message ID" }, { label: "State" }, { label: "Receives", class: "num" }, { label: "Sent", class: "hide-narrow" }, { label: "Body" }],
        data.messages.map((m) => [
          h("code", {}, m.messageId),
          badge(m.state),
          count(m.receiveCount),
          time(m.sentTimestamp),
          h("pre", {}, m.body + (m.bodyTruncated ? ` … (${count(m.bodyBytes)} bytes)` : "")),
        ]),
        "The queue is empty."));
    }
    const sources = data.deadLetterSources;
    this.redrive.hidden = sources.length === 0;
    document.getElementById("redrive-sources").textContent = sources.length
      ? `This queue is the dead-letter queue of ${sources.join(", ")}. A redrive moves its messages back to the queue each came from.`
      : "";
    document.getElementById("move-tasks").replaceChildren(table(
      "Recent redrives",
      [{ label: "Started" }, { label: "Status" }, { label: "Moved", class: "num" }, { label: "To move", class: "num" }],
      data.moveTasks.map((t) => [time(t.startedTimestamp), badge(t.status), count(t.moved), count(t.toMove)]),
      "No redrive yet."));
    this.attributes.replaceChildren(table(
      "Queue attributes",
      [{ label: "Name" }, { label: "Value" }],
      Object.entries(a).map(([k, v]) => [k, h("pre", {}, v)])));
  },
};

export const topics = {
  section: "topics",
  title: () => "Topics",
  load: () => read("topics"),
  setup(main) {
    this.live = h("div", { id: "topics-live" });
    main.append(h("h1", {}, "Topics"), this.live);
  },
  update(data) {
    if (data.topics.length === 0) {
      this.live.replaceChildren(h("p", { class: "muted" }, "No topics yet."));
      return;
    }
    this.live.replaceChildren(...data.topics.map((t) => h("section", { class: "panel", "aria-label": `Topic ${t.name}` },
      h("h2", {}, t.name),
      h("dl", { class: "cards" },
        ...[["Published", t.published], ["Delivered", t.delivered], ["Failed", t.failed], ["Filtered out", t.filteredOut]]
          .map(([label, value]) => h("div", {}, h("dt", {}, label), h("dd", {}, count(value))))),
      table(`Subscriptions of ${t.name}`,
        [{ label: "Protocol" }, { label: "Endpoint" }, { label: "Delivered", class: "num" }, { label: "Failed", class: "num" },
          { label: "Filtered out", class: "num" }, { label: "Subscription", class: "hide-narrow" }],
        t.subscriptions.map((s) => [s.protocol, h("span", {}, s.endpoint), count(s.delivered ?? 0),
          count(s.failed ?? 0), count(s.filteredOut ?? 0), h("code", {}, lastField(s.subscriptionArn))]),
        "No subscriptions."))));
  },
};

export const functions = {
  section: "functions",
  title: () => "Functions",
  load: () => read("functions"),
  setup(main) {
    this.functions = h("div", { id: "functions-live" });
    this.mappings = h("div", { id: "mappings-live" });
    main.append(h("h1", {}, "Functions"), this.functions,
      h("h2", {}, "Event-source mappings"), this.mappings);
  },
  update(data) {
    this.functions.replaceChildren(table("Functions",
      [{ label: "Function" }, { label: "State" }, { label: "Runtime", class: "hide-narrow" }, { label: "Busy", class: "num" }, { label: "Idle", class: "num" }],
      data.functions.map((f) => [
        h("a", { href: `#/function/${encodeURIComponent(f.name)}` }, f.name),
        badge(f.state), f.runtime || "—", count(f.busy), count(f.idle)]),
      "No functions yet."));
    this.mappings.replaceChildren(table("Event-source mappings",
      [{ label: "Source" }, { label: "Function" }, { label: "State" }, { label: "Last result" }, { label: "Batch size", class: "num" }, { label: "Concurrency in use", class: "num" }],
      data.mappings.map((m) => [
        queueLink(lastField(m.EventSourceArn)),
        lastField(m.FunctionArn),
        badge(m.State),
        m.LastProcessingResult ?? "—",
        count(m.BatchSize),
        `${count(m.concurrencyInUse)}${m.ScalingConfig?.MaximumConcurrency ? " / " + m.ScalingConfig.MaximumConcurrency : ""}`]),
      "No mappings yet."));
  },
};

export const functionPage = {
  section: "functions",
  title: (params) => `Function ${params.name}`,
  load: (params) => read("function", { name: params.name }),
  setup(main, params) {
    this.live = h("div", { id: "invocations-live" });
    this.open = new Set();
    main.append(
      h("p", {}, h("a", { href: "#/functions" }, "← All functions")),
      h("h1", {}, params.name),
      h("h2", {}, "Recent invocations"),
      h("p", { class: "muted" }, `The last hour of /aws/lambda/${params.name}, newest first.`),
      this.live);
  },
  update(data) {
    if (data.invocations.length === 0) {
      this.live.replaceChildren(h("p", { class: "muted" }, "No invocations in the last hour."));
      return;
    }
    this.live.replaceChildren(...data.invocations.map((inv) => {
      const details = h("details", { open: this.open.has(inv.requestId) },
        h("summary", {}, time(inv.startTimestamp), " — ", inv.report || `${inv.requestId} (running)`),
        h("div", { class: "lines" }, h("pre", {}, inv.lines.map((l) => l.message.replace(/\n$/, "")).join("\n"))));
      details.addEventListener("toggle", () => (details.open ? this.open.add(inv.requestId) : this.open.delete(inv.requestId)));
      return details;
    }));
  },
};

export const alarms = {
  section: "alarms",
  title: () => "Alarms",
  load: () => read("alarms"),
  setup(main) {
    this.live = h("div", { id: "alarms-live" });
    main.append(h("h1", {}, "Alarms"), this.live);
  },
  update(data) {
    const ops = {
      GreaterThanOrEqualToThreshold: "≥", GreaterThanThreshold: ">", LessThanThreshold: "<", LessThanOrEqualToThreshold: "≤",
    };
    this.live.replaceChildren(table("Metric alarms",
      [{ label: "Alarm" }, { label: "State" }, { label: "Condition" }, { label: "Since", class: "hide-narrow" }, { label: "Reason", class: "hide-narrow" }],
      data.alarms.map((a) => [
        a.name, badge(a.state),
        `${a.namespace} ${a.metricName}${a.dimensions.length ? " (" + a.dimensions.map((d) => d.value).join(", ") + ")" : ""} ${a.statistic ?? ""} ${ops[a.comparisonOperator] ?? a.comparisonOperator} ${a.threshold} for ${a.evaluationPeriods}×${a.period}s`,
        time(a.stateUpdatedTimestamp), a.stateReason]),
      "No alarms yet."));
  },
};
