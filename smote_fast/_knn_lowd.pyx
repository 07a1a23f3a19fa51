"""Exact k-NN for few features: a flat kd-tree over the reference rows.

The tree is flat arrays (children of node i at 2i+1 and 2i+2, every leaf at the
same depth), built by median splits along the widest dimension. A query visits
the nearer child first and skips a node only when the squared distance to its
bounding box is strictly larger than the current k-th (distance, index) pair.
That box distance is computed like ``_knn.exact_sqdist`` over the same feature
order with every term no larger, and floating-point rounding is monotone, so it
never exceeds the computed distance of a row inside: pruning is exact, and the
result is the same (distance, index) order as every other path.
"""

from cython.parallel cimport prange
from libc.math cimport INFINITY
from libc.stdlib cimport free, malloc

from ._heap cimport heap_replace_root, pair_after, sort_pairs
from ._typedefs cimport float32_t, float64_t, intp_t

ctypedef fused data_t:
    float32_t
    float64_t

cdef intp_t NO_INDEX = <intp_t>((<size_t>-1) >> 1)


cdef inline float64_t row_key(const data_t* X, intp_t row, intp_t n_features,
                              intp_t dim) noexcept nogil:
    return <float64_t>X[row * n_features + dim]


cdef void select_median(const data_t* X, intp_t n_features, intp_t dim,
                        intp_t* perm, intp_t start, intp_t end,
                        intp_t mid) noexcept nogil:
    """Partially order perm[start:end] by X[:, dim] so that perm[mid] holds the
    element of that rank (quickselect, median-of-three pivots, deterministic)."""
    cdef intp_t lo = start, hi = end - 1, i, j, a, b, c, tmp
    cdef float64_t pivot
    while hi > lo:
        a = lo
        b = lo + (hi - lo) // 2
        c = hi
        # median of three keys as pivot
        if row_key(X, perm[a], n_features, dim) > row_key(X, perm[b], n_features, dim):
            a, b = b, a
        if row_key(X, perm[b], n_features, dim) > row_key(X, perm[c], n_features, dim):
            b = c
            if row_key(X, perm[a], n_features, dim) > row_key(X, perm[b], n_features, dim):
                b = a
        pivot = row_key(X, perm[b], n_features, dim)
        i = lo
        j = hi
        while i <= j:
            while row_key(X, perm[i], n_features, dim) < pivot:
                i += 1
            while row_key(X, perm[j], n_features, dim) > pivot:
                j -= 1
            if i <= j:
                tmp = perm[i]
                perm[i] = perm[j]
                perm[j] = tmp
                i += 1
                j -= 1
        if mid <= j:
            hi = j
        elif mid >= i:
            lo = i
        else:
            break


cdef void node_bounds(const data_t* X, intp_t n_features, const intp_t* perm,
                      intp_t start, intp_t end, float64_t* lo,
                      float64_t* hi) noexcept nogil:
    cdef intp_t t, f
    cdef float64_t value
    for f in range(n_features):
        lo[f] = INFINITY
        hi[f] = -INFINITY
    for t in range(start, end):
        for f in range(n_features):
            value = <float64_t>X[perm[t] * n_features + f]
            if value < lo[f]:
                lo[f] = value
            if value > hi[f]:
                hi[f] = value


def build_kdtree(const data_t[:, ::1] X, intp_t n_levels, intp_t[::1] perm,
                 intp_t[::1] node_start, intp_t[::1] node_end,
                 float64_t[:, ::1] node_lo, float64_t[:, ::1] node_hi,
                 data_t[:, ::1] X_tree, int n_threads):
    """Fill the flat tree: ``perm`` (tree order of the rows), per-node row
    ranges and bounding boxes, and ``X_tree = X[perm]`` for contiguous leaves."""
    cdef intp_t n_samples = X.shape[0], n_features = X.shape[1]
    cdef intp_t level, first, n_in_level, t, node, start, end, mid, f, dim
    cdef float64_t spread, widest
    for t in range(n_samples):
        perm[t] = t
    node_start[0] = 0
    node_end[0] = n_samples
    with nogil:
        for level in range(n_levels + 1):
            first = (1 << level) - 1
            n_in_level = 1 << level
            # nodes of one level cover disjoint ranges of perm: independent work
            for t in prange(n_in_level, schedule='dynamic', num_threads=n_threads):
                node = first + t
                start = node_start[node]
                end = node_end[node]
                node_bounds(&X[0, 0], n_features, &perm[0], start, end,
                            &node_lo[node, 0], &node_hi[node, 0])
                if level < n_levels:
                    dim = 0
                    widest = -1.0
                    for f in range(n_features):
                        spread = node_hi[node, f] - node_lo[node, f]
                        if spread > widest:
                            widest = spread
                            dim = f
                    mid = start + (end - start) // 2
                    if end - start > 1:
                        select_median(&X[0, 0], n_features, dim, &perm[0], start, end, mid)
                    node_start[2 * node + 1] = start
                    node_end[2 * node + 1] = mid
                    node_start[2 * node + 2] = mid
                    node_end[2 * node + 2] = end
        for t in prange(n_samples, schedule='static', num_threads=n_threads):
            for f in range(n_features):
                X_tree[t, f] = X[perm[t], f]


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


cdef inline float64_t point_sqdist(const data_t* a, const data_t* b,
                                   intp_t n_features) noexcept nogil:
    cdef float64_t acc = 0.0, diff
    cdef intp_t f
    for f in range(n_features):
        diff = <float64_t>a[f] - <float64_t>b[f]
        acc = acc + diff * diff
    return acc


cdef void query_one(const data_t* q, const data_t* X_tree, const intp_t* perm,
                    const intp_t* node_start, const intp_t* node_end,
                    const float64_t* node_lo, const float64_t* node_hi,
                    intp_t n_features, intp_t n_levels, intp_t self_index,
                    intp_t k, float64_t* keys, intp_t* idx,
                    intp_t* stack_nodes, float64_t* stack_bounds) noexcept nogil:
    cdef intp_t top = 0, node, left, right, near, far, t, row
    cdef intp_t first_leaf = (1 << n_levels) - 1
    cdef float64_t bound, dist, left_bound, right_bound
    for t in range(k):
        keys[t] = INFINITY
        idx[t] = NO_INDEX
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
            for t in range(node_start[node], node_end[node]):
                row = perm[t]
                if row == self_index:
                    continue
                dist = point_sqdist(q, X_tree + t * n_features, n_features)
                # rows arrive in tree order, not index order: full pair comparison
                if pair_after(keys[0], idx[0], dist, row):
                    heap_replace_root(keys, idx, k, dist, row)
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
    cdef intp_t* stack_nodes
    cdef float64_t* stack_bounds
    if n_query == 0 or k == 0:
        return
    with nogil:
        for i in prange(n_query, schedule='static', num_threads=n_threads):
            # depth-first with two pushes per level: n_levels + 2 entries suffice
            stack_nodes = <intp_t*>malloc((n_levels + 2) * sizeof(intp_t))
            stack_bounds = <float64_t*>malloc((n_levels + 2) * sizeof(float64_t))
            query_one(&query[i, 0], &X_tree[0, 0], &perm[0], &node_start[0],
                      &node_end[0], &node_lo[0, 0], &node_hi[0, 0], n_features,
                      n_levels, query_in_reference[i], k, &out_distances[i, 0],
                      &out_indices[i, 0], stack_nodes, stack_bounds)
            free(stack_nodes)
            free(stack_bounds)
