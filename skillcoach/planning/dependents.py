"""Which objectives are built on an objective (the reverse of prerequisites)."""

from __future__ import annotations

from skillcoach.curriculum.catalog import Curriculum


def dependents(curriculum: Curriculum, objective_id: str) -> list[str]:
    """Objectives that list ``objective_id`` as a prerequisite, directly or through others."""
    found: list[str] = []
    frontier = [objective_id]
    while frontier:
        current = frontier.pop()
        for oid in curriculum.order:
            if current in curriculum.objective(oid).prerequisites and oid not in found:
                found.append(oid)
                frontier.append(oid)
    return found
