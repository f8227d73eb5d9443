#ifndef NEURAL_KERNELS_H
#define NEURAL_KERNELS_H

// The hot loops of a training step, in C so that each is built for every x86-64
// vector width and chosen at load time (see Convolution.c), with `restrict` pointers
// the compiler can vectorise. Each kernel works on a range of pixels, samples or
// images so that the caller can split a batch across cores.
//
// Convolution: direct ("implicit GEMM") kernels for stride-1, size-preserving convolutions over
// NHWC feature maps: no im2col matrix is ever formed.
//
// Feature maps are first copied into a zero-bordered layout ("padded"): each image
// grows by `kernel / 2` pixels on every side and each pixel's channel vector is
// zero-filled up to a multiple of 16 (`ck_padded_channels`). Every receptive-field
// row is then one contiguous run of floats, and every vector load is whole.

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// The channel stride of the padded layout: `channels` rounded up to a multiple of 16.
long ck_padded_channels(long channels);

/// Floats that `ck_pack_weights` writes for a convolution with `out_channels` outputs,
/// a `kernel`×`kernel` window and `padded_in` padded input channels.
long ck_packed_count(long out_channels, long kernel, long padded_in);

/// Copies images `first_image ..< end_image` of the NHWC map `input` (height×width×channels)
/// into `padded`, laid out for the whole batch with a zero border of `border` pixels and
/// `padded_channels` floats per pixel.
void ck_pad(const float *input, long first_image, long end_image, long height, long width, long channels,
            long border, long padded_channels, float *padded);

/// Packs OHWI weights [out][kernel][kernel][in] for `ck_convolve`. With `transpose_flip`
/// the packed convolution is the adjoint one, whose outputs are the input channels and
/// whose window is rotated by 180°: what carries ∂output back to ∂input.
void ck_pack_weights(const float *weights, long out_channels, long kernel, long in_channels,
                     int transpose_flip, long padded_in, float *packed);

/// output[p][0 ..< out_channels] = bias + Σ window(p) · weights, for flat pixels
/// p = first_pixel ..< end_pixel (image-major, then row, then column) of a padded map.
/// `bias` may be NULL. `output` rows are `out_channels` floats apart.
void ck_convolve(const float *padded, long height, long width, long padded_channels, long kernel,
                 const float *packed, long out_channels, const float *bias, float *output,
                 long first_pixel, long end_pixel);

/// accumulator[o][ky][kx·padded_channels + i] += Σ over pixels of images
/// first_image ..< end_image of output_gradient[p][o] · padded input at (p + (ky, kx))[i].
void ck_weight_gradient(const float *padded, const float *output_gradient, long height, long width,
                        long padded_channels, long kernel, long out_channels,
                        long first_image, long end_image, float *accumulator);

// Winograd F(2×2, 3×3) for 3×3 convolutions with padding 1 and stride 1 over NHWC maps
// of even height and width, read as they are (no bordered copy).

/// Floats of the transformed weights of a 3×3 convolution.
long ck_winograd_weight_count(long out_channels, long in_channels);

/// Transforms OHWI 3×3 weights (G g Gᵀ) for `ck_winograd_convolve`; `transpose_flip` as in
/// `ck_pack_weights`.
void ck_winograd_weights(const float *weights, long out_channels, long in_channels, int transpose_flip,
                         float *transformed);

/// output[pixel][0 ..< out_channels] = bias + the 3×3 convolution of `input`
/// (height×width×in_channels), for images first_image ..< end_image. `bias` may be NULL.
void ck_winograd_convolve(const float *input, long height, long width, long in_channels, const float *transformed,
                          long out_channels, const float *bias, float *output, long first_image, long end_image);

/// accumulator[ξ][i][o] (16 × in_channels × padded out channels) += the transformed weight
/// gradient of images first_image ..< end_image.
void ck_winograd_weight_gradient(const float *input, const float *output_gradient, long height, long width,
                                 long in_channels, long out_channels, long first_image, long end_image,
                                 float *accumulator);

/// weight_gradient (OHWI, 3×3) += Gᵀ accumulator G.
void ck_winograd_finish_weight_gradient(const float *accumulator, long out_channels, long in_channels,
                                        float *weight_gradient);

// Per-channel kernels over `samples` rows of `channels` floats (batch normalisation).

/// sums[c] += Σ x[s][c].
void ck_channel_sums(const float *x, long samples, long channels, float *sums);

/// sums[c] += Σ (x[s][c] − mean[c])².
void ck_channel_squared_deviations(const float *x, long samples, long channels, const float *mean, float *sums);

/// sums[c] += Σ dy[s][c]; sums[channels + c] += Σ dy[s][c] · (x[s][c] − mean[c]) · inverse_deviation[c].
void ck_channel_gradient_sums(const float *dy, const float *x, long samples, long channels, const float *mean,
                              const float *inverse_deviation, float *sums);

/// y[s][c] = x[s][c] · scale[c] + shift[c].
void ck_channel_affine(const float *x, long samples, long channels, const float *scale, const float *shift, float *y);

/// dx[s][c] = gain[c] · (dy[s][c] − dy_mean[c] − (x[s][c] − mean[c]) · inverse_deviation[c] · dy_xhat_mean[c]).
void ck_batchnorm_input_gradient(const float *dy, const float *x, long samples, long channels, const float *mean,
                                 const float *inverse_deviation, const float *gain, const float *dy_mean,
                                 const float *dy_xhat_mean, float *dx);

// The machine, for benchmarks.

/// The instruction-set level whose kernel clones run on this processor.
const char *ck_vector_level(void);

/// Runs iterations × 24 × 16 multiply-adds on one core (a checksum is returned so that
/// they are not optimised away): the floating-point ceiling the kernels are measured against.
float ck_multiply_add_peak(long iterations);

#ifdef __cplusplus
}
#endif

// The integer kernels of quantised (NNUE) evaluation.
#include "QuantisedKernels.h"

#endif
