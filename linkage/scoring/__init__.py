"""Fellegi–Sunter scoring: the model, EM on pattern counts, u from random pairs, TF adjustment,
explanations. Works on counts only, so it is the same whatever backend holds the pairs."""
