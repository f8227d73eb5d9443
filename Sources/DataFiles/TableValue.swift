/// One cell of an output table.
public enum TableValue: Sendable, Equatable {
    case text(String)
    case integer(Int)
    case number(Double)
    case boolean(Bool)
    case missing

    /// A number written as an integer when it has no fractional part (concept labels are mostly counts).
    public init(_ value: Double) {
        if value.rounded() == value, abs(value) < 1e15 { self = .integer(Int(value)) } else { self = .number(value) }
    }
}
