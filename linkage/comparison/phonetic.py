"""Phonetic keys for name tokens, computed once per distinct token (never once per pair).

Standardisation's key (:func:`linkage.standardise.phonetic.token_key`) folds old ↔ EYD spelling and
Arabic-origin variants (DJOKO/JOKO, ACHMAD/AHMAD) but keeps vowels, which it shows to no one. For
*matching*, metaphone on top of that key also absorbs vowel drift (MOCHAMAD / MUHAMMAD, SITI / SETI),
which is what blocking and the "phonetic" name level need.
"""

from __future__ import annotations

import jellyfish
import numpy as np
import pandas as pd

from ..standardise.names import is_low_information
from ..standardise.phonetic import token_key as spelling_key


def token_key(token: str) -> str:
    """Matching key of one upper-case name token: metaphone of the spelling-folded token."""
    folded = spelling_key(token)
    return jellyfish.metaphone(folded) or folded


def informative_names(names: pd.Series) -> pd.Series:
    """Names without low-information tokens (SITI, NUR, I WAYAN, MUHAMMAD…) unless nothing else is left,
    so "SITI AMINAH" and "SITI RAHAYU" do not look alike by sharing SITI."""
    codes, uniques = pd.factorize(names.fillna("").astype(str), sort=False)
    kept = []
    for name in uniques:
        tokens = name.split()
        kept.append(" ".join([t for t in tokens if not is_low_information(t)] or tokens))
    table = np.array(kept, dtype=object)
    return pd.Series(table[codes] if len(table) else codes.astype(object), index=names.index)


def name_token_keys(names: pd.Series) -> pd.Series:
    """Space-joined phonetic keys of each name's tokens, in the name's order ("" for an empty name).

    Work is per distinct token: a million names share a few hundred thousand tokens.
    """
    codes, uniques = pd.factorize(names.fillna("").astype(str), sort=False)
    tokens = [name.split() for name in uniques]
    distinct_tokens = {t for toks in tokens for t in toks}
    keys = {t: token_key(t) for t in distinct_tokens}
    keyed = np.array([" ".join(keys[t] for t in toks) for toks in tokens], dtype=object)
    return pd.Series(keyed[codes] if len(keyed) else codes.astype(object), index=names.index)


def sorted_keys(keys: pd.Series) -> pd.Series:
    """Order-free form of space-joined keys (or tokens), so SANTOSO BUDI and BUDI SANTOSO agree."""
    codes, uniques = pd.factorize(keys.fillna(""), sort=False)
    ordered = np.array([" ".join(sorted(k.split())) for k in uniques], dtype=object)
    return pd.Series(ordered[codes] if len(ordered) else codes.astype(object), index=keys.index)
