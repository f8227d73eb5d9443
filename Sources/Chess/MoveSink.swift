/// Receives moves from the legal move generator in bulk, so the same generator can
/// fill a list or merely count (perft's leaf counting) without producing moves.
protocol MoveSink {
    /// Ordinary moves of the piece on `from` to every square of `targets`.
    mutating func addMoves(from: Int, targets: UInt64)
    /// Non-promoting pawn moves to `targets`, each from `target - offset`.
    mutating func addPawnMoves(targets: UInt64, offset: Int)
    /// Promotions (four each) to `targets`, each from `target - offset`.
    mutating func addPromotions(targets: UInt64, offset: Int)
    /// One special move (en passant or castling).
    mutating func add(_ move: Move)
    /// `true` once the sink needs no more moves; the generator may then stop early.
    var isSatisfied: Bool { get }
}

extension MoveSink {
    var isSatisfied: Bool { false }
}

/// Counts legal moves without materialising them.
struct MoveCounter: MoveSink {
    var count = 0
    @inline(__always) mutating func addMoves(from: Int, targets: UInt64) { count &+= targets.nonzeroBitCount }
    @inline(__always) mutating func addPawnMoves(targets: UInt64, offset: Int) { count &+= targets.nonzeroBitCount }
    @inline(__always) mutating func addPromotions(targets: UInt64, offset: Int) { count &+= 4 &* targets.nonzeroBitCount }
    @inline(__always) mutating func add(_ move: Move) { count &+= 1 }
}

/// Stops at the first legal move: answers "is there any legal move?" cheaply.
struct MoveDetector: MoveSink {
    var found = false
    @inline(__always) mutating func addMoves(from: Int, targets: UInt64) { found = found || targets != 0 }
    @inline(__always) mutating func addPawnMoves(targets: UInt64, offset: Int) { found = found || targets != 0 }
    @inline(__always) mutating func addPromotions(targets: UInt64, offset: Int) { found = found || targets != 0 }
    @inline(__always) mutating func add(_ move: Move) { found = true }
    var isSatisfied: Bool { found }
}
