"""Every option a message names exists on the command that shows the message.

`site` and `bundle` once said "use --draft", an option they do not have. This
walks every string in the package (f-strings included, docstrings aside) that
names an option (`--draft`), works out which command can print it, and checks
that command has the option:

* a string naming a command (`publisher build --draft`) is about that command;
* a string inside a command's function is about that command; inside a helper
  of the CLI (params.reviewer), about every command calling the helper;
* a string in the tiers below the CLI is about the commands listed for its
  module (or function) in OWNERS, a table this test checks against the imports
  each command really makes.
"""

from __future__ import annotations

import ast
import inspect
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import click
import pytest
import typer

from publisher.cli.app import COMMANDS, app, real_command
from tests.support.workspace import REPO

PACKAGE = REPO / "publisher"
#: An option of ours (another tool's, such as CTranslate2's --copy_files, has underscores).
#: `--name`, not a CSS custom property being set (`--font-body: ...`, render/pdf.py)
OPTION = re.compile(r"(?<![\w-])--([a-z][A-Za-z0-9-]*)(?![\w:-])")
NAMED = re.compile(r"publisher ([a-z][a-z-]*)(?: ([a-z][a-z-]*))?")
DECLARATION = re.compile(r"^-{1,2}[A-Za-z][\w-]*$")

#: Messages made below the CLI: module (or module:function) -> the commands that show them.
OWNERS: dict[str, list[str]] = {
    "publisher/core/workspace.py:check_output": [
        "send",
        "export",
        "proof",
        "build",
        "site",
        "bundle",
        "memory export",
    ],
    "publisher/workflow/embargo.py:set_embargo": ["embargo"],
    "publisher/workflow/embargo.py:check_change": ["embargo"],
    "publisher/workflow/embargo.py:record_early_publication": ["site"],
    "publisher/workflow/embargo.py:publish_early": ["site"],
    "publisher/workflow/embargo.py:now": ["embargo", "site"],
    "publisher/publishing/builders/proof.py": ["proof"],
    "publisher/publishing/builders/site.py": ["site"],
    "publisher/publishing/site_folder.py": ["site"],
    "publisher/publishing/site_folder.py:normalise_base_url": ["site", "preview"],
    "publisher/workflow/create.py": ["new"],
    "publisher/workflow/starter.py": ["init"],
    "publisher/workflow/overrides.py": ["templates copy"],
    "publisher/workflow/review.py:approve": ["approve"],
    "publisher/workflow/review.py:reject": ["reject"],
    "publisher/workflow/decisions.py": ["review"],
    "publisher/signing/ssh.py": ["approve", "review"],
    "publisher/workflow/evidence.py:ssh_signer": ["approve", "review"],
    "publisher/workflow/register.py:parse_expiry": ["reviewers invite"],
    "publisher/workflow/register.py:add_reviewer": ["reviewers add"],
    "publisher/core/reviewers.py:public_key": ["reviewers add"],
    "publisher/sources/__init__.py": ["new"],
    "publisher/sources/common.py": ["new"],
    "publisher/sources/docx.py": ["new"],
    "publisher/sources/text.py": ["new"],
    "publisher/sources/markdown.py": ["new"],
    "publisher/workflow/suggestions.py": ["suggestions accept", "suggestions drop"],
    "publisher/web/server.py": ["serve"],
    "publisher/workflow/photos.py:pair_photos": ["new"],
    "publisher/workflow/photos.py:each": ["new"],
    "publisher/workflow/photos.py:check_new_photo": ["new", "photo add"],
    "publisher/workflow/photos.py:edit_photo": ["photo edit"],
    "publisher/mt/packaging.py": ["models import"],
    "publisher/publishing/builders/send.py": ["send"],
    "publisher/publishing/builders/send_run.py": ["send"],
    "publisher/mail/settings.py": ["send"],
    "publisher/core/medialists.py:new_recipient": ["lists add"],
    "publisher/core/list_import.py": ["lists import"],
}


@dataclass(frozen=True)
class Mention:
    path: str  # relative to the repository
    line: int
    function: str | None
    text: str


def commands() -> dict[str, click.Command]:
    """Every command and subcommand by its path ("approve", "suggestions accept")."""
    found: dict[str, click.Command] = {}
    for name in COMMANDS:
        command = real_command(name)
        assert command is not None
        found[name] = command
        if isinstance(command, click.Group):
            for sub, subcommand in command.commands.items():
                found[f"{name} {sub}"] = subcommand
    return found


def options(command: click.Command) -> set[str]:
    names = {opt for p in command.params for opt in (*p.opts, *p.secondary_opts)}
    return {n[2:] for n in names if n.startswith("--")} | {"help"}


GLOBAL = options(typer.main.get_group(app))


def mentions() -> list[Mention]:
    """Every string (f-strings with placeholders as {}) naming an option, docstrings aside."""
    found: list[Mention] = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)
        }
        rel = path.relative_to(REPO).as_posix()

        def visit(
            node: ast.AST, function: str | None, rel: str = rel, docstrings: set[int] = docstrings
        ) -> None:
            if isinstance(node, ast.FunctionDef):
                function = node.name
            text = None
            if isinstance(node, ast.JoinedStr):
                text = "".join(
                    v.value if isinstance(v, ast.Constant) and isinstance(v.value, str) else "{}"
                    for v in node.values
                )
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = None if id(node) in docstrings else node.value
            if text is not None:
                if OPTION.search(text) and not DECLARATION.match(text):
                    found.append(Mention(rel, getattr(node, "lineno", 0), function, text))
                return
            for child in ast.iter_child_nodes(node):
                visit(child, function)

        visit(tree, None)
    return found


def command_functions() -> dict[tuple[str, str], str]:
    """(module file, function name) -> the command it implements."""
    out: dict[tuple[str, str], str] = {}
    for path, command in commands().items():
        callback = command.callback
        if callback is None:
            continue
        module = sys.modules[callback.__module__].__file__
        assert module is not None
        out[(Path(module).relative_to(REPO).as_posix(), callback.__name__)] = path
    return out


def callers(function: str) -> set[str]:
    """The commands whose function calls `function` (as `name(...)` or `x.name(...)`)."""
    found: set[str] = set()
    implemented = command_functions()
    for (module, name), command in implemented.items():
        tree = ast.parse((REPO / module).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and node.name == name:
                for call in ast.walk(node):
                    if isinstance(call, ast.Call):
                        target = call.func
                        called = target.attr if isinstance(target, ast.Attribute) else None
                        if isinstance(target, ast.Name):
                            called = target.id
                        if called == function:
                            found.add(command)
    return found


def owners(mention: Mention) -> list[str]:
    """The commands that can print `mention` (see the module docstring)."""
    if mention.path.startswith("publisher/cli/"):
        implemented = command_functions()
        if (mention.path, mention.function or "") in implemented:
            return [implemented[(mention.path, mention.function or "")]]
        found = sorted(callers(mention.function or ""))
        assert found, f"{mention.path}:{mention.line}: no command shows {mention.text!r}"
        return found
    key = f"{mention.path}:{mention.function}"
    listed = OWNERS.get(key) or OWNERS.get(mention.path)
    assert listed, (
        f"{mention.path}:{mention.line}: which command shows {mention.text!r}? "
        "Name it in the message (`publisher CMD --option`) or add the module to OWNERS"
    )
    return listed


def problems() -> list[str]:
    known = commands()
    out: list[str] = []
    for mention in mentions():
        named = [(m.start(), m) for m in NAMED.finditer(mention.text)]
        for option in OPTION.finditer(mention.text):
            if option.group(1) in GLOBAL:
                continue
            before = [m for start, m in named if start < option.start()]
            if before:
                m = before[-1]
                pair = f"{m.group(1)} {m.group(2)}" if m.group(2) else m.group(1)
                targets = [pair if pair in known else m.group(1)]
            else:
                targets = owners(mention)
            for target in targets:
                if target not in known:
                    out.append(f"{mention.path}:{mention.line}: no command {target!r}")
                elif option.group(1) not in options(known[target]):
                    out.append(
                        f"{mention.path}:{mention.line}: `{target}` has no --{option.group(1)} "
                        f"({mention.text[:70]!r})"
                    )
    return out


def test_every_hint_names_an_option_of_its_command() -> None:
    assert problems() == []


def test_the_walk_finds_the_hints_it_must_check() -> None:
    texts = [m.text for m in mentions()]
    assert any("publisher build --draft" in t for t in texts)
    assert any("--accept-changes" in t and "tracked changes" in t for t in texts)
    assert any(m.function == "reviewer" and "--by" in m.text for m in mentions())
    assert len(texts) >= 30


def test_a_wrong_hint_would_be_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """The check fails for the old hint of `site` (--draft), so it can fail at all."""
    wrong = Mention("publisher/publishing/builders/site.py", 1, "build", "use --draft")
    original = mentions
    monkeypatch.setattr(sys.modules[__name__], "mentions", lambda: [*original(), wrong])
    assert problems() == [
        "publisher/publishing/builders/site.py:1: `site` has no --draft ('use --draft')"
    ]


@pytest.mark.parametrize("key", sorted(OWNERS))
def test_owners_are_commands_that_import_the_module(key: str) -> None:
    """The table cannot drift: each command listed really loads the module."""
    module = key.split(":")[0].removesuffix(".py").removesuffix("/__init__").replace("/", ".")
    known = commands()
    for command in OWNERS[key]:
        assert command in known
        callback = known[command].callback
        assert callback is not None
        script = (
            f"import sys, {callback.__module__}; sys.exit(0 if {module!r} in sys.modules else 1)"
        )
        done = subprocess.run([sys.executable, "-c", script], cwd=REPO, check=False)
        # A command may defer a heavy import (the web stack) to when it runs.
        deferred = re.search(
            rf"^\s+from {re.escape(module)} import ", inspect.getsource(callback), re.M
        )
        assert done.returncode == 0 or deferred, (
            f"{command} ({callback.__module__}) does not load {module}"
        )


#: A command a message tells the user to run: `publisher CMD [SUB] ...` in backticks.
HINT = re.compile(r"`publisher ([a-z][a-z-]*)(?: ([a-z][a-z-]*))?")


def hint_problems(texts: list[tuple[str, str]]) -> list[str]:
    """(where, text) pairs whose `publisher CMD [SUB]` names no command or subcommand."""
    known = commands()
    out = []
    for where, text in texts:
        for match in HINT.finditer(text):
            name, sub = match.group(1), match.group(2)
            if name not in known:
                out.append(f"{where}: no command {name!r}")
            elif sub and isinstance(known[name], click.Group) and f"{name} {sub}" not in known:
                out.append(f"{where}: no command '{name} {sub}'")
    return out


def every_string() -> list[tuple[str, str]]:
    """Every string the CLI can print (f-strings with placeholders as {}): messages, and
    the docstrings of the CLI's functions (`--help`); other docstrings are for readers
    of the code."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        rel = path.relative_to(REPO).as_posix()
        in_cli = rel.startswith("publisher/cli/")
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
            and not (in_cli and isinstance(node, ast.FunctionDef))
            and node.body
            and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)
        }
        for node in ast.walk(tree):
            if id(node) in docstrings:
                continue
            text = None
            if isinstance(node, ast.JoinedStr):
                text = "".join(
                    v.value if isinstance(v, ast.Constant) and isinstance(v.value, str) else "{}"
                    for v in node.values
                )
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = node.value
            if text and "`publisher " in text:
                found.append((f"{rel}:{getattr(node, 'lineno', 0)}", text))
    return found


def test_every_hint_names_a_command_that_exists() -> None:
    texts = every_string()
    assert len(texts) >= 40  # the walk finds the hints
    assert hint_problems(texts) == []


def test_a_hint_naming_a_missing_command_would_be_caught() -> None:
    assert hint_problems([("x.py:1", "run `publisher boilerplate create FILE`")]) == [
        "x.py:1: no command 'boilerplate create'"
    ]
    assert hint_problems([("x.py:2", "see `publisher publish`")]) == [
        "x.py:2: no command 'publish'"
    ]
