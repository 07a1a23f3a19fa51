"""Danger and noise rules of Borderline-SMOTE and SVM-SMOTE from neighbour labels."""

from cython.parallel cimport prange

from ._typedefs cimport intp_t, int8_t


def count_other_class(const intp_t[:, ::1] neighbors, const intp_t[::1] labels,
                      intp_t own_label, intp_t[::1] out_counts, int n_threads):
    """``out_counts[i]`` = how many of row ``i``'s neighbours have another label."""
    cdef intp_t n_rows = neighbors.shape[0], m = neighbors.shape[1], i, t, count
    with nogil:
        for i in prange(n_rows, schedule='static', num_threads=n_threads):
            count = 0
            for t in range(m):
                if labels[neighbors[i, t]] != own_label:
                    count = count + 1
            out_counts[i] = count


def classify_danger_noise(const intp_t[::1] other_counts, intp_t m, int8_t[::1] out):
    """1 for danger (m/2 <= count < m), 2 for noise (count == m), 0 for safe."""
    cdef intp_t i
    with nogil:
        for i in range(other_counts.shape[0]):
            if other_counts[i] == m:
                out[i] = 2
            elif 2 * other_counts[i] >= m:
                out[i] = 1
            else:
                out[i] = 0
