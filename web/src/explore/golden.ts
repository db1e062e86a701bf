// The golden record (each attribute with the source and rule that chose it) and the placement
// timeline: every placement as its pra → masa → purna phases, the reached ones filled in.

import { h } from "../dom";
import { t } from "../i18n";
import type { PersonDetail, Placement } from "./queries";

const PHASES = ["pra", "masa", "purna"] as const;
const PHASE_LABEL = {
  pra: "explore.phase.pra",
  masa: "explore.phase.masa",
  purna: "explore.phase.purna",
} as const;

export function goldenRecord(person: PersonDetail): HTMLElement {
  const rows = person.provenance.map((p) =>
    h(
      "tr",
      { "data-field": p.field },
      h("th", { scope: "row" }, p.field),
      h("td", {}, p.value ?? "–"),
      h(
        "td",
        { class: "source" },
        p.source ?? "–",
        p.recordKey ? h("div", { class: "raw" }, p.recordKey) : null,
      ),
      h("td", {}, p.rule ?? "–"),
    ),
  );
  return h(
    "div",
    {},
    h(
      "p",
      {},
      h("strong", {}, person.fullName ?? "–"),
      " ",
      h("code", {}, person.id),
      ` · ${person.recordCount} rec.`,
    ),
    person.knownNames.length > 1 ? h("p", { class: "hint" }, person.knownNames.join(" · ")) : null,
    h(
      "div",
      { class: "table-wrap", tabindex: 0 },
      h(
        "table",
        { class: "data", id: "provenance" },
        h("caption", { class: "visually-hidden" }, t("explore.golden")),
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            h("th", { scope: "col" }, t("review.field")),
            h("th", { scope: "col" }, t("explore.value")),
            h("th", { scope: "col" }, t("explore.source")),
            h("th", { scope: "col" }, t("explore.rule")),
          ),
        ),
        h("tbody", {}, ...rows),
      ),
    ),
  );
}

function placementTrack(placement: Placement): HTMLElement {
  const reached = PHASES.indexOf((placement.phase ?? "pra") as (typeof PHASES)[number]);
  const steps = PHASES.map((phase, index) =>
    h(
      "li",
      { class: index <= reached ? "reached" : "ahead", "aria-current": index === reached ? "step" : null },
      t(PHASE_LABEL[phase]),
    ),
  );
  const facts = [
    placement.destination && `${t("explore.destination")}: ${placement.destination}`,
    placement.agency?.name && `${t("explore.agency")}: ${placement.agency.name}`,
    placement.departureDate && `${t("explore.departure")}: ${placement.departureDate}`,
    placement.returnDate && `${t("explore.return")}: ${placement.returnDate}`,
    placement.status,
    placement.sector,
  ].filter(Boolean);
  return h(
    "li",
    { class: "placement", "data-phase": placement.phase ?? "" },
    h("ol", { class: "phases" }, ...steps),
    h(
      "p",
      {},
      facts.join(" · "),
      placement.procedural === false ? h("span", { class: "badge warn" }, t("explore.nonProcedural")) : null,
    ),
  );
}

export function placementTimeline(person: PersonDetail): HTMLElement {
  if (person.placements.length === 0) return h("p", { class: "hint" }, t("common.none"));
  const ordered = [...person.placements].sort((a, b) =>
    (a.departureDate ?? "").localeCompare(b.departureDate ?? ""),
  );
  return h("ol", { class: "timeline" }, ...ordered.map(placementTrack));
}
