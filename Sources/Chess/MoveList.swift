/// The legal moves of a position, held inline (no heap allocation).
///
/// 256 slots cover the largest known move count of a legal position (218).
public struct MoveList: RandomAccessCollection, Sendable {
    private var storage = InlineArray<256, Move>(repeating: .null)
    private var length = 0

    public init() {}

    public var startIndex: Int { 0 }
    public var endIndex: Int { length }
    public subscript(position: Int) -> Move {
        precondition(position < length, "move index out of range")
        return storage[position]
    }

    /// The moves as an array, copied in one pass.
    public var array: [Move] {
        [Move](unsafeUninitializedCapacity: length) { buffer, initialized in
            for index in 0..<length { buffer.initializeElement(at: index, to: storage[index]) }
            initialized = length
        }
    }

    @inline(__always) mutating func append(_ move: Move) {
        storage[length] = move
        length &+= 1
    }
}

extension MoveList: MoveSink {
    @inline(__always) mutating func addMoves(from: Int, targets: UInt64) {
        var bits = targets
        while bits != 0 {
            append(Move(from: from, to: bits.trailingZeroBitCount))
            bits &= bits &- 1
        }
    }

    @inline(__always) mutating func addPawnMoves(targets: UInt64, offset: Int) {
        var bits = targets
        while bits != 0 {
            let to = bits.trailingZeroBitCount
            append(Move(from: to - offset, to: to))
            bits &= bits &- 1
        }
    }

    @inline(__always) mutating func addPromotions(targets: UInt64, offset: Int) {
        var bits = targets
        while bits != 0 {
            let to = bits.trailingZeroBitCount
            let from = to - offset
            append(Move(from: from, to: to, kind: .promotion, promotion: .queen))
            append(Move(from: from, to: to, kind: .promotion, promotion: .rook))
            append(Move(from: from, to: to, kind: .promotion, promotion: .bishop))
            append(Move(from: from, to: to, kind: .promotion, promotion: .knight))
            bits &= bits &- 1
        }
    }

    @inline(__always) mutating func add(_ move: Move) { append(move) }
}
