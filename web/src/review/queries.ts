// The review page's GraphQL documents and the shapes they return.

export interface RecordValue {
  field: string;
  value: string | null;
  raw: string | null;
}

export interface SourceRecord {
  key: string;
  source: string;
  recordId: string;
  values: RecordValue[];
}

export interface PersonRef {
  id: string;
  fullName: string | null;
  regionCode: string | null;
}

export interface WaterfallStep {
  comparison: string;
  level: string;
  weight: number;
  cumulativeWeight: number;
}

export interface Decision {
  decision: string;
  note: string | null;
  steward: string | null;
  decidedAt: string;
}

export interface QueueItem {
  id: string;
  version: number;
  matchWeight: number;
  left: { key: string; source: string };
  right: { key: string; source: string };
  leftPerson: PersonRef | null;
  rightPerson: PersonRef | null;
}

export interface Candidate extends QueueItem {
  matchProbability: number;
  priorWeight: number;
  status: string;
  samePerson: boolean;
  left: SourceRecord;
  right: SourceRecord;
  explanation: WaterfallStep[];
  decisions: Decision[];
}

export interface PersonRecords {
  id: string;
  fullName: string | null;
  recordCount: number;
  sourceRecords: SourceRecord[];
}

const PERSON_REF = "id fullName regionCode";
const RECORD = "key source recordId values { field value raw }";

export const QUEUE = `query Queue($minScore: Float, $source: String) {
  matchCandidates(status: REVIEW, minScore: $minScore, source: $source, first: 100) {
    totalCount
    edges { node { id version matchWeight left { key source } right { key source }
      leftPerson { ${PERSON_REF} } rightPerson { ${PERSON_REF} } } }
  }
}`;

export const CANDIDATE = `query Candidate($id: ID!) {
  matchCandidate(id: $id) {
    id version matchWeight matchProbability priorWeight status samePerson
    left { ${RECORD} } right { ${RECORD} }
    leftPerson { ${PERSON_REF} } rightPerson { ${PERSON_REF} }
    explanation { comparison level weight cumulativeWeight }
    decisions { decision note steward decidedAt }
  }
}`;

export const PROGRESS = `query Progress {
  matchCandidates(status: REVIEW, first: 1) { totalCount }
  stewardDecisions(first: 100) { edges { node { decidedAt } } }
}`;

export const DECIDE = `mutation Decide($id: ID!, $decision: DecisionValue!, $version: Int!, $note: String!, $steward: String) {
  decideMatch(candidateId: $id, decision: $decision, expectedVersion: $version, note: $note, steward: $steward) {
    candidate { id version status samePerson }
  }
}`;

export const PERSON = `query PersonRecords($id: ID!) {
  person(id: $id) { id fullName recordCount sourceRecords { ${RECORD} } }
}`;

export const UNMERGE = `mutation Unmerge($personId: ID!, $keys: [ID!]!, $reason: String!, $steward: String) {
  unmerge(personId: $personId, sourceRecordIds: $keys, reason: $reason, steward: $steward) {
    person { id recordCount } newPerson { id recordCount } decisionsRecorded
  }
}`;
