// Calls to our own API with the session cookie. State-changing requests carry the page's CSRF token.
// Errors become ApiError with the server's own message (the API answers {"detail": ...}).

const csrf = document.querySelector('meta[name="csrf-token"]')?.content ?? "";

// Set once the page is being left (a form submitted, a link followed): a query answered 401 because the user just
// signed out must not send them to the sign-in page in place of where they were going.
let leaving = false;
window.addEventListener("beforeunload", () => {
  leaving = true;
});
window.addEventListener("pageshow", () => {
  leaving = false;
});

export class ApiError extends Error {
  constructor(status, message, body = null) {
    super(message);
    this.status = status;
    this.body = body; // the whole error answer, e.g. {"detail": ..., "issues": [...]}
  }
}

function detailText(detail) {
  if (typeof detail === "string") return detail;
  if (Array.isArray(detail)) return detail.map((d) => `${(d.loc ?? []).join(".")}: ${d.msg}`).join("; ");
  return JSON.stringify(detail);
}

export async function request(method, path, body) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET") headers["X-CSRF-Token"] = csrf;
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
    });
  } catch (err) {
    throw new ApiError(0, `The server could not be reached (${err.message}).`);
  }
  if (response.status === 401) {
    if (!leaving) window.location.assign(`/login?next=${encodeURIComponent(location.pathname + location.search)}`);
    throw new ApiError(401, "Your session has ended: sign in again.");
  }
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    const message = data?.detail ? detailText(data.detail) : `${response.status} ${response.statusText}`;
    throw new ApiError(response.status, message, data);
  }
  return data;
}

/** POST /semantic-layer/{tenant}/query: a structured query, answered from the tenant's published snapshot. */
export function query(tenant, body) {
  return request("POST", `/semantic-layer/${encodeURIComponent(tenant)}/query`, body);
}

export function model(tenant, name) {
  return request("GET", `/semantic-layer/${encodeURIComponent(tenant)}/models/${encodeURIComponent(name)}`);
}
