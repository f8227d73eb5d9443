#!/usr/bin/env python3
"""Generates the shipped training corpus: Stockfish 15.1 self-play from varied openings.

Every game i is determined by (--seed, i) alone: an ECO line from pgn-extract's
eco.pgn, a few uniformly random plies, then Stockfish moves at a fixed node budget
per side, drawn from a spread of budgets so that strengths differ and many games
are decisive. Stockfish runs single-threaded with a fixed hash and a fresh
'ucinewgame' per game, which makes its choices deterministic for a node budget.

    apt-get install stockfish pgn-extract && pip install chess
    python3 scripts/make-selfplay-corpus.py --games 6000 --seed 1 --workers 2 \
        --out positions/selfplay.pgn.gz

A long corpus is made in shards: --first N --games M writes games N … N+M−1 only.
Each shard is a complete gzip member, so shards written for consecutive ranges,
concatenated in order (cat a.pgn.gz b.pgn.gz), decompress to exactly the PGN one run
over the whole range writes; every game still depends on (--seed, its index) alone.
"""
import argparse
import gzip
import multiprocessing
import os
import random
import tempfile
import time

import subprocess

import chess
import chess.pgn

ECO = "/usr/share/pgn-extract/eco.pgn"
STOCKFISH = "/usr/games/stockfish"
NODE_BUDGETS = [50, 100, 200, 400, 800, 1600]
MAX_PLIES = 300


def openings():
    lines = []
    with open(ECO, encoding="utf-8", errors="replace") as handle:
        while (game := chess.pgn.read_game(handle)) is not None:
            moves = list(game.mainline_moves())
            if moves:
                lines.append((game.headers.get("ECO", "?"), game.headers.get("Opening", "?"), moves))
    return lines


class Engine:
    """A bare UCI pipe: python-chess's asyncio engine layer costs more than the search here."""

    def __init__(self):
        self.process = subprocess.Popen([STOCKFISH], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
        self.send("uci")
        self.wait("uciok")
        self.send("setoption name Threads value 1")
        self.send("setoption name Hash value 16")

    def send(self, command):
        self.process.stdin.write(command + "\n")

    def wait(self, prefix):
        for line in self.process.stdout:
            if line.startswith(prefix):
                return line.strip()
        raise RuntimeError("Stockfish closed its output")

    def new_game(self):
        self.send("ucinewgame")
        self.send("isready")
        self.wait("readyok")

    def best_move(self, board, nodes):
        moves = " ".join(move.uci() for move in board.move_stack)
        self.send("position startpos" + (" moves " + moves if moves else ""))
        self.send(f"go nodes {nodes}")
        return chess.Move.from_uci(self.wait("bestmove").split()[1])

    def quit(self):
        self.send("quit")
        self.process.wait()


def play_game(index, seed, lines, engine):
    rng = random.Random(seed * 1_000_003 + index)
    eco, opening, moves = rng.choice(lines)
    board = chess.Board()
    for move in moves:
        board.push(move)
    for _ in range(rng.randint(0, 4)):
        legal = list(board.legal_moves)
        if not legal or board.is_game_over():
            break
        board.push(rng.choice(legal))
    budgets = {chess.WHITE: rng.choice(NODE_BUDGETS), chess.BLACK: rng.choice(NODE_BUDGETS)}
    engine.new_game()
    termination = None
    while not board.is_game_over(claim_draw=True):
        if board.ply() >= MAX_PLIES:
            termination = "adjudicated draw at the ply limit"
            break
        board.push(engine.best_move(board, budgets[board.turn]))
    game = chess.pgn.Game.from_board(board)
    game.headers["Event"] = "ChessConcepts Stockfish self-play"
    game.headers["Site"] = "local"
    game.headers["Date"] = "????.??.??"
    game.headers["Round"] = str(index + 1)
    game.headers["White"] = f"Stockfish 15.1 nodes={budgets[chess.WHITE]}"
    game.headers["Black"] = f"Stockfish 15.1 nodes={budgets[chess.BLACK]}"
    game.headers["ECO"] = eco
    game.headers["Opening"] = opening
    if termination:
        game.headers["Result"] = "1/2-1/2"
        game.headers["Termination"] = termination
    else:
        outcome = board.outcome(claim_draw=True)
        game.headers["Result"] = outcome.result()
        game.headers["Termination"] = outcome.termination.name.lower().replace("_", " ")
    return str(game)


def worker(arguments):
    start, stop, seed, path = arguments
    lines = openings()
    engine = Engine()
    with open(path, "w") as out:
        for index in range(start, stop):
            out.write(play_game(index, seed, lines, engine) + "\n\n")
            out.flush()
    engine.quit()
    return path


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--games", type=int, default=6000, help="how many games to play")
    parser.add_argument("--first", type=int, default=0, help="index of the first game (for shards)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", default="positions/selfplay.pgn.gz")
    args = parser.parse_args()
    chunk = 50
    stop = args.first + args.games
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as directory:
        jobs = [(start, min(start + chunk, stop), args.seed, os.path.join(directory, f"{start:07d}.pgn"))
                for start in range(args.first, stop, chunk)]
        with multiprocessing.Pool(args.workers) as pool:
            for done, path in enumerate(pool.imap(worker, jobs), 1):
                print(f"{min(done * chunk, args.games)} / {args.games} games, {time.monotonic() - started:.0f} s", flush=True)
        partial = args.out + ".partial"
        # mtime=0 keeps the gzip bytes identical from run to run.
        with open(partial, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as out:
            for _, _, _, path in jobs:
                with open(path, "rb") as handle:
                    out.write(handle.read())
        os.replace(partial, args.out)


if __name__ == "__main__":
    main()
