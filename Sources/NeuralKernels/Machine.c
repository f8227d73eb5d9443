#include "NeuralKernels.h"

#include "Multiversioned.h"
#include "Tile.h"

const char *ck_vector_level(void) {
#if defined(__x86_64__) && defined(__linux__) && defined(__clang__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("x86-64-v4")) return "x86-64-v4 (AVX-512)";
    if (__builtin_cpu_supports("x86-64-v3")) return "x86-64-v3 (AVX2 + FMA)";
    return "x86-64 baseline (SSE2)";
#else
    return "portable vectors";
#endif
}

// 24 independent chains of multiply-adds: enough to cover the latency of two FMA units,
// with nothing loaded or stored, as the convolution tiles run at their best.
MULTIVERSIONED
float ck_multiply_add_peak(long iterations) {
    vec acc[24];
    for (int i = 0; i < 24; i++) acc[i] = (vec){0} + (float)i;
    const vec scale = (vec){0} + 0.999999f, offset = (vec){0} + 1e-6f;
    for (long n = 0; n < iterations; n++)
#pragma clang loop unroll(full)
        for (int i = 0; i < 24; i++) acc[i] = acc[i] * scale + offset;
    float sum = 0;
    for (int i = 0; i < 24; i++)
        for (int j = 0; j < lanes; j++) sum += acc[i][j];
    return sum;
}
