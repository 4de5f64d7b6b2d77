// The tenant lifecycle page (admins): the registry from GET /tenants, and offboarding or purging a tenant
// through POST /tenants/{slug}/offboard|purge, each confirmed by typing the slug again.
import { request } from "./api.js";
import { watchScrollers } from "./scroll-cue.js";

watchScrollers();

const root = document.getElementById("lifecycle");
const body = document.querySelector("#tenant-table tbody");
const message = document.getElementById("lifecycle-message");
const dialog = document.getElementById("offboard-dialog");
const form = document.getElementById("offboard-form");
const errorBox = document.getElementById("offboard-error");
let action = null; // { slug, kind: "offboard" | "purge" }

function cell(text) {
  const td = document.createElement("td");
  td.textContent = text ?? "";
  return td;
}

function button(label, kind, slug) {
  const b = document.createElement("button");
  b.type = "button";
  b.className = "small danger";
  b.textContent = label;
  b.dataset.kind = kind;
  b.dataset.slug = slug;
  b.addEventListener("click", () => open(kind, slug));
  return b;
}

function row(t) {
  const tr = document.createElement("tr");
  tr.dataset.slug = t.slug;
  const name = document.createElement("td");
  if (t.status === "offboarded") name.textContent = t.slug;
  else {
    const a = document.createElement("a");
    a.href = `/app/${encodeURIComponent(t.slug)}`;
    a.textContent = t.slug;
    name.append(a);
  }
  const actions = document.createElement("td");
  actions.append(t.status === "offboarded" ? button("Purge", "purge", t.slug) : button("Offboard", "offboard", t.slug));
  tr.append(name, cell(t.status), cell((t.updated_at ?? "").replace("T", " ").slice(0, 16)), cell(t.message), actions);
  return tr;
}

async function load() {
  root.setAttribute("aria-busy", "true");
  try {
    const tenants = await request("GET", "/tenants");
    body.replaceChildren(...tenants.map(row));
    if (!tenants.length) message.textContent = "No tenant is registered yet.";
    root.dataset.state = "ready";
  } catch (err) {
    message.textContent = err.message;
    root.dataset.state = "error";
  } finally {
    root.removeAttribute("aria-busy");
  }
}

function open(kind, slug) {
  action = { kind, slug };
  document.getElementById("offboard-title").firstChild.textContent = kind === "purge" ? "Purge " : "Offboard ";
  document.getElementById("offboard-slug").textContent = slug;
  form.querySelector("fieldset").hidden = kind === "purge";
  document.getElementById("offboard-submit").textContent = kind === "purge" ? "Purge for good" : "Offboard";
  form.confirm.value = "";
  errorBox.hidden = true;
  dialog.showModal();
}

document.getElementById("offboard-cancel").addEventListener("click", () => dialog.close());

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const { kind, slug } = action;
  const payload = { confirm: form.confirm.value.trim() };
  if (kind === "offboard") payload.data = form.data.value;
  try {
    const done = await request("POST", `/tenants/${encodeURIComponent(slug)}/${kind}`, payload);
    dialog.close();
    message.textContent =
      kind === "purge"
        ? `${slug} purged: ${done.removed.length} file(s) or folder(s) removed; the slug is free.`
        : `${slug} offboarded: ${done.keys_revoked} key(s) revoked, ${done.users_deleted} user(s) deleted, ` +
          `data ${done.archive ? `archived in ${done.archive}` : "deleted"}.`;
    await load();
  } catch (err) {
    errorBox.textContent = err.message;
    errorBox.hidden = false;
  }
});

load();
