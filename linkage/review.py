"""The review queue and the steward decisions store.

* A **candidate** is a scored pair at or above the review threshold; its ``candidate_id`` is a hash of
  the two record keys (sorted), so it is the same in every run and a decision survives reruns.
* **Decisions** (MATCH / NON_MATCH / UNSURE, note, steward, time) live in ``decisions.csv``, an
  append-only log: a steward who changes their mind appends a new row, and the latest row per candidate
  (by ``decided_at``, then log order) is in force. Every run reads the log and carries it into its output.
* A pair with a decision in force is never queued again (status ``decided``). UNSURE counts as decided:
  re-asking the same steward the same question gives no new information. The pair stays visible (its
  UNSURE row is in the log and in ``ltsa review export --unsure``) and clustering falls back to the
  model for it: merged when its score is an auto-match, not merged otherwise.
* Export/import as CSV lets stewards work offline. An import is validated in full before anything is
  written: one bad row rejects the file, with every problem listed by line.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd

from .linked import CANDIDATE_COLUMNS, CANDIDATES_FILE, DECISION_COLUMNS, DECISIONS_FILE, RECORDS_FILE

DECISION_VALUES: Final = ("MATCH", "NON_MATCH", "UNSURE")
STATUS_AUTO: Final = "auto_match"
STATUS_REVIEW: Final = "review"
STATUS_DECIDED: Final = "decided"


class DecisionError(ValueError):
    """A decisions file or an import that cannot be used; the message lists every problem."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.problems = problems
        shown = "\n  ".join(problems[:20])
        more = f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else ""
        super().__init__(f"{source}: {len(problems)} problem(s):\n  {shown}{more}")


def candidate_id(left_key: str, right_key: str) -> str:
    """Stable id of the pair, whatever the order of the keys."""
    a, b = sorted((left_key, right_key))
    return "C-" + hashlib.sha256(f"{a}\x1f{b}".encode()).hexdigest()[:16]


def with_candidate_ids(pairs: pd.DataFrame) -> pd.DataFrame:
    """Scored pairs with their ``candidate_id`` column (hashing is the slow part: done once per run)."""
    left, right = pairs["left_key"].to_numpy(dtype=object), pairs["right_key"].to_numpy(dtype=object)
    low, high = np.where(left <= right, left, right), np.where(left <= right, right, left)
    # candidate_id() inlined: at millions of pairs the per-call overhead was half the cost.
    sha256 = hashlib.sha256
    ids = ["C-" + sha256(f"{a}\x1f{b}".encode()).hexdigest()[:16] for a, b in zip(low, high, strict=True)]
    return pairs.assign(candidate_id=np.asarray(ids, dtype=object))


def empty_decisions() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in DECISION_COLUMNS})


def read_decisions(path: Path) -> pd.DataFrame:
    """Read and validate a decisions log (DECISION_COLUMNS); raises DecisionError listing bad lines."""
    try:
        log = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as error:
        raise DecisionError(str(path), [f"cannot read: {error}"]) from error
    missing = [c for c in DECISION_COLUMNS if c not in log.columns]
    if missing:
        raise DecisionError(str(path), [f"missing column(s): {', '.join(missing)}"])
    log = log[list(DECISION_COLUMNS)]
    problems = []
    columns = ("candidate_id", "left_key", "right_key", "decision", "decided_at")
    for line, (cid, left, right, decision, decided_at) in enumerate(
        zip(*(log[c].tolist() for c in columns), strict=True), start=2
    ):
        if decision not in DECISION_VALUES:
            problems.append(f"line {line}: decision {decision!r} is not one of {', '.join(DECISION_VALUES)}")
        if cid != candidate_id(left, right):
            problems.append(f"line {line}: candidate_id {cid!r} does not belong to the key pair")
        if not _is_iso_time(decided_at):
            problems.append(f"line {line}: decided_at {decided_at!r} is not an ISO 8601 time")
    if problems:
        raise DecisionError(str(path), problems)
    return log


def _is_iso_time(text: str) -> bool:
    try:
        datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


def merge_logs(*logs: pd.DataFrame) -> pd.DataFrame:
    """One log from several (previous run's and a steward file): rows kept once, in time order."""
    merged = pd.concat([empty_decisions(), *logs], ignore_index=True).drop_duplicates()
    order = merged.sort_values(
        "decided_at", kind="stable", key=lambda t: pd.to_datetime(t, utc=True, format="ISO8601")
    )
    return order.reset_index(drop=True)


def decisions_in_force(log: pd.DataFrame) -> pd.DataFrame:
    """The latest decision per candidate (the log is in time order, see merge_logs)."""
    return log.drop_duplicates("candidate_id", keep="last").set_index("candidate_id")


def write_log(log: pd.DataFrame, path: Path) -> None:
    """Write the whole log atomically (a crash leaves the old file, never half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
        log[list(DECISION_COLUMNS)].to_csv(out, index=False)
    os.chmod(temporary, 0o644)  # mkstemp makes it private; the log is as readable as the other outputs
    os.replace(temporary, path)


def candidates_table(
    pairs: pd.DataFrame,
    prior_weight: float,
    auto_match_weight: float,
    review_weight: float,
    in_force: pd.DataFrame,
) -> pd.DataFrame:
    """candidates.parquet: pairs at or above the review threshold, plus decided pairs that were scored.

    ``pairs`` are the engine's scored pairs with a candidate_id column (:func:`with_candidate_ids`).
    """
    ids = pairs["candidate_id"].to_numpy()
    decided = pairs["candidate_id"].isin(in_force.index).to_numpy()
    weight = pairs["match_weight"].to_numpy(dtype=np.float64)
    keep = (weight >= review_weight) | decided
    status = np.where(
        decided, STATUS_DECIDED, np.where(weight >= auto_match_weight, STATUS_AUTO, STATUS_REVIEW)
    )
    table = pd.DataFrame(
        {
            "candidate_id": ids[keep],
            "left_key": pairs["left_key"].to_numpy()[keep],
            "right_key": pairs["right_key"].to_numpy()[keep],
            "match_weight": weight[keep],
            "match_probability": pairs["match_probability"].to_numpy(dtype=np.float64)[keep],
            "prior_weight": float(prior_weight),
            "status": status[keep],
            "explanation": pairs["explanation"].to_numpy()[keep],
        }
    )
    return table.sort_values("match_weight", ascending=False, kind="stable").reset_index(drop=True)[
        list(CANDIDATE_COLUMNS)
    ]


# --- offline export / import -------------------------------------------------------------------------

EXPORT_RECORD_FIELDS: Final = ("full_name", "birth_date", "nik", "birth_place", "mother_name", "source")
EDITABLE_COLUMNS: Final = ("decision", "note", "steward")


def export_queue(linked_dir: Path, out: Path, *, include_unsure: bool = False) -> int:
    """Write the review queue of a linked folder as CSV for stewards; returns the number of pairs.

    Each row shows both records side by side, ``why`` (the score's waterfall as text) and the three
    columns to fill in: decision, note, steward.
    ``include_unsure`` adds pairs whose decision in force is UNSURE, to look at them again.
    """
    candidates = _read_linked(linked_dir, CANDIDATES_FILE, list(CANDIDATE_COLUMNS))
    queue = candidates[candidates["status"] == STATUS_REVIEW]
    if include_unsure:
        in_force = decisions_in_force(_linked_log(linked_dir))
        unsure = in_force.index[in_force["decision"] == "UNSURE"]
        queue = candidates[(candidates["status"] == STATUS_REVIEW) | candidates["candidate_id"].isin(unsure)]
    records = _read_linked(linked_dir, RECORDS_FILE, ["record_key", *EXPORT_RECORD_FIELDS])
    records = records.set_index("record_key")
    sheet = queue[["candidate_id", "left_key", "right_key", "match_weight", "match_probability"]].copy()
    for side in ("left", "right"):
        facts = records.reindex(sheet[f"{side}_key"].to_numpy())
        for name in EXPORT_RECORD_FIELDS:
            sheet[f"{side}_{name}"] = facts[name].fillna("").to_numpy()
    sheet["why"] = [_readable(text) for text in queue["explanation"].tolist()]
    for name in EDITABLE_COLUMNS:
        sheet[name] = ""
    out.parent.mkdir(parents=True, exist_ok=True)
    sheet.to_csv(out, index=False)
    return len(sheet)


def _readable(explanation: str) -> str:
    """The waterfall as one line for a spreadsheet: "name=exact +7.8; nik=null +0.0; ..."."""
    try:
        steps = json.loads(explanation) if explanation else []
    except json.JSONDecodeError:
        return explanation
    return "; ".join(f"{s['comparison']}={s['level']} {float(s['weight']):+.1f}" for s in steps)


def _read_linked(linked_dir: Path, name: str, columns: list[str]) -> pd.DataFrame:
    path = linked_dir / name
    try:
        return pd.read_parquet(path, columns=columns)
    except (OSError, ValueError) as error:
        raise DecisionError(
            str(linked_dir), [f"not a linked folder (ltsa link --out): {name}: {error}"]
        ) from error


def _linked_log(linked_dir: Path) -> pd.DataFrame:
    path = linked_dir / DECISIONS_FILE
    return read_decisions(path) if path.exists() else empty_decisions()


def import_decisions(
    linked_dir: Path, sheet_path: Path, *, steward: str = "", now: datetime | None = None
) -> int:
    """Validate a filled-in review sheet and append its decisions to the folder's decisions.csv.

    Rows with an empty decision are skipped (not decided yet). ``steward`` fills rows whose steward cell
    is empty. Raises DecisionError (nothing written) on unknown candidate ids, keys that do not match the
    candidate, bad decision values, a row without a steward, or one pair decided twice differently.
    Returns the number of decisions appended.
    """
    try:
        sheet = pd.read_csv(sheet_path, dtype=str, keep_default_na=False)
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as error:
        raise DecisionError(str(sheet_path), [f"cannot read: {error}"]) from error
    missing = [c for c in ("candidate_id", "decision") if c not in sheet.columns]
    if missing:
        raise DecisionError(str(sheet_path), [f"missing column(s): {', '.join(missing)}"])
    for name in ("left_key", "right_key", "note", "steward"):
        if name not in sheet.columns:
            sheet[name] = ""
    sheet["line"] = np.arange(2, len(sheet) + 2)
    # Stewards type in spreadsheets: accept "non match" / "Non-Match" as NON_MATCH.
    sheet["decision"] = sheet["decision"].str.strip().str.upper().str.replace(r"[\s\-]+", "_", regex=True)
    sheet = sheet[sheet["decision"] != ""]
    candidates = _read_linked(linked_dir, CANDIDATES_FILE, ["candidate_id", "left_key", "right_key"])
    known = candidates.set_index("candidate_id")

    problems = []
    chosen: dict[str, str] = {}
    columns = ("line", "candidate_id", "left_key", "right_key", "decision", "steward")
    for line, cid, left, right, decision, who in zip(*(sheet[c].tolist() for c in columns), strict=True):
        where = f"line {line}"
        if decision not in DECISION_VALUES:
            problems.append(f"{where}: decision {decision!r} is not one of {', '.join(DECISION_VALUES)}")
        if cid not in known.index:
            problems.append(f"{where}: unknown candidate_id {cid!r} (not in {CANDIDATES_FILE})")
        else:
            for side, given in (("left_key", left), ("right_key", right)):
                expected = known.at[cid, side]
                if given and given != expected:
                    problems.append(f"{where}: {side} {given!r} is not the candidate's {expected!r}")
        if not (who.strip() or steward.strip()):
            problems.append(f"{where}: no steward (fill the steward column or pass --steward)")
        if chosen.setdefault(cid, decision) != decision:
            problems.append(f"{where}: candidate {cid} decided twice, differently")
    if problems:
        raise DecisionError(str(sheet_path), problems)

    decided_at = (now or datetime.now(UTC)).isoformat(timespec="seconds")
    pairs = known.reindex(sheet["candidate_id"].to_numpy())
    new = pd.DataFrame(
        {
            "candidate_id": sheet["candidate_id"].to_numpy(),
            "left_key": pairs["left_key"].to_numpy(),
            "right_key": pairs["right_key"].to_numpy(),
            "decision": sheet["decision"].to_numpy(),
            "note": sheet["note"].to_numpy(),
            "steward": np.where(
                sheet["steward"].str.strip() != "", sheet["steward"].str.strip(), steward.strip()
            ),
            "decided_at": decided_at,
        }
    ).drop_duplicates()
    write_log(pd.concat([_linked_log(linked_dir), new], ignore_index=True), linked_dir / DECISIONS_FILE)
    return len(new)
