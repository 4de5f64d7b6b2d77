// An onboarding job's progress, polled from GET /onboarding/jobs/{id}: each step live with its timing, the
// failing step and its message, and on success a link to the tenant's dashboard (the page stays, so the finished
// job can be reviewed).
import { request } from "./api.js";

const root = document.getElementById("job");
const jobId = root.dataset.job;
const STEPS = ["validate", "generate", "land", "register", "configure", "build", "test", "activate", "publish"];
const LABELS = {
  validate: "Validate the configuration",
  wait: "Wait for another pipeline run",
  generate: "Generate the sources' data",
  land: "Land it in the warehouse",
  register: "Register connector schemas",
  configure: "Configure the dbt build",
  build: "Build the models",
  test: "Test the star tables",
  activate: "Activate the tenant",
  publish: "Publish for dashboards",
};
const POLL_MS = 1000;
let timer = null;
// The job's elapsed time is measured from one origin, its creation, so it does not jump back when the queued job
// starts; the server's timestamps have whole seconds, so the shown value is also kept from ever decreasing.
let shownSeconds = 0;

function seconds(s) {
  return s < 90 ? `${s.toFixed(1)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

function elapsedSince(iso) {
  return Math.max(0, (Date.now() - Date.parse(iso)) / 1000);
}

function renderSteps(job) {
  const known = new Map(job.steps.map((s) => [s.step, s]));
  const names = [...STEPS];
  if (known.has("wait")) names.splice(1, 0, "wait");
  for (const s of job.steps) if (!names.includes(s.step)) names.push(s.step);
  const list = document.getElementById("job-steps");
  list.replaceChildren(
    ...names.map((name) => {
      const s = known.get(name);
      const state = s?.state ?? (job.status === "failed" ? "skipped" : "pending");
      const li = document.createElement("li");
      li.dataset.step = name;
      li.dataset.state = state;
      const title = document.createElement("span");
      title.className = "step-name";
      title.textContent = LABELS[name] ?? name;
      const time = document.createElement("span");
      time.className = "step-time";
      time.textContent = s?.seconds != null ? seconds(s.seconds) : state === "running" ? `${seconds(elapsedSince(s.started_at))}…` : "";
      const detail = document.createElement("span");
      detail.className = "step-detail";
      detail.textContent = s?.detail ?? (state === "pending" ? "waiting" : state === "skipped" ? "not run" : "");
      const stateText = document.createElement("span");
      stateText.className = "visually-hidden";
      stateText.textContent = `(${state})`;
      li.append(title, " ", stateText, time, detail);
      return li;
    }),
  );
}

function render(job) {
  document.getElementById("job-tenant").textContent = job.tenant;
  document.title = `Onboarding ${job.tenant}: ${job.status} · GATA`;
  const badge = document.getElementById("job-badge");
  badge.textContent = job.status;
  badge.className = `badge ${job.status === "succeeded" ? "ok" : job.status === "failed" ? "bad" : ""}`;
  const measured = job.finished_at
    ? (Date.parse(job.finished_at) - Date.parse(job.created_at)) / 1000
    : elapsedSince(job.created_at);
  const total = (shownSeconds = Math.max(shownSeconds, measured));
  document.getElementById("job-text").textContent =
    `${job.days} days of history, started by ${job.created_by}; ${job.finished_at ? "took" : "running for"} ${seconds(total)}`;
  renderSteps(job);
  root.dataset.state = job.status;
  root.setAttribute("aria-busy", String(job.status === "queued" || job.status === "running"));
  const error = document.getElementById("job-error");
  error.hidden = job.status !== "failed";
  if (job.error) {
    document.getElementById("job-error-step").textContent = job.error.step;
    document.getElementById("job-error-message").textContent = job.error.message;
  }
  if (job.status === "succeeded") {
    document.getElementById("job-done-tenant").textContent = job.tenant;
    document.getElementById("job-open-dashboard").href = `/app/${encodeURIComponent(job.tenant)}`;
    document.getElementById("job-done").hidden = false;
  }
}

async function poll() {
  try {
    const job = await request("GET", `/onboarding/jobs/${encodeURIComponent(jobId)}`);
    render(job);
    if (job.status === "queued" || job.status === "running") timer = setTimeout(poll, POLL_MS);
  } catch (err) {
    root.dataset.state = "error";
    document.getElementById("job-text").textContent = `The job's progress could not be read: ${err.message}`;
    if (err.status !== 404) timer = setTimeout(poll, POLL_MS * 3);
  }
}

document.getElementById("job-retry").addEventListener("click", async (event) => {
  event.target.disabled = true;
  try {
    const job = await request("POST", `/onboarding/jobs/${encodeURIComponent(jobId)}/retry`);
    window.location.assign(`/admin/onboard/jobs/${encodeURIComponent(job.id)}`);
  } catch (err) {
    event.target.disabled = false;
    document.getElementById("job-error-message").textContent += `\n\nRetry refused: ${err.message}`;
  }
});

clearTimeout(timer);
poll();
