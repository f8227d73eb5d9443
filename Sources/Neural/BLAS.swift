import COpenBLAS
import Dispatch
import Foundation

/// Dense linear algebra through OpenBLAS: every matrix product in the kit goes here.
///
/// OpenBLAS itself runs single-threaded: its worker threads spin (`sched_yield`)
/// between products and took a third of both cores from everything else in a
/// training step, measured. Large products are split across the cores here instead:
/// by rows of C, or — for the tall-and-thin weight gradients — along k, summing the
/// partial products.
public enum BLAS {
    private static let configured: Void = { openblas_set_num_threads(1) }()

    /// Products below this many multiply-adds are not worth a thread hand-off.
    static let parallelThreshold = 4_000_000

    /// C ← alpha·op(A)·op(B) + beta·C, row-major, where op(A) is m×k and op(B) is k×n.
    /// `parallel: false` keeps the product on the calling thread, for callers that
    /// already split their work across the cores. `rowStrideA` is the distance between
    /// A's rows in memory when A is a block of columns of a wider matrix.
    public static func gemm(
        _ a: UnsafePointer<Float>, transposeA: Bool = false,
        _ b: UnsafePointer<Float>, transposeB: Bool = false,
        _ c: UnsafeMutablePointer<Float>,
        m: Int, n: Int, k: Int, alpha: Float = 1, beta: Float = 0, parallel: Bool = true, rowStrideA: Int? = nil
    ) {
        configured
        let lda = rowStrideA ?? (transposeA ? m : k)
        let parts = ProcessInfo.processInfo.activeProcessorCount
        guard parallel, parts > 1, m * n * k >= parallelThreshold else {
            cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                        Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(transposeB ? k : n), beta, c, Int32(n))
            return
        }
        nonisolated(unsafe) let (a, b, c) = (a, b, c)
        if m >= 64 * parts {
            // Rows of C are independent: each part takes a band of rows of op(A) and of C.
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                let rows = (part * m / parts)..<((part + 1) * m / parts)
                let aBand = transposeA ? a + rows.lowerBound : a + rows.lowerBound * lda
                cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                            Int32(rows.count), Int32(n), Int32(k), alpha, aBand, Int32(lda), b, Int32(transposeB ? k : n),
                            beta, c + rows.lowerBound * n, Int32(n))
            }
        } else {
            // A small C with a long inner dimension (weight gradients): split k, add the partial products.
            nonisolated(unsafe) let partials = UnsafeMutablePointer<Float>.allocate(capacity: parts * m * n)
            defer { partials.deallocate() }
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                let span = (part * k / parts)..<((part + 1) * k / parts)
                let aSlice = transposeA ? a + span.lowerBound * lda : a + span.lowerBound
                let bSlice = transposeB ? b + span.lowerBound : b + span.lowerBound * n
                cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                            Int32(m), Int32(n), Int32(span.count), alpha, aSlice, Int32(lda), bSlice, Int32(transposeB ? k : n),
                            0, partials + part * m * n, Int32(n))
            }
            for index in 0..<(m * n) {
                var sum = beta == 0 ? 0 : beta * c[index]
                for part in 0..<parts { sum += partials[part * m * n + index] }
                c[index] = sum
            }
        }
    }

    /// y ← alpha·op(A)·x + beta·y for a row-major m×n matrix A, on the calling thread. A
    /// product with one column is memory-bound, and OpenBLAS's matrix–vector kernels stream
    /// it at memory speed where its matrix kernels do not.
    public static func gemv(_ a: UnsafePointer<Float>, transpose: Bool = false, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                            m: Int, n: Int, alpha: Float = 1, beta: Float = 0) {
        configured
        cblas_sgemv(CblasRowMajor, transpose ? CblasTrans : CblasNoTrans, Int32(m), Int32(n), alpha, a, Int32(n), x, 1, beta, y, 1)
    }

    /// C ← op(A)·op(B) for arrays (a convenience over the pointer form).
    public static func gemm(_ a: [Float], transposeA: Bool = false, _ b: [Float], transposeB: Bool = false,
                            _ c: inout [Float], m: Int, n: Int, k: Int) {
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                c.withUnsafeMutableBufferPointer { c in
                    gemm(a.baseAddress!, transposeA: transposeA, b.baseAddress!, transposeB: transposeB, c.baseAddress!, m: m, n: n, k: k)
                }
            }
        }
    }

    /// Solves A·X = B for a symmetric positive definite n×n matrix A (row-major; symmetric,
    /// so row- and column-major agree) and n×`columns` right-hand sides B, which are
    /// overwritten by X, through LAPACK's Cholesky `dposv`. Returns false, leaving B
    /// unusable, when A is not positive definite.
    public static func solvePositiveDefinite(_ a: [Double], n: Int, _ b: inout [Double], columns: Int = 1) -> Bool {
        precondition(a.count == n * n && b.count == n * columns, "A must be n×n and B n×\(columns)")
        configured
        var factor = a
        // LAPACK is column-major: B's columns must be contiguous.
        var columnMajor = [Double](repeating: 0, count: b.count)
        for row in 0..<n { for column in 0..<columns { columnMajor[column * n + row] = b[row * columns + column] } }
        var (order, count, info) = (Int32(n), Int32(columns), Int32(0))
        var uplo = CChar(UInt8(ascii: "L"))
        dposv_(&uplo, &order, &count, &factor, &order, &columnMajor, &order, &info)
        for row in 0..<n { for column in 0..<columns { b[row * columns + column] = columnMajor[column * n + row] } }
        return info == 0
    }

    /// The CPU kernel family OpenBLAS chose (its `OPENBLAS_CORETYPE` if that is set).
    public static var coreName: String { String(cString: openblas_get_corename()) }
}
