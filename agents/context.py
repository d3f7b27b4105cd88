"""What agents are handed at run time (LangGraph ``context``): curriculum, store, tools, language."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from langchain_core.runnables import RunnableConfig
from langchain_core.tools import BaseTool

from agents.composer import Composer
from skillcoach.curriculum.catalog import Curriculum
from skillcoach.curriculum.search import CurriculumIndex
from skillcoach.storage.store import Store
from skillcoach.tracing.recording import TurnRecorder


@dataclass
class CoachContext:
    curriculum: Curriculum
    store: Store
    index: CurriculumIndex
    tools: dict[str, BaseTool]
    composer: Composer
    clock: Callable[[], datetime]
    max_answer_chars: int = 2000
    recorder: TurnRecorder = field(default_factory=TurnRecorder)

    def use_tool(self, name: str, args: dict[str, Any], config: RunnableConfig | None = None) -> Any:
        """Call a tool through the LangChain tool interface (so it is traced) and record its I/O."""
        result = self.tools[name].invoke(args, config=config)
        self.recorder.tool(name, args, result)
        return result
