"""Exact k-NN for few features: a flat kd-tree over the reference rows.

The tree is flat arrays (children of node i at 2i+1 and 2i+2, every leaf at the
same depth), built by median splits along the widest dimension. A query visits
the nearer child first and skips a node only when the squared distance to its
bounding box is strictly larger than the current k-th (distance, index) pair.
That box distance is computed like ``_knn.exact_sqdist`` over the same feature
order with every term no larger, and floating-point rounding is monotone, so it
never exceeds the computed distance of a row inside: pruning is exact, and the
result is the same (distance, index) order as every other path. Each thread's
traversal stack lives in scratch allocated once per call (``_queries``).
"""

from cython.parallel cimport prange
from libc.math cimport INFINITY
from libc.stdint cimport SIZE_MAX
from libc.stdlib cimport free

from ._distances cimport offer_permuted_rows
from ._heap cimport reset_heap, sort_pairs
from ._queries cimport thread_scratch, thread_slice
from ._typedefs cimport data_t, float64_t, intp_t


cdef inline void swap_rows(data_t* X, intp_t* perm, intp_t n_features, intp_t a,
                           intp_t b) noexcept nogil:
    cdef intp_t f, tmp_index
    cdef data_t tmp
    for f in range(n_features):
        tmp = X[a * n_features + f]
        X[a * n_features + f] = X[b * n_features + f]
        X[b * n_features + f] = tmp
    tmp_index = perm[a]
    perm[a] = perm[b]
    perm[b] = tmp_index


cdef void select_median(data_t* X, intp_t* perm, intp_t n_features, intp_t dim,
                        intp_t start, intp_t end, intp_t mid) noexcept nogil:
    """Reorder rows start..end of X (and perm alongside) so that row ``mid`` holds
    the element of that rank along ``dim``, smaller ones before it and larger
    ones after (quickselect with median-of-three pivots, deterministic). Rows
    move physically, so every level of the build streams through memory."""
    cdef intp_t lo = start, hi = end - 1, i, j, a, b, c
    cdef float64_t pivot
    while hi > lo:
        a = lo
        b = lo + (hi - lo) // 2
        c = hi
        if X[a * n_features + dim] > X[b * n_features + dim]:
            a, b = b, a
        if X[b * n_features + dim] > X[c * n_features + dim]:
            b = c
            if X[a * n_features + dim] > X[b * n_features + dim]:
                b = a
        pivot = X[b * n_features + dim]
        i = lo
        j = hi
        while i <= j:
            while X[i * n_features + dim] < pivot:
                i += 1
            while X[j * n_features + dim] > pivot:
                j -= 1
            if i <= j:
                swap_rows(X, perm, n_features, i, j)
                i += 1
                j -= 1
        if mid <= j:
            hi = j
        elif mid >= i:
            lo = i
        else:
            break


cdef void node_bounds(const data_t* X, intp_t n_features, intp_t start, intp_t end,
                      float64_t* lo, float64_t* hi) noexcept nogil:
    cdef intp_t t, f
    cdef float64_t value
    for f in range(n_features):
        lo[f] = INFINITY
        hi[f] = -INFINITY
    for t in range(start, end):
        for f in range(n_features):
            value = <float64_t>X[t * n_features + f]
            if value < lo[f]:
                lo[f] = value
            if value > hi[f]:
                hi[f] = value


def build_kdtree(const data_t[:, ::1] X, intp_t n_levels, intp_t[::1] perm,
                 intp_t[::1] node_start, intp_t[::1] node_end,
                 float64_t[:, ::1] node_lo, float64_t[:, ::1] node_hi,
                 data_t[:, ::1] X_tree, int n_threads):
    """Fill the flat tree: ``X_tree`` (the rows of X in tree order, so that each
    node's rows are contiguous), ``perm`` (their rows in X), and per-node row
    ranges and tight bounding boxes.

    Going down, a node's box is its parent's cut at the split value: it contains
    the node's rows, which is all the split rule (widest side) needs, and costs
    no pass over the data. Tight boxes, which pruning benefits from, are then
    scanned at the leaves only and merged upwards.
    """
    cdef intp_t n_samples = X.shape[0], n_features = X.shape[1]
    cdef intp_t level, first, n_in_level, t, node, start, end, mid, f, dim, child
    cdef float64_t spread, widest
    with nogil:
        for t in prange(n_samples, schedule='static', num_threads=n_threads):
            perm[t] = t
            for f in range(n_features):
                X_tree[t, f] = X[t, f]
        node_start[0] = 0
        node_end[0] = n_samples
        node_bounds(&X_tree[0, 0], n_features, 0, n_samples, &node_lo[0, 0], &node_hi[0, 0])
        for level in range(n_levels):
            first = (1 << level) - 1
            n_in_level = 1 << level
            # nodes of one level cover disjoint row ranges: independent work
            for t in prange(n_in_level, schedule='dynamic', num_threads=n_threads):
                node = first + t
                start = node_start[node]
                end = node_end[node]
                dim = 0
                widest = -1.0
                for f in range(n_features):
                    spread = node_hi[node, f] - node_lo[node, f]
                    if spread > widest:
                        widest = spread
                        dim = f
                mid = start + (end - start) // 2
                if end - start > 1:
                    select_median(&X_tree[0, 0], &perm[0], n_features, dim, start, end, mid)
                for child in range(2 * node + 1, 2 * node + 3):
                    for f in range(n_features):
                        node_lo[child, f] = node_lo[node, f]
                        node_hi[child, f] = node_hi[node, f]
                node_start[2 * node + 1] = start
                node_end[2 * node + 1] = mid
                node_start[2 * node + 2] = mid
                node_end[2 * node + 2] = end
                if mid < end:
                    node_hi[2 * node + 1, dim] = <float64_t>X_tree[mid, dim]
                    node_lo[2 * node + 2, dim] = <float64_t>X_tree[mid, dim]
        tight_bounds_bottom_up(&X_tree[0, 0], n_features, n_levels, &node_start[0],
                               &node_end[0], &node_lo[0, 0], &node_hi[0, 0], n_threads)


cdef void tight_bounds_bottom_up(const data_t* X_tree, intp_t n_features, intp_t n_levels,
                                 const intp_t* node_start, const intp_t* node_end,
                                 float64_t* node_lo, float64_t* node_hi,
                                 int n_threads) noexcept nogil:
    """Leaf boxes scanned from their rows, inner boxes merged from the children."""
    cdef intp_t first = (1 << n_levels) - 1, level, t, node, f
    for t in prange(1 << n_levels, schedule='static', num_threads=n_threads):
        node_bounds(X_tree, n_features, node_start[first + t], node_end[first + t],
                    node_lo + (first + t) * n_features, node_hi + (first + t) * n_features)
    level = n_levels - 1
    while level >= 0:
        first = (1 << level) - 1
        for t in prange(1 << level, schedule='static', num_threads=n_threads):
            node = first + t
            for f in range(n_features):
                node_lo[node * n_features + f] = min(node_lo[(2 * node + 1) * n_features + f],
                                                     node_lo[(2 * node + 2) * n_features + f])
                node_hi[node * n_features + f] = max(node_hi[(2 * node + 1) * n_features + f],
                                                     node_hi[(2 * node + 2) * n_features + f])
        level -= 1


cdef inline float64_t box_sqdist(const data_t* q, const float64_t* lo, const float64_t* hi,
                                 intp_t n_features) noexcept nogil:
    cdef float64_t acc = 0.0, gap, value
    cdef intp_t f
    for f in range(n_features):
        value = <float64_t>q[f]
        if value < lo[f]:
            gap = lo[f] - value
        elif value > hi[f]:
            gap = value - hi[f]
        else:
            continue
        acc = acc + gap * gap
    return acc


cdef void query_one(const data_t* q, const data_t* X_tree, const intp_t* perm,
                    const intp_t* node_start, const intp_t* node_end,
                    const float64_t* node_lo, const float64_t* node_hi,
                    intp_t n_features, intp_t n_levels, intp_t self_index,
                    intp_t k, float64_t* keys, intp_t* idx,
                    intp_t* stack_nodes, float64_t* stack_bounds) noexcept nogil:
    cdef intp_t top = 0, node, left, right, near, far
    cdef intp_t first_leaf = (1 << n_levels) - 1
    cdef float64_t bound, left_bound, right_bound
    reset_heap(keys, idx, k)
    stack_nodes[0] = 0
    stack_bounds[0] = box_sqdist(q, node_lo, node_hi, n_features)
    top = 1
    while top > 0:
        top -= 1
        node = stack_nodes[top]
        bound = stack_bounds[top]
        if bound > keys[0]:
            continue
        if node >= first_leaf:
            offer_permuted_rows(q, X_tree, perm, node_start[node], node_end[node],
                                n_features, self_index, k, keys, idx)
            continue
        left = 2 * node + 1
        right = left + 1
        left_bound = box_sqdist(q, node_lo + left * n_features, node_hi + left * n_features,
                                n_features)
        right_bound = box_sqdist(q, node_lo + right * n_features,
                                 node_hi + right * n_features, n_features)
        if left_bound <= right_bound:
            near, far = left, right
        else:
            near, far = right, left
            left_bound, right_bound = right_bound, left_bound
        # push the far child first so the near one is explored first
        if right_bound <= keys[0]:
            stack_nodes[top] = far
            stack_bounds[top] = right_bound
            top += 1
        if left_bound <= keys[0]:
            stack_nodes[top] = near
            stack_bounds[top] = left_bound
            top += 1
    sort_pairs(keys, idx, k)


def knn_kdtree(const data_t[:, ::1] query, const data_t[:, ::1] X_tree,
               const intp_t[::1] perm, const intp_t[::1] node_start,
               const intp_t[::1] node_end, const float64_t[:, ::1] node_lo,
               const float64_t[:, ::1] node_hi, intp_t n_levels,
               const intp_t[::1] query_in_reference, intp_t[:, ::1] out_indices,
               float64_t[:, ::1] out_distances, int n_threads):
    """Exact k-NN of every query row through the tree (see the module docstring)."""
    cdef intp_t n_query = query.shape[0], n_features = query.shape[1]
    cdef intp_t k = out_indices.shape[1], i
    cdef size_t entry = sizeof(intp_t) + sizeof(float64_t), stride
    cdef char* scratch
    cdef float64_t* stack_bounds
    if n_query == 0 or k == 0:
        return
    if n_levels < 0 or <size_t>n_levels > SIZE_MAX // entry - 2:
        raise MemoryError()  # a stack no allocation can hold
    # depth-first with two pushes per level: n_levels + 2 entries per thread,
    # their bounds, then their nodes
    scratch = thread_scratch((n_levels + 2) * entry, n_threads, &stride)
    if scratch == NULL:
        raise MemoryError()
    with nogil:
        for i in prange(n_query, schedule='static', num_threads=n_threads):
            stack_bounds = <float64_t*>thread_slice(scratch, stride)
            query_one(&query[i, 0], &X_tree[0, 0], &perm[0], &node_start[0],
                      &node_end[0], &node_lo[0, 0], &node_hi[0, 0], n_features,
                      n_levels, query_in_reference[i], k, &out_distances[i, 0],
                      &out_indices[i, 0], <intp_t*>(stack_bounds + n_levels + 2),
                      stack_bounds)
    free(scratch)
