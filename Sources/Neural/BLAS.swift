import COpenBLAS

/// Dense linear algebra through OpenBLAS: every matrix product in the kit goes here.
public enum BLAS {
    /// C ← alpha·op(A)·op(B) + beta·C, row-major, where op(A) is m×k and op(B) is k×n.
    public static func gemm(
        _ a: UnsafePointer<Float>, transposeA: Bool = false,
        _ b: UnsafePointer<Float>, transposeB: Bool = false,
        _ c: UnsafeMutablePointer<Float>,
        m: Int, n: Int, k: Int, alpha: Float = 1, beta: Float = 0
    ) {
        cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(transposeA ? m : k), b, Int32(transposeB ? k : n),
                    beta, c, Int32(n))
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

    /// How many threads OpenBLAS may use for one product.
    public static var threads: Int {
        get { Int(openblas_get_num_threads()) }
        set { openblas_set_num_threads(Int32(max(1, newValue))) }
    }

    /// The CPU kernel family OpenBLAS chose (its `OPENBLAS_CORETYPE` if that is set).
    public static var coreName: String { String(cString: openblas_get_corename()) }
}
