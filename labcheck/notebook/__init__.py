"""labcheck in a notebook: ``connect`` (which account), ``Sandbox`` (demo resources),
``Lab`` (a lab task's notebook) and the graded cells."""
