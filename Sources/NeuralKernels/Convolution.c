#include "NeuralKernels.h"

#include <string.h>

#include "Multiversioned.h"
#include "Tile.h"

long ck_padded_channels(long channels) { return (channels + lanes - 1) / lanes * lanes; }

long ck_packed_count(long out_channels, long kernel, long padded_in) {
    return ck_padded_channels(out_channels) * kernel * kernel * padded_in;
}

// One tile of the convolution: pixels a[0 ..< rows], output channels of one block.
INLINE void convolve_tile(const long rows, const long vectors, const float *const a[], const float *block,
                          long kernel, long padded_channels, long row_stride, const float *bias,
                          float *output, long out_channels, long columns) {
    vec acc[max_rows][max_vectors];
#pragma clang loop unroll(full)
    for (long i = 0; i < rows; i++)
#pragma clang loop unroll(full)
        for (long j = 0; j < vectors; j++) acc[i][j] = load(bias + lanes * j);
    const long width = lanes * vectors;
    tile(rows, vectors, a, 1, row_stride, block, width, kernel * padded_channels * width, kernel,
         kernel * padded_channels, acc);
#pragma clang loop unroll(full)
    for (long i = 0; i < rows; i++)
#pragma clang loop unroll(full)
        for (long j = 0; j < vectors; j++)
            store_part(output + i * out_channels + lanes * j, acc[i][j], columns - lanes * j);
}

// One tile of the weight gradient: output channels o ..< o + rows, summed over images.
INLINE void gradient_tile(const long rows, const long vectors, const float *output_gradient, long o,
                          const float *padded, long first_image, long end_image, long height, long width,
                          long padded_channels, long out_channels, long image_stride, long padded_row,
                          float *accumulator, long accumulator_row) {
    vec acc[max_rows][max_vectors];
#pragma clang loop unroll(full)
    for (long i = 0; i < rows; i++)
#pragma clang loop unroll(full)
        for (long j = 0; j < vectors; j++) acc[i][j] = load(accumulator + i * accumulator_row + lanes * j);
    for (long image = first_image; image < end_image; image++) {
        const float *a[max_rows];
        const float *dy = output_gradient + image * height * width * out_channels + o;
#pragma clang loop unroll(full)
        for (long i = 0; i < rows; i++) a[i] = dy + i;
        tile(rows, vectors, a, out_channels, width * out_channels, padded + image * image_stride, padded_channels,
             padded_row, height, width, acc);
    }
#pragma clang loop unroll(full)
    for (long i = 0; i < rows; i++)
#pragma clang loop unroll(full)
        for (long j = 0; j < vectors; j++) store(accumulator + i * accumulator_row + lanes * j, acc[i][j]);
}

void ck_pad(const float *input, long first_image, long end_image, long height, long width, long channels,
            long border, long padded_channels, float *padded) {
    const long padded_width = width + 2 * border, padded_height = height + 2 * border;
    const long row_floats = padded_width * padded_channels, image_floats = padded_height * row_floats;
    const size_t border_bytes = (size_t)(border * padded_channels) * sizeof(float);
    for (long image = first_image; image < end_image; image++) {
        float *destination = padded + image * image_floats;
        // Each float is written once: border rows, then per row its two border runs and
        // the pixels (whole rows at once when no channel padding is needed).
        memset(destination, 0, (size_t)(border * row_floats) * sizeof(float));
        memset(destination + (border + height) * row_floats, 0, (size_t)(border * row_floats) * sizeof(float));
        for (long y = 0; y < height; y++) {
            float *row = destination + (y + border) * row_floats;
            const float *source = input + (image * height + y) * width * channels;
            memset(row, 0, border_bytes);
            memset(row + (border + width) * padded_channels, 0, border_bytes);
            if (channels == padded_channels) {
                memcpy(row + border * padded_channels, source, (size_t)(width * channels) * sizeof(float));
            } else {
                for (long x = 0; x < width; x++) {
                    float *pixel = row + (x + border) * padded_channels;
                    memcpy(pixel, source + x * channels, (size_t)channels * sizeof(float));
                    memset(pixel + channels, 0, (size_t)(padded_channels - channels) * sizeof(float));
                }
            }
        }
    }
}

void ck_pack_weights(const float *weights, long out_channels, long kernel, long in_channels, int transpose_flip,
                     long padded_in, float *packed) {
    const long packed_out = transpose_flip ? in_channels : out_channels;
    const long packed_in = transpose_flip ? out_channels : in_channels;
    const long padded_out = ck_padded_channels(packed_out);
    memset(packed, 0, (size_t)ck_packed_count(packed_out, kernel, padded_in) * sizeof(float));
    for (long start = 0; start < padded_out; start += lanes * max_vectors) {
        const long width = minimum(lanes * max_vectors, padded_out - start);
        float *block = packed + start * kernel * kernel * padded_in;
        for (long o = start; o < minimum(start + width, packed_out); o++)
            for (long ky = 0; ky < kernel; ky++)
                for (long kx = 0; kx < kernel; kx++)
                    for (long i = 0; i < packed_in; i++) {
                        const long source = transpose_flip
                            ? ((i * kernel + (kernel - 1 - ky)) * kernel + (kernel - 1 - kx)) * in_channels + o
                            : ((o * kernel + ky) * kernel + kx) * in_channels + i;
                        block[((ky * kernel + kx) * padded_in + i) * width + (o - start)] = weights[source];
                    }
    }
}

MULTIVERSIONED
void ck_convolve(const float *padded, long height, long width, long padded_channels, long kernel,
                 const float *packed, long out_channels, const float *bias, float *output,
                 long first_pixel, long end_pixel) {
    const long border = kernel / 2, padded_width = width + 2 * border, padded_height = height + 2 * border;
    const long padded_out = ck_padded_channels(out_channels), image_pixels = height * width;
    const long row_stride = padded_width * padded_channels;
    for (long start = 0; start < padded_out; start += lanes * max_vectors) {
        const long vectors = minimum(max_vectors, (padded_out - start) / lanes);
        const long columns = minimum(lanes * vectors, out_channels - start);
        const float *block = packed + start * kernel * kernel * padded_channels;
        float block_bias[lanes * max_vectors] = {0};
        if (bias) memcpy(block_bias, bias + start, (size_t)columns * sizeof(float));
        const long step = tile_rows(vectors);
        for (long p = first_pixel; p < end_pixel; p += step) {
            const long rows = minimum(step, end_pixel - p);
            const float *a[max_rows];
            for (long i = 0; i < rows; i++) {
                const long pixel = p + i, image = pixel / image_pixels, within = pixel % image_pixels;
                a[i] = padded + ((image * padded_height + within / width) * padded_width + within % width) * padded_channels;
            }
            float *c = output + p * out_channels + start;
#define CONVOLVE(R, V) convolve_tile(R, V, a, block, kernel, padded_channels, row_stride, block_bias, c, out_channels, columns)
            SHAPE_CASES(CONVOLVE)
#undef CONVOLVE
        }
    }
}

MULTIVERSIONED
void ck_weight_gradient(const float *padded, const float *output_gradient, long height, long width,
                        long padded_channels, long kernel, long out_channels,
                        long first_image, long end_image, float *accumulator) {
    const long border = kernel / 2, padded_width = width + 2 * border, padded_height = height + 2 * border;
    const long run = kernel * padded_channels, padded_row = padded_width * padded_channels;
    const long image_stride = padded_height * padded_row;
    // Images in groups whose padded maps and gradients stay in the core's L2 cache while
    // every (kernel row, column block, channel group) tile sweeps over them.
    const long group = 16;
    for (long first = first_image; first < end_image; first += group) {
        const long end = minimum(end_image, first + group);
        for (long ky = 0; ky < kernel; ky++) {
            for (long column = 0; column < run; column += lanes * max_vectors) {
                const long vectors = minimum(max_vectors, (run - column) / lanes);
                const long step = tile_rows(vectors);
                for (long o = 0; o < out_channels; o += step) {
                    const long rows = minimum(step, out_channels - o);
                    float *c = accumulator + (o * kernel + ky) * run + column;
                    const float *b = padded + ky * padded_row + column;
#define GRADIENT(R, V)                                                                                          \
    gradient_tile(R, V, output_gradient, o, b, first, end, height, width, padded_channels, out_channels,         \
                  image_stride, padded_row, c, kernel * run)
                    SHAPE_CASES(GRADIENT)
#undef GRADIENT
                }
            }
        }
    }
}
