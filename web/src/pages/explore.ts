// /explore: find a person, read their golden record and placements, and trace who and what they are
// tied to — neighbourhoods, paths between two entities, shared phones, brokers and agencies, risks.

import { graphql } from "../api";
import { byId, download, h, replace } from "../dom";
import { goldenRecord, placementTimeline } from "../explore/golden";
import { RelationshipGraph, type VisibleNode } from "../explore/graph";
import {
  DEFAULT_TYPES,
  EVIDENCE_TYPES,
  type GraphView,
  NEIGHBOURHOOD,
  PATHS,
  PERSON,
  type PersonDetail,
  RISKS,
  type RiskSignal,
  SEARCH,
  type SearchHit,
} from "../explore/queries";
import { onLanguageChange, t } from "../i18n";
import { announce, announceError, mountShell } from "../shell";

const graph = new RelationshipGraph(byId("graph"));
let person: PersonDetail | null = null;
let focus: string | null = null;

function chosenTypes(): string[] {
  return [...byId("types").querySelectorAll<HTMLInputElement>("input:checked")].map((box) => box.value);
}

function hops(): number {
  return Number(byId<HTMLSelectElement>("hops").value);
}

function renderNodes(): void {
  const nodes: VisibleNode[] = graph
    .visibleNodes()
    .sort((a, b) => a.label.localeCompare(b.label) || a.id.localeCompare(b.id));
  const rows = nodes.map((node) => {
    const expand = h(
      "button",
      { type: "button", class: "small", "data-expand": node.id },
      t("explore.expand"),
    );
    expand.addEventListener("click", () => void expandNode(node.id).catch(announceError));
    const pathTo = h(
      "button",
      { type: "button", class: "small", "data-path-to": node.id },
      t("explore.asPathEnd"),
    );
    pathTo.addEventListener("click", () => {
      byId<HTMLInputElement>("path-to").value = node.id;
      byId<HTMLInputElement>("path-to").focus();
    });
    return h(
      "tr",
      { "data-node": node.id, class: node.shared ? "shared" : null },
      h("td", {}, node.label),
      h("th", { scope: "row" }, node.caption ?? node.id),
      h("td", {}, h("code", {}, node.id)),
      h("td", {}, node.shared ? t("explore.shared") : ""),
      h("td", {}, expand, " ", pathTo),
    );
  });
  replace(
    byId("nodes"),
    h("caption", { class: "visually-hidden" }, t("explore.nodes")),
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        ...["Label", t("explore.value"), "ID", t("explore.shared"), ""].map((c) =>
          h("th", { scope: "col" }, c),
        ),
      ),
    ),
    h("tbody", {}, ...rows),
  );
}

function showView(view: GraphView, centre: string): void {
  graph.merge(view, centre);
  renderNodes();
  if (view.truncated) announce(t("explore.truncated"));
}

async function expandNode(id: string): Promise<void> {
  const data = await graphql<{ neighbourhood: GraphView | null }>(NEIGHBOURHOOD, {
    id,
    hops: hops(),
    types: chosenTypes(),
  });
  if (!data.neighbourhood) return announce(`${t("explore.notFound")}: ${id}`, "error");
  showView(data.neighbourhood, id);
}

function renderPerson(): void {
  if (!person) return;
  replace(byId("golden-body"), goldenRecord(person));
  replace(byId("timeline-body"), placementTimeline(person));
}

async function openPerson(id: string): Promise<void> {
  const data = await graphql<{ person: PersonDetail | null }>(PERSON, { id });
  person = data.person;
  if (!person) return announce(`${t("explore.notFound")}: ${id}`, "error");
  renderPerson();
  focus = `Person:${person.id}`;
  byId<HTMLInputElement>("path-from").value = focus;
  graph.clear();
  await expandNode(focus);
}

async function search(name: string): Promise<void> {
  const data = await graphql<{ searchPeople: { edges: { node: SearchHit }[] } }>(SEARCH, { name });
  const hits = data.searchPeople.edges.map((edge) => edge.node);
  if (hits.length === 0) return replace(byId("results"), h("li", { class: "hint" }, t("common.none")));
  replace(
    byId("results"),
    ...hits.map((hit) => {
      const button = h(
        "button",
        { type: "button", class: "result", "data-person": hit.person.id },
        h("strong", {}, hit.person.fullName ?? hit.matchedName),
        ` · ${hit.person.birthDate ?? "?"} · ${hit.person.regionCode ?? "?"}`,
        h("span", { class: "score" }, `${t("explore.score")} ${hit.score.toFixed(2)}`),
      );
      button.addEventListener("click", () => void openPerson(hit.person.id).catch(announceError));
      return h("li", {}, button);
    }),
  );
}

async function findPath(from: string, to: string): Promise<void> {
  const { paths } = await graphql<{ paths: GraphView }>(PATHS, { from, to });
  if (paths.nodes.length === 0) {
    replace(byId("path-result"), h("li", {}, t("explore.pathNone")));
    return announce(t("explore.pathNone"));
  }
  graph.highlightPath(paths);
  renderNodes();
  replace(
    byId("path-result"),
    ...paths.edges.map((edge) =>
      h(
        "li",
        { "data-source": edge.source, "data-type": edge.type, "data-target": edge.target },
        `${edge.source} —${edge.type}→ ${edge.target}`,
      ),
    ),
  );
  announce(`${t("explore.pathFound")}: ${paths.edges.length} ${t("explore.steps")}`, "success");
}

async function loadRisks(): Promise<void> {
  const { riskSignals } = await graphql<{ riskSignals: RiskSignal[] }>(RISKS);
  replace(
    byId("risks"),
    ...riskSignals.map((signal) => {
      const button = h(
        "button",
        { type: "button", class: "result", "data-subject": signal.subjectId },
        h("span", { class: "badge warn" }, signal.kind),
        ` ${signal.subjectName ?? signal.subjectId} · ${t("explore.count")} ${signal.count}`,
      );
      button.addEventListener("click", () => {
        graph.clear();
        focus = signal.subjectId;
        byId<HTMLInputElement>("path-from").value = signal.subjectId;
        expandNode(signal.subjectId).catch(announceError);
      });
      return h("li", {}, button);
    }),
  );
}

function buildTypeBoxes(): void {
  const boxes = EVIDENCE_TYPES.map((type) =>
    h(
      "label",
      { class: "check" },
      h("input", { type: "checkbox", value: type, checked: DEFAULT_TYPES.has(type) }),
      ` ${type}`,
    ),
  );
  byId("types").append(...boxes);
}

mountShell();
buildTypeBoxes();
graph.onSelect((id) => {
  byId<HTMLInputElement>("path-to").value = id;
});
byId<HTMLFormElement>("search-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const name = byId<HTMLInputElement>("search").value.trim();
  if (name) search(name).catch(announceError);
});
byId<HTMLFormElement>("graph-form").addEventListener("submit", (event) => {
  event.preventDefault();
  if (!focus) return;
  graph.clear();
  expandNode(focus).catch(announceError);
});
byId<HTMLFormElement>("path-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const from = byId<HTMLInputElement>("path-from").value.trim();
  const to = byId<HTMLInputElement>("path-to").value.trim();
  if (from && to) findPath(from, to).catch(announceError);
});
byId("export-png").addEventListener("click", () => download("satu-atap-graph.png", graph.png()));
byId("export-json").addEventListener("click", () => {
  const json = JSON.stringify(graph.toView(), null, 2);
  download("satu-atap-graph.json", `data:application/json;charset=utf-8,${encodeURIComponent(json)}`);
});
onLanguageChange(() => {
  renderPerson();
  renderNodes();
});
loadRisks().catch(announceError);
