"""localaws: the offline AWS for Serverless Lab (moto's server, persistence, Lambda executor)."""

__version__ = "0.1.0"
