/// One of the 64 squares, numbered a1 = 0, b1 = 1, …, h8 = 63 (little-endian rank-file).
public struct Square: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: UInt8

    @inlinable public init(rawValue: UInt8) {
        precondition(rawValue < 64, "square index out of range")
        self.rawValue = rawValue
    }

    @inlinable init(unchecked index: Int) { self.rawValue = UInt8(truncatingIfNeeded: index) }

    /// The square on `file` (0 = a) and `rank` (0 = first rank).
    @inlinable public init(file: Int, rank: Int) {
        precondition((0..<8).contains(file) && (0..<8).contains(rank), "file or rank out of range")
        self.rawValue = UInt8(rank * 8 + file)
    }

    /// The square named in algebraic notation (`"e4"`), or `nil`.
    public init?(_ name: some StringProtocol) {
        let bytes = Array(name.utf8)
        guard bytes.count == 2,
              (UInt8(ascii: "a")...UInt8(ascii: "h")).contains(bytes[0]),
              (UInt8(ascii: "1")...UInt8(ascii: "8")).contains(bytes[1])
        else { return nil }
        self.init(file: Int(bytes[0] - UInt8(ascii: "a")), rank: Int(bytes[1] - UInt8(ascii: "1")))
    }

    /// Index 0…63.
    @inlinable public var index: Int { Int(rawValue) }
    /// File 0…7 (a…h).
    @inlinable public var file: Int { Int(rawValue & 7) }
    /// Rank 0…7 (first…eighth).
    @inlinable public var rank: Int { Int(rawValue >> 3) }

    /// The same square seen from the other side of the board (a1 ↔ a8).
    @inlinable public var flippedVertically: Square { Square(unchecked: index ^ 56) }

    /// The single-square bitboard.
    @inlinable public var bitboard: Bitboard { Bitboard(rawValue: 1 << UInt64(rawValue)) }

    /// `true` for dark squares (a1 is dark).
    public var isDark: Bool { (file + rank) % 2 == 0 }

    /// The algebraic name, e.g. `"e4"`.
    public var name: String {
        String(decoding: [UInt8(ascii: "a") + UInt8(file), UInt8(ascii: "1") + UInt8(rank)], as: UTF8.self)
    }

    public var description: String { name }

    /// All 64 squares from a1 to h8.
    public static let all: [Square] = (0..<64).map { Square(unchecked: $0) }

    public static func < (lhs: Square, rhs: Square) -> Bool { lhs.rawValue < rhs.rawValue }
}
