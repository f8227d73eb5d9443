#include "QuantisedKernels.h"

#include <string.h>

#include "Multiversioned.h"

#define INLINE static inline __attribute__((always_inline))

enum { half = qk_half_dimensions / 2, weight_scale_bits = 6 };

INLINE int32_t clamp127(int32_t x) { return x < 0 ? 0 : x > 127 ? 127 : x; }

// The int16 sums wrap like Stockfish's int16 accumulator; the casts through uint16
// keep the wrap defined in C.
INLINE void accumulate(const qk_network *network, const int32_t *features, long count, int16_t *restrict accumulator,
                       int32_t *restrict psqt) {
    uint16_t sums[qk_half_dimensions];
    for (long j = 0; j < qk_half_dimensions; j++) sums[j] = (uint16_t)network->ft_biases[j];
    for (long k = 0; k < qk_psqt_buckets; k++) psqt[k] = 0;
    for (long i = 0; i < count; i++) {
        const int16_t *restrict row = network->ft_weights + (long)features[i] * qk_half_dimensions;
        for (long j = 0; j < qk_half_dimensions; j++) sums[j] = (uint16_t)(sums[j] + (uint16_t)row[j]);
        const int32_t *restrict psqt_row = network->psqt_weights + (long)features[i] * qk_psqt_buckets;
        for (long k = 0; k < qk_psqt_buckets; k++) psqt[k] += psqt_row[k];
    }
    memcpy(accumulator, sums, sizeof sums);
}

INLINE void transform(const int16_t *restrict us, const int16_t *restrict them, uint8_t *restrict transformed) {
    const int16_t *perspectives[2] = {us, them};
    for (long p = 0; p < 2; p++) {
        const int16_t *restrict a = perspectives[p];
        for (long j = 0; j < half; j++)
            transformed[p * half + j] = (uint8_t)(clamp127(a[j]) * clamp127(a[j + half]) / 128);
    }
}

INLINE int32_t propagate(const qk_network *network, long bucket, const uint8_t *restrict transformed,
                         int32_t *fc0_out, int32_t *fc1_out) {
    int32_t fc0[qk_fc0_outputs];
    const int8_t *restrict w0 = network->fc0_weights + bucket * qk_fc0_outputs * qk_half_dimensions;
    for (long o = 0; o < qk_fc0_outputs; o++) {
        int32_t sum = 0;
        for (long j = 0; j < qk_half_dimensions; j++) sum += (int32_t)w0[o * qk_half_dimensions + j] * transformed[j];
        fc0[o] = sum + network->fc0_biases[bucket * qk_fc0_outputs + o];
    }
    // The second layer reads the 15 squared clipped outputs, then the same 15 clipped.
    uint8_t hidden[qk_fc1_inputs] = {0};
    for (long o = 0; o < qk_fc0_outputs - 1; o++) {
        const int64_t square = (int64_t)fc0[o] * fc0[o];
        const int64_t scaled = (square >> (2 * weight_scale_bits)) / 128;
        hidden[o] = (uint8_t)(scaled > 127 ? 127 : scaled);
        hidden[qk_fc0_outputs - 1 + o] = (uint8_t)clamp127(fc0[o] >> weight_scale_bits);
    }
    int32_t fc1[qk_fc1_outputs];
    uint8_t clipped[qk_fc1_outputs];
    const int8_t *restrict w1 = network->fc1_weights + bucket * qk_fc1_outputs * qk_fc1_inputs;
    for (long o = 0; o < qk_fc1_outputs; o++) {
        int32_t sum = network->fc1_biases[bucket * qk_fc1_outputs + o];
        for (long j = 0; j < qk_fc1_inputs; j++) sum += (int32_t)w1[o * qk_fc1_inputs + j] * hidden[j];
        fc1[o] = sum;
        clipped[o] = (uint8_t)clamp127(sum >> weight_scale_bits);
    }
    int32_t out = network->fc2_biases[bucket];
    const int8_t *restrict w2 = network->fc2_weights + bucket * qk_fc1_outputs;
    for (long j = 0; j < qk_fc1_outputs; j++) out += (int32_t)w2[j] * clipped[j];
    if (fc0_out) memcpy(fc0_out, fc0, sizeof fc0);
    if (fc1_out) memcpy(fc1_out, fc1, sizeof fc1);
    // The last first-layer output skips to the end, rescaled from 127·2⁶ per unit to 600·16.
    return out + fc0[qk_fc0_outputs - 1] * (600 * 16) / (127 * (1 << weight_scale_bits));
}

MULTIVERSIONED
void qk_accumulate(const qk_network *network, const int32_t *features, long count, int16_t *accumulator,
                   int32_t *psqt) {
    accumulate(network, features, count, accumulator, psqt);
}

MULTIVERSIONED
void qk_transform(const int16_t *us, const int16_t *them, uint8_t *transformed) { transform(us, them, transformed); }

MULTIVERSIONED
int32_t qk_propagate(const qk_network *network, long bucket, const uint8_t *transformed, int32_t *fc0_out,
                     int32_t *fc1_out) {
    return propagate(network, bucket, transformed, fc0_out, fc1_out);
}

MULTIVERSIONED
void qk_evaluate(const qk_network *network, const int32_t *features, const int32_t *counts, const int32_t *buckets,
                 long positions, int32_t *psqt, int32_t *positional) {
    int16_t accumulators[2][qk_half_dimensions];
    int32_t psqts[2][qk_psqt_buckets];
    uint8_t transformed[qk_half_dimensions];
    for (long p = 0; p < positions; p++) {
        for (long side = 0; side < 2; side++)
            accumulate(network, features + p * 2 * qk_max_active + side * qk_max_active, counts[p],
                       accumulators[side], psqts[side]);
        transform(accumulators[0], accumulators[1], transformed);
        const long bucket = buckets[p];
        psqt[p] = (psqts[0][bucket] - psqts[1][bucket]) / 2;
        positional[p] = propagate(network, bucket, transformed, 0, 0);
    }
}

MULTIVERSIONED
void qk_feature_gradient(const int16_t *weights, long features, const float *upstream, float *gradient) {
    // A gradient needs no bit-exact order: letting the sums reassociate vectorises them.
#pragma clang fp reassociate(on)
    for (long i = 0; i < features; i++) {
        const int16_t *restrict row = weights + i * qk_half_dimensions;
        float sum = 0;
        for (long j = 0; j < qk_half_dimensions; j++) sum += (float)row[j] * upstream[j];
        gradient[i] = sum;
    }
}
