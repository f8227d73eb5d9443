#include "NeuralKernels.h"

#include "Multiversioned.h"

// Loops over samples with the channel loop inside: for the usual 16–256 channels the
// inner loop is a few whole vectors, and the per-channel coefficients stay in cache.

MULTIVERSIONED
void ck_channel_sums(const float *restrict x, long samples, long channels, float *restrict sums) {
    for (long s = 0; s < samples; s++) {
        const float *restrict row = x + s * channels;
        for (long c = 0; c < channels; c++) sums[c] += row[c];
    }
}

MULTIVERSIONED
void ck_channel_squared_deviations(const float *restrict x, long samples, long channels, const float *restrict mean,
                                   float *restrict sums) {
    for (long s = 0; s < samples; s++) {
        const float *restrict row = x + s * channels;
        for (long c = 0; c < channels; c++) {
            const float d = row[c] - mean[c];
            sums[c] += d * d;
        }
    }
}

MULTIVERSIONED
void ck_channel_gradient_sums(const float *restrict dy, const float *restrict x, long samples, long channels,
                              const float *restrict mean, const float *restrict inverse_deviation, float *restrict sums) {
    float *restrict products = sums + channels;
    for (long s = 0; s < samples; s++) {
        const float *restrict g = dy + s * channels, *restrict row = x + s * channels;
        for (long c = 0; c < channels; c++) {
            sums[c] += g[c];
            products[c] += g[c] * (row[c] - mean[c]) * inverse_deviation[c];
        }
    }
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
