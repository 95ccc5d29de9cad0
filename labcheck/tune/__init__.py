"""``labcheck tune``: the AWS Lambda Power Tuning method, run from the command line.

For each memory size: set it, warm up, time N invocations, drop the fastest and slowest 20 %,
average the rest, price it, then recommend a size by strategy (cost, speed or balanced). The
function's own memory setting is put back afterwards, whatever happens.

measure (one size's runs) -> tuner (every size, restores memory) -> strategy (pure choice)
-> display / export (table, CSV, JSON, plot).
"""
