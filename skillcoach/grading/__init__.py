"""Grading: parse and grade learner answers, and spot text that tries to instruct the grader."""
