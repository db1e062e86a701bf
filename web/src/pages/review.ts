// /review: the steward's queue of match candidates, one candidate at a time, decided with a note.

import { ApiError, graphql } from "../api";
import { byId, h, replace } from "../dom";
import { onLanguageChange, t } from "../i18n";
import { comparisonTable, waterfall } from "../review/compare";
import { showPerson } from "../review/person";
import { CANDIDATE, type Candidate, DECIDE, PROGRESS, QUEUE, type QueueItem } from "../review/queries";
import { claims } from "../session";
import { announce, announceError, mountShell } from "../shell";

type DecisionValue = "MATCH" | "NON_MATCH" | "UNSURE";

const state: { queue: QueueItem[]; current: Candidate | null; busy: boolean } = {
  queue: [],
  current: null,
  busy: false,
};

function numberOrNull(id: string): number | null {
  const raw = byId<HTMLInputElement>(id).value.trim();
  return raw === "" ? null : Number(raw);
}

function inRegion(item: QueueItem, region: string): boolean {
  if (!region) return true;
  return [item.leftPerson, item.rightPerson].some((p) => p?.regionCode?.startsWith(region));
}

function fillSources(items: QueueItem[]): void {
  const select = byId<HTMLSelectElement>("f-source");
  if (select.options.length > 1) return; // filled from the unfiltered queue once; filters must not shrink it
  const sources = [...new Set(items.flatMap((item) => [item.left.source, item.right.source]))].sort();
  replace(
    select,
    h("option", { value: "", "data-i18n": "common.all" }, t("common.all")),
    ...sources.map((s) => h("option", { value: s }, s)),
  );
}

function queueEntry(item: QueueItem): HTMLElement {
  const names = `${item.leftPerson?.fullName ?? "?"} ↔ ${item.rightPerson?.fullName ?? "?"}`;
  const button = h(
    "button",
    {
      type: "button",
      class: "queue-item",
      "data-candidate": item.id,
      "aria-current": item.id === state.current?.id ? "true" : null,
    },
    h("span", { class: "weight" }, item.matchWeight.toFixed(1)),
    " ",
    names,
    h("span", { class: "sources" }, `${item.left.source} · ${item.right.source}`),
  );
  button.addEventListener("click", () => void openCandidate(item.id));
  return h("li", {}, button);
}

function renderQueue(): void {
  const list = byId("queue-list");
  if (state.queue.length === 0) replace(list, h("li", { class: "hint" }, t("review.empty")));
  else replace(list, ...state.queue.map(queueEntry));
}

async function loadQueue(): Promise<void> {
  const source = byId<HTMLSelectElement>("f-source").value || null;
  const data = await graphql<{ matchCandidates: { edges: { node: QueueItem }[] } }>(QUEUE, {
    minScore: numberOrNull("f-min"),
    source,
  });
  const all = data.matchCandidates.edges.map((edge) => edge.node);
  fillSources(all);
  const max = numberOrNull("f-max");
  const region = byId<HTMLInputElement>("f-region").value.trim();
  state.queue = all.filter((item) => (max === null || item.matchWeight <= max) && inRegion(item, region));
  renderQueue();
}

async function loadProgress(): Promise<void> {
  const data = await graphql<{
    matchCandidates: { totalCount: number };
    stewardDecisions: { edges: { node: { decidedAt: string } }[] };
  }>(PROGRESS);
  const today = new Date().toDateString();
  const decidedToday = data.stewardDecisions.edges.filter(
    (e) => new Date(e.node.decidedAt).toDateString() === today,
  );
  byId("left-count").textContent = String(data.matchCandidates.totalCount);
  byId("today-count").textContent = String(decidedToday.length);
}

function personLink(person: Candidate["leftPerson"]): HTMLElement | string {
  if (!person) return "–";
  return h(
    "a",
    { href: `#person=${encodeURIComponent(person.id)}`, title: t("review.openPerson") },
    person.fullName ?? person.id,
  );
}

function renderCandidate(): void {
  const panel = byId("candidate");
  const candidate = state.current;
  if (!candidate) {
    replace(panel, h("p", { class: "hint" }, t("review.pick")));
    return;
  }
  const note = h("textarea", { id: "note", rows: 2 });
  const decide = (
    value: DecisionValue,
    key: "review.match" | "review.nonMatch" | "review.unsure",
    cls: string,
  ): HTMLElement => {
    const button = h("button", { type: "button", class: cls, "data-decision": value }, t(key));
    button.addEventListener("click", () => void submitDecision(value));
    return button;
  };
  const history = candidate.decisions.map((d) =>
    h("li", {}, `${d.decidedAt} · ${d.steward ?? "?"} · ${d.decision}${d.note ? ` — ${d.note}` : ""}`),
  );
  replace(
    panel,
    h(
      "h2",
      { "data-testid": "candidate-id" },
      candidate.id,
      " ",
      h("span", { class: `badge ${candidate.status.toLowerCase()}` }, candidate.status),
    ),
    h(
      "p",
      {},
      `${t("review.person")}: `,
      personLink(candidate.leftPerson),
      " ↔ ",
      personLink(candidate.rightPerson),
    ),
    candidate.samePerson ? h("p", { class: "hint" }, t("review.samePerson")) : null,
    h("div", { class: "table-wrap", tabindex: 0 }, comparisonTable(candidate)),
    h("div", { class: "table-wrap", tabindex: 0 }, waterfall(candidate)),
    h(
      "div",
      { class: "decide card" },
      h("label", { for: "note" }, t("review.note")),
      note,
      h(
        "div",
        { class: "buttons" },
        decide("MATCH", "review.match", "match"),
        decide("NON_MATCH", "review.nonMatch", "non-match"),
        decide("UNSURE", "review.unsure", "unsure"),
      ),
    ),
    history.length ? h("section", {}, h("h3", {}, t("review.history")), h("ol", {}, ...history)) : null,
  );
}

async function openCandidate(id: string): Promise<void> {
  const data = await graphql<{ matchCandidate: Candidate | null }>(CANDIDATE, { id });
  state.current = data.matchCandidate;
  renderCandidate();
  renderQueue();
}

function neighbour(step: 1 | -1): QueueItem | undefined {
  const index = state.queue.findIndex((item) => item.id === state.current?.id);
  return state.queue[Math.min(Math.max(index + step, 0), state.queue.length - 1)];
}

async function submitDecision(decision: DecisionValue): Promise<void> {
  const candidate = state.current;
  if (!candidate || state.busy) return;
  state.busy = true;
  const note = byId<HTMLTextAreaElement>("note").value.trim();
  const next = neighbour(1);
  try {
    await graphql(DECIDE, {
      id: candidate.id,
      decision,
      version: candidate.version,
      note,
      steward: claims()?.sub ?? null,
    });
    announce(`${t("review.decided")}: ${candidate.id} → ${decision}`, "success");
    await Promise.all([loadQueue(), loadProgress()]);
    const upcoming = next && next.id !== candidate.id ? next : state.queue[0];
    if (upcoming) await openCandidate(upcoming.id);
    else {
      state.current = null;
      renderCandidate();
    }
  } catch (error) {
    if (error instanceof ApiError && error.code === "CONFLICT") {
      // Someone decided first: show what they decided, keep this steward's note for reference.
      await openCandidate(candidate.id);
      byId<HTMLTextAreaElement>("note").value = note;
      announce(t("review.conflict"), "error");
      await Promise.all([loadQueue(), loadProgress()]);
    } else announceError(error);
  } finally {
    state.busy = false;
  }
}

function onKey(event: KeyboardEvent): void {
  const target = event.target as HTMLElement;
  if (event.ctrlKey || event.metaKey || event.altKey || target.closest("input, textarea, select")) return;
  const actions: Record<string, () => void> = {
    m: () => void submitDecision("MATCH"),
    n: () => void submitDecision("NON_MATCH"),
    u: () => void submitDecision("UNSURE"),
    j: () => {
      const item = neighbour(1);
      if (item) void openCandidate(item.id).catch(announceError);
    },
    k: () => {
      const item = neighbour(-1);
      if (item) void openCandidate(item.id).catch(announceError);
    },
  };
  const action = actions[event.key];
  if (action && !byId("candidate").closest("[hidden]")) {
    event.preventDefault();
    action();
  }
}

function route(): void {
  const personId = new URLSearchParams(window.location.hash.slice(1)).get("person");
  const person = byId("person");
  const review = [byId("candidate").parentElement, byId("filters"), document.querySelector(".progress")];
  for (const part of review) if (part instanceof HTMLElement) part.hidden = Boolean(personId);
  if (personId) showPerson(person, personId).catch(announceError);
  else person.hidden = true;
}

async function start(): Promise<void> {
  await Promise.all([loadQueue(), loadProgress()]);
  const first = state.queue[0];
  if (first) await openCandidate(first.id);
  else renderCandidate();
}

mountShell();
byId<HTMLFormElement>("filters").addEventListener("submit", (event) => {
  event.preventDefault();
  loadQueue().catch(announceError);
});
document.addEventListener("keydown", onKey);
window.addEventListener("hashchange", route);
onLanguageChange(() => {
  renderQueue();
  renderCandidate();
});
route();
start().catch(announceError);
