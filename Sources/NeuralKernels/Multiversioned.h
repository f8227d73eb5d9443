#ifndef NEURAL_KERNELS_MULTIVERSIONED_H
#define NEURAL_KERNELS_MULTIVERSIONED_H

// `target_clones` builds a public kernel for AVX-512, AVX2 + FMA and baseline x86-64,
// and the loader picks the widest the processor has: the binary stays portable (the
// Swift targets are built for a 2008 baseline) and still runs at full width here.
#if defined(__x86_64__) && defined(__linux__) && defined(__clang__)
#define MULTIVERSIONED __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define MULTIVERSIONED
#endif

#endif
