"""Autograding: a private localaws per nbgrader run, isolation from real AWS, and the lab's
starting point replayed from the registered reference steps (``replay``)."""
