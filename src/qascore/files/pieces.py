"""Cut the bytes of a large JSON file into pieces that parse on their own.

This lets several processes read one file (see :mod:`qascore.files.parallel`). Two layouts
are cut, without parsing the file first:

* a SQuAD-format data file, between two questions of a ``qas`` list. A piece becomes a
  document of its own by adding the openings of the containers it starts in
  (``{"data": [{"paragraphs": [{"qas": [``) and their closings (``]}]}]}``);
* a flat ``{id: value}`` object (predictions), between two entries.

Whether a byte lies inside a JSON string is known exactly from the number of unescaped
quotes before it, which ``bytes.count`` and ``bytes.find`` give at memory speed; from a byte outside any
string a regular expression walks to the next boundary. Nothing here trusts a cut: a piece
is checked when it is parsed (:func:`squad_piece` returns None for a piece that does not
check out), and a caller that gets None reads the file in one process. Pieces are parsed
as :mod:`qascore.files.readers` parses files, strictly: UTF-8 only, and a piece with an object that
repeats a key is refused (as is one nested too deeply); a key repeated on the two sides of a
cut is found by :func:`repeated_across_cuts`. So the pieces never read a file that
:mod:`qascore.files.readers` would refuse, nor resolve a repeat differently.

>>> raw = b'{"data": [{"paragraphs": [{"qas": [{"id": "a", "answers": []}, {"id": "b", "answers": []}]}]}]}'
>>> cuts = squad_cuts(raw, 2)
>>> raw[cuts[0]:cuts[0] + 9]
b'{"id": "b'
>>> [squad_piece(raw, 0, cuts[0]), squad_piece(raw, cuts[0], len(raw))]
[{'data': [{'paragraphs': [{'qas': [{'id': 'a', 'answers': []}]}]}]}, {'data': [{'paragraphs': [{'qas': [{'id': 'b', 'answers': []}]}]}]}]
"""

from __future__ import annotations

import json
import re
from typing import Any, List, Optional

from qascore.files.readers import reject_repeated_keys

__all__ = ["strip_bom", "inside_string", "squad_cuts", "squad_piece", "shared_keys", "repeated_across_cuts",
           "question_at", "mapping_cut_at_key", "mapping_cuts", "mapping_piece"]

_BOM = b"\xef\xbb\xbf"
_BACKSLASH, _QUOTE = ord("\\"), ord('"')
_STRING_TAIL = re.compile(rb'[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)  # the rest of a string, closing quote included
# Outside strings: a whole string (skipped), or the "}, {" between two questions of a qas list.
_STRING_OR_QUESTION_START = re.compile(
    rb'"[^"\\]*(?:\\.[^"\\]*)*"|\}\s*,\s*(\{)\s*"(?:id|question|answers|is_impossible|plausible_answers)"\s*:',
    re.DOTALL,
)
_STRING_OR_ENTRY_START = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"|,\s*(")', re.DOTALL)
_JSON_WHITESPACE = b" \t\n\r"
# The containers a question of a qas list sits in. The keys carry a NUL so that a real key
# repeated after the cut shows up as a second key instead of silently replacing the piece's own.
_PATH = ("\x00data", "\x00paragraphs", "\x00qas")
_OPENING = b'{"\\u0000data": [{"\\u0000paragraphs": [{"\\u0000qas": ['
_CLOSING = b"]}]}]}"


def strip_bom(raw: bytes) -> bytes:
    """``raw`` without a UTF-8 byte-order mark (which ``utf-8-sig`` reading tolerates)."""
    return raw[len(_BOM):] if raw.startswith(_BOM) else raw


def inside_string(raw: bytes, position: int) -> bool:
    """Whether byte ``position`` of a JSON text lies inside a string (between its quotes).

    Counts the quotes before ``position`` that no odd run of backslashes escapes.

    >>> raw = b'{"a": "x \\\\" y", "b": 1}'
    >>> [inside_string(raw, raw.index(b"y")), inside_string(raw, raw.index(b"b") + 2)]
    [True, False]
    """
    return (raw.count(b'"', 0, position) - _escaped_quotes(raw, position)) % 2 == 1


def _escaped_quotes(raw: bytes, stop: int) -> int:
    """The number of quotes before ``stop`` preceded by an odd run of backslashes."""
    escaped = 0
    run_start = raw.find(b"\\", 0, stop)
    while run_start >= 0:
        run_end = run_start + 1
        while run_end < stop and raw[run_end] == _BACKSLASH:
            run_end += 1
        if run_end < stop and raw[run_end] == _QUOTE and (run_end - run_start) % 2:
            escaped += 1
        run_start = raw.find(b"\\", run_end, stop)
    return escaped


def _outside_string_from(raw: bytes, position: int) -> int:
    """The first byte at or after ``position`` that lies outside every string."""
    while position < len(raw) and raw[position - 1:position] == b"\\":
        position += 1  # never start between a backslash and the character it escapes
    if position < len(raw) and inside_string(raw, position):
        tail = _STRING_TAIL.match(raw, position)
        return len(raw) if tail is None else tail.end()
    return position


def _next_boundary(pattern: re.Pattern, raw: bytes, position: int) -> Optional[int]:
    for match in pattern.finditer(raw, _outside_string_from(raw, position)):
        if match.start(1) >= 0:
            return match.start(1)
    return None


def _cuts(pattern: re.Pattern, raw: bytes, parts: int) -> List[int]:
    cuts: List[int] = []
    for part in range(1, parts):
        cut = _next_boundary(pattern, raw, max(len(raw) * part // parts, cuts[-1] + 1 if cuts else 0))
        if cut is None:
            break
        cuts.append(cut)
    return cuts


def squad_cuts(raw: bytes, parts: int) -> List[int]:
    """Up to ``parts - 1`` increasing offsets of questions' ``{`` that split ``raw`` into even pieces.

    Each offset starts a question that follows another in the same ``qas`` list, as far as
    the bytes show; :func:`squad_piece` checks it when the piece is parsed.
    """
    return _cuts(_STRING_OR_QUESTION_START, raw, parts)


def _piece_text(raw: bytes, start: int, stop: int, opening: bytes, closing: bytes) -> Optional[bytes]:
    """``raw[start:stop]`` with ``opening`` before it unless it starts the file and, unless it ends the
    file, ``closing`` in place of the comma (and whitespace) that separates it from the next piece.

    None if a piece that ends before the file does not end with a comma. The piece is copied once.
    """
    end = stop
    if stop < len(raw):
        end = _before_whitespace(raw, start, stop)
        if end == start or raw[end - 1] != ord(","):
            return None
        end = _before_whitespace(raw, start, end - 1)
    return b"".join((opening if start > 0 else b"", memoryview(raw)[start:end], closing if stop < len(raw) else b""))


def _before_whitespace(raw: bytes, start: int, end: int) -> int:
    """``end`` moved back over JSON whitespace, not before ``start``."""
    while end > start and raw[end - 1] in _JSON_WHITESPACE:
        end -= 1
    return end


def squad_piece(raw: bytes, start: int, stop: int) -> Optional[dict]:
    """The SQuAD-format document made of ``raw[start:stop]``, or None if the cuts are not question boundaries.

    ``start`` is 0 or a cut of :func:`squad_cuts`, ``stop`` such a cut or ``len(raw)``. Parsed from a byte outside every
    string, the piece's tokens are the file's own; with the containers added around it the
    piece must parse, its open containers at the end must be the ``data``, ``paragraphs``
    and ``qas`` lists, and no key these containers were opened under may repeat after the
    cut (in one document the repeat would replace the earlier value); a piece that spells a NUL
    character (``\\u0000``, which the added keys use) is refused, and so is one that
    :func:`_parsed` refuses.
    """
    if raw.find(b"\\u0000", start, stop) >= 0:
        return None
    body = _piece_text(raw, start, stop, _OPENING, _CLOSING)
    document = None if body is None else _parsed(body)
    if document is None:
        return None
    if stop < len(raw) and not _ends_inside_qas(document, opened_here=start == 0):
        return None
    if start > 0 and not _restore_opening_keys(document):
        return None
    return document


def _parsed(body: bytes) -> Optional[Any]:
    """``body`` parsed as :mod:`qascore.files.readers` parses a file, or None if that fails: not UTF-8, not
    JSON, nested too deeply, or an object that repeats a key."""
    try:
        return json.loads(body.decode("utf-8"), object_pairs_hook=reject_repeated_keys)
    except (ValueError, RecursionError):  # also UnicodeDecodeError and the repeated key
        return None


def _ends_inside_qas(document: Any, *, opened_here: bool) -> bool:
    """Whether the containers still open at the cut are the data, paragraphs and qas lists."""
    container = document
    for synthetic in _PATH:
        if not isinstance(container, dict) or not container:
            return False
        last_key = next(reversed(container))  # the key the open container was written under
        if last_key != synthetic[1:] and (opened_here or last_key != synthetic):
            return False
        values = container[last_key]
        if not isinstance(values, list) or not values:
            return False
        container = values[-1]
    return True


def _restore_opening_keys(document: dict) -> bool:
    """Give the added containers their real keys; False if the piece repeats one of those keys."""
    container = document
    for synthetic in _PATH:
        real = synthetic[1:]
        if not isinstance(container, dict) or real in container:
            return False
        values = container[real] = container.pop(synthetic)
        container = values[0] if values else None
    return True


def shared_keys(document: dict, *, starts_inside: bool, ends_inside: bool) -> List[tuple]:
    """What :func:`repeated_across_cuts` needs of a piece from :func:`squad_piece`.

    For the document, its article and its paragraph: ``(keys, keys, same)``, the keys (but
    ``data``, ``paragraphs`` or ``qas``) of the container open at the piece's start cut (None
    unless ``starts_inside``) and of the one open at its end cut (None unless ``ends_inside``),
    and whether these are one container (the piece lies inside it).
    """
    heads = _open_containers(document, 0) if starts_inside else None
    tails = _open_containers(document, -1) if ends_inside else None
    levels = []
    for level, synthetic in enumerate(_PATH):
        head = None if heads is None else heads[level]
        tail = None if tails is None else tails[level]
        levels.append((_keys_but(head, synthetic[1:]), _keys_but(tail, synthetic[1:]),
                       head is not None and head is tail))
    return levels


def _open_containers(document: dict, index: int) -> List[dict]:
    """The document, its first (``index`` 0) or last (-1) article, and that article's first or last paragraph."""
    containers = [document]
    for synthetic in _PATH[:-1]:
        containers.append(containers[-1][synthetic[1:]][index])
    return containers


def _keys_but(container: Optional[dict], key: str) -> Optional[frozenset]:
    """The keys of ``container`` without ``key`` (None for no container)."""
    return None if container is None else frozenset(container).difference((key,))


def repeated_across_cuts(pieces: List[List[tuple]]) -> bool:
    """Whether a container cut in pieces has a key on both sides of a cut (:func:`shared_keys` of each piece, in order).

    A repeat within a piece is refused when the piece is parsed, and a repeated ``data``,
    ``paragraphs`` or ``qas`` after a cut by :func:`squad_piece`; this finds the rest, such as
    ``"version"`` both before and after the ``data`` list.
    """
    for level in range(len(_PATH)):
        open_keys: Optional[frozenset] = None  # the keys so far of the container open at the last cut
        for levels in pieces:
            head, tail, same = levels[level]
            if head is not None:
                if not open_keys.isdisjoint(head):
                    return True
                open_keys = open_keys | head
                if same:
                    continue
            open_keys = tail
    return False


def question_at(raw: bytes, cut: int) -> Optional[dict]:
    """The question object that starts at byte ``cut`` (decoded alone), or None."""
    window = 1 << 16
    while True:
        text = raw[cut:cut + window].decode("utf-8", errors="ignore")
        try:
            question, _ = json.JSONDecoder().raw_decode(text)
            return question if isinstance(question, dict) else None
        except RecursionError:
            return None
        except ValueError:
            if cut + window >= len(raw):
                return None
            window *= 4


def mapping_cut_at_key(raw: bytes, key: str, *, after: int = 0) -> Optional[int]:
    """The offset of entry ``key`` of a flat JSON object (its opening quote), if the bytes show it there.

    >>> raw = b'{"q1": "Paris", "q2": "q2", "q3": "Rome"}'
    >>> raw[mapping_cut_at_key(raw, "q2"):]
    b'"q2": "q2", "q3": "Rome"}'
    """
    for encoded in {json.dumps(key).encode(), json.dumps(key, ensure_ascii=False).encode()}:
        position = raw.find(encoded, after)
        while position >= 0:
            follows_entry = re.match(rb"\s*:", raw[position + len(encoded):position + len(encoded) + 64])
            if follows_entry and re.search(rb",\s*\Z", raw[max(0, position - 64):position]) \
                    and not inside_string(raw, position):
                return position
            position = raw.find(encoded, position + 1)
    return None


def mapping_cuts(raw: bytes, parts: int) -> List[int]:
    """Up to ``parts - 1`` increasing offsets of entries' opening quotes that split a flat object evenly."""
    return _cuts(_STRING_OR_ENTRY_START, raw, parts)


def mapping_piece(raw: bytes, start: int, stop: int) -> Optional[dict]:
    """The object made of the entries in ``raw[start:stop]``, or None if that is not whole entries.

    >>> raw = b'{"q1": "Paris", "q2": "Rome"}'
    >>> cut = mapping_cut_at_key(raw, "q2")
    >>> mapping_piece(raw, 0, cut), mapping_piece(raw, cut, len(raw))
    ({'q1': 'Paris'}, {'q2': 'Rome'})
    """
    body = _piece_text(raw, start, stop, b"{", b"}")
    document = None if body is None else _parsed(body)
    return document if isinstance(document, dict) else None
