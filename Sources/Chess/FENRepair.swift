/// How FENs from files are read: refused on any fault, or with the faults that have one
/// sensible reading repaired and reported (see `Position(repairing:repairs:)`).
public enum FENReading: String, Sendable, CaseIterable {
    case strict, repairing
}

/// A fault in a FEN that has one sensible reading, and how it was read: what the
/// tolerant reader (`Position(repairing:repairs:)`) did instead of refusing the FEN.
public struct FENRepair: Equatable, Sendable, CustomStringConvertible {
    /// The field that held the fault.
    public let field: FENError.Field
    /// The offending text: the field's value, or the one castling right or square at fault.
    public let found: String
    /// What was done, such as `read as 1` or `dropped (…)`.
    public let repaired: String

    public init(field: FENError.Field, found: String, repaired: String) {
        self.field = field
        self.found = found
        self.repaired = repaired
    }

    /// `fullmove number '0' read as 1`.
    public var description: String { "\(field.rawValue) '\(found)' \(repaired)" }
}
