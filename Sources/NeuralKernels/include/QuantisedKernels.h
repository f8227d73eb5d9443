#ifndef QUANTISED_KERNELS_H
#define QUANTISED_KERNELS_H

// The integer arithmetic of an efficiently updatable network (NNUE) of Stockfish 15.1's
// HalfKAv2_hm layout: a feature transformer of int16 weights summed over the active
// features into a 1,024-wide accumulator per perspective, then one of eight int8 layer
// stacks (1,024 → 16 → 32 → 1). Every function computes exactly what Stockfish's scalar
// code computes; the vector clones only change how fast.

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum {
    qk_half_dimensions = 1024,
    qk_psqt_buckets = 8,
    qk_fc0_outputs = 16,
    qk_fc1_inputs = 32,
    qk_fc1_outputs = 32,
    qk_max_active = 32,
};

/// The weights, in the file's order. Layer-stack arrays hold the eight stacks one after another.
typedef struct {
    const int16_t *ft_biases;    ///< [1024]
    const int16_t *ft_weights;   ///< [features][1024]
    const int32_t *psqt_weights; ///< [features][8]
    const int32_t *fc0_biases;   ///< [8][16]
    const int8_t *fc0_weights;   ///< [8][16][1024]
    const int32_t *fc1_biases;   ///< [8][32]
    const int8_t *fc1_weights;   ///< [8][32][32], inputs 30 and 31 padding
    const int32_t *fc2_biases;   ///< [8][1]
    const int8_t *fc2_weights;   ///< [8][32]
} qk_network;

/// One perspective's accumulator (biases plus the active features' rows, in int16 with
/// Stockfish's wrap-around) and PSQT sums (int32) over `count` feature indices.
void qk_accumulate(const qk_network *network, const int32_t *features, long count, int16_t *accumulator,
                   int32_t *psqt);

/// The layer stacks' input: for each perspective (side to move first), the products of
/// the clipped halves, clamp(a[j], 0, 127) · clamp(a[j + 512], 0, 127) / 128.
void qk_transform(const int16_t *us, const int16_t *them, uint8_t *transformed);

/// Runs layer stack `bucket` on the transformed features. Writes the first layer's 16
/// outputs and the second layer's 32 (before their clipped ReLUs) when the pointers are
/// not null; returns the positional output in Stockfish's internal units × 16.
int32_t qk_propagate(const qk_network *network, long bucket, const uint8_t *transformed, int32_t *fc0_out,
                     int32_t *fc1_out);

/// Full (non-incremental) evaluations of `positions` positions: each has 64 feature
/// slots, the side to move's 32 then the opponent's, of which the first `counts[p]` of
/// each perspective are used (one per piece), and a bucket. Writes each PSQT term (after the /2 of the perspective
/// difference) and positional term, both in internal units × 16.
void qk_evaluate(const qk_network *network, const int32_t *features, const int32_t *counts, const int32_t *buckets,
                 long positions, int32_t *psqt, int32_t *positional);

/// gradient[i] = Σ_j weights[i][j] · upstream[j] over `features` rows of 1,024 int16
/// weights: the feature transformer's transpose, for the float relaxation's backward pass.
void qk_feature_gradient(const int16_t *weights, long features, const float *upstream, float *gradient);

#ifdef __cplusplus
}
#endif

#endif
