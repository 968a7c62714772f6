"""The list endpoints' grammar: `field=[op:]value` filters, `_sort`, `page`/`page_size`.

Records are never all built: fields that never decrease with the record index (createdAt,
invoiceNumber) narrow the index range by bisection; the natural order is answered by slicing
that range; any other filter or sort scans the narrowed range, which must stay bounded.
"""

import bisect
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Callable

OPS = {"eq", "gt", "ge", "lt", "le", "in"}
OP_PATTERN = re.compile(r"^([a-z]{2,4}):(.*)$", re.S)
RESERVED = {"client_id", "_sort", "page", "page_size"}
DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000
SCAN_LIMIT = 20_000


class QueryError(ValueError):
    def __init__(self, message, *, code="INVALID_FILTER", attribute=""):
        super().__init__(message)
        self.code = code
        self.attribute = attribute


@dataclass
class Collection:
    count: int
    record: Callable[[int], dict]
    monotone: dict = field(default_factory=dict)  # field -> cheap fn(i), never decreasing in i
    natural_sort: tuple = ()                      # the order of the index


@dataclass
class Condition:
    path: str
    op: str
    values: list


@dataclass
class Result:
    records: list
    page: int
    size: int
    total: int

    @property
    def paging(self) -> dict:
        return {"pages": max(1, -(-self.total // self.size)), "size": self.size,
                "page": self.page, "total": self.total}


def run(collection: Collection, params) -> Result:
    page, size = _paging(params)
    sample = collection.record(0) if collection.count else None
    conditions = [_condition(key, params.getlist(key)[-1], sample)
                  for key in params if key not in RESERVED]
    sort = _sort(params.get("_sort", ""), sample)
    lo, hi, residual = _narrow(collection, conditions)
    natural = _natural_direction(collection, sort)
    first = (page - 1) * size
    if not residual and natural is not None:
        total = hi - lo
        if natural == "asc":
            indexes = range(lo + first, min(hi, lo + first + size))
        else:
            indexes = range(hi - 1 - first, max(lo - 1, hi - 1 - first - size), -1)
        return Result([collection.record(i) for i in indexes], page, size, total)
    if hi - lo > SCAN_LIMIT:
        raise QueryError(
            f"This query would scan {hi - lo} documents; narrow it with a createdAt range "
            f"(at most {SCAN_LIMIT}).", code="QUERY_TOO_BROAD")
    matches = []
    for i in range(lo, hi):
        record = collection.record(i)
        if all(_matches(record, c) for c in residual):
            matches.append(record)
    for path, desc in reversed(sort):  # stable sorts, last key first
        matches.sort(key=lambda rec, p=path: _sort_key(_get(rec, p)), reverse=desc)
    return Result(matches[first:first + size], page, size, len(matches))


def _paging(params) -> tuple[int, int]:
    try:
        page = int(params.get("page", 1))
        size = int(params.get("page_size", DEFAULT_PAGE_SIZE))
    except ValueError:
        raise QueryError("page and page_size must be integers", code="INVALID_PAGING") from None
    if page < 1 or size < 1:
        raise QueryError("page and page_size must be positive", code="INVALID_PAGING")
    return page, min(size, MAX_PAGE_SIZE)


def _get(record, path):
    value = record
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return KeyError
        value = value[part]
    return value


def _condition(key: str, raw: str, sample) -> Condition:
    match = OP_PATTERN.match(raw)
    op, text = (match.group(1), match.group(2)) if match else ("eq", raw)
    if op not in OPS:
        raise QueryError(f"Unknown modifier '{op}' for {key}", attribute=key)
    texts = text.split(",") if op == "in" else [text]
    example = _get(sample, key) if sample is not None else None
    if example is KeyError:
        raise QueryError(f"Unknown field '{key}'", attribute=key)
    if isinstance(example, (dict, list)):
        raise QueryError(f"Cannot filter on the object field '{key}'", attribute=key)
    return Condition(key, op, [_coerce(t, example, key) for t in texts])


def _coerce(text: str, example, key):
    try:
        if isinstance(example, bool):
            return text.lower() in ("1", "true")
        if isinstance(example, int):
            return int(text)
        if isinstance(example, Decimal):
            return Decimal(text)
    except (ValueError, InvalidOperation):
        raise QueryError(f"'{text}' is not a number (filter on {key})", attribute=key) from None
    return text


def _compare(value, op, target) -> bool:
    if value is None or value is KeyError:
        return False
    if type(value) is not type(target) and not (
            isinstance(value, (int, Decimal)) and isinstance(target, (int, Decimal))):
        value, target = str(value), str(target)
    return {"eq": value == target, "gt": value > target, "ge": value >= target,
            "lt": value < target, "le": value <= target}[op]


def _matches(record, condition: Condition) -> bool:
    value = _get(record, condition.path)
    if condition.op == "in":
        return any(_compare(value, "eq", v) for v in condition.values)
    return _compare(value, condition.op, condition.values[0])


def _narrow(collection: Collection, conditions) -> tuple[int, int, list]:
    lo, hi, residual = 0, collection.count, []
    for c in conditions:
        key = collection.monotone.get(c.path)
        if key is None or c.op == "in":
            residual.append(c)
            continue
        target = c.values[0]
        if isinstance(target, str) != isinstance(key(0), str):
            residual.append(c)
            continue
        left = bisect.bisect_left(range(collection.count), target, key=key)
        right = bisect.bisect_right(range(collection.count), target, key=key)
        bounds = {"eq": (left, right), "ge": (left, None), "gt": (right, None),
                  "le": (None, right), "lt": (None, left)}[c.op]
        lo = max(lo, bounds[0]) if bounds[0] is not None else lo
        hi = min(hi, bounds[1]) if bounds[1] is not None else hi
    return lo, max(lo, hi), residual


def _sort(text: str, sample) -> list[tuple[str, bool]]:
    keys = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        path, _, direction = part.partition(":")
        if direction not in ("", "asc", "desc"):
            raise QueryError(f"Unknown sort direction '{direction}'", code="INVALID_SORT",
                             attribute=path)
        if sample is not None and _get(sample, path) is KeyError:
            raise QueryError(f"Unknown sort field '{path}'", code="INVALID_SORT", attribute=path)
        keys.append((path, direction == "desc"))
    return keys


def _natural_direction(collection: Collection, sort) -> str | None:
    """'asc'/'desc' when the requested order is the index order (or its reverse)."""
    if not sort:
        return "asc"
    paths = tuple(path for path, _ in sort)
    if paths != collection.natural_sort[:len(paths)]:
        return None
    directions = {desc for _, desc in sort}
    if len(directions) != 1:
        return None
    return "desc" if directions.pop() else "asc"


def _sort_key(value):
    if value is None or value is KeyError or value == "":
        return (0, 0, "")
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return (1, value, "")
    return (2, 0, str(value))
