"""Sole-candidate attachment: a reported record left alone joins the one person its evidence points to.

A complaint-desk row is filed by a relative about a worker the one-roof system already knows: it
carries the worker's name as the family says it (a calling name, "SAPARUDIN" for SAPARUDIN HASANUDIN)
beside the household's address, and rarely more. Such a pair scores in the review band (weight ≥
``review_weight``: as likely a match as not, or better), below the auto-match bar, because a calling
name at a household address is also the pattern of a father and son. What the pair alone cannot say,
the row's other candidates can: when *every* review-band candidate of the row belongs to one person,
there is no second household member in reach to confuse her with, and the row joins that person.

The rule is deliberately narrow: only records marked as reports (``LinkConfig.reported_column``), only
those clustering left alone, only review-band pairs a steward has not vetoed, never a join that would
break a cannot-link constraint. The pairs stay in the review queue, so a steward can still confirm or
veto them (a NON_MATCH removes the pair and, with it, the attachment on the next run).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .constraints import CannotLink, conflicted_components


def attach_sole_candidates(
    labels: np.ndarray,
    reported: np.ndarray,
    left: np.ndarray,
    right: np.ndarray,
    constraints: CannotLink,
) -> tuple[np.ndarray, int]:
    """Labels after every lone reported record with review-band candidates in exactly one cluster has
    joined it, renumbered 0..clusters-1; and how many records joined.

    ``labels``: the cluster of every record; ``reported``: the records that may join (boolean mask);
    ``left``/``right``: record positions of the review-band pairs to follow.
    """
    labels = np.asarray(labels, dtype=np.int64)
    left, right = np.asarray(left, dtype=np.int64), np.asarray(right, dtype=np.int64)
    alone = reported & (np.bincount(labels, minlength=labels.max(initial=-1) + 1)[labels] == 1)
    # Each pair seen from the lone reported record's side: (record, cluster of the other end). Two lone
    # reports about one worker are not joined to each other: that says nothing about which person.
    from_left, from_right = alone[left] & ~alone[right], alone[right] & ~alone[left]
    ends = [(left[from_left], right[from_left]), (right[from_right], left[from_right])]
    record = np.concatenate([mine for mine, _ in ends])
    target = labels[np.concatenate([other for _, other in ends])]
    if not len(record):
        return labels, 0
    targets = pd.DataFrame({"record": record, "target": target}).drop_duplicates()
    per_record = targets.groupby("record")["target"]
    sole = targets[per_record.transform("size").to_numpy() == 1]
    joined = labels.copy()
    joined[sole["record"].to_numpy()] = sole["target"].to_numpy()
    # A join that would put a cannot-link pair into one person is undone (the record stays alone).
    broken = np.isin(sole["target"].to_numpy(), conflicted_components(joined, constraints))
    undone = sole["record"].to_numpy()[broken]
    joined[undone] = labels[undone]
    _, renumbered = np.unique(joined, return_inverse=True)
    return renumbered.astype(np.int64), int(len(sole) - len(undone))
