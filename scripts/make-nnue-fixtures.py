#!/usr/bin/env python3
"""Writes Tests/NNUETests/Fixtures/stockfish-eval.jsonl: what Stockfish 15.1's `eval`
command prints of its NNUE for 256 positions, the conformance set of `chess-concepts eval`.

The positions come from the shipped self-play games, none in check, 32 per layer-stack
bucket (piece count) where the games have that many, the rest from the fullest buckets,
with both sides to move in equal numbers. Each line holds the FEN, the side to move,
"nnue_evaluation" (White's view, the "NNUE evaluation" line), "bucket" (the one marked
as used) and "buckets" (the table's PSQT and positional columns, as printed).

Reproduce with: apt-get install stockfish && pip install chess && python3 scripts/make-nnue-fixtures.py
"""
import gzip
import io
import json
import random
import re
import subprocess

import chess
import chess.pgn

PER_BUCKET, TOTAL, SEED = 32, 256, 1
ENGINE = "/usr/games/stockfish"

by_bucket = {bucket: {chess.WHITE: [], chess.BLACK: []} for bucket in range(8)}
with io.TextIOWrapper(gzip.open("positions/selfplay.pgn.gz"), encoding="utf-8") as handle:
    while (game := chess.pgn.read_game(handle)) is not None:
        board = game.board()
        for move in game.mainline_moves():
            board.push(move)
            if board.is_check() or board.is_game_over():
                continue
            bucket = (len(board.piece_map()) - 1) // 4
            by_bucket[bucket][board.turn].append(board.fen())

rng = random.Random(SEED)
chosen = []
for bucket in range(8):
    for side in (chess.WHITE, chess.BLACK):
        pool = sorted(set(by_bucket[bucket][side]))
        chosen += rng.sample(pool, min(PER_BUCKET // 2, len(pool)))
rest = sorted({fen for bucket in range(8) for side in by_bucket[bucket] for fen in by_bucket[bucket][side]} - set(chosen))
chosen += rng.sample(rest, TOTAL - len(chosen))

engine = subprocess.Popen([ENGINE], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)


def ask(command, until):
    engine.stdin.write(command + "\n")
    lines = []
    while True:
        line = engine.stdout.readline()
        if not line:
            raise SystemExit("stockfish exited")
        lines.append(line.rstrip("\n"))
        if until(line):
            return lines


ask("uci", lambda line: line.startswith("uciok"))


def pawns(text):
    """'-  0.04' → -0.04; a blank sign is zero."""
    sign, number = text[0], float(text[1:])
    return -number if sign == "-" else number


table_row = re.compile(r"^\|\s+(\d)\s+\|\s+([-+ ])\s*([\d.]+)\s+\|\s+([-+ ])\s*([\d.]+)\s+\|")
with open("Tests/NNUETests/Fixtures/stockfish-eval.jsonl", "w") as out:
    for fen in chosen:
        engine.stdin.write(f"position fen {fen}\n")
        lines = ask("eval", lambda line: line.startswith("Final evaluation"))
        buckets, used, evaluation = [], None, None
        for line in lines:
            match = table_row.match(line)
            if match:
                buckets.append({"psqt": pawns(match.group(2) + match.group(3)), "positional": pawns(match.group(4) + match.group(5))})
                if "this bucket is used" in line:
                    used = int(match.group(1))
            if line.startswith("NNUE evaluation"):
                evaluation = float(line.split()[2])
        assert len(buckets) == 8 and used is not None and evaluation is not None, lines
        record = {"fen": fen, "side_to_move": "white" if " w " in fen else "black", "nnue_evaluation": evaluation, "bucket": used, "buckets": buckets}
        out.write(json.dumps(record, separators=(",", ":")) + "\n")
engine.stdin.write("quit\n")
print(f"wrote {len(chosen)} positions")
