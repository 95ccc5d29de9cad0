"""Persistence of moto's state: the request lock, the journal of writes and the state directory."""
