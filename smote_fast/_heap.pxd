"""Bounded max-heap of (key, index) pairs and its in-place sort.

Pairs are ordered by key, then by index, so that equal keys resolve to the lower
row index whatever the chunking or thread count. The root holds the worst pair.
"""

from ._typedefs cimport float64_t, intp_t


cdef inline bint pair_after(float64_t key_a, intp_t idx_a,
                            float64_t key_b, intp_t idx_b) noexcept nogil:
    return key_a > key_b or (key_a == key_b and idx_a > idx_b)


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
