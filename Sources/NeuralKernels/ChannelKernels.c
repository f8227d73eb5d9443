#include "NeuralKernels.h"

#include "Multiversioned.h"
#include "Tile.h"

// The bodies are always-inlined helpers so that their 64-byte vector values never
// cross a call in the AVX2 and SSE clones.
//
// The reductions keep their running sums in registers, up to 64 channels (four vectors)
// at a time, for every sample: summing into memory would chain each row's additions to
// the previous row's through a store and a load. The element-wise kernels loop over
// samples with the channel loop inside, where `restrict` lets the compiler vectorise.

// Calls BODY(V) with the block's vector count as a constant, so that each block width
// is its own fully unrolled loop.
#define VECTOR_CASES(BODY)                                                                                     \
    switch (vectors) {                                                                                         \
    case 1: BODY(1); break;                                                                                    \
    case 2: BODY(2); break;                                                                                    \
    case 3: BODY(3); break;                                                                                    \
    default: BODY(4); break;                                                                                   \
    }

// SUMS[c] += Σ_s ROW_TERM over the channels c0 ..< c0 + 16·V (the last vector partial),
// where ROW_TERM reads the vectors at channel `c` of sample `s`.
#define REDUCE_BLOCK(V, ROW_TERM, SUMS)                                                                        \
    do {                                                                                                       \
        vec acc[4] = {{0}};                                                                                    \
        for (long s = 0; s < samples; s++) {                                                                   \
            _Pragma("clang loop unroll(full)") for (long j = 0; j < V; j++) {                                  \
                const long c = c0 + lanes * j;                                                                 \
                acc[j] += ROW_TERM;                                                                            \
            }                                                                                                  \
        }                                                                                                      \
        _Pragma("clang loop unroll(full)") for (long j = 0; j < V; j++) {                                      \
            float lane[lanes];                                                                                 \
            store(lane, acc[j]);                                                                               \
            for (long l = 0; l < lanes && c0 + lanes * j + l < channels; l++) (SUMS)[c0 + lanes * j + l] += lane[l]; \
        }                                                                                                      \
    } while (0)

INLINE vec row_part(const float *row, long c, long channels) { return load_part(row + c, channels - c); }

INLINE void channel_sums(const float *restrict x, long samples, long channels, float *restrict sums) {
    for (long c0 = 0; c0 < channels; c0 += lanes * max_vectors) {
        const long vectors = minimum(max_vectors, (channels - c0 + lanes - 1) / lanes);
#define SUM(V) REDUCE_BLOCK(V, row_part(x + s * channels, c, channels), sums)
        VECTOR_CASES(SUM)
#undef SUM
    }
}

MULTIVERSIONED
void ck_channel_sums(const float *restrict x, long samples, long channels, float *restrict sums) {
    channel_sums(x, samples, channels, sums);
}

INLINE void channel_squared_deviations(const float *restrict x, long samples, long channels,
                                       const float *restrict mean, float *restrict sums) {
    for (long c0 = 0; c0 < channels; c0 += lanes * max_vectors) {
        const long vectors = minimum(max_vectors, (channels - c0 + lanes - 1) / lanes);
        vec mu[4];
        for (long j = 0; j < vectors; j++) mu[j] = row_part(mean, c0 + lanes * j, channels);
#define DEVIATION(V)                                                                                            \
    REDUCE_BLOCK(V, (row_part(x + s * channels, c, channels) - mu[j]) * (row_part(x + s * channels, c, channels) - mu[j]), \
                 sums)
        VECTOR_CASES(DEVIATION)
#undef DEVIATION
    }
}

MULTIVERSIONED
void ck_channel_squared_deviations(const float *restrict x, long samples, long channels, const float *restrict mean,
                                   float *restrict sums) {
    channel_squared_deviations(x, samples, channels, mean, sums);
}

// Both sums of the batch-norm gradient in one pass over dy and x.
#define GRADIENT_BLOCK(V)                                                                                      \
    do {                                                                                                       \
        vec total[4] = {{0}}, product[4] = {{0}};                                                              \
        for (long s = 0; s < samples; s++) {                                                                   \
            _Pragma("clang loop unroll(full)") for (long j = 0; j < V; j++) {                                  \
                const long c = c0 + lanes * j;                                                                 \
                const vec g = row_part(dy + s * channels, c, channels);                                        \
                total[j] += g;                                                                                 \
                product[j] += g * (row_part(x + s * channels, c, channels) - mu[j]) * inverse[j];              \
            }                                                                                                  \
        }                                                                                                      \
        _Pragma("clang loop unroll(full)") for (long j = 0; j < V; j++) {                                      \
            float lane[lanes], lane2[lanes];                                                                   \
            store(lane, total[j]);                                                                             \
            store(lane2, product[j]);                                                                          \
            for (long l = 0; l < lanes && c0 + lanes * j + l < channels; l++) {                                \
                sums[c0 + lanes * j + l] += lane[l];                                                           \
                sums[channels + c0 + lanes * j + l] += lane2[l];                                               \
            }                                                                                                  \
        }                                                                                                      \
    } while (0)

INLINE void channel_gradient_sums(const float *restrict dy, const float *restrict x, long samples, long channels,
                                  const float *restrict mean, const float *restrict inverse_deviation,
                                  float *restrict sums) {
    for (long c0 = 0; c0 < channels; c0 += lanes * max_vectors) {
        const long vectors = minimum(max_vectors, (channels - c0 + lanes - 1) / lanes);
        vec mu[4], inverse[4];
        for (long j = 0; j < vectors; j++) {
            mu[j] = row_part(mean, c0 + lanes * j, channels);
            inverse[j] = row_part(inverse_deviation, c0 + lanes * j, channels);
        }
        VECTOR_CASES(GRADIENT_BLOCK)
    }
}

MULTIVERSIONED
void ck_channel_gradient_sums(const float *restrict dy, const float *restrict x, long samples, long channels,
                              const float *restrict mean, const float *restrict inverse_deviation, float *restrict sums) {
    channel_gradient_sums(dy, x, samples, channels, mean, inverse_deviation, sums);
}

MULTIVERSIONED
void ck_channel_affine(const float *restrict x, long samples, long channels, const float *restrict scale,
                       const float *restrict shift, float *restrict y) {
    for (long s = 0; s < samples; s++) {
        const float *restrict row = x + s * channels;
        float *restrict out = y + s * channels;
        for (long c = 0; c < channels; c++) out[c] = row[c] * scale[c] + shift[c];
    }
}

MULTIVERSIONED
void ck_batchnorm_input_gradient(const float *restrict dy, const float *restrict x, long samples, long channels,
                                 const float *restrict mean, const float *restrict inverse_deviation,
                                 const float *restrict gain, const float *restrict dy_mean,
                                 const float *restrict dy_xhat_mean, float *restrict dx) {
    for (long s = 0; s < samples; s++) {
        const float *restrict g = dy + s * channels, *restrict row = x + s * channels;
        float *restrict out = dx + s * channels;
        for (long c = 0; c < channels; c++)
            out[c] = gain[c] * (g[c] - dy_mean[c] - (row[c] - mean[c]) * inverse_deviation[c] * dy_xhat_mean[c]);
    }
}
