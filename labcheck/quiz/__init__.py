"""Self-study: the instructor's verdict on a learner's answers, and model answers after an
attempt. Works in a learner's copy made by ``make lab`` on a machine that has the sources.

The modules are imported by name (``labcheck.quiz.selfcheck``...), not from here: every lab
notebook imports ``labcheck.quiz.feedback``, and the others load nbformat (~0.15 s a kernel).
"""
