"""Thin Python binding of libews (cffi).

Every function here calls one libews function and converts its result:
a negative ews_status becomes EwsError(code, message, field), records come
back as read-only named tuples, handles are released by ffi.gc (or at once
by close()). There is no policy here: whatever Python needs that C callers
do not get belongs in libews (STYLE.md §14).

`ffi` and `lib` are the raw cffi objects, for everything not wrapped.
"""

import collections
import os

from ._ews import ffi, lib

__all__ = [
    "EwsError",
    "Catalog",
    "Site",
    "version",
    "version_number",
    "setting_names",
    "status_str",
    "ffi",
    "lib",
]

# Status codes as module constants: ews.EWS_EINVAL, ...
STATUS_NAMES = dict(ffi.typeof("ews_status").elements)
globals().update({name: value for value, name in STATUS_NAMES.items()})


def _str(p):
    """A C string (borrowed) as str; None for NULL."""
    if p == ffi.NULL:
        return None
    return ffi.string(p).decode("utf-8", "replace")


class EwsError(Exception):
    """A libews call failed: `code` (an ews_status, negative), the one-line
    `message` of ews_error_last() and the offending `field` ("" if none)."""

    def __init__(self, code, message, field=""):
        super().__init__(code, message, field)
        self.code = code
        self.message = message
        self.field = field

    @property
    def name(self):
        """Name of the status code, e.g. "EWS_EINVAL"."""
        return STATUS_NAMES.get(self.code, str(self.code))

    def __str__(self):
        return "%s: %s" % (self.name, self.message)


def _check(rc):
    """Return rc when it is not a failure; raise EwsError otherwise."""
    if rc < 0:
        err = lib.ews_error_last()
        message = _str(err.message) or status_str(rc)
        raise EwsError(rc, message, _str(err.field) or "")
    return rc


def status_str(code):
    """Static English text of a status code."""
    return _str(lib.ews_status_str(code))


def version():
    """Version of the loaded libews, e.g. "0.1.0"."""
    return _str(lib.ews_version_string())


def version_number():
    """Version of the loaded libews as MAJOR * 10000 + MINOR * 100 + PATCH."""
    return lib.ews_version()


def _path(p):
    """A path argument as a C string kept alive by the caller, or NULL."""
    if p is None:
        return ffi.NULL
    return ffi.new("char[]", os.fsencode(p))


def _text(s):
    return ffi.new("char[]", s.encode("utf-8"))


# ---------------------------------------------------------------------------
# Records: C structs copied into read-only named tuples.

_record_types = {}


def _value(ctype, v):
    if ctype.kind == "array":
        if ctype.item.cname == "char":
            return ffi.string(v).decode("utf-8", "replace")
        return [_value(ctype.item, x) for x in v]
    if ctype.kind == "pointer":
        if ctype.item.cname == "char":
            return _str(v)
        return v
    return v


def _record(name, ptr, skip=("version",)):
    """Copy the struct at `ptr` into a named tuple `name` (field by field,
    in declaration order, without the `version` field)."""
    ctype = ffi.typeof(ptr).item
    fields = [(f, t.type) for f, t in ctype.fields if f not in skip]
    cls = _record_types.get(name)
    if cls is None:
        cls = collections.namedtuple(name, [f for f, _ in fields])
        _record_types[name] = cls
    return cls(*(_value(t, getattr(ptr, f)) for f, t in fields))


def _set_text(struct, field, value):
    """Copy `value` into the char array `field`; a value that does not fit
    is refused like libews refuses it, naming the field."""
    raw = value.encode("utf-8")
    size = ffi.sizeof(getattr(struct, field))
    if len(raw) >= size:
        raise EwsError(
            lib.EWS_EINVAL,
            "%s: longer than %d bytes" % (field, size - 1),
            field,
        )
    setattr(struct, field, raw)


def _model(m):
    numbers = []
    if m.catalog_numbers != ffi.NULL:
        i = 0
        while m.catalog_numbers[i] != ffi.NULL:
            numbers.append(_str(m.catalog_numbers[i]))
            i += 1
    return _Model(
        key=_str(m.key),
        name=_str(m.name),
        family=_str(lib.ews_family_name(m.family)),
        catalog_numbers=tuple(numbers),
        caps=m.caps,
        capabilities=tuple(
            _str(lib.ews_capability_name(1 << b))
            for b in range(31)
            if m.caps & (1 << b) and lib.ews_capability_name(1 << b) != ffi.NULL
        ),
        commodity=_str(lib.ews_commodity_name(m.commodity)),
        phases=m.phases,
        sides=m.sides,
        address_per_side=bool(m.address_per_side),
        needs_supply=bool(m.needs_supply),
        has_map=bool(m.has_map),
        confidence=m.confidence.decode() if m.confidence != b"\0" else None,
        source=_str(m.source),
        file=_str(m.file),
        register_count=m.register_count,
    )


_Model = collections.namedtuple(
    "Model",
    "key name family catalog_numbers caps capabilities commodity phases sides "
    "address_per_side needs_supply has_map confidence source file "
    "register_count",
)


# ---------------------------------------------------------------------------
# Catalogue


class Catalog:
    """The device catalogue (include/ews/catalog.h)."""

    def __init__(self, ptr):
        self._ptr = ptr

    @classmethod
    def load(cls, system_dir=None, user_dir=None):
        """ews_catalog_load(): system_dir None for the installed one."""
        opts = ffi.new("ews_catalog_opts *")
        _check(lib.ews_catalog_opts_init(opts, lib.EWS_CATALOG_OPTS_VERSION))
        sdir, udir = _path(system_dir), _path(user_dir)
        opts.system_dir = sdir
        opts.user_dir = udir
        out = ffi.new("ews_catalog **")
        _check(lib.ews_catalog_load(opts, out))
        return cls(ffi.gc(out[0], lib.ews_catalog_free))

    def __len__(self):
        return lib.ews_catalog_count(self._ptr)

    def models(self):
        """All models, in key order."""
        return [
            _model(lib.ews_catalog_at(self._ptr, i))
            for i in range(lib.ews_catalog_count(self._ptr))
        ]

    def find(self, key):
        """Model by key or catalogue number; EwsError(EWS_ENOTFOUND)."""
        out = ffi.new("ews_model **")
        _check(lib.ews_catalog_find(self._ptr, _text(key), out))
        return _model(out[0])

    def problems(self):
        """Files refused while loading: "<file>: <field>: <reason>"."""
        return [
            _str(lib.ews_catalog_problem(self._ptr, i))
            for i in range(lib.ews_catalog_problem_count(self._ptr))
        ]


# ---------------------------------------------------------------------------
# Site


class Site:
    """One installation (include/ews/site.h). Use as a context manager or
    call close(); otherwise the handle is closed when collected."""

    def __init__(self, ptr):
        self._ptr = ptr

    @classmethod
    def open(cls, dir, create=False, timezone=None, catalog_dir=None):
        """ews_site_open(); create=True creates a new site."""
        opts = ffi.new("ews_site_opts *")
        _check(lib.ews_site_opts_init(opts, lib.EWS_SITE_OPTS_VERSION))
        if create:
            opts.flags |= lib.EWS_SITE_CREATE
        tz = _text(timezone) if timezone is not None else ffi.NULL
        cdir = _path(catalog_dir)
        opts.timezone = tz
        opts.catalog_dir = cdir
        out = ffi.new("ews_site **")
        _check(lib.ews_site_open(os.fsencode(dir), opts, out))
        return cls(ffi.gc(out[0], lib.ews_site_close))

    def close(self):
        """Close now (ews_site_close). Further calls raise ValueError."""
        if self._ptr is not None:
            ffi.release(self._ptr)
            self._ptr = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    @property
    def _handle(self):
        if self._ptr is None:
            raise ValueError("site is closed")
        return self._ptr

    def _list(self, rc_list, getter, name):
        out = ffi.new("ews_list **")
        _check(rc_list(out))
        lst = ffi.gc(out[0], lib.ews_list_free)
        try:
            return [
                _record(name, getter(lst, i))
                for i in range(lib.ews_list_len(lst))
            ]
        finally:
            ffi.release(lst)

    def gateways(self):
        """All gateways, by id."""
        site = self._handle
        return self._list(
            lambda out: lib.ews_site_gateway_list(site, out),
            lib.ews_list_gateway,
            "Gateway",
        )

    def add_gateway(self, name, ip, port=502, description=""):
        """Add a physical gateway; returns it with its id."""
        gw = ffi.new("ews_gateway *")
        _check(lib.ews_gateway_init(gw, lib.EWS_GATEWAY_VERSION))
        _set_text(gw, "name", name)
        _set_text(gw, "ip", ip)
        gw.port = port
        _set_text(gw, "description", description)
        _check(lib.ews_site_gateway_add(self._handle, gw))
        return _record("Gateway", gw)

    def devices(self, gateway_id=0):
        """Devices by id; gateway_id 0 for all."""
        site = self._handle
        return self._list(
            lambda out: lib.ews_site_device_list(site, gateway_id, out),
            lib.ews_list_device,
            "Device",
        )

    def setting(self, name):
        """Value of a setting as text."""
        out = ffi.new("char **")
        _check(lib.ews_site_setting_get(self._handle, _text(name), out))
        try:
            return _str(out[0])
        finally:
            lib.ews_free(out[0])

    def set_setting(self, name, value):
        """Validate and store a setting."""
        _check(
            lib.ews_site_setting_set(self._handle, _text(name), _text(value))
        )


def setting_names():
    """Names of the settings, in their fixed order."""
    return [_str(lib.ews_setting_name(i)) for i in range(lib.ews_setting_count())]
