/// One change to a position's placement: the unit of concept backpropagation's search
/// over boards. Written as `+Qd5` (put), `-Nf3` (remove), `Bc1-e3` (move) and
/// `Nf3=q` (change type or colour), pieces in FEN letters (upper case White).
public enum BoardEdit: Hashable, Sendable, CustomStringConvertible {
    /// Put a piece on an empty square.
    case put(Piece, Square)
    /// Remove a piece (never a king).
    case remove(Piece, Square)
    /// Move a piece to an empty square (kings included).
    case move(Piece, from: Square, to: Square)
    /// Replace a piece (not a king) by another type or colour (not a king).
    case change(Piece, Square, to: Piece)

    public var description: String {
        switch self {
        case .put(let piece, let square): "+\(piece.fenSymbol)\(square)"
        case .remove(let piece, let square): "-\(piece.fenSymbol)\(square)"
        case .move(let piece, let from, let to): "\(piece.fenSymbol)\(from)-\(to)"
        case .change(let piece, let square, let replacement): "\(piece.fenSymbol)\(square)=\(replacement.fenSymbol)"
        }
    }

    /// The four kinds of edit, for choosing which a search may make.
    public enum Kind: String, CaseIterable, Codable, Sendable {
        case put, remove, move, change
    }

    /// This edit's kind.
    public var kind: Kind {
        switch self {
        case .put: .put
        case .remove: .remove
        case .move: .move
        case .change: .change
        }
    }

    /// The squares whose contents change.
    public var squares: [Square] {
        switch self {
        case .put(_, let square), .remove(_, let square), .change(_, let square, _): [square]
        case .move(_, let from, let to): [from, to]
        }
    }
}

extension Position {
    /// Every edit of the kinds `BoardEdit` names, valid or not (see `applying(_:)`).
    public var candidateEdits: [BoardEdit] { candidateEdits(of: Set(BoardEdit.Kind.allCases)) }

    /// Every edit of the given kinds, valid or not (see `applying(_:)`). Moves alone keep
    /// the material as it is.
    public func candidateEdits(of kinds: Set<BoardEdit.Kind>) -> [BoardEdit] {
        var edits = [BoardEdit]()
        let empty = Array(Bitboard(rawValue: ~occupied.rawValue))
        let placeable = Color.allCases.flatMap { color in PieceKind.allCases.filter { $0 != .king }.map { Piece($0, color) } }
        for square in occupied {
            let piece = piece(at: square)!
            if kinds.contains(.move) {
                for target in empty { edits.append(.move(piece, from: square, to: target)) }
            }
            guard piece.kind != .king else { continue }
            if kinds.contains(.remove) { edits.append(.remove(piece, square)) }
            if kinds.contains(.change) {
                for replacement in placeable where replacement != piece { edits.append(.change(piece, square, to: replacement)) }
            }
        }
        if kinds.contains(.put) {
            for square in empty {
                for piece in placeable { edits.append(.put(piece, square)) }
            }
        }
        return edits
    }

    /// The position after `edit` (which must fit this board, as `candidateEdits` do), or
    /// the issues that make it impossible. Castling rights
    /// whose king or rook has left home are dropped, and so is the en passant square (an
    /// edited board has no known last move); side to move and clocks stay.
    public func applying(_ edit: BoardEdit) -> Result<Position, PositionIssues> {
        var result = self
        switch edit {
        case .put(let piece, let square):
            precondition(self.piece(at: square) == nil && piece.kind != .king, "\(edit) does not fit \(fen)")
            result.put(piece, at: square)
        case .remove(let piece, let square):
            precondition(self.piece(at: square) == piece && piece.kind != .king, "\(edit) does not fit \(fen)")
            result.clear(square)
        case .move(let piece, let from, let to):
            precondition(self.piece(at: from) == piece && self.piece(at: to) == nil, "\(edit) does not fit \(fen)")
            result.clear(from)
            result.put(piece, at: to)
        case .change(let piece, let square, let replacement):
            precondition(self.piece(at: square) == piece && piece.kind != .king && replacement.kind != .king, "\(edit) does not fit \(fen)")
            result.clear(square)
            result.put(replacement, at: square)
        }
        result.dropInconsistentRights()
        let issues = result.issues
        return issues.isEmpty ? .success(result) : .failure(issues)
    }

    private mutating func dropInconsistentRights() {
        for (right, king, rook, color) in [(CastlingRights.whiteKingside, "e1", "h1", Color.white), (.whiteQueenside, "e1", "a1", .white),
                                           (.blackKingside, "e8", "h8", .black), (.blackQueenside, "e8", "a8", .black)]
        where castlingRights.contains(right) {
            if piece(at: Square(king)!) != Piece(.king, color) || piece(at: Square(rook)!) != Piece(.rook, color) {
                castlingRights.remove(right)
            }
        }
        // An edited board has no known last move, so no double step to capture en passant.
        enPassantIndex = 64
    }
}
