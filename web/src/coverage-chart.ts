// A horizontal stacked bar chart in hand-made SVG: per regency, workers served at an LTSA office and
// workers not served. No chart library: a few dozen elements do not need one.

import { t } from "./i18n";

export interface CoverageBar {
  label: string;
  served: number;
  unserved: number;
}

const SVG = "http://www.w3.org/2000/svg";
const ROW = 26;
const LABEL_WIDTH = 170;
const WIDTH = 720;

function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number>,
): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) element.setAttribute(name, String(value));
  return element;
}

function text(
  x: number,
  y: number,
  content: string,
  attrs: Record<string, string | number> = {},
): SVGTextElement {
  const element = svg("text", { x, y, ...attrs });
  element.textContent = content;
  return element;
}

export function coverageChart(bars: CoverageBar[]): SVGSVGElement {
  const legendHeight = 28;
  const height = legendHeight + bars.length * ROW + 8;
  const chart = svg("svg", { viewBox: `0 0 ${WIDTH} ${height}`, role: "img", class: "chart" });
  const title = svg("title", {});
  title.textContent = t("coverage.chart");
  chart.appendChild(title);
  const largest = Math.max(1, ...bars.map((b) => b.served + b.unserved));
  const scale = (WIDTH - LABEL_WIDTH - 60) / largest;

  chart.appendChild(svg("rect", { x: LABEL_WIDTH, y: 6, width: 14, height: 14, class: "bar-served" }));
  chart.appendChild(text(LABEL_WIDTH + 20, 18, t("coverage.served")));
  chart.appendChild(
    svg("rect", { x: LABEL_WIDTH + 200, y: 6, width: 14, height: 14, class: "bar-unserved" }),
  );
  chart.appendChild(text(LABEL_WIDTH + 220, 18, t("coverage.unserved")));

  bars.forEach((bar, index) => {
    const y = legendHeight + index * ROW;
    const served = bar.served * scale;
    const unserved = bar.unserved * scale;
    chart.appendChild(text(LABEL_WIDTH - 8, y + 17, bar.label, { "text-anchor": "end" }));
    chart.appendChild(
      svg("rect", { x: LABEL_WIDTH, y: y + 4, width: served, height: ROW - 8, class: "bar-served" }),
    );
    chart.appendChild(
      svg("rect", {
        x: LABEL_WIDTH + served,
        y: y + 4,
        width: unserved,
        height: ROW - 8,
        class: "bar-unserved",
      }),
    );
    chart.appendChild(text(LABEL_WIDTH + served + unserved + 6, y + 17, String(bar.served + bar.unserved)));
  });
  return chart;
}
