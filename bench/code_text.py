"""Ordinary Python source for the dense benchmark profile: classes, functions, tests, comments.

The real codebase averages 19.8 KB per file, and a prefilter's cost is in reading and matching
those bytes, so the synthetic files must be made of code that looks like code (identifiers,
docstrings, string literals, comments at realistic densities), not of padding. Every piece is
drawn from a seeded ``random.Random``, so two seeds give different trees and one seed always
gives the same bytes. Nothing here ever spells the names the benchmark counts (the vocabulary
has no "relay"), nor an import statement outside the lines the caller asks for.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable

NOUNS = (
    "account", "agent", "alert", "artifact", "audit", "backoff", "batch", "billing", "budget",
    "bundle", "channel", "checkpoint", "chunk", "circuit", "cluster", "completion", "connection",
    "context", "cost", "credential", "customer", "dashboard", "dataset", "deadline", "deployment",
    "document", "embedding", "endpoint", "entry", "experiment", "feature", "feedback", "flag",
    "frame", "health", "heartbeat", "history", "incident", "insight", "invoice", "job", "lease",
    "ledger", "member", "message", "metric", "migration", "node", "notification", "offset",
    "operation", "order", "organization", "partition", "payload", "permission", "plan", "pool",
    "preference", "pricing", "prompt", "provider", "quota", "record", "region", "release",
    "report", "request", "response", "result", "role", "route", "sample", "schedule", "scope",
    "segment", "session", "shard", "snapshot", "source", "span", "status", "step",
    "subscription", "summary", "supervisor", "task", "tenant", "thread", "threshold",
    "tool", "transcript", "trigger", "usage", "user", "vector", "webhook", "window", "worker",
    "workflow", "workspace",
)  # fmt: skip
VERBS = (
    "accept", "acquire", "aggregate", "allocate", "apply", "archive", "assign", "attach",
    "build", "cancel", "capture", "check", "claim", "close", "collect", "commit", "compute",
    "configure", "consume", "convert", "create", "decode", "delete", "detach", "dispatch",
    "drain", "emit", "encode", "enqueue", "evaluate", "expire", "extract", "fetch", "finalize",
    "flush", "forward", "handle", "hydrate", "ingest", "inspect", "invalidate", "load",
    "lookup", "merge", "normalize", "notify", "parse", "persist", "poll", "prepare", "process",
    "publish", "purge", "record", "refresh", "register", "reload", "render", "replay", "reset",
    "resolve", "restore", "revoke", "rotate", "sanitize", "schedule", "score", "serialize",
    "split", "store", "submit", "summarize", "sync", "throttle", "track", "transform", "trim",
    "update", "upsert", "validate", "verify", "warm",
)  # fmt: skip
PAST = (
    "stored", "sent", "validated", "flushed", "processed", "scheduled", "rendered", "persisted",
    "expired", "resolved", "cached", "published", "closed", "merged", "retried", "dropped",
    "claimed", "revoked", "archived", "replayed",
)  # fmt: skip
ADJECTIVES = (
    "active", "cached", "current", "default", "expired", "failed", "global", "idle", "initial",
    "latest", "local", "pending", "primary", "raw", "remote", "retained", "scoped", "stale",
    "total", "valid", "empty", "partial", "degraded", "shared",
)  # fmt: skip
SUFFIXES = (
    "service", "store", "client", "handler", "router", "factory", "registry", "validator",
    "builder", "models", "schemas", "utils", "helpers", "adapter", "executor", "tracker",
    "monitor", "pipeline", "loader", "bridge", "dispatcher", "scheduler", "resolver",
    "repository", "controller", "serializer", "coordinator", "processor", "manager", "policy",
)  # fmt: skip
TYPES = (
    "str", "int", "float", "bool", "bytes", "dict[str, Any]", "list[str]", "list[int]",
    "dict[str, int]", "datetime", "tuple[str, int]", "set[str]",
)  # fmt: skip
FLOATS = ("0.1", "0.25", "0.5", "1.0", "2.5", "5.0", "10.0", "30.0", "60.0", "300.0")
METHODS = (
    "send_event", "connect", "disconnect", "broadcast", "register_connection",
    "remove_connection", "send_to_user", "emit_critical_event", "get_stats", "shutdown",
)  # fmt: skip

SENTENCES = (
    "{Verb} the {noun} {noun2} and return the {adj} result.",
    "Return the {adj} {noun} for the given {noun2}, or None when none is known.",
    "The {noun} {suffix} keeps one entry per {noun2}; entries expire after {num} seconds.",
    "Raised when a {noun} cannot be {past} because its {noun2} is {adj}.",
    "Callers must hold the {noun} lock while the {noun2} is being {past}.",
    "This mirrors the behaviour of the {noun2} {suffix} so both stay interchangeable.",
    "Kept small on purpose: the {noun} path runs on every {noun2} request.",
    "{Verb}s {noun}s in batches of {num} to keep the {noun2} {suffix} responsive.",
    "Only {adj} {noun}s are considered; {past} ones are skipped.",
    "See the {noun} {suffix} for the retry policy applied to {noun2}s.",
    "The {noun2} {noun} is optional and defaults to the {adj} value.",
    "Used by the {noun} {suffix} when a {noun2} is {past} twice.",
    "A {noun} that was {past} before the {noun2} deadline is reported as {adj}.",
    "Calling {verb} on a {noun} twice is harmless: the second call finds it {past}.",
    "The order matters here, because the {noun2} {suffix} reads the {adj} {noun} first.",
    "Values above {num} are clamped so a single {noun} cannot starve the {noun2} pool.",
)  # fmt: skip

# Methods of a class; {attr} and {attr2} are attributes set in __init__.
METHOD_TEMPLATES = (
    '''    def {verb}_{noun}(self, {noun2}_id: str) -> {T} | None:
        """{sentence}"""
        cached = self.{attr}.get({noun2}_id)
        if cached is not None:
            return cached
        value = self._{verb2}_{noun}({noun2}_id)
        self.{attr}[{noun2}_id] = value
        return value''',
    '''    def validate_{noun}(self, {noun}: dict[str, Any]) -> None:
        """{sentence}"""
        missing = [key for key in ("{noun2}_id", "{field}", "{field2}") if key not in {noun}]
        if missing:
            raise ValueError(f"{noun} is missing {{', '.join(missing)}}")
        if {noun}.get("{field}", 0) < {num}:
            raise ValueError("{field} must be at least {num}")''',
    '''    async def {verb}_{noun}(self, {noun2}: {T}, *, timeout: float = {float}) -> bool:
        """{sentence}

        Args:
            {noun2}: the {noun2} to {verb}.
            timeout: seconds to wait for each attempt.
        """
        for attempt in range(self.max_retries):
            try:
                await asyncio.wait_for(self._{verb2}({noun2}), timeout=timeout)
                return True
            except asyncio.TimeoutError:
                logger.warning("{verb} {noun} timed out (attempt %d)", attempt + 1)
                await asyncio.sleep({float2} * (attempt + 1))
        return False''',
    '''    def {verb}_{noun}s(self, items: list[{T}]) -> dict[str, int]:
        """{sentence}"""
        counts: dict[str, int] = defaultdict(int)
        for item in items:
            key = getattr(item, "{field}", "{adj}")
            counts[key] += 1
        # {sentence2}
        return dict(counts)''',
    '''    @property
    def {adj}_{noun}(self) -> {T}:
        """{sentence}"""
        return self.{attr}''',
    '''    def to_dict(self) -> dict[str, Any]:
        """Serialise for the {noun} API; keys are part of the public contract."""
        return {{
            "{field}": self.{field},
            "{field2}": self.{field2},
            "{noun}_count": len(self.{attr}),
            "{adj}": self.{attr2} is not None,
        }}''',
    '''    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "{Class}":
        """{sentence}"""
        return cls(
            {field}=data.get("{field}", "{adj}"),
            {field2}=int(data.get("{field2}", {num})),
        )''',
    '''    def {verb}_{noun}(self, {noun2}_id: str) -> None:
        """{sentence}"""
        with self._lock:
            entry = self.{attr}.pop({noun2}_id, None)
            if entry is None:
                logger.debug("no {noun} for %s", {noun2}_id)
                return
            self.{attr2}.append(entry)
            self.{verb2}_count += 1''',
    '''    def {verb}_{adj}_{noun}s(self, limit: int = {num}) -> list[{T}]:
        """{sentence}"""
        selected = [
            value
            for key, value in sorted(self.{attr}.items())
            if key.startswith("{noun2}") and value is not None
        ]
        return selected[:limit]''',
    '''    def _{verb}_{noun}(self, {noun}: {T}) -> str:
        handlers = {{
            "{adj}": self._{verb2}_{adj},
            "{adj2}": self._{verb2}_{adj2},
        }}
        kind = str(getattr({noun}, "kind", "{adj}"))
        handler = handlers.get(kind)
        if handler is None:
            raise KeyError(f"no handler for {noun} kind {{kind!r}}")
        return handler({noun})''',
    '''    def is_{adj}(self, now: datetime | None = None) -> bool:
        """{sentence}"""
        now = now or datetime.now(timezone.utc)
        age = (now - self.created_at).total_seconds()
        # {sentence2}
        return age < {num} and self.{attr2} is not None''',
    '''    def __repr__(self) -> str:
        return f"{Class}({field}={{self.{field}!r}}, {noun}s={{len(self.{attr})}})"''',
    '''    async def {verb}_{noun}_batch(self, {noun}s: list[{T}]) -> list[{T}]:
        """{sentence}"""
        results = []
        for start in range(0, len({noun}s), {small}):
            batch = {noun}s[start : start + {small}]
            done = await asyncio.gather(*(self._{verb2}(item) for item in batch))
            results.extend(item for item in done if item is not None)
        logger.info("{past} %d of %d {noun}s", len(results), len({noun}s))
        return results''',
    '''    def {verb}_{noun}_{field}(self, {field}: {T}, *, strict: bool = False) -> {T}:
        """{sentence}

        Raises:
            ValueError: when ``strict`` is set and the {field} is {adj}.
        """
        if strict and not {field}:
            raise ValueError("{adj} {field} for {noun}")
        self.{attr}[str({field})] = {field}
        return {field}''',
)  # fmt: skip

FUNCTION_TEMPLATES = (
    '''def {verb}_{noun}_{suffix}(
    {noun}s: list[dict[str, Any]], *, {field}: str = "{adj}"
) -> list[str]:
    """{sentence}

    {sentence2}
    """
    names = []
    for {noun} in {noun}s:
        if {noun}.get("{field}") != {field}:
            continue
        names.append(str({noun}.get("name", "")))
    return sorted(set(names))''',
    '''def {verb}_{noun}({noun}_id: str, retries: int = {small}) -> {T} | None:
    """{sentence}"""
    last_error: Exception | None = None
    for attempt in range(retries):
        try:
            return _{verb2}_{noun}({noun}_id)
        except (ConnectionError, TimeoutError) as error:
            last_error = error
            time.sleep({float} * 2**attempt)
    logger.error("giving up on {noun} %s: %s", {noun}_id, last_error)
    return None''',
    '''async def {verb}_{noun}_{noun2}(session: Any, {noun2}_id: str) -> dict[str, Any]:
    """{sentence}"""
    row = await session.get("{noun2}s", {noun2}_id)
    if row is None:
        return {{"{noun2}_id": {noun2}_id, "status": "missing"}}
    payload = {{key: value for key, value in row.items() if not key.startswith("_")}}
    payload["{field}"] = payload.get("{field}") or "{adj}"
    return payload''',
    '''def {verb}_{field}(value: {T}, *, default: {T} | None = None) -> {T} | None:
    # {sentence}
    if value is None:
        return default
    if isinstance(value, str):
        value = value.strip()
    return value or default''',
    '''@lru_cache(maxsize={num})
def {noun}_{suffix}_key({noun}: str, {noun2}: str) -> str:
    """{sentence}"""
    digest = hashlib.sha256(f"{{{noun}}}:{{{noun2}}}".encode()).hexdigest()
    return f"{noun}:{{digest[:{small}]}}"''',
    '''def {verb}_{noun}_window({noun}s: list[float], size: int = {small}) -> list[float]:
    """{sentence}"""
    if size <= 0:
        raise ValueError("window size must be positive")
    window: list[float] = []
    averages = []
    for value in {noun}s:
        window.append(value)
        if len(window) > size:
            window.pop(0)
        averages.append(sum(window) / len(window))
    return averages''',
    '''def {verb}_{noun}_payload({noun}: {T}, {noun2}: {T2} | None = None) -> dict[str, Any]:
    """{sentence}"""
    payload: dict[str, Any] = {{
        "type": "{noun}_{past}",
        "{noun}": {noun},
        "timestamp": time.time(),
    }}
    if {noun2} is not None:
        payload["{noun2}"] = {noun2}
    # {sentence2}
    return payload''',
)  # fmt: skip

TEST_TEMPLATES = (
    '''def test_{verb}_{noun}_{adj}({fixture}):
    {var} = {subject}
    result = {var}.{verb}_{noun}("{noun2}-{num}")
    assert result is not None
    assert {var}.{verb}_count == 1''',
    '''def test_{verb}_{noun}_rejects_{adj}_{field}():
    """{sentence}"""
    {var} = {subject}
    with pytest.raises(ValueError, match="{field}"):
        {var}.validate_{noun}({{"{field}": {num}}})''',
    '''@pytest.mark.parametrize(
    ("{field}", "expected"),
    [
        ("{adj}", True),
        ("{adj2}", False),
        ("", False),
    ],
)
def test_{noun}_{field}_is_{adj}({field}, expected):
    assert ({field} == "{adj}") is expected''',
    '''@pytest.mark.asyncio
async def test_{verb}_{noun}_times_out():
    {var} = {subject}
    {var}._{verb2} = AsyncMock(side_effect=asyncio.TimeoutError)
    assert await {var}.{verb}_{noun}("{noun2}", timeout={float}) is False
    assert {var}._{verb2}.await_count == {var}.max_retries''',
    '''def test_{noun}_{suffix}_round_trip():
    # {sentence}
    original = {{"{field}": "{adj}", "{field2}": {num}}}
    restored = dict(original)
    assert restored == original
    assert restored["{field2}"] == {num}''',
    '''def test_{verb}_{noun}s_counts_each_{field}():
    items = [MagicMock({field}="{adj}"), MagicMock({field}="{adj}"), MagicMock({field}="{adj2}")]
    {var} = {subject}
    counts = {var}.{verb}_{noun}s(items)
    assert counts.get("{adj}") in (None, 2)
    assert sum(counts.values()) <= len(items)''',
    '''class Test{Class}:
    """{sentence}"""

    def test_{verb}_{noun}_returns_{adj}(self):
        {var} = {subject}
        assert {var} is not None
        assert hasattr({var}, "{verb}_{noun}") or {var}

    def test_{noun}_{field}_defaults(self):
        {var} = {subject}
        value = getattr({var}, "{field}", "{adj}")
        assert value is not None
        assert str(value)''',
    '''def test_{verb}_{noun}_logs_{adj}(caplog):
    {var} = {subject}
    with caplog.at_level("DEBUG"):
        {var}.{verb}_{noun}("{noun2}-{num}")
    assert all(record.levelname != "ERROR" for record in caplog.records)''',
)  # fmt: skip

FIXTURE_TEMPLATES = (
    '''@pytest.fixture
def {fixture}():
    """{sentence}"""
    {var} = {subject}
    yield {var}
    {var}.close()''',
    '''@pytest.fixture
def {fixture}_payload():
    return {{
        "{field}": "{adj}",
        "{field2}": {num},
        "{noun}_id": "{noun}-{num2}",
    }}''',
)  # fmt: skip


_DEF_NAME = re.compile(r"^((?:async )?def )\w+\(", re.M)


def camel(*words: str) -> str:
    """``("session", "store")`` -> ``SessionStore``."""
    return "".join(word.capitalize() for word in words)


class _Fill(dict):
    """Template values drawn on first use, so a repeated ``{noun}`` stays one word."""

    def __init__(self, code: Code, fixed: dict[str, str]) -> None:
        super().__init__(fixed)
        self.code = code
        # The values drawn so far, by kind (``noun2`` is of kind ``noun``).
        self.taken: dict[str, set[str]] = {}
        for key, value in fixed.items():
            self.taken.setdefault(key.rstrip("0123456789"), set()).add(value)

    def __missing__(self, key: str) -> str:
        kind = key.rstrip("0123456789")
        value = self.code.pick(kind, self)
        # ``noun`` and ``noun2`` become two parameters of one function: they must differ.
        taken = self.taken.setdefault(kind, set())
        for _ in range(20):
            if value not in taken:
                break
            value = self.code.pick(kind, self)
        self[key] = value
        taken.add(value)
        return value


class Code:
    """Draws identifiers, sentences and code blocks from one seeded generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        choice = rng.choice
        self._kinds: dict[str, Callable[[_Fill], str]] = {
            "noun": lambda _: choice(NOUNS),
            "verb": lambda _: choice(VERBS),
            "Verb": lambda _: choice(VERBS).capitalize(),
            "adj": lambda _: choice(ADJECTIVES),
            "past": lambda _: choice(PAST),
            "suffix": lambda _: choice(SUFFIXES),
            "field": lambda _: (
                f"{choice(NOUNS)}_{choice(('id', 'name', 'count', 'limit', 'kind'))}"
            ),
            "attr": lambda _: f"_{choice(NOUNS)}s",
            "T": lambda _: choice(TYPES),
            "num": lambda _: str(rng.randint(2, 900)),
            "small": lambda _: str(rng.randint(2, 9)),
            "float": lambda _: choice(FLOATS),
            "Class": lambda fill: camel(fill["noun"], fill["suffix"]),
            "sentence": lambda _: self.sentence(),
            "var": lambda fill: fill["noun"],
            "fixture": lambda fill: f"{fill['noun']}_{fill['suffix']}",
            "subject": lambda _: "MagicMock()",
        }

    def pick(self, kind: str, fill: _Fill) -> str:
        return self._kinds[kind](fill)

    def fill(self, template: str, **fixed: str) -> str:
        return template.format_map(_Fill(self, fixed))

    def sentence(self) -> str:
        return self.rng.choice(SENTENCES).format_map(_Fill(self, {}))

    def words(self) -> tuple[str, str]:
        return self.rng.choice(NOUNS), self.rng.choice(SUFFIXES)

    # Blocks: each returns the text of one top-level statement (no trailing newline).

    def class_block(self, name: str | None = None) -> str:
        rng = self.rng
        noun, suffix = self.words()
        name = name or camel(noun, suffix)
        fill = _Fill(self, {})
        field, field2 = fill["field"], fill["field2"]
        attr, attr2 = f"_{noun}s", f"_{rng.choice(NOUNS)}_log"
        lines = [
            f"class {name}:",
            f'    """{self.sentence()}',
            "",
            f"    {self.sentence()}",
            '    """',
            "",
            f"    max_retries = {rng.randint(2, 6)}",
            "",
            f'    def __init__(self, {field}: str = "{rng.choice(ADJECTIVES)}", '
            f"{field2}: int = {rng.randint(1, 500)}) -> None:",
            f"        self.{field} = {field}",
            f"        self.{field2} = {field2}",
            f"        self.{attr}: dict[str, Any] = {{}}",
            f"        self.{attr2}: list[Any] = []",
            "        self._lock = threading.Lock()",
            "        self.created_at = datetime.now(timezone.utc)",
        ]
        fixed = {"Class": name, "noun": noun, "attr": attr, "attr2": attr2, "field": field,
                 "field2": field2}  # fmt: skip
        for template in rng.sample(METHOD_TEMPLATES, rng.randint(3, 7)):
            lines += ["", self.fill(template, **fixed)]
        return "\n".join(lines)

    def function_block(self, name: str | None = None) -> str:
        text = self.fill(self.rng.choice(FUNCTION_TEMPLATES))
        if name:  # the module's helper, which other modules import by name
            text = _DEF_NAME.sub(rf"\1{name}(", text, count=1)
        return text

    def dataclass_block(self) -> str:
        rng = self.rng
        noun, suffix = self.words()
        lines = [
            "@dataclass",
            f"class {camel(noun, suffix)}Config:",
            f'    """{self.sentence()}"""',
            "",
        ]
        for _ in range(rng.randint(3, 7)):
            field = self.pick("field", _Fill(self, {}))
            if rng.random() < 0.5:
                lines.append(f"    {field}: int = {rng.randint(0, 1000)}")
            else:
                lines.append(f'    {field}: str = "{rng.choice(ADJECTIVES)}"')
        lines += ["    tags: list[str] = field(default_factory=list)", ""]
        lines += [
            "    def merged(self, **overrides: Any) -> dict[str, Any]:",
            '        """Return the settings with ``overrides`` applied, without changing self."""',
            "        values = dict(self.__dict__)",
            "        values.update(overrides)",
            "        return values",
        ]
        return "\n".join(lines)

    def enum_block(self) -> str:
        rng = self.rng
        noun = rng.choice(NOUNS)
        members = rng.sample(ADJECTIVES, rng.randint(3, 6))
        lines = [f"class {camel(noun)}State(str, Enum):", f'    """{self.sentence()}"""', ""]
        lines += [f'    {member.upper()} = "{member}"' for member in members]
        return "\n".join(lines)

    def constants_block(self) -> str:
        rng = self.rng
        noun = rng.choice(NOUNS)
        lines = [f"# {self.sentence()}", f"{noun.upper()}_DEFAULTS: dict[str, Any] = {{"]
        for _ in range(rng.randint(3, 8)):
            field = self.pick("field", _Fill(self, {}))
            value = rng.choice((str(rng.randint(0, 5000)), f'"{rng.choice(ADJECTIVES)}"', "None"))
            lines.append(f'    "{field}": {value},')
        lines.append("}")
        lines.append(f"{noun.upper()}_TIMEOUT_SECONDS = {rng.choice(FLOATS)}")
        return "\n".join(lines)

    def lazy_import_block(self, import_line: str) -> str:
        """A function importing something at call time (an ordinary, allowed lazy import)."""
        noun, verb = self.rng.choice(NOUNS), self.rng.choice(VERBS)
        module = import_line.split()[1]
        return "\n".join(
            [
                f"def _{verb}_{noun}_lazily(*args: Any) -> Any:",
                f'    """Imported at call time: {module} is slow to import."""',
                f"    {import_line}",
                "",
                f'    logger.debug("{verb} {noun} with %d arguments", len(args))',
                "    return args",
            ]
        )

    def test_block(self, subject: str) -> str:
        return self.fill(self.rng.choice(TEST_TEMPLATES), subject=subject)

    def fixture_block(self, subject: str) -> str:
        return self.fill(self.rng.choice(FIXTURE_TEMPLATES), subject=subject)

    def comment_block(self) -> str:
        lines = [f"# {self.sentence()}" for _ in range(self.rng.randint(1, 3))]
        return "\n".join(lines)
