#!/usr/bin/env python3
"""Re-judges `chess-concepts maximise` results with python-chess, the outside reference.

For every line of each results.jsonl given: the result board must be a valid position
(python-chess's Board.status() is STATUS_VALID), its FEN must read back unchanged, and
the concept's value by python-chess must equal `concept_true_after` (for in_check,
material_advantage and my_queen_attacked, written here from their definitions).
In play mode (`moves` present) the moves must be legal, one after the other, from the
start FEN and lead to the result. Prints one summary line per file, exits 1 on any
disagreement.

    python3 scripts/check-maximise-results.py maximise-output/results.jsonl maximise-output/play/results.jsonl
"""
import json
import sys

import chess

VALUES = {chess.PAWN: 1, chess.KNIGHT: 3, chess.BISHOP: 3, chess.ROOK: 5, chess.QUEEN: 9, chess.KING: 0}


def material(board, color):
    return sum(VALUES[piece.piece_type] for piece in board.piece_map().values() if piece.color == color)


CONCEPTS = {
    "in_check": lambda board: board.is_check(),
    "material_advantage": lambda board: material(board, board.turn) - material(board, not board.turn) >= 3,
    "my_queen_attacked": lambda board: any(board.is_attacked_by(not board.turn, square) for square in board.pieces(chess.QUEEN, board.turn)),
}


def check(path, concept):
    problems, lines, true_after = [], 0, 0
    judge = CONCEPTS.get(concept)
    for number, line in enumerate(open(path), start=1):
        record = json.loads(line)
        lines += 1
        board = chess.Board(record["result_fen"])
        if board.status() != chess.STATUS_VALID:
            problems.append(f"{path}:{number}: {record['result_fen']} is not valid for python-chess ({board.status()!r})")
        if board.fen() != record["result_fen"]:
            problems.append(f"{path}:{number}: FEN reads back as {board.fen()}")
        if "moves" in record:
            replay = chess.Board(record["fen"])
            for move in record["moves"]:
                if chess.Move.from_uci(move) not in replay.legal_moves:
                    problems.append(f"{path}:{number}: {move} is not legal in {replay.fen()}")
                    break
                replay.push_uci(move)
            if replay.board_fen() != board.board_fen() or replay.turn != board.turn:
                problems.append(f"{path}:{number}: the moves lead to {replay.fen()}, not {record['result_fen']}")
        if judge is not None:
            truth = judge(board)
            true_after += truth
            if truth != record["concept_true_after"]:
                problems.append(f"{path}:{number}: python-chess says {concept} is {truth} on {record['result_fen']}")
    bad = {problem.split(":")[1] for problem in problems}
    for problem in problems[:20]:
        print(problem)
    verdict = f"{true_after} with {concept} by python-chess" if judge else f"{concept} not re-judged"
    print(f"{path}: {lines} results, {lines - len(bad)} agree; {verdict}")
    return not problems


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    ok = True
    for path in sys.argv[1:]:
        manifest = json.load(open(path.rsplit("/", 1)[0] + "/run.json")) if "/" in path else json.load(open("run.json"))
        ok &= check(path, manifest["settings"]["concept"])
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
