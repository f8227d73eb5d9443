#!/usr/bin/env python3
"""Writes Tests/ChessTests/Fixtures/random-positions.jsonl: positions reached by
seeded random play, each with python-chess's legal moves (UCI and SAN), normalised
FEN, Polyglot key and status, and Stockfish's perft counts.

Reproduce with: pip install chess && apt-get install stockfish &&
python3 scripts/make-chess-fixtures.py
"""
import json
import random
import subprocess

import chess
import chess.polyglot

COUNT = 500
DEPTH = 3
rng = random.Random(20261122)
out_path = "Tests/ChessTests/Fixtures/random-positions.jsonl"

# Starting points rich in castling, en passant, promotion and pin cases; random play
# from these (and from the start) reaches the rare rules far more often.
SEEDS = [
    chess.STARTING_FEN,
    "r3k2r/p1ppqpb1/bn2pnp1/3PN3/1p2P3/2N2Q1p/PPPBBPPP/R3K2R w KQkq - 0 1",
    "r3k2r/Pppp1ppp/1b3nbN/nP6/BBP1P3/q4N2/Pp1P2PP/R2Q1RK1 w kq - 0 1",
    "rnbq1k1r/pp1Pbppp/2p5/8/2B5/8/PPP1NnPP/RNBQK2R w KQ - 1 8",
    "r3k2r/8/8/8/8/8/8/R3K2R w KQkq - 0 1",
    "n1n5/PPPk4/8/8/8/8/4Kppp/5N1N b - - 0 1",
    "3k4/3p4/8/K1P4r/8/8/8/8 b - - 0 1",
    "8/2p5/3p4/KP5r/1R3p1k/8/4P1P1/8 w - - 0 1",
    "rnbqkbnr/pppp1ppp/8/8/4p3/8/PPPPPPPP/RNBQKBNR w KQkq - 0 1",
]

def random_position():
    start = rng.choice(SEEDS)
    board = chess.Board(start)
    if start != chess.STARTING_FEN:
        plies = rng.randint(0, 12)
        return play_randomly(board, plies)
    # A third each of openings, middlegames and long games, so castling, en passant and
    # promotions all occur.
    return play_randomly(board, rng.randint(*rng.choice([(0, 20), (20, 80), (80, 220)])))

def play_randomly(board, plies):
    for _ in range(plies):
        moves = list(board.legal_moves)
        if not moves:
            break
        # Prefer captures, promotions and castling now and then, so rare rules appear often.
        special = [m for m in moves if m.promotion or board.is_castling(m) or board.is_en_passant(m)]
        board.push(rng.choice(special) if special and rng.random() < 0.5 else rng.choice(moves))
        if board.is_game_over() and rng.random() < 0.7:
            break
    return board

engine = subprocess.Popen(["/usr/games/stockfish"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)

def stockfish_perft(fen, depth):
    engine.stdin.write(f"position fen {fen}\ngo perft {depth}\n")
    for line in engine.stdout:
        if line.startswith("Nodes searched:"):
            return int(line.split(":")[1])

seen = set()
with open(out_path, "w") as out:
    while len(seen) < COUNT:
        board = random_position()
        fen = board.fen(en_passant="xfen")
        if fen in seen:
            continue
        seen.add(fen)
        record = {
            "fen": fen,
            "normalizedFEN": board.fen(),
            "legal": sorted([[m.uci(), board.san(m)] for m in board.legal_moves]),
            "perft": [stockfish_perft(fen, d) for d in range(1, DEPTH + 1)],
            "zobrist": "%016x" % chess.polyglot.zobrist_hash(board),
            "check": board.is_check(),
            "checkmate": board.is_checkmate(),
            "stalemate": board.is_stalemate(),
            "insufficientMaterial": board.is_insufficient_material(),
        }
        out.write(json.dumps(record) + "\n")
engine.stdin.write("quit\n")
