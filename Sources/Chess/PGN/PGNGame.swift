/// A game read from PGN: its tags and its move tree with comments, NAGs and variations.
///
/// The tree is stored flat: `nodes[0]` is the start, and each node lists its
/// continuations in `variations`, the first being the main line (python-chess's model).
public struct PGNGame: Sendable {
    /// A tag pair in file order.
    public struct Tag: Hashable, Sendable {
        public var name: String
        public var value: String
        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    /// One position of the move tree and the move that reached it.
    public struct Node: Sendable {
        /// The index of the node this move was played from; `nil` for the start.
        public let parent: Int?
        /// The move that reached this node (`Move.null` at the start).
        public let move: Move
        /// The position after `move`.
        public let position: Position
        /// Numeric annotation glyphs (`$1` = `!`, `$2` = `?`, …).
        public var nags: [Int] = []
        /// The comment after the move (at the start: the comment before the first move).
        public var comment = ""
        /// A comment standing before the move, as at the start of a variation.
        public var startingComment = ""
        /// The main-line continuation, if any.
        public internal(set) var mainContinuation: Int?
        /// Alternatives to the main-line continuation, in file order. Kept apart from it so that
        /// the common node with one continuation costs no array.
        public internal(set) var alternatives: [Int] = []

        /// Continuations from this node; the first is the main line.
        public var variations: [Int] { mainContinuation.map { [$0] + alternatives } ?? [] }
    }

    public var tags: [Tag]
    public private(set) var nodes: [Node]
    /// `1-0`, `0-1`, `1/2-1/2` or `*`.
    public var result: String
    /// The game's number in its file (1-based) and the line where it starts.
    public var number: Int
    public var line: Int
    /// Recoverable problems met while reading (an unreadable variation that was dropped).
    public var issues: [PGNError] = []

    /// An empty game from `start`.
    public init(start: Position = .start, tags: [Tag] = [], result: String = "*", number: Int = 1, line: Int = 1) {
        self.tags = tags
        self.nodes = [Node(parent: nil, move: .null, position: start)]
        self.result = result
        self.number = number
        self.line = line
    }

    /// The value of the first tag called `name`.
    public subscript(tag name: String) -> String? {
        get { tags.first { $0.name == name }?.value }
        set {
            if let index = tags.firstIndex(where: { $0.name == name }) {
                if let newValue { tags[index].value = newValue } else { tags.remove(at: index) }
            } else if let newValue {
                tags.append(Tag(name, newValue))
            }
        }
    }

    public var startPosition: Position { nodes[0].position }

    /// Node indices of the main line, from the start to the last move.
    public var mainline: [Int] {
        var line = [0]
        while let next = nodes[line.last!].mainContinuation { line.append(next) }
        return line
    }

    /// The main-line moves in order.
    public var mainlineMoves: [Move] { mainline.dropFirst().map { nodes[$0].move } }

    /// Adds `move` (legal in `parent`'s position) as the last continuation of `parent`
    /// and returns the new node's index.
    @discardableResult
    public mutating func add(_ move: Move, after parent: Int) -> Int {
        nodes.append(Node(parent: parent, move: move, position: nodes[parent].position.playing(move)))
        let index = nodes.count - 1
        if nodes[parent].mainContinuation == nil {
            nodes[parent].mainContinuation = index
        } else {
            nodes[parent].alternatives.append(index)
        }
        return index
    }

    /// Sets annotations of a node (comments, NAGs).
    public mutating func annotate(_ index: Int, _ update: (inout Node) -> Void) {
        update(&nodes[index])
    }
}
