// sluice's runtime for Node.js functions (Runtime: nodejs*, Handler: file.export).
//
// It does what Lambda's own Node.js runtime does, with Node's standard library only: it loads the
// handler from LAMBDA_TASK_ROOT (CommonJS or ES module: file.js, file.mjs or file.cjs), asks the
// Runtime API for the next invocation, calls the handler (async, or with a callback) with the event
// and a context object, and posts the result or the error in Lambda's shape. What the handler
// logs goes to the function's log. A load problem is reported once, as an init error. With
// AWS_LAMBDA_LOG_FORMAT=JSON, console calls are written as Lambda's JSON application records
// (timestamp, level, requestId, message).
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { pathToFileURL } from "node:url";
import util from "node:util";

let currentRequestId = "";

// console.* as one JSON object per call, at the level Lambda gives each method.
function useJsonConsole() {
  const levels = { trace: "TRACE", debug: "DEBUG", info: "INFO", log: "INFO", warn: "WARN", error: "ERROR" };
  for (const [method, level] of Object.entries(levels)) {
    console[method] = (...args) => {
      const message = args.length === 1 && typeof args[0] === "object" && args[0] !== null ? args[0] : util.format(...args);
      const record = { timestamp: new Date().toISOString(), level, requestId: currentRequestId, message };
      process.stdout.write(JSON.stringify(record) + "\n");
    };
  }
}
const jsonLogs = (process.env.AWS_LAMBDA_LOG_FORMAT || "").toUpperCase() === "JSON";
if (jsonLogs) useJsonConsole();

const API = process.env.AWS_LAMBDA_RUNTIME_API;
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function call(method, route, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : Buffer.from(body);
    const [host, port] = API.split(":");
    const req = http.request(
      {
        host,
        port,
        method,
        agent,
        path: "/2018-06-01/runtime" + route,
        headers: data ? { ...headers, "Content-Type": "application/json", "Content-Length": data.length } : headers,
      },
      (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
      },
    );
    req.on("error", reject);
    req.end(data);
  });
}

function errorPayload(err) {
  if (err instanceof Error) {
    return { errorType: err.name, errorMessage: err.message, trace: String(err.stack || "").split("\n") };
  }
  return { errorType: typeof err === "object" && err !== null ? "object" : typeof err, errorMessage: String(err), trace: [] };
}

async function post(route, payload, errorType) {
  const headers = errorType ? { "Lambda-Runtime-Function-Error-Type": errorType } : {};
  const res = await call("POST", route, payload, headers);
  if (res.status >= 300) console.error(`Runtime API answered ${res.status} to ${route}: ${res.body}`);
}

async function initError(errorType, errorMessage) {
  console.error(jsonLogs ? { errorType, errorMessage } : `[ERROR] ${errorType}: ${errorMessage}`);
  await post("/init/error", JSON.stringify({ errorType, errorMessage, trace: [] }), errorType);
  process.exit(1);
}

async function loadHandler(handlerName, taskRoot) {
  const dot = handlerName.indexOf(".", handlerName.lastIndexOf("/") + 1);
  if (dot < 0) return initError("Runtime.MalformedHandlerName", `Bad handler ${handlerName}`);
  const modulePath = handlerName.slice(0, dot);
  const exportPath = handlerName.slice(dot + 1).split(".");
  const candidates = [".js", ".mjs", ".cjs"].map((ext) => path.resolve(taskRoot, modulePath + ext));
  const file = candidates.find((f) => fs.existsSync(f));
  if (!file) {
    return initError("Runtime.ImportModuleError", `Error: Cannot find module '${modulePath}'`);
  }
  let mod;
  try {
    mod = await import(pathToFileURL(file).href);
  } catch (err) {
    const { errorType, errorMessage } = errorPayload(err);
    return initError(err instanceof SyntaxError ? "Runtime.UserCodeSyntaxError" : "Runtime.ImportModuleError",
      `${errorType}: ${errorMessage}`);
  }
  let handler = mod;
  for (const name of exportPath) handler = handler?.[name] ?? handler?.default?.[name];
  if (typeof handler !== "function") {
    return initError("Runtime.HandlerNotFound", `${handlerName} is undefined or not exported`);
  }
  return handler;
}

function optionalJson(text) {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function makeContext(headers) {
  const deadline = Number(headers["lambda-runtime-deadline-ms"] || 0);
  return {
    awsRequestId: headers["lambda-runtime-aws-request-id"],
    invokedFunctionArn: headers["lambda-runtime-invoked-function-arn"],
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    clientContext: optionalJson(headers["lambda-runtime-client-context"]),
    identity: optionalJson(headers["lambda-runtime-cognito-identity"]),
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
}

// Runs the handler: a promise-returning handler, or one that takes a callback.
function runHandler(handler, event, context) {
  return new Promise((resolve, reject) => {
    let settled = false;
    const callback = (err, result) => {
      if (settled) return;
      settled = true;
      if (err !== undefined && err !== null) reject(err);
      else resolve(result);
    };
    try {
      const out = handler(event, context, callback);
      if (out && typeof out.then === "function") out.then((r) => callback(null, r), (e) => callback(e ?? new Error("null")));
      else if (handler.length < 3) callback(null, out);
    } catch (err) {
      callback(err);
    }
  });
}

async function main() {
  const taskRoot = process.env.LAMBDA_TASK_ROOT || process.cwd();
  const handler = await loadHandler(process.env._HANDLER || "", taskRoot);
  for (;;) {
    const next = await call("GET", "/invocation/next");
    if (next.status !== 200) {
      console.error(`Runtime API answered ${next.status} to next`);
      process.exit(1);
    }
    const id = next.headers["lambda-runtime-aws-request-id"];
    currentRequestId = id;
    const trace = next.headers["lambda-runtime-trace-id"];
    if (trace) process.env._X_AMZN_TRACE_ID = trace;
    else delete process.env._X_AMZN_TRACE_ID;
    const context = makeContext(next.headers);
    try {
      const event = next.body.length ? JSON.parse(next.body.toString("utf8")) : null;
      const result = await runHandler(handler, event, context);
      const answer = result === undefined ? "null" : JSON.stringify(result);
      await post(`/invocation/${id}/response`, answer);
    } catch (err) {
      const payload = errorPayload(err);
      console.error(jsonLogs ? payload : `[ERROR] ${payload.errorType}: ${payload.errorMessage}`);
      await post(`/invocation/${id}/error`, JSON.stringify(payload), "Unhandled");
    }
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
