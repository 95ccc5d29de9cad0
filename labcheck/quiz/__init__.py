"""Self-study: the instructor's verdict on a learner's answers, and model answers after an
attempt. Works in a learner's copy made by ``make lab`` on a machine that has the sources."""

from labcheck.quiz.notebooks import LearnerNotebook, this_notebook
from labcheck.quiz.reveal import model_answer
from labcheck.quiz.selfcheck import Verdict, check_answers

__all__ = ["LearnerNotebook", "Verdict", "check_answers", "model_answer", "this_notebook"]
