// The explorer's GraphQL documents and the shapes they return.

export interface GraphNode {
  id: string;
  label: string;
  caption: string | null;
  properties: string;
}

export interface GraphEdge {
  source: string;
  target: string;
  type: string;
  properties: string;
}

export interface GraphView {
  nodes: GraphNode[];
  edges: GraphEdge[];
  truncated: boolean;
}

export interface Provenance {
  field: string;
  value: string | null;
  source: string | null;
  recordKey: string | null;
  rule: string | null;
}

export interface Placement {
  id: string;
  phase: string | null;
  status: string | null;
  procedural: boolean | null;
  departureDate: string | null;
  returnDate: string | null;
  destination: string | null;
  sector: string | null;
  agency: { name: string | null } | null;
}

export interface PersonDetail {
  id: string;
  fullName: string | null;
  knownNames: string[];
  recordCount: number;
  provenance: Provenance[];
  placements: Placement[];
}

export interface SearchHit {
  score: number;
  matchedName: string;
  person: { id: string; fullName: string | null; birthDate: string | null; regionCode: string | null };
}

export interface RiskSignal {
  kind: string;
  subjectId: string;
  subjectName: string | null;
  count: number;
}

const VIEW = "nodes { id label caption properties } edges { source target type properties } truncated";

export const SEARCH = `query Search($name: String!) {
  searchPeople(name: $name, first: 20) {
    edges { node { score matchedName person { id fullName birthDate regionCode } } }
  }
}`;

export const PERSON = `query Person($id: ID!) {
  person(id: $id) {
    id fullName knownNames recordCount
    provenance { field value source recordKey rule }
    placements { id phase status procedural departureDate returnDate destination sector agency { name } }
  }
}`;

export const NEIGHBOURHOOD = `query Neighbourhood($id: ID!, $hops: Int!, $types: [String!]) {
  neighbourhood(id: $id, hops: $hops, types: $types) { ${VIEW} }
}`;

export const PATHS = `query Paths($from: ID!, $to: ID!) { paths(from: $from, to: $to, maxHops: 6) { ${VIEW} } }`;

export const RISKS = `query Risks { riskSignals(first: 30) { kind subjectId subjectName count } }`;

/** Relationship types an investigator can follow (graph.queries.views, geography left out). */
export const EVIDENCE_TYPES = [
  "RESOLVES_TO",
  "HAS_PHONE",
  "HAS_PASSPORT",
  "HAS_ADDRESS",
  "HAS_PLACEMENT",
  "THROUGH_AGENCY",
  "WITH_EMPLOYER",
  "DESCRIBES",
  "RECRUITED",
  "FAMILY_OF",
  "FILED",
  "CONCERNS",
  "AGAINST",
  "REPORTS",
  "ABOUT",
] as const;

/** Followed by default: the ties between people, leaving out the per-record bookkeeping. */
export const DEFAULT_TYPES: ReadonlySet<string> = new Set([
  "HAS_PHONE",
  "HAS_PASSPORT",
  "HAS_PLACEMENT",
  "THROUGH_AGENCY",
  "RECRUITED",
  "FAMILY_OF",
  "FILED",
  "CONCERNS",
  "AGAINST",
]);
