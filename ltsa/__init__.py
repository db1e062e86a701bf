"""The ``ltsa`` command line: one verb per pipeline step, orchestrating linkage/, graph/ and gateway/."""
