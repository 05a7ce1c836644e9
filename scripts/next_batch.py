"""Score a project's unlabeled tasks with the served model and refresh its "Next batch" view.

    python scripts/next_batch.py --project ID [--limit N]

Same as ``python -m active_learning next-batch``; settings (Label Studio URL and token, registry)
come from the environment (ml_backend/config.py), and what it leaves unset from the local stack's
var/stack.json (ml_backend/local_stack.py).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from active_learning.__main__ import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(["next-batch", *sys.argv[1:]]))
