"""Start one app process with everything compiled before the first visitor arrives.

`python -m ui.serve [streamlit options]` warms the knowledge base, an engine instance,
the case library and the rule counts in this process, then runs `streamlit run ui/app.py`
in the same process, so the cached resources the pages ask for are already there. The
launcher (ui/launch.py) starts one of these per app process.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

APP = Path(__file__).resolve().parent / "app.py"


def main(argv: list[str] | None = None) -> None:
    started = time.perf_counter()
    import logging

    # importing the pages' helpers outside a running app makes Streamlit's cache warn once
    logging.getLogger("streamlit.runtime.caching").setLevel(logging.ERROR)
    from ui.marrowdx_ui import warm_up

    warm_up()
    import gc

    gc.collect()
    gc.freeze()  # the compiled network and library live for the whole process: keep them out of GC scans
    print(f"marrowdx: knowledge base compiled and warmed in {time.perf_counter() - started:.1f} s",
          file=sys.stderr, flush=True)
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", str(APP), *(sys.argv[1:] if argv is None else argv)]
    cli.main()


if __name__ == "__main__":
    main()
