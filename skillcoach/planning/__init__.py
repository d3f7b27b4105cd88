"""Planning: which objective a session takes next, the weekly plan, pacing, and ISO weeks."""
