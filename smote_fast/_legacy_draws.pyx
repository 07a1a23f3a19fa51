"""imbalanced-learn's two draws per block, ``randint(0, high, n)`` then
``random_sample(n)``, on a legacy ``RandomState`` (MT19937), computed in place on
the generator's own state.

numpy makes one indirect call per 32-bit word and tempers each word on its own;
here a whole block of 624 words is regenerated and tempered by loops built for
the CPU's vector width, then consumed (benchmarks/bench_small_call.py compares
the two). The values and the state left behind are
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


cdef extern from *:
    """
    /* The block loops, built for AVX-512, AVX2 and the baseline where the
       compiler and loader support it (picked once at load time). */
    #if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) \
        && defined(__linux__) && __GNUC__ >= 8
    #define SMOTE_FAST_DRAWS_MULTIVERSION \
        __attribute__((target_clones("avx512f", "avx2", "default")))
    #else
    #define SMOTE_FAST_DRAWS_MULTIVERSION
    #endif

    /* The MT19937 recurrence over the whole 624-word key. */
    #define SMOTE_FAST_TWIST(UPPER, LOWER, SHIFTED)                               \
        ((SHIFTED) ^ ((((UPPER) & 0x80000000u) | ((LOWER) & 0x7fffffffu)) >> 1)  \
         ^ ((0u - ((LOWER) & 1u)) & 0x9908b0dfu))
    SMOTE_FAST_DRAWS_MULTIVERSION
    static void smote_fast_mt_regenerate(uint32_t *key) {
        int i;
        for (i = 0; i < 624 - 397; ++i)
            key[i] = SMOTE_FAST_TWIST(key[i], key[i + 1], key[i + 397]);
        for (; i < 623; ++i)
            key[i] = SMOTE_FAST_TWIST(key[i], key[i + 1], key[i + 397 - 624]);
        key[623] = SMOTE_FAST_TWIST(key[623], key[0], key[396]);
    }

    /* Tempered words start..623 of the key. */
    SMOTE_FAST_DRAWS_MULTIVERSION
    static void smote_fast_mt_temper(const uint32_t *key, uint32_t *out, Py_ssize_t start) {
        for (Py_ssize_t i = start; i < 624; ++i) {
            uint32_t y = key[i];
            y ^= y >> 11;
            y ^= (y << 7) & 0x9d2c5680u;
            y ^= (y << 15) & 0xefc60000u;
            out[i] = y ^ (y >> 18);
        }
    }

    /* numpy's double from two words, (a >> 5) * 2^26 + (b >> 6), times 2^-53
       (a power of two scales exactly: numpy's division by 2^53, bit for bit). */
    SMOTE_FAST_DRAWS_MULTIVERSION
    static void smote_fast_mt_doubles(const uint32_t *words, double *out, Py_ssize_t n) {
        for (Py_ssize_t t = 0; t < n; ++t)
            out[t] = ((double)(int32_t)(words[2 * t] >> 5) * 67108864.0
                      + (double)(int32_t)(words[2 * t + 1] >> 6))
                     * (1.0 / 9007199254740992.0);
    }
    """
    void regenerate "smote_fast_mt_regenerate"(uint32_t* key) noexcept nogil
    void temper "smote_fast_mt_temper"(const uint32_t* key, uint32_t* out,
                                       intp_t start) noexcept nogil
    void words_to_doubles "smote_fast_mt_doubles"(const uint32_t* words, float64_t* out,
                                                  intp_t n) noexcept nogil


cdef inline void temper_from(WordStream* stream, intp_t start) noexcept nogil:
    temper(stream.key, stream.tempered, start)


cdef inline void refill_if_spent(WordStream* stream) noexcept nogil:
    if stream.pos == STATE_WORDS:
        regenerate(stream.key)
        temper_from(stream, 0)
        stream.pos = 0


cdef inline uint32_t next_word(WordStream* stream) noexcept nogil:
    refill_if_spent(stream)
    stream.pos += 1
    return stream.tempered[stream.pos - 1]


cdef void draw_from(mt19937_state* state, uint64_t max_value, int64_t* out_ints,
                    intp_t n_ints, float64_t* out_doubles,
                    intp_t n_doubles) noexcept nogil:
    """The draws of ``randint_then_random_sample`` from ``state``, advancing it."""
    cdef WordStream stream
    cdef intp_t i, n_pairs
    cdef uint32_t words[2]
    cdef uint32_t mask = <uint32_t>max_value, word, bound = <uint32_t>max_value
    mask = mask | (mask >> 1)
    mask = mask | (mask >> 2)
    mask = mask | (mask >> 4)
    mask = mask | (mask >> 8)
    mask = mask | (mask >> 16)
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
            refill_if_spent(&stream)
            while stream.pos < STATE_WORDS and i < n_ints:
                word = stream.tempered[stream.pos] & mask
                stream.pos += 1
                out_ints[i] = word
                i += word <= bound
    i = 0
    while i < n_doubles:
        if STATE_WORDS - stream.pos == 1:  # a pair across two blocks
            words[0] = next_word(&stream)
            words[1] = next_word(&stream)
            words_to_doubles(words, &out_doubles[i], 1)
            i += 1
            continue
        refill_if_spent(&stream)
        # whole pairs within the block: a loop without branches, vectorised
        n_pairs = min((STATE_WORDS - stream.pos) // 2, n_doubles - i)
        words_to_doubles(&stream.tempered[stream.pos], &out_doubles[i], n_pairs)
        stream.pos += 2 * n_pairs
        i += n_pairs
    state.pos = <int>stream.pos


def randint_then_random_sample(object capsule, uint64_t max_value,
                               int64_t[::1] out_ints, float64_t[::1] out_doubles):
    """Fill ``out_ints`` with ``randint(0, max_value + 1)`` and then ``out_doubles``
    with ``random_sample()`` from the MT19937 behind ``capsule`` (its
    ``BitGenerator.capsule``), advancing it. Needs ``max_value < 2**32``; for 0
    no word is drawn, as numpy does. The caller holds the generator's lock."""
    cdef bitgen_t* bitgen = <bitgen_t*>PyCapsule_GetPointer(capsule, "BitGenerator")
    if max_value > 0xffffffffu:
        raise ValueError("max_value must be below 2**32")
    with nogil:
        draw_from(<mt19937_state*>bitgen.state, max_value,
                  &out_ints[0] if out_ints.shape[0] else NULL, out_ints.shape[0],
                  &out_doubles[0] if out_doubles.shape[0] else NULL, out_doubles.shape[0])


def seeded_randint_then_random_sample(uint32_t seed, uint64_t max_value,
                                      int64_t[::1] out_ints, float64_t[::1] out_doubles):
    """The same draws from ``RandomState(seed)``, without building it: numpy's
    legacy seeding of an int (the MT19937 initialisation recurrence), then the
    draws from that state."""
    cdef mt19937_state state
    cdef intp_t i
    cdef uint32_t value = seed
    if max_value > 0xffffffffu:
        raise ValueError("max_value must be below 2**32")
    with nogil:
        for i in range(STATE_WORDS):
            state.key[i] = value
            value = <uint32_t>(1812433253u * (value ^ (value >> 30)) + <uint32_t>(i + 1))
        state.pos = STATE_WORDS
        draw_from(&state, max_value, &out_ints[0] if out_ints.shape[0] else NULL,
                  out_ints.shape[0], &out_doubles[0] if out_doubles.shape[0] else NULL,
                  out_doubles.shape[0])
