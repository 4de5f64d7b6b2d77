// The wizard's refresh schedule: every day at, every N hours, every week on … at, or a custom cron for experts.
// Each choice writes the cron string tenants.yaml takes into #tenant-schedule (what the form sends); the server
// checks it with the tenants file's own rule and says when it fires next (GET /onboarding/schedule).
import { request } from "./api.js";

const kind = document.getElementById("schedule-kind");
const time = document.getElementById("schedule-time");
const hours = document.getElementById("schedule-hours");
const day = document.getElementById("schedule-day");
const cron = document.getElementById("tenant-schedule");
const shown = document.getElementById("schedule-cron");
const next = document.getElementById("schedule-next");
const EVERY = /^0 \*(?:\/(\d{1,2}))? \* \* \*$/;
const AT = /^(\d{1,2}) (\d{1,2}) \* \* (\*|[0-6])$/;
const pad = (n) => String(n).padStart(2, "0");
let asked = 0; // the latest check wins: an older answer arriving late is dropped

/** The cron string of a choice: {kind: "daily"|"hours"|"weekly"|"custom", time: "HH:MM", hours, day, custom}. */
export function cronOf(choice) {
  const [h, m] = (choice.time || "00:00").split(":").map(Number);
  if (choice.kind === "daily") return `${m} ${h} * * *`;
  if (choice.kind === "hours") return Number(choice.hours) === 1 ? "0 * * * *" : `0 */${Number(choice.hours)} * * *`;
  if (choice.kind === "weekly") return `${m} ${h} * * ${choice.day}`;
  return choice.custom.trim();
}

/** The choice that writes `text`, or "custom" when no choice does (the cron is kept as typed). */
export function choiceOf(text) {
  const spaced = text.trim().replace(/\s+/g, " ");
  const every = EVERY.exec(spaced);
  if (every && [...hours.options].some((o) => Number(o.value) === Number(every[1] ?? 1))) {
    return { kind: "hours", hours: String(Number(every[1] ?? 1)) };
  }
  const at = AT.exec(spaced);
  if (at && Number(at[1]) < 60 && Number(at[2]) < 24) {
    const hhmm = `${pad(at[2])}:${pad(at[1])}`;
    return at[3] === "*" ? { kind: "daily", time: hhmm } : { kind: "weekly", time: hhmm, day: at[3] };
  }
  return { kind: "custom" };
}

function showParts() {
  for (const part of document.querySelectorAll("#schedule-picker [data-for]")) {
    part.hidden = !part.dataset.for.split(" ").includes(kind.value);
  }
}

const whenFmt = new Intl.DateTimeFormat("en-GB", {
  weekday: "short", day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", timeZone: "UTC",
});

async function check(text) {
  const mine = ++asked;
  shown.textContent = text || "–";
  next.dataset.value = "";
  next.classList.remove("error");
  next.textContent = "checking…";
  try {
    const answer = await request("GET", `/onboarding/schedule?cron=${encodeURIComponent(text)}`);
    if (mine !== asked) return;
    if (answer.problem) {
      next.classList.add("error");
      next.textContent = answer.problem;
      return;
    }
    next.dataset.value = answer.next_runs[0];
    next.textContent = `${whenFmt.format(new Date(answer.next_runs[0]))} UTC`;
  } catch (err) {
    if (mine === asked) next.textContent = `not checked: ${err.message}`;
  }
}

let timer = null;
function changed() {
  if (kind.value !== "custom") {
    cron.value = cronOf({ kind: kind.value, time: time.value, hours: hours.value, day: day.value });
  }
  clearTimeout(timer);
  timer = setTimeout(() => check(cron.value.trim()), kind.value === "custom" ? 300 : 0); // typing: wait a little
}

/** Shows the custom cron field (a server error about the schedule names it). */
export function revealCron() {
  kind.value = "custom";
  showParts();
}

/** Sets the picker to `text` (the catalog's default schedule) and follows every change from then on. */
export function initSchedule(text) {
  const choice = choiceOf(text);
  kind.value = choice.kind;
  if (choice.time) time.value = choice.time;
  if (choice.hours) hours.value = choice.hours;
  if (choice.day) day.value = choice.day;
  cron.value = text;
  showParts();
  kind.addEventListener("change", () => {
    showParts();
    changed();
  });
  for (const input of [time, hours, day, cron]) input.addEventListener("input", changed);
  for (const input of [hours, day]) input.addEventListener("change", changed);
  check(text);
}
