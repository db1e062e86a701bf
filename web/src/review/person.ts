// A person's page inside /review: the source records that make up the person, and unmerge — take
// selected records off into a new person when the linkage put two people together.

import { graphql } from "../api";
import { h, replace } from "../dom";
import { t } from "../i18n";
import { claims } from "../session";
import { announce, announceError } from "../shell";
import { PERSON, type PersonRecords, UNMERGE } from "./queries";

interface UnmergeResult {
  unmerge: {
    person: { id: string };
    newPerson: { id: string; recordCount: number };
    decisionsRecorded: number;
  };
}

function recordSummary(values: PersonRecords["sourceRecords"][number]["values"]): string {
  const pick = (field: string): string | null => values.find((v) => v.field === field)?.value ?? null;
  return [pick("fullName"), pick("birthDate"), pick("regionCode")].filter(Boolean).join(" · ");
}

export async function showPerson(panel: HTMLElement, personId: string): Promise<void> {
  panel.hidden = false;
  replace(panel, t("common.loading"));
  const { person } = await graphql<{ person: PersonRecords | null }>(PERSON, { id: personId });
  if (!person) {
    replace(panel, h("h2", {}, `${t("person.title")}: ${personId}`), t("explore.notFound"));
    return;
  }
  const boxes = person.sourceRecords.map((record) => {
    const id = `rec-${record.key.replace(/[^A-Za-z0-9_-]/g, "_")}`;
    return h(
      "li",
      {},
      h("input", { type: "checkbox", id, value: record.key, name: "record" }),
      h("label", { for: id }, h("strong", {}, record.key), " ", recordSummary(record.values)),
    );
  });
  const reason = h("textarea", { id: "unmerge-reason", rows: 2, required: true });
  const form = h(
    "form",
    { class: "card", id: "unmerge-form" },
    h("fieldset", {}, h("legend", {}, t("person.records")), h("ul", { class: "plain" }, ...boxes)),
    h("label", { for: "unmerge-reason" }, t("person.reason")),
    reason,
    h("button", { type: "submit", class: "danger" }, t("person.unmerge")),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const keys = [...form.querySelectorAll<HTMLInputElement>("input[name=record]:checked")].map(
      (box) => box.value,
    );
    if (keys.length === 0 || keys.length === person.sourceRecords.length || !reason.value.trim()) {
      announce(t("person.selectOne"), "error");
      return;
    }
    graphql<UnmergeResult>(UNMERGE, {
      personId: person.id,
      keys,
      reason: reason.value.trim(),
      steward: claims()?.sub ?? null,
    })
      .then(({ unmerge }) => {
        announce(
          `${t("person.unmerged")}: ${unmerge.newPerson.id} (${unmerge.newPerson.recordCount})`,
          "success",
        );
        return showPerson(panel, person.id);
      })
      .catch(announceError);
  });
  replace(
    panel,
    h("h2", {}, `${t("person.title")}: ${person.fullName ?? "–"} `, h("code", {}, person.id)),
    h("p", {}, h("a", { href: "#" }, t("person.back"))),
    form,
  );
}
