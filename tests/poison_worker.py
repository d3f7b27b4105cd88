"""``skillcoach`` CLI whose weekly planning kills its process on any chunk holding a learner named poison*.

    python -m tests.poison_worker worker --pool=prefork ...

Stands in for a chunk that crashes native code or gets its process OOM-killed, every time it runs:
no exception, the process is simply gone (``os._exit``), as after SIGKILL.
"""

from __future__ import annotations

import os
from typing import Any

from skillcoach.app.cli import main
from skillcoach.app.weekly.batch import WeeklyBatch

_real_run = WeeklyBatch.run
POISON_PREFIX = "poison"


def _dying_run(self: WeeklyBatch, week: str, learners: list[str], **kwargs: Any) -> Any:
    if any(learner.startswith(POISON_PREFIX) for learner in learners):
        os._exit(70)
    return _real_run(self, week, learners, **kwargs)


if __name__ == "__main__":
    WeeklyBatch.run = _dying_run  # type: ignore[method-assign]
    main()
