"""The learner model: BKT mastery, reviews, lessons, profiles, and progress reports as plain data."""
