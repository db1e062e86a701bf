// /coverage: regencies ranked by resident migrant workers, with or without an LTSA office.

import { graphql } from "../api";
import { coverageChart } from "../coverage-chart";
import { byId, h, replace } from "../dom";
import { language, onLanguageChange, t } from "../i18n";
import { announceError, mountShell } from "../shell";

interface RegionCoverage {
  code: string;
  name: string | null;
  kind: string | null;
  province: string | null;
  workers: number;
  served: number;
  offices: string[];
  coverage: number | null;
}

const COVERAGE = `query Coverage { ltsaCoverage { code name kind province workers served offices coverage } }`;
const CHART_ROWS = 15;

let rows: RegionCoverage[] = [];

function visibleRows(): RegionCoverage[] {
  const office = byId<HTMLSelectElement>("c-office").value;
  const province = byId<HTMLSelectElement>("c-province").value;
  return rows
    .filter((row) => office === "all" || row.offices.length > 0 === (office === "with"))
    .filter((row) => !province || row.province === province)
    .sort((a, b) => b.workers - a.workers || a.code.localeCompare(b.code));
}

function regencyName(row: RegionCoverage): string {
  return row.name ?? row.code;
}

function percent(share: number | null): string {
  return share === null ? "–" : new Intl.NumberFormat(language(), { style: "percent" }).format(share);
}

function renderTable(visible: RegionCoverage[]): void {
  const columns = [
    "coverage.rank",
    "coverage.regency",
    "coverage.province",
    "coverage.workers",
    "coverage.served",
    "coverage.unserved",
    "coverage.share",
    "coverage.offices",
  ] as const;
  const head = h("thead", {}, h("tr", {}, ...columns.map((key) => h("th", { scope: "col" }, t(key)))));
  const body = h(
    "tbody",
    {},
    ...visible.map((row, index) =>
      h(
        "tr",
        { "data-code": row.code },
        h("td", { class: "num" }, index + 1),
        h("th", { scope: "row" }, regencyName(row)),
        h("td", {}, row.province ?? "–"),
        h("td", { class: "num" }, row.workers),
        h("td", { class: "num" }, row.served),
        h("td", { class: "num" }, row.workers - row.served),
        h("td", { class: "num" }, percent(row.coverage)),
        h("td", {}, row.offices.length ? row.offices.join(", ") : t("coverage.noOffice")),
      ),
    ),
  );
  replace(byId("coverage-table"), h("caption", {}, t("coverage.title")), head, body);
}

function render(): void {
  const visible = visibleRows();
  const bars = visible.slice(0, CHART_ROWS).map((row) => ({
    label: regencyName(row),
    served: row.served,
    unserved: row.workers - row.served,
  }));
  replace(byId("chart"), bars.length ? coverageChart(bars) : t("common.none"));
  renderTable(visible);
}

function fillProvinces(): void {
  const select = byId<HTMLSelectElement>("c-province");
  const chosen = select.value;
  const provinces = [
    ...new Set(rows.map((row) => row.province).filter((p): p is string => Boolean(p))),
  ].sort();
  replace(
    select,
    h("option", { value: "" }, t("common.all")),
    ...provinces.map((p) => h("option", { value: p, selected: p === chosen }, p)),
  );
}

async function load(): Promise<void> {
  rows = (await graphql<{ ltsaCoverage: RegionCoverage[] }>(COVERAGE)).ltsaCoverage;
  fillProvinces();
  render();
}

mountShell();
byId("c-office").addEventListener("change", render);
byId("c-province").addEventListener("change", render);
onLanguageChange(() => {
  fillProvinces();
  render();
});
load().catch(announceError);
