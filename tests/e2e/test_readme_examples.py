# SPDX-License-Identifier: EUPL-1.2
"""The README's command-line examples run as written on the demo (issue 9, point 3).

Every ``zorginkoop ...`` line of the README's ``sh`` code blocks is read as the synopsis it is:
``[...]`` is optional, ``a|b`` offers alternatives, ``cmd x | y`` names sibling subcommands and an
UPPERCASE word is a placeholder. Each line runs in its shortest form (no optional parts) and its
longest (every optional part), once per alternative, in the README's order, on one copy of the
demo store, and must exit 0. Placeholders get a value the demo has (:data:`PLACEHOLDERS`); the
lines that need a value only an earlier command prints, or that start a server, are listed in
:data:`SKIPPED` with the reason, and a test keeps that list true to the README.
"""

from __future__ import annotations

import itertools
import re
import shlex
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import ISTANDAARDEN, REPO_ROOT
from zorginkoop.cli import app

README = REPO_ROOT / "README.md"
PASSWORD = "readme-example-password"

SKIPPED = {
    "DECISION": "the decision id is printed by `access decide` and differs per store (tests/e2e/test_cli_access.py)",
    "NUMBER": "a ToewijzingNummer printed by `access decide`/`allocate` (tests/e2e/test_cli_access.py)",
    "ITEM": "a stop worklist item made by an incoming 307 (tests/e2e/test_cli_exchange.py)",
    "zorginkoop serve": "starts a server (tests/e2e/test_cli_serve.py)",
}
"""A README line containing the key is not run, for the reason given."""

README_FIXES_PENDING: dict[str, str] = {}
"""README lines that fail as written, with the fix the README needs (this branch does not edit
the README); when the README is fixed, the line is gone and its entry must go too."""

ONE_FORM = {
    "zorginkoop demo": "the longest form only: building the demo twice adds half a minute",
    "zorginkoop declarations process": "the longest forms only: the shortest would process the folder once more",
}


@dataclass(frozen=True)
class Example:
    line: str
    """The README line as written (continuations joined, comment cut)."""
    stdin: str | None
    args: tuple[str, ...]


def readme_lines(text: str) -> Iterator[str]:
    """The ``zorginkoop`` lines of the README's ``sh`` blocks, continuations joined."""
    for block in re.findall(r"```sh\n(.*?)```", text, re.DOTALL):
        joined = re.sub(r"\\\n\s*", " ", block)
        for raw in joined.splitlines():
            line = re.sub(r"\s+#.*$", "", raw).strip()
            if "zorginkoop " in line and not line.startswith(("make ", "#")):
                yield line


def _split_pipe(line: str) -> tuple[str | None, str]:
    """``printf '%s\\n' "$PW" | zorginkoop ...``: the password on stdin and the command."""
    if line.startswith("printf"):
        _, command = line.split("| zorginkoop", 1)
        return PASSWORD + "\n", "zorginkoop" + command
    return None, line


def _siblings(tokens: list[str]) -> list[list[str]]:
    """``zorginkoop catalogue products | tariffs [...]`` as two commands."""
    parts: list[list[str]] = [[]]
    for token in tokens:
        if token == "|":
            parts.append([])
        else:
            parts[-1].append(token)
    first = parts[0]
    words = list(itertools.takewhile(lambda t: not t.startswith(("-", "[")) and not t.isupper(), first))
    prefix = words[:-1]
    return [first, *([*prefix, *part] for part in parts[1:])]


def _forms(tokens: list[str], longest: bool) -> list[str]:
    """``tokens`` without the optional ``[...]`` groups, or with them (brackets dropped)."""
    out: list[str] = []
    inside = False
    for token in tokens:
        opens = token.startswith("[") and not inside
        word = token.removeprefix("[") if opens else token
        inside = inside or opens
        closes = inside and word.endswith("]")
        word = word.removesuffix("]") if closes else word
        if not inside or longest:
            out.append(word)
        inside = inside and not closes
    return out


def _alternatives(tokens: list[str]) -> Iterator[list[str]]:
    """One command per choice of each ``a|b`` word."""
    choices = [token.split("|") if "|" in token else [token] for token in tokens]
    for combination in itertools.product(*choices):
        yield list(combination)


PLACEHOLDERS = {
    "MUNICIPALITY": "Vijfheerenlanden",
    "AGB": "75114940",
    "BSN": "999900006",
    "A": "zorginkoop-users",
    "ID": "decision",
    "DATE": "2021-01-01",
    "N": "2020",
    "TEXT": "blijft",
}


def _fill(args: list[str], store: str, work: Path) -> list[str]:
    filled = []
    for i, token in enumerate(args):
        word = token.removesuffix("...")
        before = args[i - 1] if i else ""
        if word == "URL":
            filled.append(store)
        elif word == "DIR":
            filled.append(str(work / ("out" if before == "--out" else "in-empty")))
        elif word == "FILE":
            if "validate" in args:
                filled.append(str(ISTANDAARDEN / "iwmo-3.2" / "examples" / "WMO301.xml"))
            elif before == "--out":
                filled.append(str(work / "export.json"))
            else:  # messages import FILE: a provider's 305 from the standard's examples
                filled.append(str(ISTANDAARDEN / "iwmo-3.2" / "examples" / "WMO305.xml"))
        elif word.startswith("examples/"):  # a file shipped in the repository, read from there
            filled.append(str(REPO_ROOT / word))
        else:
            filled.append(PLACEHOLDERS.get(word, token))
    return filled


def examples(text: str) -> Iterator[Example | tuple[str, str]]:
    """Each runnable form of each README line, or ``(line, reason)`` for a skipped line."""
    for line in readme_lines(text):
        reason = next((why for key, why in SKIPPED.items() if key in line), None)
        if reason is not None:
            yield line, reason
            continue
        stdin, command = _split_pipe(line)
        seen: set[tuple[str, ...]] = set()
        for sibling in _siblings(shlex.split(command)):
            one = any(command.startswith(key) for key in ONE_FORM)
            for longest in (True,) if one else (False, True):
                for args in _alternatives(_forms(sibling[1:], longest)):
                    if tuple(args) not in seen:
                        seen.add(tuple(args))
                        yield Example(line, stdin, tuple(args))


def test_the_readme_has_cli_examples_and_every_skip_names_a_line_it_has():
    text = README.read_text(encoding="utf-8")
    lines = list(readme_lines(text))
    assert len(lines) > 40
    for key in SKIPPED:
        assert any(key in line for line in lines), f"SKIPPED names {key!r}, which no README line has"
    runnable = [e for e in examples(text) if isinstance(e, Example)]
    assert len(runnable) > 60


@pytest.mark.slow
@pytest.mark.skipif(not ISTANDAARDEN.is_dir(), reason="needs ../shared/reference (example messages)")
def test_every_readme_example_runs_on_the_demo(
    demo_store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    copy = tmp_path / "demo.sqlite"
    shutil.copy(Path(demo_store_url.removeprefix("sqlite:///")), copy)
    store = f"sqlite:///{copy}"
    work = tmp_path / "work"
    (work / "in-empty").mkdir(parents=True)
    monkeypatch.chdir(work)  # `--out in/` and `out/` as written
    runner = CliRunner()
    env = {"ZORGINKOOP_DATABASE_URL": store, "PW": PASSWORD, "COLUMNS": "80"}
    failures = []
    ran = 0
    for example in examples(README.read_text(encoding="utf-8")):
        if not isinstance(example, Example):
            continue
        args = _fill(list(example.args), store, work)
        result = runner.invoke(app, args, input=example.stdin, env=env)
        ran += 1
        if result.exit_code != 0:
            said = (result.stderr or result.stdout or repr(result.exception)).strip().splitlines()
            failures.append(f"{example.line}\n    ran: zorginkoop {shlex.join(args)}\n    exit "
                            f"{result.exit_code}: {said[-1] if said else ''}")  # fmt: skip
    assert ran > 60
    failed_lines = {f.split("\n", 1)[0] for f in failures}
    unexpected = [f for f in failures if f.split("\n", 1)[0] not in README_FIXES_PENDING]
    assert unexpected == [], "README examples that fail:\n" + "\n".join(unexpected)
    fixed = sorted(set(README_FIXES_PENDING) - failed_lines)
    assert fixed == [], (
        f"these README lines run now (or are gone): remove them from README_FIXES_PENDING: {fixed}"
    )
