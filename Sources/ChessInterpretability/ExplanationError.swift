/// A setting or input an explanation run cannot use, with what is wrong.
public struct ExplanationError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
