#ifndef NEURAL_KERNELS_TILE_H
#define NEURAL_KERNELS_TILE_H

#include <string.h>

// The register-blocked product under every convolution kernel: a tile of `rows` ×
// (16·`vectors`) accumulators, fed by one broadcast scalar per row and `vectors` loads
// per step. The direct convolution's tile rows are pixels and its columns output
// channels; its weight gradient's rows are output channels and its columns (kernel
// column, input channel); Winograd's rows are tiles or input channels.
//
// One source serves every x86-64 level: the vector type is 16 floats wide and the
// compiler lowers it to one AVX-512 register, two AVX2 registers or four SSE ones.

// The always-inlined helpers pass 64-byte vectors by value; no call is ever made with
// them, so the ABI note clang gives for the SSE build does not apply.
#pragma clang diagnostic ignored "-Wpsabi"

typedef float vec __attribute__((vector_size(64)));
enum { lanes = 16, max_rows = 8, max_vectors = 4 };

#define INLINE static inline __attribute__((always_inline))

INLINE vec load(const float *p) {
    vec v;
    memcpy(&v, p, sizeof v);
    return v;
}

INLINE void store(float *p, vec v) { memcpy(p, &v, sizeof v); }

INLINE long minimum(long a, long b) { return a < b ? a : b; }

// Rows of a tile per column count: 24 accumulators for four vectors (plus four loaded
// weight vectors: 28 of AVX-512's 32 registers), 16–24 otherwise.
INLINE long tile_rows(long vectors) { return vectors == 4 ? 6 : 8; }

// acc[i][j] += Σ_s Σ_k a[i][s·a_segment + k·a_step] · b[s·b_segment + k·b_step + 16j].
INLINE void tile(const long rows, const long vectors, const float *const a[], long a_step, long a_segment,
                 const float *b, long b_step, long b_segment, long segments, long steps,
                 vec acc[max_rows][max_vectors]) {
    for (long s = 0; s < segments; s++) {
        const float *bs = b + s * b_segment;
        const long offset = s * a_segment;
        for (long k = 0; k < steps; k++) {
            vec bv[max_vectors];
#pragma clang loop unroll(full)
            for (long j = 0; j < vectors; j++) bv[j] = load(bs + k * b_step + lanes * j);
#pragma clang loop unroll(full)
            for (long i = 0; i < rows; i++) {
                const float ai = a[i][offset + k * a_step];
#pragma clang loop unroll(full)
                for (long j = 0; j < vectors; j++) acc[i][j] += bv[j] * ai;
            }
        }
    }
}

// Loads `count` floats into a vector, zero beyond them (a row's last, partial vector).
INLINE vec load_part(const float *p, long count) {
    if (count >= lanes) return load(p);
    float buffer[lanes] = {0};
    memcpy(buffer, p, (size_t)count * sizeof(float));
    return load(buffer);
}

// Stores `count` floats of a vector (a whole one unless it is a row's last, partial one).
INLINE void store_part(float *p, vec v, long count) {
    if (count >= lanes) {
        store(p, v);
    } else {
        float buffer[lanes];
        store(buffer, v);
        memcpy(p, buffer, (size_t)count * sizeof(float));
    }
}

// Calls BODY with compile-time row and vector counts, so that each tile shape is its
// own fully unrolled, register-allocated loop.
#define ROW_CASES(V, BODY)                                                                                     \
    switch (rows) {                                                                                            \
    case 1: BODY(1, V); break;                                                                                 \
    case 2: BODY(2, V); break;                                                                                 \
    case 3: BODY(3, V); break;                                                                                 \
    case 4: BODY(4, V); break;                                                                                 \
    case 5: BODY(5, V); break;                                                                                 \
    case 6: BODY(6, V); break;                                                                                 \
    case 7: BODY(7, V); break;                                                                                 \
    default: BODY(8, V); break;                                                                                \
    }
#define SHAPE_CASES(BODY)                                                                                      \
    switch (vectors) {                                                                                         \
    case 1: ROW_CASES(1, BODY) break;                                                                          \
    case 2: ROW_CASES(2, BODY) break;                                                                          \
    case 3: ROW_CASES(3, BODY) break;                                                                          \
    default: ROW_CASES(4, BODY) break;                                                                         \
    }

#endif
