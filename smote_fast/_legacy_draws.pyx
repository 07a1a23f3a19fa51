"""imbalanced-learn's two draws per block, ``randint(0, high, n)`` then
``random_sample(n)``, on a legacy ``RandomState`` (MT19937), computed in place on
the generator's own state.

numpy makes one indirect call per 32-bit word and tempers each word on its own;
here a whole block of 624 words is regenerated and tempered in a loop the
compiler vectorises, then consumed. The values and the state left behind are
numpy's, bit for bit: the standard MT19937 recurrence and tempering, masked
rejection for bounded integers (the smallest all-ones mask covering the range,
redrawn while above it) and doubles from two words, ``(a >> 5) * 2^26 +
(b >> 6)`` over ``2^53``. The Python caller checks the state layout once
against numpy's public ``state`` before trusting it.
"""

from cpython.pycapsule cimport PyCapsule_GetPointer
from libc.stdint cimport int64_t, uint32_t, uint64_t

from ._typedefs cimport float64_t, intp_t

cdef enum:
    STATE_WORDS = 624
    SHIFT = 397

cdef uint32_t UPPER_BIT = 0x80000000
cdef uint32_t LOWER_BITS = 0x7fffffff
cdef uint32_t TWIST = 0x9908b0df


cdef struct mt19937_state:
    uint32_t key[STATE_WORDS]
    int pos


# numpy's public C interface of a bit generator (numpy/random/bitgen.h).
cdef struct bitgen_t:
    void* state
    void* next_uint64
    void* next_uint32
    void* next_double
    void* next_raw


cdef struct WordStream:
    uint32_t* key
    intp_t pos
    uint32_t tempered[STATE_WORDS]


cdef inline uint32_t twisted(uint32_t upper, uint32_t lower, uint32_t shifted) noexcept nogil:
    cdef uint32_t y = (upper & UPPER_BIT) | (lower & LOWER_BITS)
    return shifted ^ (y >> 1) ^ ((0u - (y & 1u)) & TWIST)


cdef void regenerate(uint32_t* key) noexcept nogil:
    cdef intp_t i
    for i in range(STATE_WORDS - SHIFT):
        key[i] = twisted(key[i], key[i + 1], key[i + SHIFT])
    for i in range(STATE_WORDS - SHIFT, STATE_WORDS - 1):
        key[i] = twisted(key[i], key[i + 1], key[i + SHIFT - STATE_WORDS])
    key[STATE_WORDS - 1] = twisted(key[STATE_WORDS - 1], key[0], key[SHIFT - 1])


cdef void temper_from(WordStream* stream, intp_t start) noexcept nogil:
    cdef intp_t i
    cdef uint32_t y
    for i in range(start, STATE_WORDS):
        y = stream.key[i]
        y = y ^ (y >> 11)
        y = y ^ ((y << 7) & 0x9d2c5680u)
        y = y ^ ((y << 15) & 0xefc60000u)
        stream.tempered[i] = y ^ (y >> 18)


cdef inline uint32_t next_word(WordStream* stream) noexcept nogil:
    if stream.pos == STATE_WORDS:
        regenerate(stream.key)
        temper_from(stream, 0)
        stream.pos = 0
    stream.pos += 1
    return stream.tempered[stream.pos - 1]


def randint_then_random_sample(object capsule, uint64_t max_value,
                               int64_t[::1] out_ints, float64_t[::1] out_doubles):
    """Fill ``out_ints`` with ``randint(0, max_value + 1)`` and then ``out_doubles``
    with ``random_sample()`` from the MT19937 behind ``capsule`` (its
    ``BitGenerator.capsule``), advancing it. Needs ``max_value < 2**32``; for 0
    no word is drawn, as numpy does. The caller holds the generator's lock."""
    cdef bitgen_t* bitgen = <bitgen_t*>PyCapsule_GetPointer(capsule, "BitGenerator")
    cdef mt19937_state* state = <mt19937_state*>bitgen.state
    cdef WordStream stream
    cdef intp_t i, n_ints = out_ints.shape[0], n_doubles = out_doubles.shape[0]
    cdef uint32_t mask, word, bound = <uint32_t>max_value
    cdef int64_t a, b
    if max_value > 0xffffffffu:
        raise ValueError("max_value must be below 2**32")
    mask = bound
    for i in (1, 2, 4, 8, 16):
        mask = mask | (mask >> i)
    with nogil:
        stream.key = state.key
        stream.pos = state.pos
        temper_from(&stream, stream.pos)
        if bound == 0:
            for i in range(n_ints):
                out_ints[i] = 0
        else:
            # Branch-free rejection: every masked word is written, and kept (the
            # count advances) only when within range.
            i = 0
            while i < n_ints:
                if stream.pos == STATE_WORDS:
                    regenerate(stream.key)
                    temper_from(&stream, 0)
                    stream.pos = 0
                while stream.pos < STATE_WORDS and i < n_ints:
                    word = stream.tempered[stream.pos] & mask
                    stream.pos += 1
                    out_ints[i] = word
                    i += word <= bound
        for i in range(n_doubles):
            a = next_word(&stream) >> 5
            b = next_word(&stream) >> 6
            # times 2**-53 rather than over 2**53: a power of two scales exactly,
            # so the value is numpy's, without a division per draw
            out_doubles[i] = (a * 67108864.0 + b) * (1.0 / 9007199254740992.0)
        state.pos = <int>stream.pos
