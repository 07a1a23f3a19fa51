"""Bounded max-heap of (key, index) pairs, its in-place sort, and the sorted
array that replaces it for small k.

Pairs are ordered by key, then by index, so that equal keys resolve to the lower
row index whatever the chunking or thread count. The root holds the worst pair.
Empty slots hold (inf, NO_INDEX), which every real pair displaces.
"""

from libc.math cimport INFINITY

from ._typedefs cimport float64_t, intp_t

cdef extern from *:
    """
    /* Larger than any row index, so real rows displace it. */
    #define SMOTE_FAST_NO_INDEX PY_SSIZE_T_MAX
    """
    const intp_t NO_INDEX "SMOTE_FAST_NO_INDEX"

cdef enum:
    # Up to this many neighbours, a sorted array beats a heap: an insertion
    # shifts a few entries, a sift-down compares pairs at every level.
    SORTED_INSERT_MAX_K = 16


cdef inline void reset_heap(float64_t* keys, intp_t* idx, intp_t size) noexcept nogil:
    """Every slot empty: (inf, NO_INDEX)."""
    cdef intp_t t
    for t in range(size):
        keys[t] = INFINITY
        idx[t] = NO_INDEX


cdef inline bint pair_after(float64_t key_a, intp_t idx_a,
                            float64_t key_b, intp_t idx_b) noexcept nogil:
    return key_a > key_b or (key_a == key_b and idx_a > idx_b)


cdef inline bint sorted_accepts(float64_t key, float64_t worst_key,
                                const intp_t* worst_index) noexcept nogil:
    """Whether a pair (key, j) belongs in a sorted array (ascending pairs, empty
    slots last) whose last pair is (worst_key, worst_index[0]), for j larger than
    every index it holds: an equal key then wins only an empty slot. (The caller
    keeps worst_key in a local; the index is read only on a tie.)"""
    return key < worst_key or (key == worst_key and worst_index[0] == NO_INDEX)


cdef inline void sorted_insert(float64_t* keys, intp_t* idx, intp_t size, float64_t key,
                               intp_t index) noexcept nogil:
    """Insert (key, index) into the sorted array, dropping its last pair; the
    caller has checked ``sorted_accepts``, so ``index`` exceeds every kept index."""
    cdef intp_t t = size - 1
    while t > 0 and (keys[t - 1] > key or (keys[t - 1] == key and idx[t - 1] == NO_INDEX)):
        keys[t] = keys[t - 1]
        idx[t] = idx[t - 1]
        t -= 1
    keys[t] = key
    idx[t] = index


cdef inline void heap_sift_down(float64_t* keys, intp_t* idx, intp_t size,
                                intp_t pos) noexcept nogil:
    cdef float64_t key = keys[pos]
    cdef intp_t index = idx[pos], left, right, child
    while True:
        left = 2 * pos + 1
        if left >= size:
            break
        right = left + 1
        child = left
        if right < size and pair_after(keys[right], idx[right], keys[left], idx[left]):
            child = right
        if not pair_after(keys[child], idx[child], key, index):
            break
        keys[pos] = keys[child]
        idx[pos] = idx[child]
        pos = child
    keys[pos] = key
    idx[pos] = index


cdef inline void heap_replace_root(float64_t* keys, intp_t* idx, intp_t size,
                                   float64_t key, intp_t index) noexcept nogil:
    """Put (key, index) in place of the root and restore the heap; the caller has
    checked that the pair comes before the root."""
    keys[0] = key
    idx[0] = index
    heap_sift_down(keys, idx, size, 0)


cdef inline void sort_pairs(float64_t* keys, intp_t* idx, intp_t size) noexcept nogil:
    """Heapsort ascending by (key, index); any input order."""
    cdef intp_t pos, end
    cdef float64_t tmp_key
    cdef intp_t tmp_idx
    pos = size // 2 - 1
    while pos >= 0:
        heap_sift_down(keys, idx, size, pos)
        pos -= 1
    end = size - 1
    while end > 0:
        tmp_key = keys[0]
        tmp_idx = idx[0]
        keys[0] = keys[end]
        idx[0] = idx[end]
        keys[end] = tmp_key
        idx[end] = tmp_idx
        heap_sift_down(keys, idx, end, 0)
        end -= 1
