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
        let parts = processorCount
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

    /// G ← G + AᵀA for a row-major `rows` × `columns` block A, G the `columns` × `columns`
    /// Gram matrix (row-major; both triangles are written by `symmetrize`, only the lower here).
    public static func addGram(_ a: UnsafePointer<Double>, rows: Int, columns: Int, into g: UnsafeMutablePointer<Double>) {
        configured
        // Row-major G's lower triangle is column-major's upper one.
        cblas_dsyrk(CblasColMajor, CblasUpper, CblasNoTrans, Int32(columns), Int32(rows), 1, a, Int32(columns), 1, g, Int32(columns))
    }

    /// Copies the lower triangle of a row-major n×n matrix onto its upper triangle.
    public static func symmetrize(_ g: UnsafeMutablePointer<Double>, n: Int) {
        for row in 0..<n { for column in (row + 1)..<max(row + 1, n) { g[row * n + column] = g[column * n + row] } }
    }

    /// Eigenvalues (ascending) and orthonormal eigenvectors of a symmetric n×n matrix,
    /// through LAPACK's divide-and-conquer `dsyevd`. On return `a` holds the eigenvectors
    /// as its rows: row i is the eigenvector of eigenvalue i. Returns nil when LAPACK
    /// reports that the iteration failed to converge.
    public static func symmetricEigen(_ a: inout [Double], n: Int) -> [Double]? {
        precondition(a.count == n * n, "A must be n×n")
        configured
        guard n > 0 else { return [] }
        var values = [Double](repeating: 0, count: n)
        var (order, info) = (Int32(n), Int32(0))
        var job = CChar(UInt8(ascii: "V")), uplo = CChar(UInt8(ascii: "U"))
        var workSize = 0.0, integerWorkSize = Int32(0), query = Int32(-1)
        dsyevd_(&job, &uplo, &order, &a, &order, &values, &workSize, &query, &integerWorkSize, &query, &info)
        guard info == 0 else { return nil }
        // LAPACK returns the workspace size as a floating-point number; round up so it never falls short.
        var (lwork, liwork) = (Int32(workSize.rounded(.up)) + 1, integerWorkSize)
        var work = [Double](repeating: 0, count: Int(lwork)), integerWork = [Int32](repeating: 0, count: Int(liwork))
        // Column-major eigenvectors of the (symmetric) row-major matrix: column i of the result, read
        // row-major, is row i — the layout promised above.
        dsyevd_(&job, &uplo, &order, &a, &order, &values, &work, &lwork, &integerWork, &liwork, &info)
        return info == 0 ? values : nil
    }

    /// C ← alpha·op(A)·op(B) + beta·C in double precision, row-major, on the calling thread.
    public static func dgemm(_ a: UnsafePointer<Double>, transposeA: Bool = false, _ b: UnsafePointer<Double>, transposeB: Bool = false,
                             _ c: UnsafeMutablePointer<Double>, m: Int, n: Int, k: Int, alpha: Double = 1, beta: Double = 0) {
        configured
        cblas_dgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(transposeA ? m : k), b, Int32(transposeB ? k : n), beta, c, Int32(n))
    }

    /// The CPU kernel family OpenBLAS chose (its `OPENBLAS_CORETYPE` if that is set).
    public static var coreName: String { String(cString: openblas_get_corename()) }

}
