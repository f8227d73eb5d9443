import Chess
import ChessModel
import Foundation
import Neural
import Interpretability

/// The relaxed search of the concept backpropagation paper, for comparison: continuous
/// add and clear masks over the twelve piece planes, applied with straight-through
/// rounding (the forward pass sees a binary board, the gradient flows to the masks),
/// minimising d(P, o) + λ·(mask mass) with Adam. The rounded masks are then projected
/// onto legal boards square by square, most confident change first, each kept only if
/// the board stays valid and the edit is of an allowed kind, up to the edit budget.
struct RelaxedSearch {
    let model: ProbedNetwork
    let target: SearchTarget
    let budget: Int
    /// Put, remove and change are what masks can express; moves are not.
    let kinds: Set<BoardEdit.Kind>
    var sparsity = 0.02
    var iterations = 60
    var learningRate = 0.3

    static let piecePlanes = 12

    func run(from initial: ConceptSearch.State, visited: inout [Position]) -> ConceptSearch.State {
        // The masks act on the own network's planes (`MaximiseRun` refuses other networks).
        let planes = BoardEncoder.encode([initial.position])
        let stride = BoardEncoder.planeCount
        let count = 64 * Self.piecePlanes
        // Logits of the add and clear masks, starting almost closed.
        var logits = [Double](repeating: -3, count: 2 * count)
        var moment = [Double](repeating: 0, count: 2 * count), velocity = [Double](repeating: 0, count: 2 * count)
        func present(_ index: Int) -> Bool { planes.storage[(index / Self.piecePlanes) * stride + index % Self.piecePlanes] > 0.5 }
        func sigmoid(_ x: Double) -> Double { 1 / (1 + exp(-x)) }
        for iteration in 1...iterations {
            var edited = planes
            for index in 0..<count where (present(index) ? sigmoid(logits[count + index]) : sigmoid(logits[index])) >= 0.5 {
                edited.storage[(index / Self.piecePlanes) * stride + index % Self.piecePlanes] = present(index) ? 0 : 1
            }
            let (output, gradient) = model.gradient(input: edited)
            let slope = target.distanceSlope(output)
            for index in 0..<count {
                let planeGradient = slope * Double(gradient.storage[(index / Self.piecePlanes) * stride + index % Self.piecePlanes])
                // Straight through the rounding: ∂x'/∂add = 1 − x, ∂x'/∂clear = −x; the L1 term acts on the mask that can change x.
                let slot = present(index) ? count + index : index
                let mask = sigmoid(logits[slot])
                let maskGradient = (present(index) ? -planeGradient : planeGradient) + sparsity
                let g = maskGradient * mask * (1 - mask)
                moment[slot] = 0.9 * moment[slot] + 0.1 * g
                velocity[slot] = 0.999 * velocity[slot] + 0.001 * g * g
                let corrected = moment[slot] / (1 - pow(0.9, Double(iteration)))
                let scale = (velocity[slot] / (1 - pow(0.999, Double(iteration)))).squareRoot() + 1e-8
                logits[slot] -= learningRate * corrected / scale
            }
        }
        // Per square: the piece the rounded masks ask for, and how sure they are.
        var wishes = [(square: Square, piece: Piece?, confidence: Double)]()
        for square in 0..<64 {
            let current = initial.position.piece(at: Square(file: square % 8, rank: square / 8))
            var added: (plane: Int, confidence: Double)?
            var cleared: Double?
            for plane in 0..<Self.piecePlanes {
                let index = square * Self.piecePlanes + plane
                if present(index) {
                    let mask = sigmoid(logits[count + index])
                    if mask >= 0.5 { cleared = mask }
                } else {
                    let mask = sigmoid(logits[index])
                    if mask >= 0.5, mask > (added?.confidence ?? 0) { added = (plane, mask) }
                }
            }
            let boardSquare = ConceptSearch.boardSquare(planeSquare: square, sideToMove: initial.position.sideToMove)
            if let added {
                let piece = Piece(PieceKind(rawValue: UInt8(added.plane % 6))!, added.plane < 6 ? initial.position.sideToMove : initial.position.sideToMove.opponent)
                if piece != current { wishes.append((boardSquare, piece, added.confidence)) }
            } else if let cleared {
                wishes.append((boardSquare, nil, cleared))
            }
        }
        var state = initial
        for wish in wishes.sorted(by: { $0.confidence > $1.confidence }) where state.steps.count < budget {
            let current = state.position.piece(at: wish.square)
            let edit: BoardEdit
            switch (current, wish.piece) {
            case (nil, let piece?) where piece.kind != .king: edit = .put(piece, wish.square)
            case (let piece?, nil) where piece.kind != .king: edit = .remove(piece, wish.square)
            case (let piece?, let replacement?) where piece.kind != .king && replacement.kind != .king: edit = .change(piece, wish.square, to: replacement)
            default: continue
            }
            guard kinds.contains(edit.kind), let next = try? state.position.applying(edit).get() else { continue }
            state = ConceptSearch.State(position: next, steps: state.steps + [.edit(edit)], output: state.output)
            visited.append(next)
        }
        guard !state.steps.isEmpty else { return initial }
        return ConceptSearch.State(position: state.position, steps: state.steps, output: model.outputs([state.position])[0])
    }
}

extension ConceptSearch {
    /// The board square behind a plane square (the planes are seen from the side to move).
    static func boardSquare(planeSquare: Int, sideToMove: Color) -> Square {
        let index = sideToMove == .white ? planeSquare : planeSquare ^ 56
        return Square(file: index % 8, rank: index / 8)
    }
}
