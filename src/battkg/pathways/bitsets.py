"""Sets of small integers (course indexes) as Python ints, bit i for index i: a union, an
intersection or a difference of whole sets is one operation in C."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import compress

#: '0'/'1' text to bytes 0/1, so that itertools.compress reads a bit set in C
_BITS = bytes.maketrans(b"01", b"\x00\x01")
_OFFSETS = [tuple(i for i in range(8) if b >> i & 1) for b in range(256)]
#: bit sets with fewer members than this are read a byte at a time, larger ones by compress
_SPARSE = 2048


def bits_of(idxs: Iterable[int]) -> int:
    """A bit set of indexes (made through bytes: or-ing bits into a growing int is quadratic)."""
    found = list(idxs)
    if not found:
        return 0
    buffer = bytearray((max(found) >> 3) + 1)
    for i in found:
        buffer[i >> 3] |= 1 << (i & 7)
    return int.from_bytes(buffer, "little")


def indexes_of(bits: int) -> list[int]:
    """The indexes set in `bits`, lowest first."""
    if not bits:
        return []
    if bits.bit_count() >= _SPARSE:
        flags = format(bits, "b")[::-1].encode().translate(_BITS)
        return list(compress(range(len(flags)), flags))
    out: list[int] = []
    for at, byte in enumerate(bits.to_bytes((bits.bit_length() + 7) >> 3, "little")):
        if byte:
            base = at << 3
            out.extend(base + o for o in _OFFSETS[byte])
    return out
