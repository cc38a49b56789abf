"""msgpack for stored data: any value the protocol accepts, stored and read back as it was.

A frame's `data` is stored as msgpack. A few values a client accepts have no plain
msgpack form: a JSON integer past 64 bits (a snapshot's state is any map, and JSON
integers have no size limit) and, deeper than the protocol's text check looks, half
a surrogate pair in a JSON string. Dropping the whole row for one such value would
make a recording differ from what the wall showed, so they are kept:

- an integer outside msgpack's 64-bit range is an ext value of type
  `EXT_BIG_INT` (1): the integer as signed big-endian two's complement bytes;
- a string is UTF-8 with lone surrogates passed through (Python's
  "surrogatepass"), which only such strings need.

Everything else packs exactly as before (the fast path tries plain msgpack first),
so recordings without such values are byte-for-byte what older versions wrote. A
reader older than this format skips a row holding either (undecodable) and reads
the rest.
"""

from __future__ import annotations

import threading
from typing import Any

import msgpack

EXT_BIG_INT = 1


def _big_int(value: Any) -> msgpack.ExtType:
    # msgpack calls this for types it cannot pack, and for integers past 64 bits.
    if isinstance(value, int) and not isinstance(value, bool):
        size = (value.bit_length() + 8) // 8  # room for the sign bit
        return msgpack.ExtType(EXT_BIG_INT, value.to_bytes(size, "big", signed=True))
    raise TypeError(f"cannot store a {type(value).__name__}")


_local = threading.local()  # a Packer per thread: reused, it packs several times faster


def pack(data: Any) -> bytes:
    """msgpack bytes for `data`; big integers and lone surrogates kept (see above).

    Raises TypeError or ValueError only for values no protocol frame can carry
    (objects that are not msgpack or JSON data, nesting past msgpack's limit).
    """
    packer = getattr(_local, "packer", None)
    if packer is None:
        packer = _local.packer = msgpack.Packer(use_bin_type=True)
    try:
        return packer.pack(data)
    except (OverflowError, UnicodeEncodeError):
        packer.reset()  # nothing of the failed value stays in its buffer
        return msgpack.packb(data, use_bin_type=True, default=_big_int,
                             unicode_errors="surrogatepass")
    except BaseException:
        packer.reset()
        raise


def _ext(code: int, payload: bytes) -> Any:
    if code == EXT_BIG_INT:
        return int.from_bytes(payload, "big", signed=True)
    return msgpack.ExtType(code, payload)  # a msgpack feed's own ext value: as it came


def unpack(data: bytes) -> Any:
    """The value `pack` stored (or plain msgpack from any writer).

    Raises ValueError (including UnicodeDecodeError), TypeError or a
    `msgpack.UnpackException` for bytes that are not msgpack.
    """
    return msgpack.unpackb(data, raw=False, strict_map_key=True, ext_hook=_ext,
                           unicode_errors="surrogatepass")
