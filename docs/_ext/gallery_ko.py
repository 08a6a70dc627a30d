"""Korean gallery scripts, made from the English ones and the Korean catalogs.

The gallery has one source, the English scripts in ``gallery/``. For the Korean site
:func:`write_gallery` writes a Korean copy of every script (and of every ``README.rst``),
which sphinx-gallery then runs like the English ones, so the Korean pages, figures,
printed output, alt text and downloads (.py, .ipynb, zip) are Korean throughout:

* **text blocks** (the docstring and the ``# %%`` comment blocks) are reStructuredText.
  Each is parsed with docutils, and every paragraph and title is replaced by its
  translation from the page's catalog, ``locale/ko/LC_MESSAGES/auto_examples/....po``,
  looked up by the msgid Sphinx extracts for it (the raw source, newlines as spaces);
* **code comments and human-readable string literals** (figure titles, axis and legend
  labels, printed labels; see :func:`code_messages`) come from one extra catalog,
  :data:`CODE_CATALOG`, which ``python docs/build.py --update-po`` extracts
  (:func:`update_code_catalog`). The same catalog translates the comments of the
  notebook pages' code cells on the Korean site (``docs/_ext/code_comments_ko.py``).

Nothing else changes: the Korean code is the English code with other comments and other
strings in those places, which the tests check by comparing the two syntax trees.
An untranslated message stays English. Files are rewritten only when their content
changes, so sphinx-gallery (which skips a script whose MD5 is unchanged) keeps a no-op
rebuild a no-op.
"""

from __future__ import annotations

import ast
import io
import re
import shutil
import tokenize
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import polib
from docutils import nodes
from docutils.core import publish_doctree
from docutils.utils import column_width
from mplsetup import LATIN_IN_KOREAN

#: The catalog of code comments and string literals, under ``LC_MESSAGES``.
CODE_CATALOG = "_code.po"
#: Calls whose string arguments a reader sees: argument positions per callee name.
TEXT_ARGS: dict[str, tuple[int, ...] | None] = {
    "print": None,  # every positional argument
    "set_xlabel": (0,),
    "set_ylabel": (0,),
    "set_title": (0,),
    "suptitle": (0,),
    "supxlabel": (0,),
    "supylabel": (0,),
    "xlabel": (0,),
    "ylabel": (0,),
    "title": (0,),
    "set_label": (0,),
    "annotate": (0,),
    "text": (2,),
}
#: Keyword arguments whose strings a reader sees, in any call.
TEXT_KEYWORDS = frozenset({"label", "title", "xlabel", "ylabel"})
#: Assignments to a name ending in "label(s)" or "title(s)" hold visible text: a plain
#: string, or a dict (its values, not its keys), list or tuple literal of them
#: (``labels = {"sigmoid": "sigmoid", "relu": "ReLU"}``, read as ``labels[name]``).
LABEL_TABLE = re.compile(r"(?i)(label|title)s?$")
#: Comments that are directives, not prose.
PRAGMA = re.compile(r"^(%%|noqa\b|type:|sphinx_gallery_|fmt:|ruff:|mypy:)")
#: A text block starts with a ``# %%`` line (or a line of 20 hashes), as in sphinx-gallery.
BLOCK_HEADER = re.compile(r"^(#{20,}.*|# ?%%.*)$")
WIDTH = 88
STRING_PREFIX = re.compile(r"^([rRbBuUfF]*)('''|\"\"\"|'|\")")
FIELD = re.compile(r"\{[^{}]*\}")
#: A word a reader reads: not part of an identifier, a call or a quotient (``sigma_w``,
#: ``delta(1)``, ``dL/dh``).
WORD = re.compile(r"(?<![\w^/])[A-Za-z][A-Za-z]+(?![\w(^/])")
#: Names and math words that read the same in every language (a message of only these is
#: not extracted).
NAMES = LATIN_IN_KOREAN
HANGUL = re.compile(r"[\uac00-\ud7a3]")

Lookup = Callable[[str], str]


@dataclass(frozen=True)
class Span:
    """Where a message sits in a source: 1-based rows, 0-based character columns."""

    start: tuple[int, int]
    end: tuple[int, int]
    msgid: str
    kind: str  # "comment", "comments" (a run of full-line comments) or "string"


def has_words(text: str) -> bool:
    """True if ``text`` has a word outside ``$math$``, ``{fields}``, identifiers and names.

    >>> has_words("$\\\\|\\\\delta^{(1)}\\\\|$"), has_words("{name:8s} first / last")
    (False, True)
    >>> has_words("ReLU, {name}"), has_words("sigma_w^2 = {w}"), has_words("sigmoid")
    (False, False, True)
    """
    prose = FIELD.sub("", re.sub(r"\$[^$]*\$", "", text))
    return any(word not in NAMES for word in WORD.findall(prose))


def fields(text: str) -> list[str]:
    """The replacement fields of an f-string body, sorted (``{{`` escapes left out).

    >>> fields("{a:8s} per layer {b ** (1 / 2):.3f}")
    ['{a:8s}', '{b ** (1 / 2):.3f}']
    """
    return sorted(FIELD.findall(text.replace("{{", "").replace("}}", "")))


# --------------------------------------------------------------------------------------
# Code: comments and visible strings
# --------------------------------------------------------------------------------------
def _text_string_nodes(tree: ast.AST, printed_only: bool = False) -> Iterator[ast.expr]:
    """The str and f-string expressions of ``tree`` that end up visible to a reader.

    ``printed_only``: only the arguments of ``print`` (a notebook cell, whose figures
    were drawn from the English code but whose printed labels can be matched in its
    output).
    """

    def strings(node: ast.AST | None) -> Iterator[ast.expr]:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node
        elif isinstance(node, ast.JoinedStr):
            yield node
        elif isinstance(node, ast.IfExp):  # label="a" if x else "b"
            yield from strings(node.body)
            yield from strings(node.orelse)
        elif isinstance(node, ast.Tuple | ast.List):
            for item in node.elts:
                yield from strings(item)
        elif isinstance(node, ast.Dict):
            for item in node.values:
                yield from strings(item)

    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if printed_only and name != "print":
                continue
            if name in TEXT_ARGS:
                positions = TEXT_ARGS[name]
                for i, arg in enumerate(node.args):
                    if positions is None or i in positions:
                        yield from strings(arg)
            for keyword in node.keywords:
                if keyword.arg in TEXT_KEYWORDS:
                    yield from strings(keyword.value)
        elif isinstance(node, ast.Assign | ast.AnnAssign) and not printed_only:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and LABEL_TABLE.search(t.id) for t in targets):
                yield from strings(node.value)


def _char_col(line: str, byte_col: int) -> int:
    return len(line.encode("utf-8")[:byte_col].decode("utf-8"))


def code_spans(
    source: str, skip_rows: frozenset[int] = frozenset(), printed_only: bool = False
) -> list[Span]:
    """The translatable comments and strings of Python ``source``, in source order.

    Rows in ``skip_rows`` (a gallery script's text blocks and docstring) are left out.
    Consecutive full-line comments at one indentation are one message, their lines
    joined by spaces.

    >>> src = 'x = 1  # the input\\n# two lines\\n# of comment\\nprint(f"x is {x}")\\n'
    >>> [(s.kind, s.msgid) for s in code_spans(src)]
    [('comment', 'the input'), ('comments', 'two lines of comment'), ('string', 'x is {x}')]
    """
    lines = source.splitlines(keepends=True)
    try:
        tree = ast.parse(source)
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (SyntaxError, tokenize.TokenError):  # IPython magics and the like
        return []
    wanted: list[tuple[tuple[int, int], tuple[int, int]]] = []
    for node in _text_string_nodes(tree, printed_only):
        assert node.end_lineno is not None and node.end_col_offset is not None
        start = (node.lineno, _char_col(lines[node.lineno - 1], node.col_offset))
        end = (node.end_lineno, _char_col(lines[node.end_lineno - 1], node.end_col_offset))
        wanted.append((start, end))
    spans: list[Span] = []
    run: list[tokenize.TokenInfo] = []

    def flush() -> None:
        if run:
            text = " ".join(t.string[1:].strip() for t in run)
            kind = "comments" if len(run) > 1 or _full_line(run[0]) else "comment"
            spans.append(Span(run[0].start, run[-1].end, text, kind))
            run.clear()

    for tok in tokens:
        if tok.type == tokenize.COMMENT and tok.start[0] not in skip_rows:
            text = tok.string[1:].strip()
            if not text or PRAGMA.match(text) or not has_words(text):
                flush()
                continue
            if _full_line(tok) and run and _full_line(run[-1]):
                last = run[-1]
                if tok.start == (last.start[0] + 1, last.start[1]):
                    run.append(tok)
                    continue
            flush()
            run.append(tok)
            if not _full_line(tok):
                flush()
        elif tok.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT):
            flush()
            if tok.type == tokenize.STRING and any(
                s <= tok.start and tok.end <= e for s, e in wanted
            ):
                body = _string_body(tok.string)
                if body is not None and has_words(body):
                    spans.append(Span(tok.start, tok.end, body, "string"))
    flush()
    return spans


def _full_line(tok: tokenize.TokenInfo) -> bool:
    return not tok.line[: tok.start[1]].strip()


def _string_body(literal: str) -> str | None:
    """The source text between the quotes of one string literal (``None`` for bytes)."""
    m = STRING_PREFIX.match(literal)
    if m is None or "b" in m.group(1).lower():
        return None
    quote = m.group(2)
    return literal[m.end() : len(literal) - len(quote)]


def wrap(text: str, width: int, first: str, rest: str) -> list[str]:
    """Greedy wrap by display width (Hangul counts 2); never breaks after ``\\``.

    >>> wrap("a bb ccc", 6, "# ", "# ")
    ['# a bb', '# ccc']
    """
    words = [w.replace("\0", " ") for w in text.replace("\\ ", "\\\0").split(" ") if w]
    out: list[str] = []
    line, empty = first, True
    for word in words:
        candidate = line + word if empty else f"{line} {word}"
        if not empty and column_width(candidate) > width:
            out.append(line)
            line = rest + word
        else:
            line = candidate
        empty = False
    out.append(line)
    return out


def printed_pattern(msgid: str, msgstr: str) -> tuple[re.Pattern[str], str] | None:
    """A regex for what ``print`` shows of ``msgid``, and the replacement that shows ``msgstr``.

    The text between the replacement fields is matched literally, each field's value
    with ``(.*?)``; the value of a field that ends the message is left as it is. ``None``
    if the translation reorders the fields (the output could not be rewritten).

    >>> pattern, repl = printed_pattern("{n:4s} loss {v:.3f} at step", "{n:4s} 손실 {v:.3f}, 스텝")
    >>> pattern.sub(repl, "tanh loss 0.125 at step 3")
    'tanh 손실 0.125, 스텝 3'
    """
    if FIELD.findall(msgid) != FIELD.findall(msgstr):
        return None
    english, korean = FIELD.split(msgid), FIELD.split(msgstr)
    while len(english) > 1 and not english[-1] and not korean[-1]:
        english, korean = english[:-1], korean[:-1]
    regex = "^" if not english[0] else ""
    regex += "(.*?)".join(re.escape(part) for part in english)
    repl = "".join(
        part.replace("\\", "\\\\") + (f"\\g<{i + 1}>" if i < len(korean) - 1 else "")
        for i, part in enumerate(korean)
    )
    return re.compile(regex, re.M), repl


def translate_code(
    source: str,
    lookup: Lookup,
    skip_rows: frozenset[int] = frozenset(),
    width: int = WIDTH,
    strings: bool = True,
    printed_only: bool = False,
) -> str:
    """``source`` with every translatable comment and string replaced by ``lookup``'s.

    ``strings=False`` translates the comments only (a notebook cell, whose printed
    output was computed from the English strings).

    >>> translate_code('x = 1  # one\\nprint("one")\\n', {"one": "하나"}.get, strings=False)
    'x = 1  # 하나\\nprint("one")\\n'
    """
    lines = source.splitlines(keepends=True)
    for span in reversed(code_spans(source, skip_rows, printed_only)):
        if span.kind == "string" and not strings:
            continue
        new = lookup(span.msgid)
        if not new or new == span.msgid:
            continue
        (r0, c0), (r1, c1) = span.start, span.end
        head, tail = lines[r0 - 1][:c0], lines[r1 - 1][c1:]
        if span.kind == "string":
            literal = lines[r0 - 1][c0:c1] if r0 == r1 else None
            if literal is None:
                continue
            quote = STRING_PREFIX.match(literal)
            assert quote is not None
            opening = quote.group(0)
            body = opening + new + quote.group(2)
            lines[r0 - 1] = head + body + tail
        elif span.kind == "comment":
            lines[r0 - 1] = f"{head}# {new}{tail}"
        else:
            indent = head
            longest = max(column_width(lines[r].rstrip("\n")) for r in range(r0 - 1, r1))
            wrapped = wrap(new, max(longest, width), f"{indent}# ", f"{indent}# ")
            lines[r0 - 1 : r1] = [w + "\n" for w in wrapped[:-1]] + [wrapped[-1] + tail]
    return "".join(lines)


# --------------------------------------------------------------------------------------
# Text blocks: reStructuredText, paragraph by paragraph
# --------------------------------------------------------------------------------------
def _messages(text: str) -> Iterator[tuple[nodes.Element, str]]:
    """Titles and paragraphs of ``text`` with Sphinx's msgid for each."""
    settings = {"report_level": 5, "halt_level": 5, "warning_stream": io.StringIO()}
    doctree = publish_doctree(text, settings_overrides=settings)
    for node in doctree.findall(lambda n: isinstance(n, nodes.title | nodes.paragraph)):
        msg = " ".join(node.rawsource.split("\n")).strip()
        if msg:
            yield node, msg


def translate_rst(text: str, lookup: Lookup, width: int = WIDTH) -> str:
    """``text`` with each title and paragraph replaced by its translation.

    Titles get an under- (and over-) line of the translated title's display width;
    paragraphs are re-wrapped to ``width`` display columns, keeping list markers and
    indentation.
    """
    lines = text.split("\n")
    cursor = 0
    edits: list[tuple[int, int, list[str]]] = []
    for node, msg in _messages(text):
        new = lookup(msg)
        raw = [line.strip() for line in node.rawsource.split("\n") if line.strip()]
        at = _find(lines, raw, cursor)
        if at is None:
            continue
        cursor = at + len(raw)
        if not new or new == msg:
            continue
        first = lines[at]
        lead = first[: len(first) - len(first.lstrip())]
        if isinstance(node, nodes.title):
            under = lines[at + 1] if at + 1 < len(lines) else ""
            if under.strip() and len(set(under.strip())) == 1:
                char = under.strip()[0]
                rule = lead + char * column_width(new)
                over = at > 0 and lines[at - 1].strip() == under.strip()
                start = at - 1 if over else at
                edits.append((start, at + 2, ([rule] if over else []) + [lead + new, rule]))
            continue
        marker = first[len(lead) : len(first) - len(raw[0])]
        rest = lines[at + 1] if len(raw) > 1 else ""
        rest_lead = rest[: len(rest) - len(rest.lstrip())] if rest else lead + " " * len(marker)
        edits.append((at, at + len(raw), wrap(new, width, lead + marker, rest_lead)))
    for start, stop, new_lines in reversed(edits):
        lines[start:stop] = new_lines
    return "\n".join(lines)


def _find(lines: list[str], raw: list[str], cursor: int) -> int | None:
    """Index of the first line at or after ``cursor`` where the ``raw`` lines begin."""
    for i in range(cursor, len(lines) - len(raw) + 1):
        if lines[i].rstrip().endswith(raw[0]) and all(
            lines[i + k].strip() == raw[k] for k in range(1, len(raw))
        ):
            return i
    return None


# --------------------------------------------------------------------------------------
# Whole scripts
# --------------------------------------------------------------------------------------
def text_rows(source: str) -> tuple[tuple[int, int] | None, list[tuple[int, int]]]:
    """The docstring's rows and each text block's rows (1-based, end exclusive)."""
    lines = source.split("\n")
    doc = None
    tree = ast.parse(source)
    first = tree.body[0] if tree.body else None
    if (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    ):
        assert first.end_lineno is not None
        doc = (first.lineno, first.end_lineno + 1)
    blocks = []
    row = 0
    while row < len(lines):
        if BLOCK_HEADER.match(lines[row]):
            end = row + 1
            while end < len(lines) and lines[end].startswith("#"):
                end += 1
            blocks.append((row + 2, end + 1))  # the rows after the header
            row = end
        else:
            row += 1
    return doc, blocks


def translate_script(source: str, text: Lookup, code: Lookup) -> str:
    """A Korean copy of a gallery script: text blocks from ``text``, code from ``code``."""
    doc, blocks = text_rows(source)
    skip = {r for a, b in [*([doc] if doc else []), *blocks] for r in range(a, b)}
    out = translate_code(source, code, frozenset(skip)).split("\n")
    # translate_code never changes the line count of text rows and only rewraps comment
    # runs inside code, so the rows of later blocks shift: recompute them.
    doc, blocks = text_rows("\n".join(out))
    for a, b in reversed(blocks):
        body = [line[2:] if line.startswith("# ") else line[1:] for line in out[a - 1 : b - 1]]
        new = translate_rst("\n".join(body), text, WIDTH - 2).split("\n")
        out[a - 1 : b - 1] = [f"# {line}" if line else "#" for line in new]
    if doc:
        a, b = doc
        head, *_ = out[a - 1 : b - 1]
        m = re.match(r'^([rRuU]*)("""|\'\'\')', head)
        if m:
            quote = m.group(2)
            chunk = "\n".join(out[a - 1 : b - 1])
            inner = chunk[m.end() : chunk.rindex(quote)]
            new = translate_rst(inner, text)
            out[a - 1 : b - 1] = (m.group(0) + new + quote).split("\n")
    return "\n".join(out)


# --------------------------------------------------------------------------------------
# Catalogs
# --------------------------------------------------------------------------------------
def translations(*catalogs: Path) -> dict[str, str]:
    """msgid -> msgstr of the translated, non-fuzzy entries of ``catalogs`` (later win)."""
    table: dict[str, str] = {}
    for path in catalogs:
        if path.is_file():
            for entry in polib.pofile(str(path)).translated_entries():
                table[entry.msgid] = entry.msgstr
    return table


def script_code_messages(source: str) -> list[Span]:
    """The code messages of a gallery script (its text blocks left out)."""
    doc, blocks = text_rows(source)
    skip = {r for a, b in [*([doc] if doc else []), *blocks] for r in range(a, b)}
    return code_spans(source, frozenset(skip))


#: A MyST page's Python code: executed cells and plain Python code blocks.
CODE_CELL = re.compile(
    r"^```(?:\{code-cell\}|\{code-block\} *python|python)[^\n]*\n(.*?)^```", re.S | re.M
)


def notebook_cells(page: str) -> Iterator[str]:
    """The code of each code cell or Python block of a MyST page, without its options.

    Options are ``:key: value`` lines or a YAML block between two lines starting with
    ``---`` (as MyST reads them); a cell whose block is never closed yields nothing.

    >>> list(notebook_cells("```{code-cell} ipython3\\n:tags: [x]\\nx = 1  # one\\n```\\n"))
    ['x = 1  # one\\n']
    >>> list(notebook_cells("```{code-cell}\\n---\\ntags: [x]\\n---\\ny = 2  # two\\n```\\n"))
    ['y = 2  # two\\n']
    """
    for m in CODE_CELL.finditer(page):
        body = m.group(1).split("\n")
        if body[0].startswith("---"):
            ends = [i for i, line in enumerate(body) if i and line.startswith("---")]
            if not ends:
                continue
            del body[: ends[0] + 1]
        while body and body[0].startswith(":"):
            body.pop(0)
        yield "\n".join(body)


HEADER = (
    "Korean code: comments of the gallery scripts and code cells, and the strings a reader\n"
    "sees (figure titles, axis and legend labels, printed labels). Written by\n"
    "`python docs/build.py --update-po` (docs/_ext/gallery_ko.py); keep {fields} as they are."
)


def update_code_catalog(gallery: Path, docs: Path, catalog: Path) -> tuple[int, int]:
    """Extract the code messages into ``catalog``; keep translations; drop the gone.

    Gallery scripts give comments and visible strings; the notebook pages' code cells
    give comments and printed labels (their figures come from the English execution).
    Returns (messages, untranslated).
    """
    found: dict[str, set[str]] = {}
    for script in sorted(gallery.rglob("*.py")):
        for span in script_code_messages(script.read_text(encoding="utf-8")):
            found.setdefault(span.msgid, set()).add(script.relative_to(gallery.parent).as_posix())
    for page in sorted(docs.rglob("*.md")):
        if "_build" in page.relative_to(docs).parts:
            continue
        for cell in notebook_cells(page.read_text(encoding="utf-8")):
            for span in code_spans(cell, printed_only=True):
                where = page.relative_to(docs.parent).as_posix()
                found.setdefault(span.msgid, set()).add(where)
    old = polib.pofile(str(catalog)) if catalog.is_file() else polib.POFile()
    known = {e.msgid: e for e in old if not e.obsolete}
    po = polib.POFile(wrapwidth=76)
    po.header = HEADER
    po.metadata = old.metadata or {
        "Project-Id-Version": "vanishing",
        "Language": "ko",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=utf-8",
        "Content-Transfer-Encoding": "8bit",
    }
    for msgid in sorted(found):
        entry = polib.POEntry(msgid=msgid, msgstr=known[msgid].msgstr if msgid in known else "")
        entry.occurrences = [(where, "") for where in sorted(found[msgid])]
        if FIELD.search(msgid):
            entry.flags = ["python-brace-format"]
        po.append(entry)
    catalog.parent.mkdir(parents=True, exist_ok=True)
    po.save(str(catalog))
    return len(po), len(po.untranslated_entries())


def write_if_changed(path: Path, text: str) -> bool:
    """Write ``text`` unless ``path`` already holds it (keeps mtimes and MD5s still)."""
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return True


def write_gallery(gallery: Path, target: Path, messages: Path) -> int:
    """Write the Korean copy of ``gallery`` into ``target``; return how many files changed.

    ``messages`` is ``locale/ko/LC_MESSAGES``. Files in ``target`` that have no English
    source any more are removed.
    """
    pages = messages / "auto_examples"
    shared = translations(*sorted(pages.rglob("*.po")))
    code = translations(messages / CODE_CATALOG)
    changed = 0
    wanted = set()
    for path in sorted(p for p in gallery.rglob("*") if p.is_file()):
        rel = path.relative_to(gallery)
        wanted.add(rel)
        out = target / rel
        if path.suffix == ".py":
            own = {**shared, **translations(pages / rel.with_suffix(".po"))}
            text = translate_script(path.read_text(encoding="utf-8"), own.get, code.get)
        elif path.name == "README.rst":
            text = translate_rst(path.read_text(encoding="utf-8"), shared.get)
        else:
            if not out.is_file() or out.read_bytes() != path.read_bytes():
                out.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, out)
                changed += 1
            continue
        changed += write_if_changed(out, text)
    for path in sorted(target.rglob("*"), reverse=True):
        if path.is_file() and path.relative_to(target) not in wanted:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    return changed


class _Skeleton(ast.NodeTransformer):
    """Blank every string; keep an f-string's fields only, in a canonical order."""

    def visit_Constant(self, node: ast.Constant) -> ast.Constant:
        return ast.Constant("") if isinstance(node.value, str) else node

    def visit_JoinedStr(self, node: ast.JoinedStr) -> ast.JoinedStr:
        self.generic_visit(node)
        values = [v for v in node.values if isinstance(v, ast.FormattedValue)]
        return ast.JoinedStr(values=sorted(values, key=ast.dump))


def code_skeleton(source: str) -> str:
    """The syntax tree of ``source`` with its strings blanked, as text.

    Two scripts with the same skeleton differ at most in comments and string contents
    (an f-string's fields may change order, not content).

    >>> code_skeleton('print(f"a {x} b {y}")') == code_skeleton('print(f"{y} c {x}")')
    True
    >>> code_skeleton("f(x)") == code_skeleton("f(y)")
    False
    """
    return ast.dump(_Skeleton().visit(ast.parse(source)))
