"""Rows of an array moved within it: a cleaner's output written over the
over-sampler's output it was chosen from, so that no second array exists."""

from libc.stdlib cimport calloc, free
from libc.string cimport memcpy

from ._queries cimport malloc_array
from ._typedefs cimport intp_t


def gather_rows_in_place(unsigned char[:, ::1] rows, const intp_t[::1] kept):
    """``rows[:len(kept)] = rows[kept]`` in place, ``kept`` listing distinct rows
    in any order; the rows beyond ``len(kept)`` are left unspecified.

    ``rows`` is the array seen as bytes (one row of ``rows.shape[1]`` bytes per
    row of data), so one kernel serves every dtype without references.

    Invariant: output row ``i`` receives source row ``kept[i]``, and a row is
    overwritten only once nothing still needs its content. Following ``i ->
    kept[i]`` splits the output rows into chains (each row is some chain's
    source at most once, since ``kept`` is distinct). A chain that starts at a
    row nobody takes from is filled from its start: each copy frees the row it
    reads, which is the chain's next destination, until a source at or beyond
    ``len(kept)``. What is left are cycles within the output rows; each is
    turned with one row held aside. Every output row is written once: O(rows
    kept) copies, one row and one byte per row of scratch.
    """
    cdef intp_t n_rows = rows.shape[0], width = rows.shape[1], n_kept = kept.shape[0]
    cdef intp_t i, start, target, source
    cdef unsigned char* base
    cdef unsigned char* taken
    cdef unsigned char* done
    cdef unsigned char* held
    if n_kept > n_rows:
        raise ValueError("more rows kept than there are rows")
    if n_kept == 0 or width == 0:
        return
    base = &rows[0, 0]
    taken = <unsigned char*>calloc(n_rows, 1)  # row read by some output row
    done = <unsigned char*>calloc(n_kept, 1)  # output row written
    held = <unsigned char*>malloc_array(width, 1)
    try:
        if taken == NULL or done == NULL or held == NULL:
            raise MemoryError()
        for i in range(n_kept):
            source = kept[i]
            if source < 0 or source >= n_rows:
                raise ValueError(f"kept row {source} out of range for {n_rows} rows")
            if taken[source]:
                raise ValueError(f"row {source} kept twice")
            taken[source] = 1
        with nogil:
            for start in range(n_kept):  # chains from a row nobody reads
                if taken[start] or done[start]:
                    continue
                target = start
                while True:
                    source = kept[target]
                    memcpy(base + target * width, base + source * width, width)
                    done[target] = 1
                    if source >= n_kept:
                        break
                    target = source  # its content has just been read: free
            for start in range(n_kept):  # cycles
                if done[start]:
                    continue
                memcpy(held, base + start * width, width)
                target = start
                while kept[target] != start:
                    source = kept[target]
                    memcpy(base + target * width, base + source * width, width)
                    done[target] = 1
                    target = source
                memcpy(base + target * width, held, width)
                done[target] = 1
    finally:
        free(taken)
        free(done)
        free(held)
