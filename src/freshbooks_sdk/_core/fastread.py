"""A fast reader of response bodies into the generated models, exact or not at all (pure logic).

``pydantic``'s ``model_validate_json`` stays the reference: it decides every body this reader does
not take, so its values and its validation errors are the SDK's. This reader takes the common
case, a body that fits the models exactly, about 1.2x faster than pydantic's own reading
(``benchmarks/`` 7, issue 12):

1. ``msgspec`` decodes the bytes into throwaway ``Struct`` types derived from the model fields
   (one C pass: JSON syntax, types, presence). The structs are strict where pydantic is lax: an
   unknown field (which pydantic keeps in ``model_extra``), an id written as a numeric string, a
   float where an int goes, an amount given as a JSON number, a money object with an extra key, a
   line ``date`` that holds text, an open value nested more than four levels... all *decline*,
   and pydantic reads the body instead.
2. A builder (Python source made from the same field table, compiled once per model) checks the
   decimal and currency patterns, converts the few values pydantic converts in Python or Rust
   (``Decimal``, :class:`~freshbooks_sdk.models.Money`, US/Eastern timestamps through the very
   validator functions the models use, enum members) and sets up each model instance the way
   pydantic-core does: ``__dict__`` in field order with defaults filled in,
   ``__pydantic_fields_set__`` holding the keys that were present (built in field order, as
   pydantic-core builds it), an empty ``__pydantic_extra__`` and no private state.

So a body is either built exactly as ``model_validate_json`` builds it (``==``, ``repr``,
``model_dump``, ``model_fields_set``, pickling: the differential tests in
``tests/test_fastread.py`` check all of them on real and fuzzed bodies) or declined. A field kind
this module does not know makes its model unsupported (:func:`reader_for` returns ``None``), never
approximated.

>>> from freshbooks_sdk.models import ClientResponse
>>> read = reader_for(ClientResponse)
>>> body = b'''{"response": {"result": {"client": {
...     "id": 7, "organization": "Melmac", "updated": "2021-04-16 10:31:58", "vis_state": 0}}}}'''
>>> client = read(body).response.result.client
>>> (client.organization, client.updated.isoformat(), sorted(client.model_fields_set))
('Melmac', '2021-04-16T14:31:58+00:00', ['id', 'organization', 'updated', 'vis_state'])
>>> client == ClientResponse.model_validate_json(body).response.result.client
True
>>> read(b'{"response": {"result": {"client": {"id": "7"}}}}') is None  # pydantic's to read
True
"""

from __future__ import annotations

import datetime as _dt
import enum
import functools
import itertools
import re
import threading
import types
import typing
from collections.abc import Callable
from decimal import Decimal
from typing import Any, Union

import msgspec

from freshbooks_sdk import _types

__all__ = ["Listing", "listing_reader_for", "reader_for"]

Reader = Callable[[bytes], Any]

_NONE = type(None)
# What a decimal string may look like (the models' own pattern, anchored at the very end: Python's
# ``$`` also matches before a final newline, pydantic-core's does not).
_DECIMAL_TEXT = _types._DECIMAL_TEXT_IN_RANGE.removesuffix("$") + r"\Z"
_CURRENCY_TEXT = _types._CURRENCY_TEXT.removesuffix("$") + r"\Z"
# str patterns the reader can check exactly as pydantic-core does (anchored ASCII classes only).
_KNOWN_PATTERNS = {_types._CURRENCY_TEXT: _CURRENCY_TEXT}


# Model settings that change nothing this reader builds (anything else: pydantic reads the model).
_PLAIN_CONFIG = frozenset({"extra", "defer_build", "title", "json_schema_extra", "frozen"})


class _Unsupported(Exception):
    """A field kind, default or model feature this reader does not build exactly."""


class _MoneyWire(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    # The Money schema ignores unknown keys inside a money object, but pydantic still parses
    # them (UTF-8, number sizes, nesting) where msgspec would skip them unchecked: a money
    # object with an unknown key is declined. The patterns are checked by the builder (cheaper
    # than msgspec's per-value regex calls).
    amount: str
    code: str


def _json_value(depth: int) -> Any:
    """The type of a JSON value nested at most ``depth`` arrays/objects deep, for msgspec.

    An open field (``Any``, ``dict[str, Any]``, ``list[Any]``: the invoice ``presentation``, a
    line's ``modern_time_entries``) is decoded with it, so its depth is checked in C. pydantic's
    JSON parser refuses a body nested about 200 levels deep where msgspec goes on: an open value
    deeper than this small bound is declined (pydantic reads the body). The type grows as
    2**depth, so the bound stays small; FreshBooks' open values are one or two levels deep.
    """
    value: Any = None | bool | int | float | str
    for _ in range(depth):
        value = None | bool | int | float | str | list[value] | dict[str, value]
    return value


_OPEN_DEPTH = 4
_OPEN = _json_value(_OPEN_DEPTH)


class _Declined(Exception):
    """A value the models refuse, or take only through pydantic's own code."""


# The amount check: text made only of digits, sign and point is exactly the decimal pattern
# whenever Decimal() takes it (both grammars are sign, digits, optional point); anything else
# (an exponent, and every text Decimal takes but the models refuse: spaces, underscores,
# non-ASCII digits, NaN, Infinity) is held to the pattern itself.
_NUMBER_CHARS = "0123456789.+-"
_decimal_match = re.compile(_DECIMAL_TEXT).match
_currency_match = re.compile(_CURRENCY_TEXT).match
# Codes that passed the pattern (at most 26**3), each mapped to one shared str: every Money of a
# page then holds the same "CAD" instead of a copy each (pydantic-core caches such short strings).
_currencies: dict[str, str] = {}


def _currency(code: str) -> str:
    if code not in _currencies:
        if _currency_match(code) is None:
            raise _Declined
        _currencies[code] = code
    return _currencies[code]


class _Field:
    """One model field: its wire type for msgspec and how the builder converts its value."""

    __slots__ = ("convert", "default", "name", "required", "wire")

    def __init__(self, name: str, wire: Any, convert: tuple[str, Any] | None, required: bool,
                 default: Any) -> None:  # fmt: skip
        self.name = name
        self.wire = wire
        self.convert = convert  # (kind, helper) or None: the value is kept as msgspec gives it
        self.required = required
        self.default = default


class _Plan:
    """The fields of one supported model (its structs and builders are made per variant)."""

    def __init__(self, model: type[Any]) -> None:
        self.model = model
        self.fields: list[_Field] = []


# A variant says which optional fields may be absent from a body: a frozenset of field names (in
# any model), or ALL. With none absent (what FreshBooks sends: every key, null or not) the builder
# checks nothing and the fields-set is the whole field list; a field that may be absent decodes as
# UNSET, is filled with its default and left out of the fields-set.
ALL: frozenset[str] = frozenset({"*"})
_MAX_LEARNED = 24  # names learned one by one before every optional field is allowed to be absent
_MISSING = re.compile(r"Object missing required field `([^`]+)`")

_plans: dict[type[Any], _Plan | None] = {}
_variants: dict[tuple[type[Any], frozenset[str]], tuple[Any, _Steps]] = {}
_readers: dict[type[Any], _Reader | None] = {}
_listings: dict[tuple[type[Any], str], ListingReader | None] = {}
_lock = threading.RLock()
_counter = itertools.count()


def reader_for(model: type[Any]) -> Reader | None:
    """A function reading a JSON body into ``model`` exactly as ``model.model_validate_json`` would,
    or returning ``None`` to decline (then pydantic must read it); ``None`` itself when the model
    has a field kind this reader cannot build exactly. Built once per model, on first use."""
    reader = _reader(model)
    return None if reader is None else reader.read


def _reader(model: type[Any]) -> _Reader | None:
    try:
        return _readers[model]
    except KeyError:
        pass
    with _lock:
        if model not in _readers:
            try:
                _readers[model] = None if _plan(model) is None else _Reader(model)
            except Exception:  # a model shape not foreseen here: pydantic reads it, as always
                _readers[model] = None
        return _readers[model]


def _built(struct: Any, steps: _Steps, absent: frozenset[str]) -> Any:
    return steps.build(struct)


class Listing(typing.NamedTuple):
    """A list page read and checked whole, its items not made yet (see :func:`listing_reader_for`).

    ``result`` holds ``page``, ``pages``, ``per_page`` and ``total`` as attributes; ``make`` turns
    one of ``items`` into its model instance, exactly as the whole body's reading would have, and
    cannot fail: everything that can decline was checked when the page was read. Make each item
    once: the instance takes the item's lists and dicts as its own (``pages.Pending`` sees to it).
    """

    result: Any
    items: list[Any]
    make: Callable[[Any], Any]


ListingReader = Callable[[bytes], "Listing | None"]


def listing_reader_for(model: type[Any], key: str) -> ListingReader | None:
    """A function reading a list envelope ``{"response": {"result": {key: [...], "page", ...}}}``
    of ``model`` into a :class:`Listing`, or returning ``None`` to decline (``model`` must then be
    read whole); ``None`` itself when ``model`` is not such an envelope this module reads.

    The whole body is decoded and checked when it is read, so it declines then or never; its
    items are made when asked for. A paginator handing out the items one at a time thus keeps
    one made item alive instead of a page of them, which spares CPython's cyclic collector most
    of its work (the objects of an item are freed before the collector ever sees them).

    >>> from freshbooks_sdk.models import ClientListResponse
    >>> read = listing_reader_for(ClientListResponse, "clients")
    >>> listing = read(b'''{"response": {"result": {"clients": [{"id": 7, "organization": "Melmac",
    ...     "updated": "2021-04-16 10:31:58", "vis_state": 0}], "page": 1, "pages": 1,
    ...     "per_page": 100, "total": 1}}}''')
    >>> [listing.make(item).updated.isoformat() for item in listing.items], listing.result.total
    (['2021-04-16T14:31:58+00:00'], 1)
    """
    try:
        return _listings[(model, key)]
    except KeyError:
        pass
    with _lock:
        if (model, key) not in _listings:
            reader, item = _reader(model), _item_model(model, key)
            _listings[(model, key)] = (
                None
                if reader is None or item is None
                else functools.partial(reader.run, finish=functools.partial(_listing, key, item))
            )
        return _listings[(model, key)]


def _item_model(model: type[Any], key: str) -> type[Any] | None:
    """The item model of ``model.response.result.<key>: list[Item]``, when that is its shape."""
    path = (("response", "model"), ("result", "model"), (key, "models"))
    for name, kind in path:
        plan = _plans.get(model)
        field = next((f for f in plan.fields if f.name == name), None) if plan else None
        if field is None or field.convert is None or field.convert[0] != kind:
            return None
        model = field.convert[1]
    return model


def _listing(key: str, item: type[Any], struct: Any, steps: _Steps, absent: frozenset[str]) -> Any:
    steps.check(struct)  # the whole page: everything that can decline does so now
    response = struct.response
    if getattr(response, "errors", None):  # an error beside the result: not a page
        return None
    result = response.result
    if result is None:
        return None
    return Listing(result, getattr(result, key) or [], _variant(item, absent)[1].make)


class _Reader:
    """The reader of one envelope model: the variant it uses, learned from the bodies it sees."""

    def __init__(self, model: type[Any]) -> None:
        self.model = model
        self.absent: frozenset[str] = frozenset()
        self.steps = self._steps(self.absent)

    def _steps(self, absent: frozenset[str]) -> tuple[Reader, _Steps, frozenset[str]]:
        struct, steps = _variant(self.model, absent)
        return msgspec.json.Decoder(struct).decode, steps, absent

    def read(self, content: bytes) -> Any:
        return self.run(content, _built)

    def run(self, content: bytes, finish: Callable[[Any, _Steps, frozenset[str]], Any]) -> Any:
        """``finish(struct, steps, variant)`` of the decoded body, or ``None`` (declined)."""
        decode, steps, absent = self.steps  # one read: another thread may switch the variant
        try:
            return finish(decode(content), steps, absent)
        except msgspec.ValidationError as exc:
            # An optional field left out: this endpoint leaves it out, so the variant that lets
            # it be absent is used from now on (a required one missing is pydantic's error).
            found = _MISSING.match(str(exc))
            if found is None:
                return None
            with _lock:
                if self.steps[0] is decode:  # not switched by another thread meanwhile
                    if self.absent is ALL or not self._may_lack(found[1]):
                        return None
                    learned = self.absent | {found[1]}
                    self.absent = ALL if len(learned) > _MAX_LEARNED else learned
                    self.steps = self._steps(self.absent)
            return self.run(content, finish)
        except Exception:
            return None  # declined: pydantic reads the body and has the last word

    def _may_lack(self, name: str) -> bool:
        return name not in self.absent and any(
            not f.required and f.name == name
            for plan in _plans.values()
            if plan
            for f in plan.fields
        )


def _plan(model: type[Any]) -> _Plan | None:
    """The plan of ``model`` and of every model under it (``None``: not supported)."""
    if model in _plans:
        return _plans[model]
    _plans[model] = None  # a model that contains itself stays unsupported
    try:
        plan = _Plan(model)
        _check_model(model)
        for name, info in model.model_fields.items():
            plan.fields.append(_field(name, info))
    except _Unsupported:
        return None
    _plans[model] = plan
    return plan


def _check_model(model: type[Any]) -> None:
    import pydantic

    if not (isinstance(model, type) and issubclass(model, pydantic.BaseModel)):
        raise _Unsupported("not a model")
    if model.model_config.get("extra") != "allow":
        raise _Unsupported("only the response models (extra='allow') are read here")
    if set(model.model_config) - _PLAIN_CONFIG:  # e.g. str_strip_whitespace, strict, aliases
        raise _Unsupported(f"a model configured with {sorted(model.model_config)}")
    if _own_schema(model):
        raise _Unsupported("a model with its own pydantic schema")
    decorators = model.__pydantic_decorators__
    if (
        decorators.validators
        or decorators.field_validators
        or decorators.root_validators
        or decorators.model_validators
        or decorators.computed_fields
        or model.__private_attributes__
        or model.__pydantic_root_model__
        or model.model_post_init is not pydantic.BaseModel.model_post_init
    ):
        raise _Unsupported("a model with validators or hooks")


def _own_schema(cls: type[Any]) -> bool:
    """Whether ``cls`` (or a base below pydantic's and the standard library's) tells pydantic
    how to validate it, so this module cannot know what pydantic would build."""
    import pydantic

    for base in cls.__mro__:
        if base in (pydantic.BaseModel, _types.WireModel, object) or base.__module__ in (
            "enum",
            "builtins",
        ):
            continue
        if "__get_pydantic_core_schema__" in vars(base) or "__get_validators__" in vars(base):
            return True
    return False


def _field(name: str, info: Any) -> _Field:
    if (info.alias not in (None, name)) or info.validation_alias is not None:
        raise _Unsupported(f"{name}: an alias")
    if info.validate_default or info.discriminator is not None:
        raise _Unsupported(f"{name}: a validation setting")
    if info.default_factory is not None:
        raise _Unsupported(f"{name}: a default factory")
    required = info.is_required()
    default = None if required else info.default
    if not (default is None or type(default) in (bool, int, str)):
        raise _Unsupported(f"{name}: a default that pydantic may copy")
    annotation = info.annotation
    metadata = list(info.metadata)
    nullable = False
    if typing.get_origin(annotation) in (Union, types.UnionType):
        args, nullable = _without_none(annotation)
        if set(args) == {str, int} and not metadata:
            # A JSON string or integer, each read as itself by pydantic's smart union (msgspec
            # refuses a float or a bool here, which pydantic would coerce: declined).
            return _Field(
                name, str | int | None if nullable else str | int, None, required, default
            )
        if len(args) != 1:
            raise _Unsupported(f"{name}: a union")
        annotation = args[0]
    if typing.get_origin(annotation) is typing.Annotated:
        annotation, *inner = typing.get_args(annotation)
        metadata.extend(inner)
    wire, convert = _kind(name, annotation, metadata)
    if convert is not None and default is not None:
        raise _Unsupported(f"{name}: a converted field with a default")
    if nullable and wire is not _OPEN:
        wire = wire | None
    return _Field(name, wire, convert, required, default)


def _without_none(union: Any) -> tuple[list[Any], bool]:
    """The members of ``union`` other than ``None``, and whether ``None`` was one of them."""
    members = typing.get_args(union)
    kept = [a for a in members if a is not _NONE]
    return kept, len(kept) < len(members)


def _kind(name: str, annotation: Any, metadata: list[Any]) -> tuple[Any, tuple[str, Any] | None]:
    """(msgspec wire type, conversion) of one field, or :class:`_Unsupported`."""
    import pydantic
    from pydantic.functional_serializers import PlainSerializer
    from pydantic.functional_validators import BeforeValidator, PlainValidator
    from pydantic.json_schema import WithJsonSchema

    if any(isinstance(m, BeforeValidator) for m in metadata):
        # A lenient date ("YYYY-MM-DD HH:MM:SS" kept as its date): only null is read here.
        return _NONE, None
    plain = [m for m in metadata if isinstance(m, PlainValidator)]
    rest = [
        m for m in metadata if not isinstance(m, (PlainValidator, PlainSerializer, WithJsonSchema))
    ]
    if plain:
        # The models' own validator function, given the JSON text exactly as pydantic gives it.
        if rest or len(plain) != 1 or annotation is not _dt.datetime or _takes_info(plain[0].func):
            raise _Unsupported(f"{name}: a validator")
        return str, ("call", plain[0].func)
    if annotation is Decimal and len(rest) == 1 and isinstance(rest[0], _types._ExactDecimal):
        return str, ("decimal", None)
    if rest:
        # Only a bare pattern this module knows (no length, case or whitespace option beside).
        settings = getattr(rest[0], "__dict__", None) if len(rest) == 1 else None
        pattern = settings.get("pattern") if settings and len(settings) == 1 else None
        if annotation is str and pattern in _KNOWN_PATTERNS:
            return typing.Annotated[str, msgspec.Meta(pattern=_KNOWN_PATTERNS[pattern])], None
        raise _Unsupported(f"{name}: constraints {rest!r}")
    if annotation in (int, str, bool):
        return annotation, None
    if annotation is Any:
        return _OPEN, None
    if annotation is _dt.date:
        return _dt.date, None
    if annotation is _types.Money:
        return _MoneyWire, ("money", None)
    if isinstance(annotation, type) and _own_schema(annotation):
        raise _Unsupported(f"{name}: {annotation.__name__} brings its own pydantic schema")
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        base = int if issubclass(annotation, int) else str if issubclass(annotation, str) else None
        if base is None or any(type(m.value) is not base for m in annotation):
            raise _Unsupported(f"{name}: enum {annotation.__name__}")
        if base is int:  # pydantic-core reads an int enum value as a 64-bit int
            return typing.Annotated[int, msgspec.Meta(ge=-(2**63), le=2**63 - 1)], (
                "enum",
                annotation,
            )
        return base, ("enum", annotation)
    if isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel):
        if _plan(annotation) is None:
            raise _Unsupported(f"{name}: model {annotation.__name__}")
        return annotation, ("model", annotation)
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is dict and args == (str, Any):
        return dict[str, _OPEN], None  # type: ignore[valid-type]  # a runtime type
    if origin is dict and args == (str, dict[str, Any]):
        return dict[str, dict[str, _OPEN]], None  # type: ignore[valid-type]  # a runtime type
    if origin is list and args == (Any,):
        return list[_OPEN], None  # type: ignore[valid-type]  # a runtime type
    if (origin is dict and args == (str, str)) or (origin is list and args == (str,)):
        return annotation, None
    if origin is list and len(args) == 1:
        item, nullable = args[0], False
        if typing.get_origin(item) in (Union, types.UnionType):
            members, nullable = _without_none(item)
            item = members[0] if len(members) == 1 else None
        if isinstance(item, type) and issubclass(item, pydantic.BaseModel):
            if _plan(item) is None:
                raise _Unsupported(f"{name}: model {item.__name__}")
            return annotation, ("models_or_none" if nullable else "models", item)
    raise _Unsupported(f"{name}: {annotation!r}")


def _takes_info(func: Callable[..., Any]) -> bool:
    """Whether pydantic would call ``func`` with a validation info argument too."""
    import inspect

    try:
        return len(inspect.signature(func).parameters) != 1
    except (TypeError, ValueError):
        return True


def _variant(model: type[Any], absent: frozenset[str]) -> tuple[Any, _Steps]:
    """The msgspec struct and the builder of ``model`` for one variant (made once, cached)."""
    key = (model, absent)
    if key not in _variants:
        plan = _plans[model]
        assert plan is not None  # readers exist only for planned models
        lacking = [f for f in plan.fields if not f.required and (absent is ALL or f.name in absent)]
        fields: list[Any] = []
        for field in plan.fields:
            wire = _wire(field.wire, absent)
            if field in lacking:
                fields.append((field.name, wire | msgspec.UnsetType, msgspec.UNSET))
            else:
                fields.append((field.name, wire))
        struct = msgspec.defstruct(
            f"{model.__name__}Wire",
            fields,
            kw_only=True,
            forbid_unknown_fields=True,  # an unknown field is kept by pydantic: declined
            gc=False,  # throwaway values holding no cycles
        )
        _variants[key] = (struct, _builder(plan, lacking, absent))
    return _variants[key]


def _wire(wire: Any, absent: frozenset[str]) -> Any:
    """``wire`` with every model in it replaced by that model's struct of the same variant."""
    import pydantic

    if isinstance(wire, type) and issubclass(wire, pydantic.BaseModel):
        return _variant(wire, absent)[0]
    origin, args = typing.get_origin(wire), typing.get_args(wire)
    if origin in (Union, types.UnionType):
        out = _wire(args[0], absent)
        for arg in args[1:]:
            out = out | _wire(arg, absent)
        return out
    if origin is list and args:
        return list[_wire(args[0], absent)]  # type: ignore[misc]  # a runtime type expression
    return wire


# The decimal text check of the builders (see _NUMBER_CHARS), on the local named ``text``.
_DECIMAL_CHECK = """\
        if {text}.strip(NUM) and decimal_match({text}) is None:
            raise Declined"""


class _Steps(typing.NamedTuple):
    """The compiled functions of one model variant (see :func:`_builder`)."""

    build: Callable[[Any], Any]  # struct -> model instance, or _Declined (check, then make)
    check: Callable[[Any], Any]  # converts the struct's values in place, or _Declined
    make: Callable[[Any], Any]  # checked struct -> model instance (cannot decline)


def _builder(plan: _Plan, lacking: list[_Field], absent: frozenset[str]) -> _Steps:
    """Compile the functions that turn one struct of ``plan``'s model into the model instance.

    ``check`` does everything that can decline (the patterns, the enum members, the timestamps)
    and leaves the converted values in the struct; ``make`` then builds the instance and cannot
    fail. A listing is checked whole when its page arrives and its items made one at a time as
    they are handed out; ``build`` is the two at once.
    """
    import pydantic

    slots = vars(pydantic.BaseModel)  # the instance slots pydantic-core fills, set directly
    env: dict[str, Any] = {
        "asdict": msgspec.structs.asdict,
        "UNSET": msgspec.UNSET,
        "new": object.__new__,
        "set_dict": slots["__dict__"].__set__,
        "set_fields_set": slots["__pydantic_fields_set__"].__set__,
        "set_extra": slots["__pydantic_extra__"].__set__,
        "set_private": slots["__pydantic_private__"].__set__,
        "Model": plan.model,
        "NAMES": tuple(f.name for f in plan.fields),
        "Dec": Decimal,
        "NUM": _NUMBER_CHARS,
        "decimal_match": _decimal_match,
        "currency": _currency,
        "currency_of": _currencies.get,
        "Declined": _Declined,
        "Money": _types.Money,
        "raw_money": _types._raw_money,
    }
    check = ["def check(s):"]
    for i, field in enumerate(plan.fields):
        if field.convert is None:
            continue
        kind, helper = field.convert
        name = field.name
        guard = "v is not None and v is not UNSET" if field in lacking else "v is not None"
        check += [f"    v = s.{name}", f"    if {guard}:"]
        if kind == "money":
            check += [
                "        a = v.amount",
                *_DECIMAL_CHECK.format(text="a").splitlines(),
                "        c = v.code",
                f"        s.{name} = raw_money(Money, Dec(a), currency_of(c) or currency(c))",
            ]
        elif kind == "decimal":
            check += [*_DECIMAL_CHECK.format(text="v").splitlines(), f"        s.{name} = Dec(v)"]
        elif kind == "call":
            env[f"F{i}"] = helper
            check.append(f"        s.{name} = F{i}(v)")
        elif kind == "enum":
            env[f"E{i}"] = helper
            env[f"M{i}"] = dict(helper._value2member_map_)
            check += [f"        e = M{i}.get(v)", f"        s.{name} = E{i}(v) if e is None else e"]
        else:
            env[f"C{i}"] = _variant(helper, absent)[1].check
            check.append(
                {
                    "model": "        C{i}(v)",
                    "models": "        for x in v:\n            C{i}(x)",
                    "models_or_none": (
                        "        for x in v:\n            if x is not None:\n                C{i}(x)"
                    ),
                }[kind].format(i=i)
            )
    check.append("    return s")
    # The fields-set is built from the names in field order, the order pydantic-core adds the
    # keys it finds: the same set, the same size and iteration order (repr, pickle bytes).
    make = ["def make(s):", "    d = asdict(s)"]
    if lacking:
        make.append("    absent = None")
    for i, field in enumerate(plan.fields):
        if field in lacking:
            env[f"D{i}"] = field.default
            make += [
                f"    if d[{field.name!r}] is UNSET:",
                f"        d[{field.name!r}] = D{i}",
                f"        absent = (absent or ()) + ({field.name!r},)",
            ]
    if lacking:
        names = env["NAMES"]

        @functools.lru_cache(maxsize=256)
        def present(absent: tuple[str, ...]) -> tuple[str, ...]:
            return tuple(n for n in names if n not in absent)

        env["present"] = present
        make.append("    fs = set(NAMES) if absent is None else set(present(absent))")
    else:
        make.append("    fs = set(NAMES)")
    for i, field in enumerate(plan.fields):
        if field.convert is None or field.convert[0] not in ("model", "models", "models_or_none"):
            continue
        kind, helper = field.convert
        key = repr(field.name)
        env[f"B{i}"] = _variant(helper, absent)[1].make
        each = {
            "model": "B{i}(v)",
            "models": "[B{i}(x) for x in v]",
            "models_or_none": "[None if x is None else B{i}(x) for x in v]",
        }[kind]
        make += [
            f"    v = d[{key}]",
            "    if v is not None:",
            f"        d[{key}] = " + each.format(i=i),
        ]
    make += [
        "    o = new(Model)",
        "    set_dict(o, d)",
        "    set_fields_set(o, fs)",
        "    set_extra(o, {})",
        "    set_private(o, None)",
        "    return o",
    ]
    lines = [*check, "", *make, "", "def build(s):", "    return make(check(s))"]
    source = "\n".join(lines) + "\n"
    filename = f"<freshbooks_sdk fastread {plan.model.__name__} #{next(_counter)}>"
    exec(compile(source, filename, "exec"), env)
    env["build"].__doc__ = source  # help(): what the reader does for this model
    return _Steps(env["build"], env["check"], env["make"])
