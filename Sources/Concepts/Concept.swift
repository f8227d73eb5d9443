import Chess

/// A named property of a chess position that a probe can look for: material,
/// a tactic, a pawn-structure feature, ….
///
/// A concept is one value: its name, kind, perspective, a one-line summary and
/// the function that computes it. Adding one to the catalogue is one entry:
///
/// ```swift
/// Concept("my_bishop_pair", .binary, .sideToMove, "I have two or more bishops") { input in
///     input.position.pieces(.bishop, input.us).count >= 2 ? 1 : 0
/// }
/// ```
public struct Concept: Sendable, Identifiable {
    /// What kind of value the concept takes.
    public enum Kind: Sendable, Equatable {
        /// 0 or 1.
        case binary
        /// Any real number.
        case scalar
        /// An index into the given category names.
        case categorical([String])

        public var name: String {
            switch self {
            case .binary: "binary"
            case .scalar: "scalar"
            case .categorical: "categorical"
            }
        }
    }

    /// Whose point of view the value takes.
    public enum Perspective: String, Sendable {
        /// "Mine" is the side to move's, "opponent" the other side's: how AlphaZero-style networks see the board.
        case sideToMove = "side to move"
        /// Fixed colours (White's material, Black's king), where that is the natural reading.
        case absolute = "absolute"
    }

    public let name: String
    public let kind: Kind
    public let perspective: Perspective
    /// A one-line description.
    public let summary: String
    /// The computation, given the input and the side it is about. Keeping the side a
    /// stored value (not a captured one) lets the `my_`/`opp_` twins share one
    /// context-free function, which calls without reference counting.
    private let compute: @Sendable (ConceptInput, Color) -> Double
    private let aboutOpponent: Bool

    public var id: String { name }

    public init(_ name: String, _ kind: Kind, _ perspective: Perspective, _ summary: String,
                compute: @escaping @Sendable (ConceptInput) -> Double) {
        self.init(name, kind, perspective, summary, aboutOpponent: false) { input, _ in compute(input) }
    }

    init(_ name: String, _ kind: Kind, _ perspective: Perspective, _ summary: String, aboutOpponent: Bool,
         compute: @escaping @Sendable (ConceptInput, Color) -> Double) {
        self.name = name
        self.kind = kind
        self.perspective = perspective
        self.summary = summary
        self.aboutOpponent = aboutOpponent
        self.compute = compute
    }

    /// The concept's value on a position (with its history, when the input has one).
    public func value(_ input: ConceptInput) -> Double { compute(input, aboutOpponent ? input.them : input.us) }

    /// The concept's value on a lone position.
    public func value(_ position: Position) -> Double { value(ConceptInput(position)) }
}

extension Array where Element == Concept {
    /// Every concept's value on `input`, in order: the one loop that labels a position.
    public func values(_ input: ConceptInput) -> [Double] {
        // Borrowing each concept from the buffer avoids copying (and reference-counting) it.
        withUnsafeBufferPointer { concepts in
            [Double](unsafeUninitializedCapacity: concepts.count) { values, initialized in
                for index in 0..<concepts.count { values.initializeElement(at: index, to: concepts[index].value(input)) }
                initialized = concepts.count
            }
        }
    }
}
