"""labcheck: the Serverless Lab grader (account state -> checks -> report)."""

__version__ = "0.1.0"
