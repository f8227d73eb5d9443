#include "NeuralKernels.h"

#include <stdlib.h>
#include <string.h>

#include "Multiversioned.h"
#include "Tile.h"

// Winograd's minimal filtering F(2×2, 3×3) (Lavin & Gray, 2016): each 2×2 block of
// output pixels comes from the 4×4 input tile around it as
//     Y = Aᵀ [(G g Gᵀ) ⊙ (Bᵀ d B)] A,
// so a 3×3 convolution becomes 16 independent channel products (one per position ξ of
// the 4×4 transformed tile) with 16 multiplications per 2×2 outputs instead of 36.
// The transforms only add, subtract and halve, so the result differs from the direct
// sum by rounding alone. With
//     Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1],  G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1],
//     Aᵀ = [1 1 1 0; 0 1 −1 −1],
// the weight gradient is Gᵀ [Σ over tiles (Bᵀ d B) ⊙ (A ∂Y Aᵀ)] G.
//
// Images are processed a few at a time so that the transformed tiles of a group stay
// in the core's L2 cache between the transform and the products. The kernels read the
// NHWC map itself, with no bordered copy.

enum { positions = 16, group_images = 6 };

// Floats from one position's plane of transformed tiles to the next: one vector more
// than the tiles fill, so that the 16 planes, which a transform reads or writes
// together, do not all fall into the same sets of the L1 cache (their natural
// distance is a multiple of 4 KiB).
INLINE long plane_floats(long tiles, long row) { return tiles * row + lanes; }

// Bᵀ·(d0, d1, d2, d3) applied to vectors.
#define INPUT_TRANSFORM(d0, d1, d2, d3, r0, r1, r2, r3)                                                          \
    do {                                                                                                         \
        r0 = d0 - d2;                                                                                            \
        r1 = d1 + d2;                                                                                            \
        r2 = d2 - d1;                                                                                            \
        r3 = d1 - d3;                                                                                            \
    } while (0)

// A·(z0, z1): the transpose of Aᵀ, for output gradients.
#define GRADIENT_TRANSFORM(z0, z1, r0, r1, r2, r3)                                                               \
    do {                                                                                                         \
        r0 = z0;                                                                                                 \
        r1 = z0 + z1;                                                                                            \
        r2 = z0 - z1;                                                                                            \
        r3 = -z1;                                                                                                \
    } while (0)

long ck_winograd_weight_count(long out_channels, long in_channels) {
    return positions * in_channels * ck_padded_channels(out_channels);
}

void ck_winograd_weights(const float *weights, long out_channels, long in_channels, int transpose_flip,
                         float *transformed) {
    const long packed_out = transpose_flip ? in_channels : out_channels;
    const long packed_in = transpose_flip ? out_channels : in_channels;
    const long padded_out = ck_padded_channels(packed_out);
    memset(transformed, 0, (size_t)ck_winograd_weight_count(packed_out, packed_in) * sizeof(float));
    for (long i = 0; i < packed_in; i++) {
        for (long o = 0; o < packed_out; o++) {
            float g[3][3], t[4][3];
            for (long ky = 0; ky < 3; ky++)
                for (long kx = 0; kx < 3; kx++)
                    g[ky][kx] = transpose_flip ? weights[((i * 3 + (2 - ky)) * 3 + (2 - kx)) * in_channels + o]
                                               : weights[((o * 3 + ky) * 3 + kx) * in_channels + i];
            for (long c = 0; c < 3; c++) {
                t[0][c] = g[0][c];
                t[1][c] = 0.5f * (g[0][c] + g[1][c] + g[2][c]);
                t[2][c] = 0.5f * (g[0][c] - g[1][c] + g[2][c]);
                t[3][c] = g[2][c];
            }
            for (long r = 0; r < 4; r++) {
                const float u[4] = {t[r][0], 0.5f * (t[r][0] + t[r][1] + t[r][2]), 0.5f * (t[r][0] - t[r][1] + t[r][2]),
                                    t[r][2]};
                for (long s = 0; s < 4; s++) transformed[((r * 4 + s) * packed_in + i) * padded_out + o] = u[s];
            }
        }
    }
}

// Stores one row (r, 0 ..< 4) of a transformed tile: four positions, one plane apart.
INLINE void store_row(float *out, long plane, vec w0, vec w1, vec w2, vec w3) {
    store(out, w0);
    store(out + plane, w1);
    store(out + 2 * plane, w2);
    store(out + 3 * plane, w3);
}

// V[ξ][t][c] = (Bᵀ d B)ξ for the tiles of images first ..< end of an NHWC map, read in
// place: the tiles overhang the image by one pixel, read from `zeros` (padded_channels
// floats) so that the loads carry no test, and channels beyond `channels` up to the
// next multiple of 16 are zero.
INLINE void transform_inputs(const float *input, long first, long end, long height, long width, long channels,
                             const float *zeros, float *v) {
    const long padded_channels = ck_padded_channels(channels);
    const long tiles = (end - first) * (height / 2) * (width / 2), plane = plane_floats(tiles, padded_channels);
    long t = 0;
    for (long image = first; image < end; image++)
        for (long ty = 0; ty < height / 2; ty++)
            for (long tx = 0; tx < width / 2; tx++, t++) {
                const float *pixels[4][4];
                for (long r = 0; r < 4; r++)
                    for (long s = 0; s < 4; s++) {
                        const long y = 2 * ty - 1 + r, x = 2 * tx - 1 + s;
                        pixels[r][s] = y >= 0 && y < height && x >= 0 && x < width
                            ? input + ((image * height + y) * width + x) * channels : zeros;
                    }
                for (long c = 0; c < padded_channels; c += lanes) {
                    vec d[4][4], e[4][4];
                    if (channels - c >= lanes) {
                        for (long r = 0; r < 4; r++)
                            for (long s = 0; s < 4; s++) d[r][s] = load(pixels[r][s] + c);
                    } else {
                        for (long r = 0; r < 4; r++)
                            for (long s = 0; s < 4; s++) d[r][s] = load_part(pixels[r][s] + c, channels - c);
                    }
                    for (long s = 0; s < 4; s++) INPUT_TRANSFORM(d[0][s], d[1][s], d[2][s], d[3][s], e[0][s], e[1][s], e[2][s], e[3][s]);
                    for (long r = 0; r < 4; r++) {
                        vec w0, w1, w2, w3;
                        INPUT_TRANSFORM(e[r][0], e[r][1], e[r][2], e[r][3], w0, w1, w2, w3);
                        store_row(v + (r * 4) * plane + t * padded_channels + c, plane, w0, w1, w2, w3);
                    }
                }
            }
}

// output pixels of images first ..< end = Aᵀ M A + bias, M[ξ][t][o] with padded_out floats a tile.
INLINE void transform_outputs(const float *m, long first, long end, long height, long width, long out_channels,
                              const float *bias, float *output) {
    const long padded_out = ck_padded_channels(out_channels);
    const long tiles = (end - first) * (height / 2) * (width / 2), plane = plane_floats(tiles, padded_out);
    long t = 0;
    for (long image = first; image < end; image++)
        for (long ty = 0; ty < height / 2; ty++)
            for (long tx = 0; tx < width / 2; tx++, t++) {
                float *corner = output + ((image * height + 2 * ty) * width + 2 * tx) * out_channels;
                for (long o = 0; o < padded_out; o += lanes) {
                    const long count = out_channels - o;
                    vec p[4][4], q[2][4];
                    for (long r = 0; r < 4; r++)
                        for (long s = 0; s < 4; s++) p[r][s] = load(m + (r * 4 + s) * plane + t * padded_out + o);
                    for (long s = 0; s < 4; s++) {
                        q[0][s] = p[0][s] + p[1][s] + p[2][s];
                        q[1][s] = p[1][s] - p[2][s] - p[3][s];
                    }
                    const vec b = bias ? load_part(bias + o, count) : (vec){0};
                    for (long r = 0; r < 2; r++) {
                        store_part(corner + (r * width) * out_channels + o, q[r][0] + q[r][1] + q[r][2] + b, count);
                        store_part(corner + (r * width + 1) * out_channels + o, q[r][1] - q[r][2] - q[r][3] + b, count);
                    }
                }
            }
}

// Z[ξ][t][o] = (A ∂Y Aᵀ)ξ for the 2×2 output-gradient blocks of images first ..< end.
INLINE void transform_gradients(const float *output_gradient, long first, long end, long height, long width,
                                long out_channels, float *z) {
    const long padded_out = ck_padded_channels(out_channels);
    const long tiles = (end - first) * (height / 2) * (width / 2), plane = plane_floats(tiles, padded_out);
    long t = 0;
    for (long image = first; image < end; image++)
        for (long ty = 0; ty < height / 2; ty++)
            for (long tx = 0; tx < width / 2; tx++, t++) {
                const float *corner = output_gradient + ((image * height + 2 * ty) * width + 2 * tx) * out_channels;
                for (long o = 0; o < padded_out; o += lanes) {
                    const long count = out_channels - o;
                    vec y[2][2], e[4][2];
                    for (long r = 0; r < 2; r++)
                        for (long s = 0; s < 2; s++) y[r][s] = load_part(corner + (r * width + s) * out_channels + o, count);
                    for (long s = 0; s < 2; s++) GRADIENT_TRANSFORM(y[0][s], y[1][s], e[0][s], e[1][s], e[2][s], e[3][s]);
                    for (long r = 0; r < 4; r++) {
                        vec w0, w1, w2, w3;
                        GRADIENT_TRANSFORM(e[r][0], e[r][1], w0, w1, w2, w3);
                        store_row(z + (r * 4) * plane + t * padded_out + o, plane, w0, w1, w2, w3);
                    }
                }
            }
}

// One tile of a position's product: rows a[0 ..< rows] against `steps` rows of b, into
// (or, with `accumulate`, onto) the rows of c.
INLINE void product_tile(const long rows, const long vectors, const float *const a[], long a_step, const float *b,
                         long b_step, long steps, int accumulate, float *c, long c_row) {
    vec acc[max_rows][max_vectors];
#pragma clang loop unroll(full)
    for (long i = 0; i < rows; i++)
#pragma clang loop unroll(full)
        for (long j = 0; j < vectors; j++) acc[i][j] = accumulate ? load(c + i * c_row + lanes * j) : (vec){0};
    tile(rows, vectors, a, a_step, 0, b, b_step, 0, 1, steps, acc);
#pragma clang loop unroll(full)
    for (long i = 0; i < rows; i++)
#pragma clang loop unroll(full)
        for (long j = 0; j < vectors; j++) store(c + i * c_row + lanes * j, acc[i][j]);
}

// c[r][o] (+)= Σ_k a[r·a_row + k·a_step] · b[k][o] over rows r < count and k < steps: one
// position ξ's product. The convolution's rows are tiles and its steps input channels
// (m = v·u); the weight gradient's rows are input channels and its steps tiles (s += vᵀ·z).
INLINE void position_product(const float *a, long a_row, long a_step, long count, const float *b, long padded_out,
                             long steps, int accumulate, float *c) {
    for (long start = 0; start < padded_out; start += lanes * max_vectors) {
        const long vectors = minimum(max_vectors, (padded_out - start) / lanes);
        const long step = tile_rows(vectors);
        for (long r = 0; r < count; r += step) {
            const long rows = minimum(step, count - r);
            const float *row[max_rows];
            for (long i = 0; i < rows; i++) row[i] = a + (r + i) * a_row;
#define PRODUCT(R, V) product_tile(R, V, row, a_step, b + start, padded_out, steps, accumulate, c + r * padded_out + start, padded_out)
            SHAPE_CASES(PRODUCT)
#undef PRODUCT
        }
    }
}

// The buffers of one call, sized for a group of images: the transformed input tiles,
// the other operand's planes (products, or transformed output gradients) and a row
// of zeros for the pixels that tiles overhang.
typedef struct {
    float *tiles, *planes, *zeros;
} scratch;

INLINE scratch scratch_for(long image_tiles, long padded_channels, long padded_out) {
    const long most = group_images * image_tiles;
    return (scratch){
        .tiles = malloc((size_t)(positions * plane_floats(most, padded_channels)) * sizeof(float)),
        .planes = malloc((size_t)(positions * plane_floats(most, padded_out)) * sizeof(float)),
        .zeros = calloc((size_t)padded_channels, sizeof(float)),
    };
}

INLINE void scratch_free(scratch buffers) {
    free(buffers.tiles);
    free(buffers.planes);
    free(buffers.zeros);
}

MULTIVERSIONED
void ck_winograd_convolve(const float *input, long height, long width, long in_channels, const float *transformed,
                          long out_channels, const float *bias, float *output, long first_image, long end_image) {
    const long padded_channels = ck_padded_channels(in_channels), padded_out = ck_padded_channels(out_channels);
    const long image_tiles = (height / 2) * (width / 2);
    const scratch buffers = scratch_for(image_tiles, padded_channels, padded_out);
    for (long first = first_image; first < end_image; first += group_images) {
        const long end = minimum(end_image, first + group_images), tiles = (end - first) * image_tiles;
        transform_inputs(input, first, end, height, width, in_channels, buffers.zeros, buffers.tiles);
        for (long xi = 0; xi < positions; xi++)
            position_product(buffers.tiles + xi * plane_floats(tiles, padded_channels), padded_channels, 1, tiles,
                             transformed + xi * in_channels * padded_out, padded_out, in_channels, 0,
                             buffers.planes + xi * plane_floats(tiles, padded_out));
        transform_outputs(buffers.planes, first, end, height, width, out_channels, bias, output);
    }
    scratch_free(buffers);
}

MULTIVERSIONED
void ck_winograd_weight_gradient(const float *input, const float *output_gradient, long height, long width,
                                 long in_channels, long out_channels, long first_image, long end_image,
                                 float *accumulator) {
    const long padded_channels = ck_padded_channels(in_channels), padded_out = ck_padded_channels(out_channels);
    const long image_tiles = (height / 2) * (width / 2);
    const scratch buffers = scratch_for(image_tiles, padded_channels, padded_out);
    for (long first = first_image; first < end_image; first += group_images) {
        const long end = minimum(end_image, first + group_images), tiles = (end - first) * image_tiles;
        transform_inputs(input, first, end, height, width, in_channels, buffers.zeros, buffers.tiles);
        transform_gradients(output_gradient, first, end, height, width, out_channels, buffers.planes);
        for (long xi = 0; xi < positions; xi++)
            position_product(buffers.tiles + xi * plane_floats(tiles, padded_channels), 1, padded_channels, in_channels,
                             buffers.planes + xi * plane_floats(tiles, padded_out), padded_out, tiles, 1,
                             accumulator + xi * in_channels * padded_out);
    }
    scratch_free(buffers);
}

void ck_winograd_finish_weight_gradient(const float *accumulator, long out_channels, long in_channels,
                                        float *weight_gradient) {
    const long padded_out = ck_padded_channels(out_channels);
    for (long o = 0; o < out_channels; o++) {
        for (long i = 0; i < in_channels; i++) {
            float s[4][4], t[3][4];
            for (long xi = 0; xi < positions; xi++) s[xi / 4][xi % 4] = accumulator[(xi * in_channels + i) * padded_out + o];
            // Gᵀ S G, with Gᵀ = [1 ½ ½ 0; 0 ½ −½ 0; 0 ½ ½ 1].
            for (long c = 0; c < 4; c++) {
                t[0][c] = s[0][c] + 0.5f * (s[1][c] + s[2][c]);
                t[1][c] = 0.5f * (s[1][c] - s[2][c]);
                t[2][c] = 0.5f * (s[1][c] + s[2][c]) + s[3][c];
            }
            for (long ky = 0; ky < 3; ky++) {
                float *row = weight_gradient + ((o * 3 + ky) * 3) * in_channels + i;
                row[0] += t[ky][0] + 0.5f * (t[ky][1] + t[ky][2]);
                row[in_channels] += 0.5f * (t[ky][1] - t[ky][2]);
                row[2 * in_channels] += 0.5f * (t[ky][1] + t[ky][2]) + t[ky][3];
            }
        }
    }
}
