"""Persistence of moto's state: the request lock, the snapshot and the state directory."""
