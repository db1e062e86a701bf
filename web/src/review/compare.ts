// The two records of a candidate side by side, each field marked as agreeing, differing or missing,
// and the match-weight waterfall: how each comparison moved the weight from the prior to the total.

import { h } from "../dom";
import { t } from "../i18n";
import type { Candidate, RecordValue, SourceRecord, WaterfallStep } from "./queries";

type Agreement = "agree" | "disagree" | "missing" | "masked";

// The gateway masks identifiers for roles that may not see them (e.g. 3201********0001). Two equal
// masks can hide different numbers, so masked fields are not judged here: the waterfall, computed on
// the real values, says how they compared.
const MASK = "*";

function valuesByField(record: SourceRecord): Map<string, RecordValue> {
  return new Map(record.values.map((value) => [value.field, value]));
}

function agreement(left: string | null | undefined, right: string | null | undefined): Agreement {
  if (!left || !right) return "missing";
  if (left.includes(MASK) || right.includes(MASK)) return "masked";
  return left === right ? "agree" : "disagree";
}

const AGREEMENT_LABEL = {
  agree: "review.agree",
  disagree: "review.disagree",
  missing: "review.missing",
  masked: "review.masked",
} as const;

function cell(value: RecordValue | undefined): HTMLTableCellElement {
  // The raw text is shown under the standardised value when they differ: the steward sees both.
  const raw = value?.raw && value.raw !== value.value ? h("div", { class: "raw" }, value.raw) : null;
  return h("td", {}, value?.value ?? "–", raw);
}

export function comparisonTable(candidate: Candidate): HTMLTableElement {
  const left = valuesByField(candidate.left);
  const right = valuesByField(candidate.right);
  const fields = [...new Set([...left.keys(), ...right.keys()])];
  const rows = fields.map((field) => {
    const state = agreement(left.get(field)?.value, right.get(field)?.value);
    return h(
      "tr",
      { class: state, "data-field": field, "data-agreement": state },
      h("th", { scope: "row" }, field),
      cell(left.get(field)),
      cell(right.get(field)),
      h("td", { class: "agreement" }, t(AGREEMENT_LABEL[state])),
    );
  });
  const header = (record: SourceRecord, key: "review.leftRecord" | "review.rightRecord"): HTMLElement =>
    h("th", { scope: "col" }, t(key), h("div", { class: "record-key" }, record.key));
  return h(
    "table",
    { class: "data compare" },
    h("caption", { class: "visually-hidden" }, `${candidate.left.key} ↔ ${candidate.right.key}`),
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        h("th", { scope: "col" }, t("review.field")),
        header(candidate.left, "review.leftRecord"),
        header(candidate.right, "review.rightRecord"),
        h("th", { scope: "col" }, "✓/✗"),
      ),
    ),
    h("tbody", {}, ...rows),
  );
}

function bar(weight: number, largest: number): HTMLElement {
  const width = Math.round((Math.abs(weight) / largest) * 100);
  return h(
    "div",
    { class: "bar-track", "aria-hidden": "true" },
    h("div", { class: `bar ${weight >= 0 ? "for" : "against"}`, style: `width:${width}%` }),
  );
}

function stepRow(
  label: string,
  level: string,
  weight: number,
  cumulative: number,
  largest: number,
): HTMLElement {
  return h(
    "tr",
    {},
    h("th", { scope: "row" }, label),
    h("td", {}, level),
    h("td", { class: "num" }, weight.toFixed(2)),
    h("td", {}, bar(weight, largest)),
    h("td", { class: "num" }, cumulative.toFixed(2)),
  );
}

export function waterfall(candidate: Candidate): HTMLTableElement {
  const steps: WaterfallStep[] = candidate.explanation;
  const largest = Math.max(1, Math.abs(candidate.priorWeight), ...steps.map((s) => Math.abs(s.weight)));
  return h(
    "table",
    { class: "data waterfall" },
    h(
      "caption",
      {},
      `${t("review.waterfall")} — ${t("review.probability")} ${(candidate.matchProbability * 100).toFixed(1)}%`,
    ),
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        h("th", { scope: "col" }, t("review.comparison")),
        h("th", { scope: "col" }, t("review.level")),
        h("th", { scope: "col" }, t("review.weight")),
        h("th", { scope: "col" }, h("span", { class: "visually-hidden" }, t("review.weight"))),
        h("th", { scope: "col" }, t("review.cumulative")),
      ),
    ),
    h(
      "tbody",
      {},
      stepRow(t("review.prior"), "", candidate.priorWeight, candidate.priorWeight, largest),
      ...steps.map((s) => stepRow(s.comparison, s.level, s.weight, s.cumulativeWeight, largest)),
    ),
    h(
      "tfoot",
      {},
      h(
        "tr",
        {},
        h("th", { scope: "row", colspan: 4 }, t("review.total")),
        h("td", { class: "num", "data-testid": "total-weight" }, candidate.matchWeight.toFixed(2)),
      ),
    ),
  );
}
