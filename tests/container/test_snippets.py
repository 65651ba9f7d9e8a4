"""The incident's before/after snippets agree with the two Dockerfiles kept in the repo."""

from __future__ import annotations

from pathlib import Path

from .snippets import instructions, normalize, snippet_lines, snippet_matches

ROOT = Path(__file__).resolve().parents[2]
FIXED = ROOT / "Dockerfile"
BROKEN = ROOT / "incidents" / "evidence" / "voice-service" / "Dockerfile.broken"

# Verbatim from the 2025-11-09 write-up, including its remarks and elisions.
BEFORE = """\
# Stage 1: Builder
RUN pip install --user --no-cache-dir -r requirements.txt

# Stage 2: Runtime
COPY --from=builder /root/.local /root/.local
USER nexus
ENV PATH=/root/.local/bin:$PATH  # ❌ nexus can't access /root
CMD ["python", "-m", "uvicorn", ...]
"""

AFTER = """\
# Stage 1: Builder
RUN pip install --no-cache-dir -r requirements.txt  # ✅ System-wide

# Stage 2: Runtime
COPY --from=builder /usr/local/lib/python3.11/site-packages /usr/local/lib/python3.11/site-packages
COPY --from=builder /usr/local/bin /usr/local/bin
USER nexus  # ✅ Can access system packages
CMD ["uvicorn", "app.main:app", ...]  # ✅ Direct command
"""


def test_before_snippet_matches_broken_dockerfile() -> None:
    assert snippet_matches(BEFORE, BROKEN.read_text()) == []


def test_after_snippet_matches_fixed_dockerfile() -> None:
    assert snippet_matches(AFTER, FIXED.read_text()) == []


def test_snippets_do_not_match_the_other_file() -> None:
    # The check must tell the two files apart, or agreeing would mean nothing.
    assert snippet_matches(BEFORE, FIXED.read_text()) == [
        "RUN pip install --user --no-cache-dir -r requirements.txt",
        "COPY --from=builder /root/.local /root/.local",
        "ENV PATH=/root/.local/bin:$PATH",
        'CMD ["python", "-m", "uvicorn", ...]',
    ]
    assert snippet_matches(AFTER, BROKEN.read_text()) == [
        "RUN pip install --no-cache-dir -r requirements.txt",
        "COPY --from=builder /usr/local/lib/python3.11/site-packages"
        " /usr/local/lib/python3.11/site-packages",
        "COPY --from=builder /usr/local/bin /usr/local/bin",
        'CMD ["uvicorn", "app.main:app", ...]',
    ]


def test_snippet_lines_drop_remarks_and_comment_lines() -> None:
    assert snippet_lines(AFTER) == [
        "RUN pip install --no-cache-dir -r requirements.txt",
        "COPY --from=builder /usr/local/lib/python3.11/site-packages"
        " /usr/local/lib/python3.11/site-packages",
        "COPY --from=builder /usr/local/bin /usr/local/bin",
        "USER nexus",
        'CMD ["uvicorn", "app.main:app", ...]',
    ]


def test_order_matters() -> None:
    dockerfile = "FROM x\nENV PATH=/root/.local/bin:$PATH\nUSER nexus\n"
    assert snippet_matches("USER nexus\nENV PATH=/root/.local/bin:$PATH\n", dockerfile) == [
        "ENV PATH=/root/.local/bin:$PATH"
    ]


def test_each_dockerfile_instruction_matches_once() -> None:
    assert snippet_matches("USER nexus\nUSER nexus\n", "FROM x\nUSER nexus\n") == ["USER nexus"]


def test_ellipsis_stands_for_remaining_arguments_only() -> None:
    dockerfile = 'CMD ["uvicorn", "app.main:app", "--port", "8003"]'
    assert snippet_matches('CMD ["uvicorn", ...]', dockerfile) == []
    assert snippet_matches('CMD ["uvicorn", "app.main:app", ...]', dockerfile) == []
    assert snippet_matches('CMD ["python", ...]', dockerfile) == ['CMD ["python", ...]']
    # The shell form is a different instruction, even with the same words.
    assert snippet_matches('CMD ["uvicorn", ...]', "CMD uvicorn app.main:app") != []


def test_exec_form_spacing_and_keyword_case_are_normalised() -> None:
    assert normalize('cmd  ["a","b"]') == 'CMD ["a", "b"]'
    assert snippet_matches('CMD ["a", "b"]', 'cmd ["a","b"]') == []


def test_real_trailing_hash_is_part_of_the_instruction() -> None:
    # Docker passes `# ...` after RUN to the shell, so it is not a comment there.
    dockerfile = "RUN pip install -r requirements.txt  # note\n"
    assert instructions(dockerfile) == ["RUN pip install -r requirements.txt  # note"]
    assert snippet_matches("RUN pip install -r requirements.txt\n", dockerfile) == [
        "RUN pip install -r requirements.txt"
    ]


def test_continuations_and_interleaved_comments_are_joined() -> None:
    dockerfile = "RUN pip install \\\n# a comment line\n    --no-cache-dir -r requirements.txt\n"
    assert snippet_matches("RUN pip install --no-cache-dir -r requirements.txt", dockerfile) == []
