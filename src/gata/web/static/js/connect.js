// The connect step of a live source in the onboarding wizard: the secrets it needs, "Test connection" (the check
// `gata connect` runs, through POST /onboarding/connections/test, which stores the secrets on success) and the
// accounts found to pick from. Typed secrets are sent once and their inputs emptied at once: after a test the
// page holds no secret, only the names stored (the masked "connected" state).
import { request } from "./api.js";
import { el as make } from "./dom.js";

function labelled(id, text, control, hint) {
  const label = make("label", { htmlFor: id }, text, control);
  if (hint) {
    label.append(make("span", { className: "hint", id: `${id}-hint`, text: hint }));
    control.setAttribute("aria-describedby", `${id}-hint`);
  }
  return label;
}

/** The "Connection" group of a source panel; `slug()` gives the tenant's slug when the test runs. `rotate`: a
 * live source of an existing tenant (no mode to pick; accounts and options blank = the tenants file's). */
export function connectionGroup(c, live, slug, { rotate = false } = {}) {
  const id = (part) => `connect-${c.id}-${part}`;
  const group = make("div", { className: "lever-group connection", "data-connect": c.id, "data-connected": "false" });
  const mode = make("select", { id: id("mode") },
    make("option", { value: "simulated", text: "Simulated (the demo business)" }),
    make("option", { value: "live", text: "Live: connect an account" }));
  const fields = make("div", { className: "field-grid", hidden: !rotate });
  if (rotate) mode.value = "live";
  const secrets = [...live.secrets, ...live.optional_secrets].map((name) => {
    const input = make("input", { type: "password", id: id(name), autocomplete: "off", spellcheck: false });
    input.dataset.secret = name;
    const optional = live.secrets.includes(name) ? "" : " (optional)";
    fields.append(labelled(id(name), `${name}${optional}`, input));
    return input;
  });
  const account = live.account_hint && !rotate ? make("input", { id: id("account"), spellcheck: false }) : null;
  if (account) fields.append(labelled(id("account"), "Account", account, live.account_hint));
  const baseUrl = make("input", { id: id("base_url"), type: "url", spellcheck: false });
  if (!rotate) {
    fields.append(labelled(id("base_url"), "API base URL (optional)", baseUrl,
      "The platform's own unless set; `gata simulate-apis` serves a test double."));
  }
  const authUrl = live.oauth && !rotate ? make("input", { id: id("auth_url"), type: "url", spellcheck: false }) : null;
  if (authUrl) fields.append(labelled(id("auth_url"), "OAuth2 token URL (optional)", authUrl));
  const test = make("button", { type: "button", id: id("test"), text: rotate ? "Test and replace" : "Test connection" });
  const state = make("span", { id: id("state"), className: "muted", role: "status" });
  const error = make("p", { id: id("error"), className: "error", role: "alert", hidden: true });
  const accounts = make("fieldset", { className: "choices", id: id("accounts"), hidden: true },
    make("legend", { text: "Accounts to read" }));
  const actions = make("div", { className: "actions" }, test, state);
  group.append(make("h3", { text: rotate ? c.name ?? c.id : "Connection" }));
  if (!rotate) group.append(labelled(id("mode"), "Mode", mode));
  group.append(fields);
  fields.append(actions, error, accounts);
  mode.addEventListener("change", () => { fields.hidden = mode.value !== "live"; });

  const options = () => {
    const out = {};
    if (baseUrl.value.trim()) out.base_url = baseUrl.value.trim();
    if (authUrl?.value.trim()) out.auth_url = authUrl.value.trim();
    return out;
  };
  group.connection = () => {
    if (mode.value !== "live") return null;
    const picked = [...accounts.querySelectorAll("input:checked")].map((x) => x.value);
    return { mode: "live", accounts: picked, options: options(), connected: group.dataset.connected === "true" };
  };

  test.addEventListener("click", async () => {
    error.hidden = true;
    state.textContent = "Testing the connection…";
    test.disabled = true;
    const typed = Object.fromEntries(secrets.map((input) => [input.dataset.secret, input.value]));
    for (const input of secrets) input.value = ""; // typed secrets leave the page with this request, and only there
    const body = { tenant: slug(), connector: c.id, secrets: typed, options: options(),
      accounts: account?.value.trim() ? [account.value.trim()] : [] };
    try {
      const answer = await request("POST", "/onboarding/connections/test", body);
      for (const input of secrets) input.placeholder = answer.stored.includes(input.dataset.secret) ? "•••••• stored" : "";
      group.dataset.connected = "true";
      state.textContent = `Connected: ${answer.stored.length} secret(s) stored, never shown again.`;
      accounts.replaceChildren(make("legend", { text: "Accounts to read" }));
      const wanted = new Set(body.accounts);
      for (const a of answer.accounts) {
        const box = make("input", { type: "checkbox", value: a.id,
          checked: wanted.size ? wanted.has(a.id) : answer.accounts.length === 1 });
        const name = a.name && a.name !== a.id ? `${a.name} (${a.id})` : a.id;
        accounts.append(make("label", { className: "check" }, box, a.currency ? `${name}, ${a.currency}` : name));
      }
      accounts.hidden = false;
      if (answer.missing.length) {
        error.textContent = `The credentials cannot read: ${answer.missing.join(", ")}`;
        error.hidden = false;
      }
    } catch (err) {
      group.dataset.connected = "false";
      state.textContent = "";
      error.textContent = err.message;
      error.hidden = false;
    } finally {
      test.disabled = false;
    }
  });
  return group;
}
