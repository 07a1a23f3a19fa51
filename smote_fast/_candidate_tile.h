/* Lower bounds of squared distances for one tile of query rows against packed
 * reference panels, with the threshold test fused in: bounds live in registers
 * and only those below a row's threshold ever reach memory.
 *
 * Layout. A panel holds SMOTE_FAST_PANEL_BYTES / sizeof(type) reference rows
 * (32 in float32, 16 in float64), stored feature-major: first the shrunk norms
 * of its rows, then, per feature, the rows' values times -2. A tile holds
 * `rows` query rows (a property of the variant picked for the CPU), row-major.
 * The kernel computes the partial bound of query t and panel lane l,
 *     pnorm[l] + sum_f q[t][f] * p[f][l]
 * summed in feature order, and the caller adds the query's shrunk norm: the
 * rounding margin covers any summation order and fused multiply-adds, so the
 * kernel may contract freely (the only code of the package that does: the
 * exact paths never do).
 *
 * A kernel returns the hits, (tile row, reference position in the block,
 * partial bound), ordered by reference position for each row, of the partial
 * bounds below the row's threshold; thresholds stay fixed during a call, so a
 * hit is a superset candidate the caller re-checks.
 *
 * Variants: AVX-512 and AVX2+FMA clones with register tiles sized for each
 * (12 and 4 query rows by two vectors), and a portable one; chosen once by
 * smote_fast_pick_tile_*(). Compilers without GNU vector extensions get a
 * plain loop of the same arithmetic.
 */
#ifndef SMOTE_FAST_CANDIDATE_TILE_H
#define SMOTE_FAST_CANDIDATE_TILE_H

#include <Python.h>  /* Py_ssize_t */
#include <string.h>

#define SMOTE_FAST_PANEL_BYTES 128
/* Query rows per tile: as many accumulator pairs as AVX-512's 32 vector
 * registers hold beside the reference vectors; fewer where there are 16. */
#define SMOTE_FAST_ROWS_AVX512 12
#define SMOTE_FAST_ROWS_NARROW 4
#define SMOTE_FAST_MAX_TILE_ROWS SMOTE_FAST_ROWS_AVX512
/* Which side(s) of a pair tile's hit passed: bits of hit_row above the row. */
#define SMOTE_FAST_ROW_SIDE_SHIFT 16
#define SMOTE_FAST_LANE_SIDE_SHIFT 17

#if defined(__clang__)
#define SMOTE_FAST_CONTRACT_ATTR
#define SMOTE_FAST_CONTRACT_BODY _Pragma("clang fp contract(fast)")
#elif defined(__GNUC__)
#define SMOTE_FAST_CONTRACT_ATTR __attribute__((optimize("fp-contract=fast")))
#define SMOTE_FAST_CONTRACT_BODY
#else
#define SMOTE_FAST_CONTRACT_ATTR
#define SMOTE_FAST_CONTRACT_BODY
#endif

#if defined(__clang__)
#define SMOTE_FAST_UNROLL _Pragma("unroll")
#elif defined(__GNUC__)
#define SMOTE_FAST_UNROLL _Pragma("GCC unroll 16")
#else
#define SMOTE_FAST_UNROLL
#endif

#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
#define SMOTE_FAST_X86_VARIANTS 1
#else
#define SMOTE_FAST_X86_VARIANTS 0
#endif

typedef Py_ssize_t (*smote_fast_tile_f32_t)(
    const float *, const float *, Py_ssize_t, const float *, Py_ssize_t,
    Py_ssize_t *, Py_ssize_t *, float *);
typedef Py_ssize_t (*smote_fast_tile_f64_t)(
    const double *, const double *, Py_ssize_t, const double *,
    Py_ssize_t, Py_ssize_t *, Py_ssize_t *, double *);
typedef Py_ssize_t (*smote_fast_pair_tile_f32_t)(
    const float *, const float *, const float *, Py_ssize_t, const float *, Py_ssize_t,
    const float *, Py_ssize_t *, Py_ssize_t *, float *);

#if defined(__GNUC__)

/* Two vectors of LANES values span one panel row; ROWS accumulator pairs stay
 * in registers for the whole panel. The partial bounds of the panel at `panel`
 * against the tile's rows, in low[t] (lanes 0..LANES-1) and high[t]. */
#define SMOTE_FAST_PANEL_BOUNDS(VEC, TYPE, LANES, ROWS)                                \
        VEC low[ROWS], high[ROWS], norm_low, norm_high, ref_low, ref_high;             \
        memcpy(&norm_low, panel, sizeof(norm_low));                                    \
        memcpy(&norm_high, panel + LANES, sizeof(norm_high));                          \
        for (int t = 0; t < ROWS; ++t) {                                               \
            low[t] = norm_low;                                                         \
            high[t] = norm_high;                                                       \
        }                                                                              \
        for (Py_ssize_t f = 0; f < n_features; ++f) {                                   \
            memcpy(&ref_low, panel + (f + 1) * width, sizeof(ref_low));                \
            memcpy(&ref_high, panel + (f + 1) * width + LANES, sizeof(ref_high));      \
            for (int t = 0; t < ROWS; ++t) {                                           \
                TYPE q = query[t * n_features + f];                                    \
                low[t] += q * ref_low;                                                 \
                high[t] += q * ref_high;                                               \
            }                                                                          \
        }

/* Append the hits of the panel's bounds: for each row t, the lanes set in
 * HIT_BITS(t), with hit_row = ROW_CODE(t, l). Unrolled, so that every
 * accumulator keeps a constant index and stays in a register on the path
 * without hits. */
#define SMOTE_FAST_EMIT_HITS(TYPE, LANES, ROWS, HIT_BITS, ROW_CODE)                    \
        SMOTE_FAST_UNROLL                                                              \
        for (int t = 0; t < ROWS; ++t) {                                               \
            unsigned long long hits_ = HIT_BITS(t);                                    \
            if (!hits_) continue;                                                      \
            TYPE values[2 * LANES];                                                    \
            memcpy(values, &low[t], sizeof(low[t]));                                   \
            memcpy(values + LANES, &high[t], sizeof(high[t]));                         \
            while (hits_) {                                                            \
                int l = __builtin_ctzll(hits_);                                        \
                hits_ &= hits_ - 1;                                                    \
                hit_row[n_hits] = ROW_CODE(t, l);                                      \
                hit_ref[n_hits] = p * width + l;                                       \
                hit_bound[n_hits] = values[l];                                         \
                ++n_hits;                                                              \
            }                                                                          \
        }

#define SMOTE_FAST_ROW_BITS(t) bits[t]
#define SMOTE_FAST_PLAIN_ROW(t, l) (t)
#define SMOTE_FAST_EITHER_BITS(t) (bits[t] | lane_bits[t])
#define SMOTE_FAST_SIDED_ROW(t, l)                                                     \
    ((t) | (Py_ssize_t)((bits[t] >> (l)) & 1) << SMOTE_FAST_ROW_SIDE_SHIFT             \
         | (Py_ssize_t)((lane_bits[t] >> (l)) & 1) << SMOTE_FAST_LANE_SIDE_SHIFT)

#define SMOTE_FAST_TILE_KERNEL(NAME, TYPE, LANES, ROWS, MASK_LT, TARGET)               \
typedef TYPE NAME##_vec __attribute__((vector_size(LANES * sizeof(TYPE))));            \
TARGET SMOTE_FAST_CONTRACT_ATTR                                                        \
static Py_ssize_t NAME(const TYPE *query, const TYPE *threshold,                        \
                      Py_ssize_t n_features,                                            \
                      const TYPE *panels, Py_ssize_t n_panels, Py_ssize_t *hit_row,      \
                      Py_ssize_t *hit_ref, TYPE *hit_bound)                             \
{                                                                                      \
    SMOTE_FAST_CONTRACT_BODY                                                           \
    const Py_ssize_t width = 2 * LANES;                                                 \
    Py_ssize_t n_hits = 0;                                                              \
    for (Py_ssize_t p = 0; p < n_panels; ++p) {                                         \
        const TYPE *panel = panels + p * (n_features + 1) * width;                     \
        SMOTE_FAST_PANEL_BOUNDS(NAME##_vec, TYPE, LANES, ROWS)                         \
        unsigned long long bits[ROWS], any = 0;                                        \
        for (int t = 0; t < ROWS; ++t) {                                               \
            bits[t] = MASK_LT(low[t], threshold[t])                                    \
                      | MASK_LT(high[t], threshold[t]) << LANES;                       \
            any |= bits[t];                                                            \
        }                                                                              \
        if (!any) continue;                                                            \
        SMOTE_FAST_EMIT_HITS(TYPE, LANES, ROWS, SMOTE_FAST_ROW_BITS, SMOTE_FAST_PLAIN_ROW) \
    }                                                                                  \
    return n_hits;                                                                     \
}

/* The pair tile: for a self-search (query rows = reference rows) every pair of
 * rows is visited once, and its bound serves both rows. The kernel adds the
 * query rows' shrunk norms itself (the same float sum the caller does for the
 * tile above) and reports a pair when its full bound is below the query row's
 * threshold or, unless `lane_threshold` is NULL, below the reference lane's;
 * bits SMOTE_FAST_ROW_SIDE_SHIFT and SMOTE_FAST_LANE_SIDE_SHIFT of hit_row say
 * which. Padded rows and lanes carry infinite norms, so they are never
 * reported. */
#define SMOTE_FAST_PAIR_TILE_KERNEL(NAME, TYPE, LANES, ROWS, MASK_LT, MASK_LT_V, TARGET)  \
typedef TYPE NAME##_vec __attribute__((vector_size(LANES * sizeof(TYPE))));            \
TARGET SMOTE_FAST_CONTRACT_ATTR                                                        \
static Py_ssize_t NAME(const TYPE *query, const TYPE *query_norm,                       \
                      const TYPE *threshold, Py_ssize_t n_features,                     \
                      const TYPE *panels, Py_ssize_t n_panels,                          \
                      const TYPE *lane_threshold, Py_ssize_t *hit_row,                  \
                      Py_ssize_t *hit_ref, TYPE *hit_bound)                             \
{                                                                                      \
    SMOTE_FAST_CONTRACT_BODY                                                           \
    const Py_ssize_t width = 2 * LANES;                                                 \
    Py_ssize_t n_hits = 0;                                                              \
    for (Py_ssize_t p = 0; p < n_panels; ++p) {                                         \
        const TYPE *panel = panels + p * (n_features + 1) * width;                     \
        SMOTE_FAST_PANEL_BOUNDS(NAME##_vec, TYPE, LANES, ROWS)                         \
        unsigned long long bits[ROWS], lane_bits[ROWS], any = 0;                       \
        for (int t = 0; t < ROWS; ++t) {                                               \
            low[t] += query_norm[t];                                                   \
            high[t] += query_norm[t];                                                  \
            bits[t] = MASK_LT(low[t], threshold[t])                                    \
                      | MASK_LT(high[t], threshold[t]) << LANES;                       \
            lane_bits[t] = 0;                                                          \
        }                                                                              \
        if (lane_threshold) {                                                          \
            NAME##_vec lane_low, lane_high;                                            \
            memcpy(&lane_low, lane_threshold + p * width, sizeof(lane_low));           \
            memcpy(&lane_high, lane_threshold + p * width + LANES, sizeof(lane_high)); \
            for (int t = 0; t < ROWS; ++t)                                             \
                lane_bits[t] = MASK_LT_V(low[t], lane_low)                             \
                               | MASK_LT_V(high[t], lane_high) << LANES;               \
        }                                                                              \
        for (int t = 0; t < ROWS; ++t)                                                 \
            any |= bits[t] | lane_bits[t];                                             \
        if (!any) continue;                                                            \
        SMOTE_FAST_EMIT_HITS(TYPE, LANES, ROWS, SMOTE_FAST_EITHER_BITS,                \
                             SMOTE_FAST_SIDED_ROW)                                     \
    }                                                                                  \
    return n_hits;                                                                     \
}

/* Bit l of MASK_LT_V(v, w) is set when lane l of v is below lane l of w. */
#define SMOTE_FAST_MASK_LT_V_PORTABLE(V, W)                                            \
    __extension__({                                                                    \
        unsigned long long mask_ = 0;                                                  \
        for (int lane_ = 0; lane_ < (int)(sizeof(V) / sizeof(V[0])); ++lane_)          \
            mask_ |= (unsigned long long)((V)[lane_] < (W)[lane_]) << lane_;           \
        mask_;                                                                         \
    })

/* Bit l of MASK_LT(v, threshold) is set when lane l of v is below threshold
 * (false for NaN, as `<`). */
#define SMOTE_FAST_MASK_LT_PORTABLE(V, THRESHOLD)                                      \
    __extension__({                                                                    \
        unsigned long long mask_ = 0;                                                  \
        for (int lane_ = 0; lane_ < (int)(sizeof(V) / sizeof(V[0])); ++lane_)          \
            mask_ |= (unsigned long long)((V)[lane_] < (THRESHOLD)) << lane_;          \
        mask_;                                                                         \
    })

#if SMOTE_FAST_X86_VARIANTS
#include <immintrin.h>
#define SMOTE_FAST_MASK_LT_512_F32(V, THRESHOLD)                                      \
    ((unsigned long long)_mm512_cmp_ps_mask((__m512)(V), _mm512_set1_ps(THRESHOLD),    \
                                            _CMP_LT_OQ))
#define SMOTE_FAST_MASK_LT_512_F64(V, THRESHOLD)                                      \
    ((unsigned long long)_mm512_cmp_pd_mask((__m512d)(V), _mm512_set1_pd(THRESHOLD),   \
                                            _CMP_LT_OQ))
SMOTE_FAST_TILE_KERNEL(smote_fast_tile_f32_avx512, float, 16, SMOTE_FAST_ROWS_AVX512,
                       SMOTE_FAST_MASK_LT_512_F32,
                       __attribute__((target("avx512f,fma"))))
SMOTE_FAST_TILE_KERNEL(smote_fast_tile_f64_avx512, double, 8, SMOTE_FAST_ROWS_AVX512,
                       SMOTE_FAST_MASK_LT_512_F64,
                       __attribute__((target("avx512f,fma"))))
SMOTE_FAST_TILE_KERNEL(smote_fast_tile_f32_avx2, float, 16, SMOTE_FAST_ROWS_NARROW,
                       SMOTE_FAST_MASK_LT_PORTABLE, __attribute__((target("avx2,fma"))))
SMOTE_FAST_TILE_KERNEL(smote_fast_tile_f64_avx2, double, 8, SMOTE_FAST_ROWS_NARROW,
                       SMOTE_FAST_MASK_LT_PORTABLE, __attribute__((target("avx2,fma"))))
#define SMOTE_FAST_MASK_LT_V_512_F32(V, W)                                            \
    ((unsigned long long)_mm512_cmp_ps_mask((__m512)(V), (__m512)(W), _CMP_LT_OQ))
SMOTE_FAST_PAIR_TILE_KERNEL(smote_fast_pair_tile_f32_avx512, float, 16,
                            SMOTE_FAST_ROWS_AVX512, SMOTE_FAST_MASK_LT_512_F32,
                            SMOTE_FAST_MASK_LT_V_512_F32,
                            __attribute__((target("avx512f,fma"))))
SMOTE_FAST_PAIR_TILE_KERNEL(smote_fast_pair_tile_f32_avx2, float, 16, SMOTE_FAST_ROWS_NARROW,
                            SMOTE_FAST_MASK_LT_PORTABLE, SMOTE_FAST_MASK_LT_V_PORTABLE,
                            __attribute__((target("avx2,fma"))))
#endif
SMOTE_FAST_TILE_KERNEL(smote_fast_tile_f32_portable, float, 16, SMOTE_FAST_ROWS_NARROW,
                       SMOTE_FAST_MASK_LT_PORTABLE, )
SMOTE_FAST_TILE_KERNEL(smote_fast_tile_f64_portable, double, 8, SMOTE_FAST_ROWS_NARROW,
                       SMOTE_FAST_MASK_LT_PORTABLE, )
SMOTE_FAST_PAIR_TILE_KERNEL(smote_fast_pair_tile_f32_portable, float, 16,
                            SMOTE_FAST_ROWS_NARROW, SMOTE_FAST_MASK_LT_PORTABLE,
                            SMOTE_FAST_MASK_LT_V_PORTABLE, )

#else  /* no vector extensions: the same sums, one bound at a time */

#define SMOTE_FAST_TILE_SCALAR(NAME, TYPE, ROWS)                                       \
static Py_ssize_t NAME(const TYPE *query, const TYPE *threshold,                        \
                      Py_ssize_t n_features,                                            \
                      const TYPE *panels, Py_ssize_t n_panels, Py_ssize_t *hit_row,      \
                      Py_ssize_t *hit_ref, TYPE *hit_bound)                             \
{                                                                                      \
    const Py_ssize_t width = SMOTE_FAST_PANEL_BYTES / sizeof(TYPE);                     \
    Py_ssize_t n_hits = 0;                                                              \
    for (Py_ssize_t p = 0; p < n_panels; ++p) {                                         \
        const TYPE *panel = panels + p * (n_features + 1) * width;                     \
        for (int t = 0; t < ROWS; ++t) {                                               \
            for (Py_ssize_t l = 0; l < width; ++l) {                                    \
                TYPE bound = panel[l];                                                 \
                for (Py_ssize_t f = 0; f < n_features; ++f) {                           \
                    bound += query[t * n_features + f] * panel[(f + 1) * width + l];   \
                }                                                                      \
                if (bound < threshold[t]) {                                            \
                    hit_row[n_hits] = t;                                               \
                    hit_ref[n_hits] = p * width + l;                                   \
                    hit_bound[n_hits] = bound;                                         \
                    ++n_hits;                                                          \
                }                                                                      \
            }                                                                          \
        }                                                                              \
    }                                                                                  \
    return n_hits;                                                                     \
}
SMOTE_FAST_TILE_SCALAR(smote_fast_tile_f32_portable, float, SMOTE_FAST_ROWS_NARROW)
SMOTE_FAST_TILE_SCALAR(smote_fast_tile_f64_portable, double, SMOTE_FAST_ROWS_NARROW)

static Py_ssize_t smote_fast_pair_tile_f32_portable(
    const float *query, const float *query_norm, const float *threshold,
    Py_ssize_t n_features, const float *panels, Py_ssize_t n_panels,
    const float *lane_threshold, Py_ssize_t *hit_row, Py_ssize_t *hit_ref,
    float *hit_bound)
{
    const Py_ssize_t width = SMOTE_FAST_PANEL_BYTES / sizeof(float);
    Py_ssize_t n_hits = 0;
    for (Py_ssize_t p = 0; p < n_panels; ++p) {
        const float *panel = panels + p * (n_features + 1) * width;
        for (int t = 0; t < SMOTE_FAST_ROWS_NARROW; ++t) {
            for (Py_ssize_t l = 0; l < width; ++l) {
                float bound = panel[l];
                for (Py_ssize_t f = 0; f < n_features; ++f) {
                    bound += query[t * n_features + f] * panel[(f + 1) * width + l];
                }
                bound += query_norm[t];
                Py_ssize_t row_side = bound < threshold[t];
                Py_ssize_t lane_side = lane_threshold && bound < lane_threshold[p * width + l];
                if (row_side || lane_side) {
                    hit_row[n_hits] = t | row_side << SMOTE_FAST_ROW_SIDE_SHIFT
                                        | lane_side << SMOTE_FAST_LANE_SIDE_SHIFT;
                    hit_ref[n_hits] = p * width + l;
                    hit_bound[n_hits] = bound;
                    ++n_hits;
                }
            }
        }
    }
    return n_hits;
}

#endif

/* The widest variant this CPU runs, among those of at most `widest` bits
 * (512, 256, or less for the portable one); *rows receives its tile height. */
#if SMOTE_FAST_X86_VARIANTS
#define SMOTE_FAST_PICK_WIDE(T)                                                        \
    __builtin_cpu_init();                                                              \
    if (widest >= 512 && __builtin_cpu_supports("avx512f")) {                          \
        *rows = SMOTE_FAST_ROWS_AVX512;                                                \
        return smote_fast_tile_##T##_avx512;                                           \
    }                                                                                  \
    if (widest >= 256 && __builtin_cpu_supports("avx2")                                \
        && __builtin_cpu_supports("fma")) {                                            \
        *rows = SMOTE_FAST_ROWS_NARROW;                                                \
        return smote_fast_tile_##T##_avx2;                                             \
    }
#else
#define SMOTE_FAST_PICK_WIDE(T)
#endif
#define SMOTE_FAST_PICK_TILE(T)                                                        \
static smote_fast_tile_##T##_t smote_fast_pick_tile_##T(int widest, Py_ssize_t *rows)  \
{                                                                                      \
    (void)widest;                                                                      \
    SMOTE_FAST_PICK_WIDE(T)                                                            \
    *rows = SMOTE_FAST_ROWS_NARROW;                                                    \
    return smote_fast_tile_##T##_portable;                                             \
}
SMOTE_FAST_PICK_TILE(f32)
SMOTE_FAST_PICK_TILE(f64)

#if SMOTE_FAST_X86_VARIANTS && defined(__GNUC__)
#define SMOTE_FAST_PICK_WIDE_PAIR                                                      \
    __builtin_cpu_init();                                                              \
    if (widest >= 512 && __builtin_cpu_supports("avx512f")) {                          \
        *rows = SMOTE_FAST_ROWS_AVX512;                                                \
        return smote_fast_pair_tile_f32_avx512;                                        \
    }                                                                                  \
    if (widest >= 256 && __builtin_cpu_supports("avx2")                                \
        && __builtin_cpu_supports("fma")) {                                            \
        *rows = SMOTE_FAST_ROWS_NARROW;                                                \
        return smote_fast_pair_tile_f32_avx2;                                          \
    }
#else
#define SMOTE_FAST_PICK_WIDE_PAIR
#endif
static smote_fast_pair_tile_f32_t smote_fast_pick_pair_tile_f32(int widest, Py_ssize_t *rows)
{
    (void)widest;
    SMOTE_FAST_PICK_WIDE_PAIR
    *rows = SMOTE_FAST_ROWS_NARROW;
    return smote_fast_pair_tile_f32_portable;
}

#endif
