// The relationship graph drawn with cytoscape.js: views from neighbourhood() and paths() are merged
// into one picture, phones/brokers/agencies tied to more than one person are marked as shared, and
// the visible subgraph can be exported as PNG or JSON.

import cytoscape, { type Core, type NodeSingular } from "cytoscape";
import type { GraphEdge, GraphNode, GraphView } from "./queries";

const SHARED_KINDS = new Set(["Phone", "Broker", "Agency"]);
// Colours chosen for contrast against white and for telling kinds apart without reading labels.
const COLOURS: Record<string, string> = {
  Person: "#1f4e9c",
  Phone: "#8a4b00",
  Broker: "#a3123a",
  Agency: "#5b2a86",
  Placement: "#2d6a2d",
  SourceRecord: "#5f6b73",
  Employer: "#0b6b75",
};

export interface VisibleNode extends GraphNode {
  shared: boolean;
}

function edgeId(edge: GraphEdge): string {
  return `${edge.source}|${edge.type}|${edge.target}`;
}

export class RelationshipGraph {
  private readonly cy: Core;

  constructor(container: HTMLElement) {
    this.cy = cytoscape({
      container,
      style: [
        {
          selector: "node",
          style: {
            label: "data(caption)",
            "font-size": 9,
            "text-wrap": "ellipsis",
            "text-max-width": "110px",
            "background-color": (node: NodeSingular) => COLOURS[node.data("label") as string] ?? "#444",
            color: "#111",
            width: 18,
            height: 18,
          },
        },
        {
          selector: "node.focus",
          style: { width: 30, height: 30, "border-width": 3, "border-color": "#000" },
        },
        {
          selector: "node.shared",
          style: { shape: "diamond", width: 28, height: 28, "border-width": 4, "border-color": "#d97706" },
        },
        {
          selector: "edge",
          style: {
            width: 1.5,
            "line-color": "#9aa4ad",
            "curve-style": "bezier",
            "target-arrow-shape": "triangle",
            "target-arrow-color": "#9aa4ad",
            label: "data(type)",
            "font-size": 7,
            color: "#333",
          },
        },
        {
          selector: ".path",
          style: {
            "line-color": "#c2410c",
            "target-arrow-color": "#c2410c",
            width: 4,
            "border-width": 4,
            "border-color": "#c2410c",
          },
        },
      ],
      layout: { name: "grid" },
    });
  }

  /** Adds a view's nodes and edges (already drawn ones are kept), marks shared ones, lays out again. */
  merge(view: GraphView, focus?: string): void {
    this.cy.batch(() => {
      for (const node of view.nodes) {
        if (this.cy.getElementById(node.id).empty()) {
          this.cy.add({ group: "nodes", data: { ...node, caption: node.caption ?? node.id } });
        }
      }
      for (const edge of view.edges) {
        const id = edgeId(edge);
        if (this.cy.getElementById(id).empty()) this.cy.add({ group: "edges", data: { ...edge, id } });
      }
      if (focus) {
        this.cy.nodes().removeClass("focus");
        this.cy.getElementById(focus).addClass("focus");
      }
      this.markShared();
    });
    this.cy
      .layout({
        name: "cose",
        animate: false,
        randomize: false,
        nodeDimensionsIncludeLabels: true,
        padding: 20,
      })
      .run();
  }

  clear(): void {
    this.cy.elements().remove();
  }

  /** Marks the elements of a path view (merged first) so the route stands out. */
  highlightPath(view: GraphView): void {
    this.merge(view);
    this.cy.elements().removeClass("path");
    for (const node of view.nodes) this.cy.getElementById(node.id).addClass("path");
    for (const edge of view.edges) this.cy.getElementById(edgeId(edge)).addClass("path");
  }

  private markShared(): void {
    for (const node of this.cy.nodes()) {
      const kind = node.data("label") as string;
      if (!SHARED_KINDS.has(kind)) continue;
      // People reach an agency through their placements, a phone through a source record.
      const near = node.neighborhood("node");
      const people = near
        .filter('[label = "Person"]')
        .union(near.filter('[label != "Person"]').neighborhood('node[label = "Person"]'));
      node.toggleClass("shared", people.length > 1);
    }
  }

  visibleNodes(): VisibleNode[] {
    return this.cy.nodes().map((node) => ({
      id: node.id(),
      label: node.data("label") as string,
      caption: node.data("caption") as string,
      properties: node.data("properties") as string,
      shared: node.hasClass("shared"),
    }));
  }

  onSelect(listener: (id: string) => void): void {
    this.cy.on("tap", "node", (event) => listener((event.target as NodeSingular).id()));
  }

  /** The visible subgraph in the shape the API returns, for the JSON export. */
  toView(): GraphView {
    const nodes = this.cy.nodes().map((n) => ({
      id: n.id(),
      label: n.data("label") as string,
      caption: n.data("caption") as string,
      properties: n.data("properties") as string,
    }));
    const edges = this.cy.edges().map((e) => ({
      source: e.data("source") as string,
      target: e.data("target") as string,
      type: e.data("type") as string,
      properties: e.data("properties") as string,
    }));
    return { nodes, edges, truncated: false };
  }

  png(): string {
    return this.cy.png({ full: true, bg: "#ffffff", scale: 2 });
  }
}
