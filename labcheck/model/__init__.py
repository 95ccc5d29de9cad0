"""What labcheck reasons about: the account state (typed, read-only views), check results,
and Lambda REPORT lines."""
