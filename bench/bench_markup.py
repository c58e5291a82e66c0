"""Benchmark community.markup.render_markdown on a realistic ~500-character post.

Run: DJANGO_SETTINGS_MODULE=community.settings DJANGO_DEBUG=1 .venv/bin/python bench/bench_markup.py
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "community.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")

import django

django.setup()

from community.markup import render_markdown  # noqa: E402

POST = """Had a **rough** week, but I tried the *pause before replying* idea.

> It's okay to wait before you answer a message.

Things that helped:

- Naming the feeling out loud
- Texting a friend instead of *him*
- ~~Checking his status~~ muting the chat

1. Breathe
2. Wait 20 minutes

The worksheet is at https://www.example.org/attachment/worksheet and the book
[Attached](https://example.com/attached) was useful. Try `box breathing` too.

Thanks all, you're kind.
"""

SECONDS = 3.0


def main() -> None:
    """Render POST repeatedly for about SECONDS and print renders per second."""
    for _ in range(50):  # warm-up
        render_markdown(POST)
    count = 0
    start = time.perf_counter()
    deadline = start + SECONDS
    while time.perf_counter() < deadline:
        for _ in range(100):
            render_markdown(POST)
        count += 100
    elapsed = time.perf_counter() - start
    print(f"post length: {len(POST)} chars")
    print(f"{count} renders in {elapsed:.2f} s: {count / elapsed:,.0f} renders/second")


if __name__ == "__main__":
    main()
