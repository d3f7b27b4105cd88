"""LangChain tools the agents call. The learner id is injected, never chosen by a model."""

from tools.curriculum import curriculum_tools
from tools.progress import progress_tools

__all__ = ["curriculum_tools", "progress_tools"]
