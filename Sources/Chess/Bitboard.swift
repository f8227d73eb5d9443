/// A set of squares as a 64-bit mask (bit *i* is square *i*, a1 = bit 0).
public struct Bitboard: RawRepresentable, Hashable, Sendable, Sequence {
    public var rawValue: UInt64

    @inlinable public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// The set holding exactly `squares`.
    public init(_ squares: some Sequence<Square>) {
        rawValue = squares.reduce(0) { $0 | $1.bitboard.rawValue }
    }

    public static let empty = Bitboard(rawValue: 0)
    public static let full = Bitboard(rawValue: ~0)
    public static let darkSquares = Bitboard(rawValue: 0xAA55_AA55_AA55_AA55)
    public static let lightSquares = Bitboard(rawValue: ~0xAA55_AA55_AA55_AA55)

    /// The squares of file `file` (0 = a).
    @inlinable public static func file(_ file: Int) -> Bitboard { Bitboard(rawValue: 0x0101_0101_0101_0101 << UInt64(file)) }
    /// The squares of rank `rank` (0 = first rank).
    @inlinable public static func rank(_ rank: Int) -> Bitboard { Bitboard(rawValue: 0xFF << UInt64(8 * rank)) }

    @inlinable public var isEmpty: Bool { rawValue == 0 }
    /// Number of squares in the set.
    @inlinable public var count: Int { rawValue.nonzeroBitCount }
    /// `true` when the set holds two or more squares.
    @inlinable public var hasMoreThanOne: Bool { rawValue & (rawValue &- 1) != 0 }
    /// The lowest square of a non-empty set.
    @inlinable public var first: Square? { isEmpty ? nil : Square(unchecked: rawValue.trailingZeroBitCount) }

    @inlinable public func contains(_ square: Square) -> Bool { rawValue >> UInt64(square.rawValue) & 1 != 0 }
    @inlinable public mutating func insert(_ square: Square) { rawValue |= square.bitboard.rawValue }
    @inlinable public mutating func remove(_ square: Square) { rawValue &= ~square.bitboard.rawValue }

    /// The squares a knight on `square` attacks.
    public static func knightAttacks(from square: Square) -> Bitboard {
        Bitboard(rawValue: AttackTables.shared.knightAttacks(square.index))
    }

    /// The set mirrored top to bottom (a1 ↔ a8), as seen by the other side.
    @inlinable public var flippedVertically: Bitboard { Bitboard(rawValue: rawValue.byteSwapped) }

    @inlinable public static func & (a: Bitboard, b: Bitboard) -> Bitboard { Bitboard(rawValue: a.rawValue & b.rawValue) }
    @inlinable public static func | (a: Bitboard, b: Bitboard) -> Bitboard { Bitboard(rawValue: a.rawValue | b.rawValue) }
    @inlinable public static func ^ (a: Bitboard, b: Bitboard) -> Bitboard { Bitboard(rawValue: a.rawValue ^ b.rawValue) }
    @inlinable public static prefix func ~ (a: Bitboard) -> Bitboard { Bitboard(rawValue: ~a.rawValue) }
    @inlinable public static func &= (a: inout Bitboard, b: Bitboard) { a.rawValue &= b.rawValue }
    @inlinable public static func |= (a: inout Bitboard, b: Bitboard) { a.rawValue |= b.rawValue }
    @inlinable public static func ^= (a: inout Bitboard, b: Bitboard) { a.rawValue ^= b.rawValue }

    /// Iterates the squares from a1 towards h8.
    public struct Iterator: IteratorProtocol {
        @usableFromInline var remaining: UInt64
        @inlinable init(_ bits: UInt64) { remaining = bits }
        @inlinable public mutating func next() -> Square? {
            guard remaining != 0 else { return nil }
            let index = remaining.trailingZeroBitCount
            remaining &= remaining &- 1
            return Square(unchecked: index)
        }
    }

    @inlinable public func makeIterator() -> Iterator { Iterator(rawValue) }
    @inlinable public var underestimatedCount: Int { count }
}

extension Bitboard: CustomStringConvertible {
    /// An 8×8 diagram, eighth rank first, `x` for members.
    public var description: String {
        (0..<8).reversed().map { rank in
            (0..<8).map { contains(Square(file: $0, rank: rank)) ? "x" : "." }.joined(separator: " ")
        }.joined(separator: "\n")
    }
}
