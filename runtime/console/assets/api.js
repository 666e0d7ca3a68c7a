// The console's calls to its own JSON endpoints. Every POST carries the session token the page
// was served with; an error answer becomes an Error with the server's message.

const base = "/_sluice/console/api/";
const token = document.querySelector('meta[name="sluice-console-token"]')?.content ?? "";

async function answer(response) {
  const text = await response.text();
  let body = {};
  try {
    body = text ? JSON.parse(text) : {};
  } catch {
    body = { message: text };
  }
  if (!response.ok) {
    const error = new Error(body.message || `HTTP ${response.status}`);
    error.status = response.status;
    error.type = body.__type;
    throw error;
  }
  return body;
}

export async function read(endpoint, params = {}) {
  const query = new URLSearchParams(params).toString();
  const response = await fetch(base + endpoint + (query ? "?" + query : ""), {
    headers: { Accept: "application/json" },
    cache: "no-store",
  });
  return answer(response);
}

export async function act(endpoint, body) {
  const response = await fetch(base + endpoint, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Sluice-Console-Token": token },
    body: JSON.stringify(body),
  });
  return answer(response);
}
